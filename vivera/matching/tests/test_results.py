"""Voor elkaar's figures against hand-worked counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from vivera.matching.models import Connection, Listing, Member
from vivera.monitor.indicators import BY_CODE
from vivera.monitor.scope import Scope

pytestmark = pytest.mark.django_db


def test_listings_connections_and_matches_per_month(
    municipality: Any, neighbourhood: Any, team_oost: Any
) -> None:
    member = Member.objects.create(municipality=municipality, name="A", email="a@example.nl")
    helper = Member.objects.create(municipality=municipality, name="B", email="b@example.nl")

    def listing(kind: str, published: str | None) -> Listing:
        return Listing.objects.create(
            municipality=municipality,
            kind=kind,
            member=member,
            title=f"{kind} {published}",
            text="x",
            help_kind="other",
            neighbourhood=neighbourhood,
            frequency="once",
            status="published" if published else "pending",
            published_at=published,
        )

    first = listing("request", "2026-01-10T10:00Z")
    listing("request", "2026-02-03T10:00Z")
    listing("offer", "2026-02-20T10:00Z")
    listing("request", None)  # still with the moderator: not counted
    connection = Connection.objects.create(
        listing=first,
        member=helper,
        status="match",
        status_since=dt.date(2026, 2, 1),
        matched_on=dt.date(2026, 2, 1),
    )
    Connection.objects.filter(pk=connection.pk).update(created_at="2026-01-20T10:00Z")
    scope = Scope((municipality,), dt.date(2026, 1, 1), dt.date(2026, 3, 31), suppress=False)
    table = BY_CODE["matching_listings"].compute(scope)
    rows = {r.key: [c.value for c in r.cells] for r in table.rows}
    assert rows["request"] == [1, 1, 0, 2]
    assert rows["offer"] == [0, 1, 0, 1]
    assert rows["total"] == [1, 2, 0, 3]
    table = BY_CODE["matching_connections"].compute(scope)
    rows = {r.key: [c.value for c in r.cells] for r in table.rows}
    assert rows["connections"] == [1, 0, 0, 1]
    assert rows["matches"] == [0, 1, 0, 1]
    per_team = BY_CODE["matching_listings"].compute(
        Scope((municipality,), dt.date(2026, 1, 1), dt.date(2026, 3, 31), team=team_oost)
    )
    assert per_team.rows == [] and per_team.note
