"""Small counts are suppressed, and so is every cell from which one could be recovered by
subtraction from a total shown beside it."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from vivera.monitor.indicators import BY_CODE
from vivera.monitor.privacy import share_cell, suppress_table
from vivera.monitor.scope import Scope
from vivera.monitor.tables import Cell, Row, Table, Unit


def grid(rows: list[list[int]], *, total_row: bool = True, total_column: bool = True) -> Table:
    """A count table; totals are added as the last column and the last row."""
    body = [list(r) + ([sum(r)] if total_column else []) for r in rows]
    table_rows = [Row(f"r{i}", [Cell(v) for v in r], key=f"r{i}") for i, r in enumerate(body)]
    if total_row:
        sums = [sum(col) for col in zip(*body, strict=True)]
        table_rows.append(Row("total", [Cell(v) for v in sums], key="total", is_total=True))
    columns = [f"c{j}" for j in range(len(rows[0]))] + (["total"] if total_column else [])
    return Table(columns, table_rows, Unit.COUNT, total_column=total_column)


def hidden(table: Table) -> list[list[bool]]:
    return [[c.suppressed for c in r.cells] for r in table.rows]


def recoverable(table: Table) -> bool:
    """Could someone recover a suppressed cell from one line: the line's only suppressed cell
    equals the total minus the shown cells (or the total is the sum of the shown parts)."""
    lines = []
    body = [r for r in table.rows if not r.is_total]
    if table.total_column:
        lines += [r.cells for r in table.rows]
    if any(r.is_total for r in table.rows):
        total = next(r for r in table.rows if r.is_total)
        lines += [[r.cells[j] for r in body] + [total.cells[j]]
                  for j in range(len(table.columns))]
    return any(sum(c.suppressed for c in line) == 1 for line in lines)


def test_a_count_below_the_threshold_is_shown_as_less_than():
    table = suppress_table(grid([[3, 10], [8, 9]]), limit=5)
    assert table.rows[0].cells[0].display == "<5"
    assert table.rows[0].cells[0].shown is None


def test_secondary_suppression_protects_rows_and_columns():
    #        c0  c1 | total
    # r0      3  10 | 13      3 is below 5. Row r0 would give it away (13 − 10), so 10 goes;
    # r1      8   9 | 17      column c0 would give it away (11 − 8), so 8 goes; then column c1
    # total  11  19 | 30      has 10 hidden alone (19 − 9), so 9 goes. Totals stay visible.
    table = suppress_table(grid([[3, 10], [8, 9]]), limit=5)
    assert hidden(table) == [[True, True, False], [True, True, False], [False, False, False]]
    assert not recoverable(table)


def test_zeros_are_shown_and_a_lone_small_cell_takes_its_total():
    # r0: 3, 0 | 3 — the total is as small as its only part: both suppressed, the zero shown.
    table = suppress_table(grid([[3, 0]], total_row=False), limit=5)
    assert hidden(table) == [[True, False, True]]
    # r0: 3, 0, 20 | 23 — the zero cannot protect the 3, so the 20 is suppressed.
    table = suppress_table(grid([[3, 0, 20]], total_row=False), limit=5)
    assert hidden(table) == [[True, False, True, False]]


@pytest.mark.parametrize("seed", range(40))
def test_no_suppressed_cell_can_be_recovered_from_any_line(seed):
    # Many small tables, built deterministically from the seed, each checked exhaustively.
    values = [0, 1, 2, 3, 4, 5, 7, 12, 30]
    cells = list(itertools.islice(itertools.cycle(values[seed % 9:] + values[:seed % 9]),
                                  seed % 5, seed % 5 + 12))
    width = 3 + seed % 2
    rows = [cells[i:i + width] for i in range(0, 12 - 12 % width, width)]
    table = suppress_table(grid(rows), limit=5)
    assert not recoverable(table)
    for r in table.rows:
        for c in r.cells:
            if 0 < (c.value or 0) < 5:
                assert c.suppressed


def test_derived_figures_rest_on_enough_records():
    # A share of 38 out of 40 tells who the other 2 are: suppressed. 20 of 40 is fine, and
    # nobody (0 of 40) identifies nobody.
    assert share_cell(38, 40).basis == 2
    table = Table(["share"], [Row("a", [share_cell(38, 40)]), Row("b", [share_cell(20, 40)]),
                              Row("c", [share_cell(0, 40)]), Row("d", [share_cell(3, 3)])],
                  Unit.PERCENT)
    suppress_table(table, limit=5)
    assert [r.cells[0].suppressed for r in table.rows] == [True, False, False, True]
    assert table.rows[0].cells[0].display == "x"  # not "<5": that would read as below 5 %
    # A median over 4 lead times is suppressed; over 5 it is shown.
    medians = Table(["median"], [Row("a", [Cell(12.0, basis=4)]), Row("b", [Cell(9.0, basis=5)])],
                    Unit.DAYS)
    suppress_table(medians, limit=5)
    assert [r.cells[0].suppressed for r in medians.rows] == [True, False]


@pytest.mark.django_db
def test_the_threshold_is_configurable(settings, make_dossier, team_oost, municipality):
    for day in (2, 3, 4):
        make_dossier(team_oost, dt.date(2017, 1, day))
    scope = Scope((municipality,), dt.date(2017, 1, 1), dt.date(2017, 1, 31))
    settings.VIVERA_SUPPRESSION_THRESHOLD = 5
    assert BY_CODE["new_dossiers"].compute(scope).rows[-1].cells[-1].display == "<5"
    settings.VIVERA_SUPPRESSION_THRESHOLD = 3
    assert BY_CODE["new_dossiers"].compute(scope).rows[-1].cells[-1].display == "3"


@pytest.mark.django_db
def test_figures_in_notes_are_suppressed_too(make_dossier, team_oost, municipality):
    from vivera.registration.models import DossierStatus as S

    # Three intakes in January: their median waiting time and their number are too few.
    for day in (2, 3, 4):
        make_dossier(team_oost, dt.date(2017, 1, day), ((S.INTAKE, dt.date(2017, 1, day + 7)),))
    scope = Scope((municipality,), dt.date(2017, 1, 1), dt.date(2017, 1, 31))
    note = BY_CODE["waiting_time"].compute(scope).note
    # Median and 90th percentile (7 days) are marked x, the number of intakes <5.
    assert "7" not in note and note.count("x") >= 2 and "<5" in note
    # 0 of 3 started proactively: a share of 3 dossiers is too few to show.
    assert BY_CODE["proactive"].compute(scope).note.endswith(": x.")
