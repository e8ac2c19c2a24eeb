"""The policy advisor's figures: counts perturbed by the cell-key method, small ones shown as
"<5", derived figures suppressed when they rest on too few records."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from vivera.monitor import facts, indicators, queries
from vivera.monitor.cellkey import MAX_NOISE, P, Tally, key_sql, noise, perturb, record_key
from vivera.monitor.indicators import BY_CODE
from vivera.monitor.models import DossierInflow
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


def test_a_count_below_the_threshold_is_shown_as_less_than():
    table = suppress_table(grid([[3, 10], [8, 9]]), limit=5)
    assert table.rows[0].cells[0].display == "<5"
    assert table.rows[0].cells[0].shown is None


def test_only_small_cells_are_hidden_and_totals_stay():
    # No secondary suppression: the totals a policy advisor sees are perturbed on their own, so
    # a total minus its shown parts gives noise, not the hidden part (test_differencing.py).
    table = suppress_table(grid([[3, 10], [8, 9]]), limit=5)
    assert hidden(table) == [[True, False, False], [False, False, False], [False, False, False]]
    table = suppress_table(grid([[3, 0, 20]], total_row=False), limit=5)
    assert hidden(table) == [[True, False, False, False]]
    assert table.rows[0].cells[1].display == "0"


@pytest.mark.parametrize("limit", [2, 5, 10])
def test_the_perturbation_table_is_bounded_unbiased_and_keeps_small_counts_small(limit):
    # For every count, the noise over evenly spread cell keys: every value of −d…+d equally
    # often (so the mean is zero), never more than D, zero stays zero, a positive count stays
    # positive, a small count stays below the threshold (so it is never published), and a
    # count of D + 1 or more gets the full width.
    keys = [(2 * i + 1) * P // (2 * 2520) for i in range(2520)]  # 2520 = lcm(1…10)
    for n in range(0, 60):
        noises = Counter(noise(n, key, limit) for key in keys)
        values = sorted(noises)
        assert sum(v * c for v, c in noises.items()) == 0, n
        assert len(set(noises.values())) == 1, n  # uniform
        assert values == list(range(values[0], values[-1] + 1)), n
        assert max(abs(v) for v in values) <= MAX_NOISE
        if n == 0:
            assert values == [0]
        elif n < limit:
            assert n + values[0] >= 1 and n + values[-1] < limit, n
        else:
            assert n + values[0] >= 1, n
        if n > MAX_NOISE and n >= limit:
            assert values == list(range(-MAX_NOISE, MAX_NOISE + 1)), n


def test_tallies_add_their_cell_keys_modulo_p():
    a, b = Tally(3, P - 2), Tally(4, 5)
    assert a + b == Tally(7, 3)
    assert (a + b) - b == a
    assert perturb(0, 12345, 5) == 0


@pytest.mark.django_db
def test_the_database_computes_the_same_record_keys_as_python(
    make_dossier, team_oost, municipality
):
    # The key expression runs inside the facts' GROUP BY; on SQLite an integer overflow would
    # silently turn it into a float. Ids far beyond the demo's check the arithmetic's range.
    from django.db import connection

    ids = [1, 2, 7, 1_000_003, 2_147_483_646, 2_147_483_647, 9_000_000_000_000]
    with connection.cursor() as cursor:
        for record_id in ids:
            cursor.execute(
                f"SELECT {key_sql('v', 'dossier')} FROM (SELECT CAST(%s AS BIGINT) AS v) ids",
                [record_id],
            )
            assert cursor.fetchone()[0] == record_key(record_id, "dossier"), record_id
    assert record_key(7, "dossier") != record_key(7, "question")
    assert len({record_key(i, "dossier") for i in range(1, 1000)}) > 990  # no pattern

    dossiers = [make_dossier(team_oost, dt.date(2017, 1, day)) for day in (2, 3, 20)]
    dossiers.append(make_dossier(team_oost, dt.date(2017, 2, 1)))
    facts.rebuild(municipality)
    scope = Scope((municipality,), dt.date(2017, 1, 1), dt.date(2017, 2, 28))
    [(_month, tally)] = indicators._sums(
        queries.facts(DossierInflow, scope).filter(month=dt.date(2017, 1, 1)), "month"
    )
    assert tally == Tally(3, sum(record_key(d.pk, "dossier") for d in dossiers[:3]) % P)


def test_derived_figures_rest_on_enough_records():
    # A share of 38 out of 40 tells who the other 2 are: suppressed. 20 of 40 is fine, and
    # nobody (0 of 40) identifies nobody.
    assert share_cell(38, 40).basis == 2
    table = Table(
        ["share"],
        [
            Row("a", [share_cell(38, 40)]),
            Row("b", [share_cell(20, 40)]),
            Row("c", [share_cell(0, 40)]),
            Row("d", [share_cell(3, 3)]),
        ],
        Unit.PERCENT,
    )
    suppress_table(table, limit=5)
    assert [r.cells[0].suppressed for r in table.rows] == [True, False, False, True]
    assert table.rows[0].cells[0].display == "x"  # not "<5": that would read as below 5 %
    # A median over 4 lead times is suppressed; over 5 it is shown.
    medians = Table(
        ["median"], [Row("a", [Cell(12.0, basis=4)]), Row("b", [Cell(9.0, basis=5)])], Unit.DAYS
    )
    suppress_table(medians, limit=5)
    assert [r.cells[0].suppressed for r in medians.rows] == [True, False]


@pytest.mark.django_db
def test_the_threshold_is_configurable(settings, make_dossier, team_oost, municipality):
    make_dossier(team_oost, dt.date(2017, 1, 2))  # one dossier: a count of 1 has no noise
    scope = Scope((municipality,), dt.date(2017, 1, 1), dt.date(2017, 1, 31))
    settings.VIVERA_SUPPRESSION_THRESHOLD = 5
    assert BY_CODE["new_dossiers"].compute(scope).rows[-1].cells[-1].display == "<5"
    settings.VIVERA_SUPPRESSION_THRESHOLD = 1
    assert BY_CODE["new_dossiers"].compute(scope).rows[-1].cells[-1].display == "1"


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


@pytest.mark.django_db
def test_every_count_a_policy_advisor_sees_is_perturbed(make_dossier, team_oost, municipality):
    # Every count cell of every indicator is published through its cell key (none is made
    # from an exact number directly); the coordinator's exact scope perturbs nothing.
    for day in range(1, 12):
        make_dossier(team_oost, dt.date(2017, 1, day))
    for suppress in (True, False):
        scope = Scope((municipality,), dt.date(2017, 1, 1), dt.date(2017, 3, 31), suppress=suppress)
        for indicator, table in indicators.compute_all(scope):
            for row in table.rows:
                for j, cell in enumerate(row.cells):
                    if table.unit_of(j) == Unit.COUNT:
                        assert cell.perturbed is suppress, (indicator.code, row.key, j)
