"""The one CSV dialect of the spreadsheet exports, and sheet names Excel accepts."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from vivera.core.spreadsheets import DutchExcel, csv_text, sheet_title, spreadsheet_row


def read_back(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), dialect=DutchExcel))


def test_it_writes_what_dutch_excel_reads() -> None:
    text = csv_text(
        [
            ["naam", "waarde", "aandeel", "datum", "tijdstip", "leeg", "ja"],
            [
                "Oost; Noord",
                1234,
                Decimal("0.50"),
                dt.date(2026, 3, 1),
                dt.datetime(2026, 3, 1, 8, 5, tzinfo=dt.UTC),
                None,
                True,
            ],
            ["-0,4 is tekst", -3, -0.4, 12.25, 1e-7, 2.0, False],
        ]
    )

    assert text.startswith("\ufeffnaam;waarde;")
    assert "\r\n" in text
    _header, first, second = read_back(text)
    assert first == [
        "Oost; Noord",
        "1234",
        "0,5",
        "2026-03-01",
        "2026-03-01 09:05:00",  # in Amsterdam's time
        "",
        "ja",
    ]
    assert second == ["'-0,4 is tekst", "-3", "-0,4", "12,25", "0,0000001", "2", "nee"]


def test_it_keeps_every_text_from_running_as_a_formula() -> None:
    rows = read_back(csv_text([["=1+1", "+31 6", "@SUM(A1)", "\tx", "-x", "gewoon"]]))

    assert rows == [["'=1+1", "'+31 6", "'@SUM(A1)", "'\tx", "'-x", "gewoon"]]


def test_a_machine_row_keeps_numbers_and_dates_and_escapes_text() -> None:
    row = spreadsheet_row([-1, Decimal("-0.5"), 2.5, dt.date(2024, 1, 2), None, "=cmd", "Oost"])

    assert row == [-1, Decimal("-0.5"), 2.5, dt.date(2024, 1, 2), None, "'=cmd", "Oost"]


def test_it_leaves_out_the_byte_order_mark_on_request() -> None:
    assert csv_text([["a", 1]], bom=False) == "a;1\r\n"


class TestSheetTitles:
    def test_a_short_name_stays_as_it_is(self) -> None:
        assert sheet_title("Nieuwe dossiers per maand", set()) == "Nieuwe dossiers per maand"

    def test_a_long_name_is_shortened_after_a_word(self) -> None:
        title = sheet_title("Korte contacten per inlooppunt en dagdeel", set())

        assert title == "Korte contacten per inlooppunt…"
        assert len(title) == 31

    def test_forbidden_characters_and_edge_apostrophes_go(self) -> None:
        assert sheet_title("'Wijk [A]: 1/2 * 3? \\ x'", set()) == "Wijk A 1 2 3 x"

    def test_names_are_unique_regardless_of_case(self) -> None:
        taken: set[str] = set()
        names = [sheet_title(name, taken) for name in ("Per wijk", "per WIJK", "Per wijk")]

        assert names == ["Per wijk", "per WIJK (2)", "Per wijk (3)"]
        long = "Algemene voorzieningen versus maatwerkvoorzieningen"
        again = [sheet_title(long, taken), sheet_title(long, taken)]
        assert again == ["Algemene voorzieningen versus…", "Algemene voorzieningen… (2)"]

    def test_an_empty_or_reserved_name_gets_another(self) -> None:
        taken: set[str] = set()

        assert sheet_title("", taken) == "Tabblad"
        assert sheet_title("History", taken) == "History (2)"
