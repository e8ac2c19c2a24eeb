from __future__ import annotations

import datetime as dt

import pytest

from vivera.imports.readers import ReadError, canonical_header, parse_date, read_bytes, read_file

from .conftest import write_csv, write_xlsx


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [
        (";", "utf-8"),
        (",", "utf-8"),
        (";", "utf-8-sig"),
        (",", "utf-8-sig"),
        (";", "cp1252"),
        ("\t", "utf-8"),
    ],
)
def test_it_reads_csv_with_either_separator_and_encoding(tmp_path, delimiter, encoding):
    path = write_csv(
        tmp_path,
        "clienten.csv",
        ["clientnummer", "voornaam", "achternaam"],
        [["1", "Dédé", "Çelik, jr."], ["2", "Zoë", "Brontë"]],
        delimiter=delimiter,
        encoding=encoding,
    )
    table = read_file(path)
    assert table.headers == ["clientnummer", "voornaam", "achternaam"]
    assert [r.values for r in table.rows] == [["1", "Dédé", "Çelik, jr."], ["2", "Zoë", "Brontë"]]
    assert [r.line for r in table.rows] == [2, 3]


def test_empty_lines_are_skipped_but_keep_their_line_number():
    table = read_bytes(
        "vragen.csv", b"vraagnummer;geopend\r\n1;01-01-2017\r\n;\r\n\r\n2;02-01-2017\r\n"
    )
    assert [r.line for r in table.rows] == [2, 5]


def test_a_quoted_cell_may_hold_the_separator_and_a_line_break():
    table = read_bytes("clienten.csv", b'nummer,naam\r\n1,"Berg, van den\r\nAns"\r\n2,Jan\r\n')
    assert table.rows[0].values == ["1", "Berg, van den\r\nAns"]
    assert table.rows[1].line == 3  # the spreadsheet's row: one record per row


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("31-12-2017", dt.date(2017, 12, 31)),
        ("1-2-2017", dt.date(2017, 2, 1)),
        ("01/02/2017", dt.date(2017, 2, 1)),
        ("31.12.2017", dt.date(2017, 12, 31)),
        ("2017-12-31", dt.date(2017, 12, 31)),
        ("2017-12-31 00:00:00", dt.date(2017, 12, 31)),
        ("43100", dt.date(2017, 12, 31)),  # Excel's day number, saved to CSV from a number cell
        (43100, dt.date(2017, 12, 31)),
        (43100.75, dt.date(2017, 12, 31)),  # a date and time as a number
        (dt.datetime(2017, 12, 31, 9, 30), dt.date(2017, 12, 31)),
        ("31-02-2017", None),
        ("12-31-2017", None),
        ("31-12-17", None),  # two-digit year: ambiguous
        ("gisteren", None),
        ("", None),
    ],
)
def test_dates_dutch_iso_and_excel(raw, expected):
    assert parse_date(raw) == expected


def test_xlsx_with_a_number_formatted_date_and_a_real_date_cell(tmp_path):
    path = write_xlsx(
        tmp_path,
        "dossiers.xlsx",
        ["dossiernummer", "aanmelddatum", "intakedatum"],
        [[101, 42737, dt.datetime(2017, 1, 15)]],
        formats={1: "0"},
    )
    table = read_file(path)
    number, registered, intake = table.rows[0].values
    assert number == 101 and registered == 42737  # a plain number, as the cell shows it
    assert parse_date(registered) == dt.date(2017, 1, 2)
    assert parse_date(intake) == dt.date(2017, 1, 15)


def test_headers_match_whatever_their_case_accents_spaces_and_underscores():
    assert canonical_header("Duur Minuten") == canonical_header("duur_minuten")
    assert canonical_header("\ufeffCLIËNTNUMMER ") == canonical_header("clientnummer")
    assert canonical_header("Oude-code") == canonical_header("oude_code")


def test_other_files_and_broken_workbooks_are_refused():
    with pytest.raises(ReadError):
        read_bytes("clienten.pdf", b"%PDF")
    with pytest.raises(ReadError):
        read_bytes("clienten.xlsx", b"not a zip")
    with pytest.raises(ReadError):
        read_bytes("clienten.csv", b"")
