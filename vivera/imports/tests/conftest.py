"""Legacy export files written by the tests themselves, as messy as real ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from vivera.accounts.models import User
from vivera.conftest import PASSWORD

Rows = Sequence[Sequence[Any]]

CLIENT_HEADER = [
    "clientnummer",
    "voornaam",
    "tussenvoegsel",
    "achternaam",
    "geboortedatum",
    "bsn",
    "postcode",
    "huisnummer",
]
DOSSIER_HEADER = [
    "dossiernummer",
    "clientnummer",
    "team",
    "verwijzer",
    "casusregisseur",
    "aanmelddatum",
    "intakedatum",
    "afsluitdatum",
]
QUESTION_HEADER = [
    "vraagnummer",
    "dossiernummer",
    "levensdomein",
    "geopend",
    "gesloten",
    "uitkomst",
]
CONTACT_HEADER = [
    "contactnummer",
    "dossiernummer",
    "datum",
    "soort",
    "duur_minuten",
    "met",
    "kerntaak",
    "medewerkers",
]
SHORT_HEADER = ["datum", "dagdeel", "kanaal", "inlooppunt", "onderwerp", "resultaat", "team"]


def write_csv(
    folder: Path,
    name: str,
    header: Sequence[str],
    rows: Rows,
    *,
    delimiter: str = ";",
    encoding: str = "utf-8",
) -> Path:
    """A CSV as a spreadsheet program writes it: `encoding` "utf-8-sig" adds a BOM, "cp1252"
    is Excel on Windows."""

    def cell(value: Any) -> str:
        text = "" if value is None else str(value)
        return f'"{text}"' if delimiter in text or '"' in text else text

    lines = [delimiter.join(cell(v) for v in line) for line in [header, *rows]]
    path = folder / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def write_xlsx(
    folder: Path,
    name: str,
    header: Sequence[str],
    rows: Rows,
    formats: dict[int, str] | None = None,
) -> Path:
    """An XLSX workbook; `formats` gives a column (by index) a number format."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    for index, number_format in (formats or {}).items():
        for cells in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
            cells[0].number_format = number_format
    path = folder / name
    workbook.save(path)
    return path


@pytest.fixture
def legacy(
    tmp_path: Path,
    municipality: Any,
    neighbourhood: Any,
    team_oost: Any,
    location: Any,
    pro: User,
    colleague: User,
) -> Callable[..., Path]:
    """A folder with a small, valid legacy export, every kind of file; each file can be
    replaced. Client 1 (Dédé) has a closed dossier, client 2 an open one in care."""

    def make(**override: Rows) -> Path:
        files: dict[str, tuple[list[str], Rows]] = {
            "clienten.csv": (
                CLIENT_HEADER,
                [
                    ["1", "Dédé", "", "Verbeek", "14-03-1961", "123456782", "9991 AB", "12"],
                    ["2", "Ans", "van der", "Berg", "1975-01-31", "", "9991CD", "3a"],
                ],
            ),
            "dossiers.csv": (
                DOSSIER_HEADER,
                [
                    [
                        "D1",
                        "1",
                        "Oost",
                        "huisarts",
                        "pro",
                        "02-01-2017",
                        "15-01-2017",
                        "30-06-2017",
                    ],
                    [
                        "D2",
                        "2",
                        "oost",
                        "Zelf (inwoner)",
                        "colleague",
                        "2017-03-01",
                        "2017-03-20",
                        "",
                    ],
                ],
            ),
            "vragen.csv": (
                QUESTION_HEADER,
                [
                    ["V1", "D1", "financien", "02-01-2017", "01-06-2017", "opgelost-team"],
                    ["V2", "D2", "Huisvesting", "2017-03-01", "", ""],
                ],
            ),
            "contacten.csv": (
                CONTACT_HEADER,
                [
                    [
                        "C1",
                        "D1",
                        "16-01-2017",
                        "huisbezoek",
                        "60",
                        "client",
                        "ondersteuning",
                        "pro, colleague",
                    ],
                    ["C2", "D2", "2017-03-21", "telefoon", "15", "", "", ""],
                ],
            ),
            "korte_contacten.csv": (
                SHORT_HEADER,
                [
                    [
                        "01-02-2017",
                        "ochtend",
                        "inloop",
                        "Buurthuis De Brug",
                        "financien",
                        "beantwoord",
                        "",
                    ],
                    ["01-02-2017", "ochtend", "telefoon", "", "financien", "beantwoord", "Oost"],
                    ["01-02-2017", "ochtend", "telefoon", "", "financien", "beantwoord", "Oost"],
                ],
            ),
        }
        folder = tmp_path / "export"
        folder.mkdir(exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
        for name, (header, rows) in files.items():
            key = name.split(".")[0]
            write_csv(folder, name, header, override.get(key, rows))
        return folder

    return make


@pytest.fixture
def admin_login(admin_user: User) -> tuple[str, str]:
    return admin_user.username, PASSWORD


def days_ago(days: int) -> dt.date:
    return dt.date.today() - dt.timedelta(days=days)
