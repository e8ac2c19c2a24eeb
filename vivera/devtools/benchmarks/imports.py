"""Synthetic legacy export files for `vivera import_benchmark` (docs/benchmarks.md), and the
synthetic municipality they are imported into.

The files are as messy as real ones: clients in Windows-1252 with `;`, dossiers in UTF-8 with a
BOM and `,`, Dutch and ISO dates, Excel day numbers. Every row is valid, so the whole import is
measured: reading, checking and writing.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils.formats import date_format

from vivera.accounts.models import Role, User
from vivera.organisation.models import (
    Location,
    Municipality,
    Neighbourhood,
    PostcodeArea,
    Specialism,
    Team,
    TeamMembership,
)

MUNICIPALITY = ("Importbenchmark", "GM8990")
TEAMS = ("Noord", "Zuid")
LOCATION = "Wijkcentrum De Kern"
ADMIN = "importbenchmark-beheer"
PROFESSIONALS = 20
# Shares of the rows per file; what is left goes to the short contacts.
SHARES = {"clienten": 0.15, "dossiers": 0.15, "vragen": 0.20, "contacten": 0.30}
START = dt.date(2016, 1, 1)
DAYS = 730
EXCEL_EPOCH = dt.date(1899, 12, 30)
PROFESSIONAL_NAMES = [f"importbenchmark-{i}" for i in range(PROFESSIONALS)]
DOMAINS = [
    "financien",
    "huisvesting",
    "werk-opleiding",
    "Sociaal netwerk",
    "geestelijke-gezondheid",
    "opvoeding",
]
OUTCOMES = ["opgelost-team", "buurthuis", "maatwerk-sdd", "specialistisch", "ingetrokken"]


@dataclass(frozen=True)
class Sizes:
    clients: int
    dossiers: int
    questions: int
    contacts: int
    short_contacts: int

    @classmethod
    def for_rows(cls, rows: int) -> Sizes:
        counts = {name: int(rows * share) for name, share in SHARES.items()}
        counts["dossiers"] = counts["clienten"]  # one dossier per client
        short = rows - sum(counts.values())
        return cls(
            counts["clienten"], counts["dossiers"], counts["vragen"], counts["contacten"], short
        )

    @property
    def total(self) -> int:
        return self.clients + self.dossiers + self.questions + self.contacts + self.short_contacts


def setup_municipality() -> User:
    """The synthetic municipality with two teams, a walk-in location, postcode areas, an
    administrator and professionals. Returns the administrator."""
    name, code = MUNICIPALITY
    municipality = Municipality.objects.create(name=name, cbs_code=code)
    wijk = Neighbourhood.objects.create(
        municipality=municipality, name="Centrum", cbs_code="WK899001"
    )
    PostcodeArea.objects.bulk_create(
        PostcodeArea(neighbourhood=wijk, postcode=f"{pc}") for pc in range(8990, 9000)
    )
    teams = [Team.objects.create(municipality=municipality, name=t) for t in TEAMS]
    Location.objects.create(municipality=municipality, team=teams[0], name=LOCATION)
    password = make_password(None)  # nobody logs in as these users
    admin = User.objects.create(
        username=ADMIN, role=Role.ADMIN, municipality=municipality, password=password
    )
    pros = User.objects.bulk_create(
        User(username=name, role=Role.PROFESSIONAL, municipality=municipality, password=password)
        for name in PROFESSIONAL_NAMES
    )
    TeamMembership.objects.bulk_create(
        TeamMembership(
            team=teams[i % 2],
            user=u,
            specialism=Specialism.AMW,
            fte=Decimal("0.80"),
            start_date=START,
        )
        for i, u in enumerate(pros)
    )
    return admin


def _bsn(number: int) -> str | None:
    digits = f"{number:08d}"
    rest = sum(w * int(d) for w, d in zip((9, 8, 7, 6, 5, 4, 3, 2), digits, strict=True)) % 11
    return None if rest == 10 else digits + str(rest)


def _dutch(day: dt.date) -> str:
    """A date as the legacy system wrote it: day-month-year without leading zeros."""
    return date_format(day, "j-n-Y")


# A dossier's registration and closing dates, for the questions and contacts under it.
Spans = list[tuple[dt.date, dt.date | None]]


def write_files(folder: Path, rows: int, seed: int = 7) -> Sizes:
    """Write the five files for `rows` data rows in all to `folder`. One random generator, in
    this order, so the same rows and seed give the same files."""
    sizes = Sizes.for_rows(rows)
    rng = random.Random(seed)
    _write_clients(folder, sizes, rng)
    spans = _write_dossiers(folder, sizes, rng)
    _write_questions(folder, sizes, rng, spans)
    _write_contacts(folder, sizes, rng, spans)
    _write_short_contacts(folder, sizes, rng)
    return sizes


@contextmanager
def _csv_file(folder: Path, name: str, encoding: str, delimiter: str) -> Iterator[Any]:
    with (folder / name).open("w", encoding=encoding, newline="") as handle:
        yield csv.writer(handle, delimiter=delimiter)


def _write_clients(folder: Path, sizes: Sizes, rng: random.Random) -> None:
    """Windows-1252 with `;`, as an old Excel saves it; every client a valid BSN or none."""
    with _csv_file(folder, "clienten.csv", "cp1252", ";") as out:
        out.writerow(
            [
                "clientnummer",
                "voornaam",
                "tussenvoegsel",
                "achternaam",
                "geboortedatum",
                "bsn",
                "postcode",
                "huisnummer",
            ]
        )
        number = 10_000_000
        for i in range(sizes.clients):
            bsn = None
            while bsn is None:
                number += 1
                bsn = _bsn(number)
            birth = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(28_000))
            out.writerow(
                [
                    f"K{i}",
                    rng.choice(["Dédé", "Anneke", "Mohamed", "Zoë", "Jan"]),
                    rng.choice(["", "", "van", "de", "van der"]),
                    rng.choice(["Jansen", "Çelik", "Bakker", "Brontë", "Visser"]),
                    _dutch(birth),
                    bsn if rng.random() < 0.7 else "",
                    f"{rng.randrange(8990, 9000)} {rng.choice(['AB', 'CD', 'EF'])}",
                    str(rng.randrange(1, 200)),
                ]
            )


def _write_dossiers(folder: Path, sizes: Sizes, rng: random.Random) -> Spans:
    """UTF-8 with a BOM and `,`; one dossier per client, its dates in three styles."""
    spans: Spans = []
    with _csv_file(folder, "dossiers.csv", "utf-8-sig", ",") as out:
        out.writerow(
            [
                "dossiernummer",
                "clientnummer",
                "team",
                "verwijzer",
                "casusregisseur",
                "aanmelddatum",
                "wachtlijstdatum",
                "intakedatum",
                "afsluitdatum",
                "complexiteit",
            ]
        )
        for i in range(sizes.dossiers):
            registered = START + dt.timedelta(days=rng.randrange(DAYS))
            waiting = registered + dt.timedelta(days=2) if rng.random() < 0.3 else None
            intake = (
                registered + dt.timedelta(days=rng.randrange(3, 40))
                if rng.random() < 0.85
                else None
            )
            closed = None
            if rng.random() < 0.7:
                closed = (intake or registered) + dt.timedelta(days=rng.randrange(20, 300))
            spans.append((registered, closed))
            # Dates as they come: Dutch, ISO and Excel's day numbers.
            style = i % 3

            def write(day: dt.date | None, style: int = style) -> str:
                if day is None:
                    return ""
                return (_dutch(day), day.isoformat(), str((day - EXCEL_EPOCH).days))[style]

            out.writerow(
                [
                    f"D{i}",
                    f"K{i}",
                    TEAMS[i % 2],
                    rng.choice(["huisarts", "zelf", "sdd"]),
                    rng.choice(PROFESSIONAL_NAMES) if intake else "",
                    write(registered),
                    write(waiting),
                    write(intake),
                    write(closed),
                    rng.choice(["enkelvoudig", "meervoudig", "complex"]),
                ]
            )
    return spans


def _write_questions(folder: Path, sizes: Sizes, rng: random.Random, spans: Spans) -> None:
    with _csv_file(folder, "vragen.csv", "utf-8", ";") as out:
        out.writerow(
            ["vraagnummer", "dossiernummer", "levensdomein", "geopend", "gesloten", "uitkomst"]
        )
        for i in range(sizes.questions):
            d = i % sizes.dossiers
            registered, closed = spans[d]
            opened = registered + dt.timedelta(days=rng.randrange(0, 10))
            if closed is not None:
                opened = min(opened, closed)
                lead = rng.randrange(0, 1 + (closed - opened).days)
                shut: dt.date | None = closed - dt.timedelta(days=lead)
            elif rng.random() < 0.5:
                shut = opened + dt.timedelta(days=rng.randrange(5, 90))
            else:
                shut = None
            out.writerow(
                [
                    f"V{i}",
                    f"D{d}",
                    rng.choice(DOMAINS),
                    _dutch(opened),
                    _dutch(shut) if shut else "",
                    rng.choice(OUTCOMES) if shut else "",
                ]
            )


def _write_contacts(folder: Path, sizes: Sizes, rng: random.Random, spans: Spans) -> None:
    with _csv_file(folder, "contacten.csv", "utf-8", ";") as out:
        out.writerow(
            [
                "contactnummer",
                "dossiernummer",
                "datum",
                "soort",
                "duur_minuten",
                "met",
                "kerntaak",
                "medewerkers",
            ]
        )
        pros = PROFESSIONAL_NAMES
        for i in range(sizes.contacts):
            d = i % sizes.dossiers
            registered, closed = spans[d]
            last = closed or registered + dt.timedelta(days=120)
            date = registered + dt.timedelta(days=rng.randrange(0, 1 + (last - registered).days))
            out.writerow(
                [
                    f"C{i}",
                    f"D{d}",
                    date.isoformat(),
                    rng.choice(["huisbezoek", "telefoon", "kantoor", "email"]),
                    str(rng.choice([15, 30, 45, 60, 90])),
                    rng.choice(["client", "netwerk", ""]),
                    rng.choice(["ondersteuning", "informatie", "verwijzing"]),
                    rng.choice(pros) + (f", {rng.choice(pros)}" if rng.random() < 0.2 else ""),
                ]
            )


def _write_short_contacts(folder: Path, sizes: Sizes, rng: random.Random) -> None:
    with _csv_file(folder, "korte_contacten.csv", "utf-8", ";") as out:
        out.writerow(["datum", "dagdeel", "kanaal", "inlooppunt", "onderwerp", "resultaat", "team"])
        for _i in range(sizes.short_contacts):
            walk_in = rng.random() < 0.4
            out.writerow(
                [
                    _dutch(START + dt.timedelta(days=rng.randrange(DAYS))),
                    rng.choice(["ochtend", "middag", "avond"]),
                    "inloop" if walk_in else rng.choice(["telefoon", "email"]),
                    LOCATION if walk_in else "",
                    rng.choice(DOMAINS),
                    rng.choice(["beantwoord", "verwezen"]),
                    rng.choice(TEAMS),
                ]
            )


# --- A decompression bomb (docs/benchmarks.md, "The import refuses a decompression bomb") -------

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SHEET = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml."
_BOMB_PARTS = {
    "[Content_Types].xml": (
        f'{_XML}<Types xmlns="{_PACKAGE}content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_MIME}sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_MIME}worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'{_XML}<Relationships xmlns="{_PACKAGE}relationships">'
        f'<Relationship Id="rId1" Type="{_OFFICE}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'{_XML}<workbook xmlns="{_SHEET}" xmlns:r="{_OFFICE}">'
        '<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'{_XML}<Relationships xmlns="{_PACKAGE}relationships">'
        f'<Relationship Id="rId1" Type="{_OFFICE}/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"
    ),
}


def _inline(value: str) -> str:
    return f'<c t="inlineStr"><is><t>{value}</t></is></c>' if value else "<c/>"


def write_xlsx_bomb(
    path: Path, rows: int = 1_000_000, *, dimension: str = "A1:H2", numbered: bool = False
) -> None:
    """A `clienten` workbook of `rows` identical client rows under a real header, written
    straight into the ZIP (no spreadsheet library, a row at a time): a million rows are
    about 110 MB of XML that deflate packs into about 0.5 MB. The sheet's `dimension` claims
    two rows, as a lying file would. With `numbered`, rows and cells carry their numbers
    (`r="A2"`) and differ, as a spreadsheet program writes them: that compresses about 20
    times, like a real export, so it passes a check on the compression ratio and only
    counting the rows stops it."""
    header = [
        "clientnummer",
        "voornaam",
        "tussenvoegsel",
        "achternaam",
        "geboortedatum",
        "bsn",
        "postcode",
        "huisnummer",
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in _BOMB_PARTS.items():
            archive.writestr(name, content)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                f'{_XML}<worksheet xmlns="{_SHEET}"><dimension ref="{dimension}"/>'
                f"<sheetData><row>{''.join(_inline(h) for h in header)}</row>".encode()
            )
            if numbered:
                for line in range(2, rows + 2):
                    sheet.write(
                        f'<row r="{line}"><c r="A{line}"><v>{line}</v></c>'
                        f'<c r="B{line}" t="inlineStr"><is><t>Jan</t></is></c>'
                        f'<c r="D{line}" t="inlineStr"><is><t>Jansen</t></is></c>'
                        "</row>".encode()
                    )
            else:
                row = (
                    f"<row><c><v>1</v></c>{_inline('Jan')}<c/>{_inline('Jansen')}"
                    f"{_inline('01-01-1970')}</row>"
                )
                block = row.encode() * 1_000
                for _ in range(rows // 1_000):
                    sheet.write(block)
                sheet.write(row.encode() * (rows % 1_000))
            sheet.write(b"</sheetData></worksheet>")


@dataclass(frozen=True)
class Measured:
    returncode: int
    seconds: float  # wall-clock time of the child process
    max_rss_mb: float  # its peak resident memory
    output: str  # what it printed (stdout and stderr)


# Runs the command given after the result file's name in a grandchild and writes its exit code,
# peak memory (kB) and seconds to that file. A process started by `vivera` or pytest directly
# would report their memory as its own: Linux keeps the parent's high-water mark across the
# fork (or vfork) and exec that start a child. This small interpreter (no site packages) is the
# parent instead, so the figure is the command's own, give or take its 10 MB.
_MEASURE = """
import os, sys, time
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_pid, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as result:
    result.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss} "
                 f"{time.perf_counter() - started}")
"""


def run_measured(command: list[str], env: dict[str, str], timeout: float = 300) -> Measured:
    """Run `command` (its first item a full path) in a child process and measure its time and
    peak resident memory (`ru_maxrss` from `wait4` for that one process, see `_MEASURE`)."""
    import os
    import signal
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory(prefix="vivera-measure-") as folder:
        result = Path(folder) / "result"
        child = subprocess.Popen(
            [sys.executable, "-S", "-c", _MEASURE, str(result), *command],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            output, _err = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            output, _err = child.communicate()
            return Measured(-9, timeout, 0.0, output.decode("utf-8", errors="replace"))
        code, rss, seconds = result.read_text().split()
    return Measured(
        int(code), float(seconds), int(rss) / 1024, output.decode("utf-8", errors="replace")
    )
