"""What one import file may hold (docs/import.md, "Grenzen"): a small XLSX that unpacks into a
million rows (a decompression bomb), a sheet that lies about its size, a header of thousands of
columns, a CSV of one endless line, a broken ZIP. Each is refused as a whole with a message
that says which limit, before it fills the memory; and then nothing is imported."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from vivera.conftest import login
from vivera.devtools.benchmarks import imports as bench
from vivera.devtools.testing.kill import VIVERA, child_database, ok
from vivera.imports.models import ImportRun, Mode, Outcome
from vivera.imports.readers import MAX_LINE_CHARS, Limits, ReadError, read_bytes, read_file
from vivera.imports.report import report_lines
from vivera.imports.services import import_run, read_paths
from vivera.registration.models import Client, Dossier

from .conftest import write_xlsx

LIMITS = Limits(rows=1_000, megabytes=5, ratio=100, columns=20)
SHEET = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook(sheet_xml: str, *, parts: dict[str, bytes] | None = None) -> bytes:
    """A minimal XLSX whose first sheet is `sheet_xml` (the rest of a `<worksheet>`)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in bench._BOMB_PARTS.items():
            archive.writestr(name, content)
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<?xml version="1.0"?><worksheet xmlns="{SHEET}">{sheet_xml}</worksheet>',
        )
        for name, content in (parts or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def refusal(name: str, data: bytes, limits: Limits = LIMITS) -> ReadError:
    with pytest.raises(ReadError) as caught:
        read_bytes(name, data, limits)
    return caught.value


# --- XLSX ----------------------------------------------------------------------------------


def test_the_bomb_is_refused_by_its_compression_ratio_before_it_is_unpacked(tmp_path):
    path = tmp_path / "clienten.xlsx"
    bench.write_xlsx_bomb(path, 200_000)  # 32 MB of XML in 0.1 MB
    assert path.stat().st_size < 200_000
    with pytest.raises(ReadError) as caught:
        read_file(path, Limits(rows=250_000, megabytes=200, ratio=100))
    assert caught.value.code == "compression_ratio"
    assert "xl/worksheets/sheet1.xml" in str(caught.value) and "100" in str(caught.value)


def test_a_workbook_that_unpacks_beyond_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "clienten.xlsx"
    bench.write_xlsx_bomb(path, 40_000, numbered=True)  # 6 MB unpacked, packed as usual
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(part.file_size for part in archive.infolist())
    assert unpacked > 5 * 1024 * 1024 and path.stat().st_size * 20 > unpacked
    with pytest.raises(ReadError) as caught:
        read_file(path, Limits(rows=250_000, megabytes=5, ratio=100))
    assert caught.value.code == "too_large"
    assert "VIVERA_IMPORT_MAX_UNCOMPRESSED_MB" in str(caught.value)


def test_rows_beyond_the_limit_are_refused_and_up_to_it_are_read(tmp_path):
    path = tmp_path / "clienten.xlsx"
    bench.write_xlsx_bomb(path, 1_001, numbered=True)
    with pytest.raises(ReadError) as caught:
        read_file(path, LIMITS)
    assert caught.value.code == "too_many_rows"
    assert "1.000" in str(caught.value) or "1,000" in str(caught.value)

    table = read_file(path, Limits(rows=1_001, megabytes=5, ratio=100))
    assert len(table.rows) == 1_001 and table.rows[-1].line == 1_002


def test_rows_are_counted_as_they_come_not_by_their_tags():
    """Two row elements, the second numbered 5,000: the rows in between exist (empty), and
    reading counts them instead of trusting the tags or the sheet's dimension."""
    data = workbook(
        '<dimension ref="A1:B2"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>clientnummer</t></is></c></row>'
        '<row r="5000"><c r="A5000"><v>1</v></c></row></sheetData>'
    )
    assert refusal("clienten.xlsx", data).code == "too_many_rows"
    assert (
        len(read_bytes("clienten.xlsx", data, Limits(rows=5_000, megabytes=5, ratio=100)).rows) == 1
    )


def test_a_lying_dimension_is_not_trusted():
    rows = "".join(
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="B{n}"><v>{n}</v></c></row>'
        for n in range(2, 6)
    )
    header = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>b</t></is></c></row>'
    )
    too_small = workbook(f'<dimension ref="A1:A1"/><sheetData>{header}{rows}</sheetData>')
    table = read_bytes("vragen.xlsx", too_small, LIMITS)
    assert table.headers == ["a", "b"] and [r.values for r in table.rows][-1] == [5, 5]
    too_large = workbook(f'<dimension ref="A1:XFD1048576"/><sheetData>{header}{rows}</sheetData>')
    table = read_bytes("vragen.xlsx", too_large, LIMITS)
    assert len(table.rows) == 4 and {len(r.values) for r in table.rows} == {2}


def test_a_cell_far_to_the_right_does_not_widen_the_rows():
    data = workbook(
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'
        '<row r="2"><c r="A2"><v>1</v></c><c r="XFD2"><v>2</v></c></row>'
        "</sheetData>"
    )
    table = read_bytes("vragen.xlsx", data, LIMITS)
    assert [r.values for r in table.rows] == [[1]]


def test_a_header_wider_than_the_limit_is_refused():
    cells = "".join(f'<c t="inlineStr"><is><t>k{n}</t></is></c>' for n in range(21))
    data = workbook(f"<sheetData><row>{cells}</row></sheetData>")
    assert refusal("vragen.xlsx", data).code == "too_many_columns"
    header = ";".join(f"k{n}" for n in range(21))
    assert refusal("vragen.csv", f"{header}\r\n".encode()).code == "too_many_columns"


def _understated(data: bytes, part: str, size: int) -> bytes:
    """The ZIP with `part`'s unpacked size in the central directory (and local header)
    replaced by `size`: a ZIP that claims to unpack into less than it does."""
    blob = bytearray(data)
    end = blob.rfind(b"PK\x05\x06")  # end of central directory
    entries, offset = (
        struct.unpack_from("<HI", blob, end + 10)[0],
        struct.unpack_from("<I", blob, end + 16)[0],
    )
    for _ in range(entries):
        name_length, extra, comment = struct.unpack_from("<HHH", blob, offset + 28)
        if blob[offset + 46 : offset + 46 + name_length] == part.encode():
            struct.pack_into("<I", blob, offset + 24, size)
            local = struct.unpack_from("<I", blob, offset + 42)[0]
            struct.pack_into("<I", blob, local + 22, size)
            return bytes(blob)
        offset += 46 + name_length + extra + comment
    raise AssertionError(f"{part} not found")


@pytest.mark.parametrize(
    "case", ["not a zip", "truncated", "damaged", "understated", "no workbook", "entity bomb"]
)
def test_a_broken_or_hostile_workbook_gets_a_clear_message(tmp_path, case):
    bench.write_xlsx_bomb(tmp_path / "good.xlsx", 3_000, numbered=True)
    good = (tmp_path / "good.xlsx").read_bytes()
    assert len(read_bytes("clienten.xlsx", good, Limits(5_000, 5, 100)).rows) == 3_000
    if case == "not a zip":
        data = b"clientnummer;voornaam\r\n1;Jan\r\n"
    elif case == "truncated":
        data = good[: len(good) // 2]
    elif case == "damaged":  # bytes in the middle of the packed sheet changed: its CRC fails
        middle = len(good) // 2
        data = (
            good[:middle]
            + bytes(b ^ 0x55 for b in good[middle : middle + 64])
            + good[middle + 64 :]
        )
    elif case == "understated":  # claims 1 kB: zipfile stops there and the CRC fails
        data = _understated(good, "xl/worksheets/sheet1.xml", 1_024)
    elif case == "no workbook":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("leesmij.txt", "geen werkmap")
        data = buffer.getvalue()
    else:  # "billion laughs": the XML parser refuses the entity expansion
        entities = '<!ENTITY a0 "lachen">' + "".join(
            f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, 10)
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in bench._BOMB_PARTS.items():
                archive.writestr(name, content)
            archive.writestr(
                "xl/worksheets/sheet1.xml",
                f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'
                f'<worksheet xmlns="{SHEET}"><sheetData><row>'
                '<c t="inlineStr"><is><t>&a9;</t></is></c></row></sheetData>'
                "</worksheet>",
            )
        data = buffer.getvalue()
    with translation.override("nl"):
        error = refusal("clienten.xlsx", data, Limits(5_000, 5, 100))
    assert error.code == "unreadable"
    assert str(error) == "Het bestand is geen geldige XLSX-werkmap."


# --- CSV -----------------------------------------------------------------------------------


def test_a_csv_beyond_the_row_limit_is_refused_empty_lines_counting():
    header = "clientnummer;voornaam\r\n"
    within = header + "1;Jan\r\n" + "\r\n" * 998 + "2;Ans\r\n"
    assert len(read_bytes("clienten.csv", within.encode(), LIMITS).rows) == 2
    beyond = within + "\r\n"
    assert refusal("clienten.csv", beyond.encode()).code == "too_many_rows"


def test_a_csv_line_of_a_million_separators_is_refused_and_wide_rows_are_cut():
    endless = "a;b\r\n" + ";" * (MAX_LINE_CHARS + 1) + "\r\n"
    assert refusal("clienten.csv", endless.encode(), Limits(10, 5, 100)).code == "line_too_long"
    wide = "a;b\r\n1;2" + ";x" * 50_000 + "\r\n"
    table = read_bytes("clienten.csv", wide.encode(), LIMITS)
    assert [r.values for r in table.rows] == [["1", "2"]]


def test_a_csv_larger_than_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "clienten.csv"
    path.write_bytes(b"a;b\r\n" + b"1;2\r\n" * 300_000)  # 1.5 MB
    with pytest.raises(ReadError) as caught:
        read_file(path, Limits(rows=1_000_000, megabytes=1, ratio=100))
    assert caught.value.code == "too_large"


def test_the_limits_come_from_the_settings(settings, tmp_path):
    settings.VIVERA_IMPORT_MAX_ROWS = 2
    (tmp_path / "clienten.csv").write_text("a;b\r\n1;2\r\n3;4\r\n5;6\r\n")
    tables, problems = read_paths([tmp_path])
    assert tables == [] and [(p.file, p.line, p.code) for p in problems] == [
        ("clienten.csv", 0, "too_many_rows")
    ]


# --- Nothing is imported when a file is refused ---------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("mode", [Mode.ALL, Mode.VALID_ONLY])
def test_a_refused_file_stops_the_import_in_every_mode(legacy, admin_user, mode):
    folder = legacy()
    bench.write_xlsx_bomb(folder / "dossiers_2018.xlsx", 200_000)
    tables, unreadable = read_paths([folder])
    result = import_run(
        user=admin_user,
        municipality=admin_user.municipality,
        tables=tables,
        mode=mode,
        read_problems=unreadable,
    )

    assert result.refused and not result.written
    assert Client.objects.count() == 0 and Dossier.objects.count() == 0
    run = ImportRun.objects.get()
    assert run.outcome == Outcome.INVALID and run.problems == 1
    # The run records the file and why, no personal data.
    assert {
        "name": "dossiers_2018.xlsx",
        "kind": "",
        "rows": 0,
        "refused": "compression_ratio",
    } in run.files
    lines = report_lines(result, municipality=admin_user.municipality, user=admin_user)
    assert any("als geheel geweigerd" in line for line in lines)


@pytest.mark.django_db
def test_the_page_refuses_the_bomb_and_keeps_nothing(admin_user, legacy, settings, tmp_path):
    settings.VIVERA_IMPORT_DIR = str(tmp_path / "pending")
    folder = legacy()
    bench.write_xlsx_bomb(folder / "contacten_2018.xlsx", 200_000)
    http = login(admin_user)
    files = [SimpleUploadedFile(p.name, p.read_bytes()) for p in sorted(folder.iterdir())]

    response = http.post(reverse("imports:import"), {"files": files})

    assert response.status_code == 200
    run = ImportRun.objects.get()
    assert run.outcome == Outcome.INVALID and run.pending_dir == ""
    assert not (tmp_path / "pending").exists() or not any((tmp_path / "pending").iterdir())
    assert 'name="mode"' not in response.content.decode()  # no button to import anything
    assert Client.objects.count() == 0


def test_an_xlsx_within_the_limits_still_reads(tmp_path):
    path = write_xlsx(
        tmp_path, "vragen.xlsx", ["vraagnummer", "geopend"], [["V1", "01-01-2017"], ["V2", 42737]]
    )
    table = read_file(path)
    assert [r.values for r in table.rows] == [["V1", "01-01-2017"], ["V2", 42737]]


# --- The measurement: `vivera import --controleer` in a child process -----------------------


@pytest.fixture(scope="module")
def bomb_database(tmp_path_factory: pytest.TempPathFactory):
    """A migrated database with the benchmark's municipality, for the child processes."""
    with child_database(tmp_path_factory.mktemp("bomb"), prefix="vivera_bomb") as db:
        ok(db.env(), "migrate", "--no-input", "-v0")
        ok(
            db.env(),
            "shell",
            "--no-imports",
            "-c",
            "from vivera.devtools.benchmarks import imports; imports.setup_municipality()",
        )
        yield db


@pytest.mark.slow
@pytest.mark.parametrize(
    ("rows", "numbered", "code"),
    [
        (1_000_000, False, "VIVERA_IMPORT_MAX_COMPRESSION_RATIO"),  # 0.6 MB, 150 MB unpacked
        (300_000, True, "VIVERA_IMPORT_MAX_ROWS"),  # 4 MB, packed like a real export
    ],
)
def test_the_command_refuses_a_bomb_quickly_and_in_little_memory(
    bomb_database, tmp_path, rows, numbered, code
):
    path = tmp_path / "clienten.xlsx"
    bench.write_xlsx_bomb(path, rows, numbered=numbered)
    done = bench.run_measured(
        [
            VIVERA,
            "import",
            str(path),
            "--gemeente",
            bench.MUNICIPALITY[1],
            "--gebruiker",
            bench.ADMIN,
            "--controleer",
        ],
        bomb_database.env(),
        timeout=120,
    )
    print(
        f"\n{rows:,} rows, {path.stat().st_size // 1024} kB: exit {done.returncode}, "
        f"{done.seconds:.2f} s, peak {done.max_rss_mb:.0f} MB"
    )
    assert done.returncode == 1, done.output
    assert code in done.output  # the limit named in the refusal
    assert done.max_rss_mb < 300
    assert done.seconds < 20  # generous: the machine is shared; see docs/benchmarks.md
