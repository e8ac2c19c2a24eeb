"""The monitor's CSV and XLSX as the policy advisor opens them in Dutch Excel."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from vivera.conftest import login
from vivera.core.spreadsheets import DutchExcel
from vivera.monitor.exports import to_csv
from vivera.monitor.indicators import INDICATORS, Indicator
from vivera.monitor.tables import Cell, Row, Table, Unit

pytestmark = pytest.mark.django_db
D = dt.date
JANUARY = {"van": "2017-01-01", "tot": "2017-01-31"}
DUTCH_UNITS = {"aantal", "dagen", "procent", "uren", "verhouding", "ZRM-score", "fte"}


@pytest.fixture
def january(make_dossier, team_oost, team_west):
    for day in (2, 3, 4, 5, 6, 9):
        make_dossier(team_oost, D(2017, 1, day))
    make_dossier(team_west, D(2017, 1, 5))


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), dialect=DutchExcel))


def test_the_csv_is_separated_by_semicolons_with_dutch_units(policy, january):
    response = login(policy).get(reverse("monitor:export", args=["csv"]), JANUARY)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, *rows = read_csv(response.content)
    assert header[:3] == ["vraag", "indicator", "indicator_naam"]
    assert all(len(row) == len(header) for row in rows)
    units = {row[header.index("eenheid")] for row in rows}
    assert units <= DUTCH_UNITS
    assert {"aantal", "dagen"} <= units
    new_dossiers = [row for row in rows if row[1] == "new_dossiers"]
    assert {row[header.index("eenheid")] for row in new_dossiers} == {"aantal"}
    assert {row[header.index("indicator_naam")] for row in new_dossiers} == {
        "Nieuwe dossiers per maand"
    }


def _one(table: Table) -> list[tuple[Indicator, Table]]:
    indicator = Indicator(
        "share", 7, "Aandeel; gedeeld", "Een aandeel.", Unit.PERCENT, lambda scope: table
    )
    return [(indicator, table)]


def test_the_csv_writes_fractions_with_a_decimal_comma():
    table = Table(
        ["Aandeel", "Verschil", "Aantal"],
        [Row("Team; Oost", [Cell(12.5), Cell(-0.4), Cell(1234)], key="1")],
        Unit.PERCENT,
        column_keys=["share", "change", "count"],
        column_units=[Unit.PERCENT, Unit.SCORE, Unit.COUNT],
    )

    header, *rows = list(csv.reader(io.StringIO(to_csv(_one(table), bom=False)), DutchExcel))

    value, unit = header.index("waarde"), header.index("eenheid")
    assert [(row[value], row[unit]) for row in rows] == [
        ("12,5", "procent"),
        ("-0,4", "ZRM-score"),  # a number, not text that was kept from running
        ("1234", "aantal"),
    ]
    assert rows[0][header.index("rij_naam")] == "Team; Oost"
    assert rows[0][header.index("indicator_naam")] == "Aandeel; gedeeld"


def test_the_xlsx_names_its_sheets_after_the_indicators(policy, january):
    response = login(policy).get(reverse("monitor:export", args=["xlsx"]), JANUARY)

    book = load_workbook(io.BytesIO(response.content))
    index, *sheets = book.worksheets
    assert index.title == "Indicatoren"
    assert len(sheets) == len(INDICATORS)
    names = [sheet.title for sheet in sheets]
    assert "Nieuwe dossiers per maand" in names
    assert "Doorlooptijd per vraag" in names
    # Longer titles are shortened after a word to Excel's 31 characters.
    assert "Wachtlijst aan het einde van…" in names
    assert not [code for code in (i.code for i in INDICATORS) if code in names]
    assert all(len(name) <= 31 for name in book.sheetnames)
    assert len({name.lower() for name in book.sheetnames}) == len(book.sheetnames)
    assert not [name for name in book.sheetnames if set(name) & set("[]:*?/\\")]
    # The index lists every sheet under its name and links to it.
    linked = {
        row[1].value: row[1].hyperlink.location
        for row in index.iter_rows()
        if row[1].hyperlink is not None
    }
    assert linked == {name: f"'{name}'!A1" for name in names}
    first = book["Nieuwe dossiers per maand"]
    assert first["A1"].value == "Nieuwe dossiers per maand"
