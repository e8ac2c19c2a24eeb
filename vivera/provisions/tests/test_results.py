"""The allocations' figures against hand-worked values, through the monitor's indicators."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import override_settings

from vivera.accounts.models import User
from vivera.monitor.indicators import BY_CODE
from vivera.monitor.scope import Scope
from vivera.monitor.tables import Table
from vivera.organisation.models import Neighbourhood, Team
from vivera.provisions.services import delivery_import
from vivera.registration.models import Client, Referral

from .conftest import CLIENT_BSN, OTHER_BSN, THIRD_BSN, csv

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 12, 15)


def row(table: Table, key: str) -> list[Any]:
    return [c.value for c in next(r for r in table.rows if r.key == key).cells]


@pytest.fixture
def delivered(municipality: Any, admin_user: User, known_client: Client) -> None:
    result = delivery_import(
        municipality=municipality,
        files=[
            csv(
                f"{CLIENT_BSN};A1;02;;01-03-2025;31-08-2025;;;;42420001;;;9991AB",
                f"{OTHER_BSN};A2;01;;15-01-2025;;;;;42420002;;;9991CD",
                f"{THIRD_BSN};A3;07;;10-03-2025;20-03-2025;;;;42420001;;;1234AB",
                f"{THIRD_BSN};A4;01;;01-04-2025;;;;;42420001;;;1234AB",
            )
        ],
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
        user=admin_user,
        today=TODAY,
    )
    assert result.ok, result.problems


def exact(municipality: Any, **kwargs: Any) -> Scope:
    return Scope(
        (municipality,), dt.date(2025, 1, 1), dt.date(2025, 6, 30), suppress=False, **kwargs
    )


@pytest.mark.usefixtures("delivered")
def test_running_and_new_allocations_of_all_residents(municipality: Any) -> None:
    running = BY_CODE["wmo_allocations_running"].compute(exact(municipality))
    assert running.column_keys == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    assert row(running, "01") == [1, 1, 1, 2, 2, 2]
    assert row(running, "02") == [0, 0, 1, 1, 1, 1]
    # 10–20 March: not running on any month's last day, so no row.
    assert "07" not in [r.key for r in running.rows]
    assert row(running, "total") == [1, 1, 2, 3, 3, 3]
    new = BY_CODE["wmo_allocations_new"].compute(exact(municipality))
    assert row(new, "01") == [1, 0, 0, 1, 0, 0, 2]
    assert row(new, "07") == [0, 0, 1, 0, 0, 0, 1]
    assert row(new, "total") == [1, 0, 2, 1, 0, 0, 4]


@pytest.mark.usefixtures("delivered")
def test_a_neighbourhood_counts_by_the_postcode_the_social_service_gave(
    municipality: Any, neighbourhood: Neighbourhood
) -> None:
    new = BY_CODE["wmo_allocations_new"].compute(exact(municipality, neighbourhood=neighbourhood))
    assert row(new, "total")[-1] == 2  # A1 and A2 (9991..), not A3 and A4 (1234AB)


@pytest.mark.usefixtures("delivered")
def test_the_population_is_not_shown_per_team(municipality: Any, team_oost: Team) -> None:
    table = BY_CODE["wmo_allocations_running"].compute(exact(municipality, team=team_oost))
    assert table.rows == [] and table.note


@pytest.mark.usefixtures("delivered")
def test_the_clients_allocations_per_team(
    municipality: Any, team_oost: Team, team_west: Team
) -> None:
    mine = BY_CODE["wmo_allocations_clients"].compute(exact(municipality, team=team_oost))
    assert row(mine, "02") == [0, 0, 1, 1, 1, 1]
    assert row(mine, "total") == [0, 0, 1, 1, 1, 1]
    west = BY_CODE["wmo_allocations_clients"].compute(exact(municipality, team=team_west))
    assert row(west, "total") == [0, 0, 0, 0, 0, 0]


@pytest.mark.usefixtures("delivered")
def test_allocation_within_12_months_and_the_referral_before_it(
    municipality: Any, known_client: Client, pro: User
) -> None:
    # The client's dossier opened on 10 February 2025; its allocation started on 1 March.
    indicator = BY_CODE["wmo_allocations_after_dossier"]
    table = indicator.compute(exact(municipality))
    assert row(table, "allocated") == [100.0, 1]
    assert row(table, "referred_first") == [0.0, 0]
    assert row(table, "total") == [None, 1]
    dossier = known_client.dossiers.get()
    Referral.objects.create(
        dossier=dossier,
        referred_on=dt.date(2025, 2, 20),
        provision_kind="customised",
        created_by=pro,
    )
    table = indicator.compute(exact(municipality))
    assert row(table, "referred_first") == [100.0, 1]


@pytest.mark.usefixtures("delivered")
@override_settings(VIVERA_SUPPRESSION_THRESHOLD=5)
def test_small_counts_are_protected_for_the_municipality(municipality: Any) -> None:
    scope = Scope((municipality,), dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    table = BY_CODE["wmo_allocations_running"].compute(scope)
    cells = [c for r in table.rows for c in r.cells if c.value]
    assert cells and all(c.suppressed for c in cells)


def test_fewer_new_allocations_before_and_after_an_intervention(
    municipality: Any, admin_user: User, known_client: Client, team_oost: Team
) -> None:
    from decimal import Decimal

    from vivera.monitor.selectors import before_after
    from vivera.organisation.models import CapacityIntervention, InterventionAssumption

    from .conftest import THIRD_BSN

    # Two new allocations in each month from February to June 2025, one in July.
    lines = []
    for month in range(2, 8):
        for n in range(2 if month < 7 else 1):
            lines.append(f"{THIRD_BSN};N{month}-{n};01;;0{n + 1}-{month:02d}-2025;;;;;42420001;;;")
    result = delivery_import(
        municipality=municipality,
        files=[csv(*lines)],
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
        user=admin_user,
        today=TODAY,
    )
    assert result.ok, result.problems
    everyone = CapacityIntervention.objects.create(
        municipality=municipality, date=dt.date(2025, 7, 10), name="Impuls", fte_added=Decimal(2)
    )
    InterventionAssumption.objects.create(intervention=everyone, effect="fewer_allocations")
    scope = Scope((municipality,), dt.date(2025, 1, 1), dt.date(2025, 12, 31), suppress=False)
    reading = before_after(scope, everyone)
    # Registration starts in February 2025 (the client's dossier): February–June against July.
    assert reading.before == (dt.date(2025, 2, 1), dt.date(2025, 6, 30))
    row = reading.table.rows[0]
    assert [c.value for c in row.cells] == [2.0, 1.0, -1.0]
    assert row.note == "zoals verwacht"
    # For one team's intervention the series is not there: said, not guessed.
    one_team = CapacityIntervention.objects.create(
        municipality=municipality,
        team=team_oost,
        date=dt.date(2025, 7, 10),
        name="Impuls Oost",
        fte_added=Decimal(1),
    )
    InterventionAssumption.objects.create(intervention=one_team, effect="fewer_allocations")
    row = before_after(scope, one_team).table.rows[0]
    assert [c.value for c in row.cells] == [None, None, None]
    assert "Niet per team beschikbaar" in row.note
