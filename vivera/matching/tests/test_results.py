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


def test_a_team_sees_the_matches_of_the_requests_it_posted_for_its_clients(
    municipality: Any, make_listing: Any, team_oost: Any, team_west: Any, client_dossier: Any
) -> None:
    helper = Member.objects.create(municipality=municipality, name="B", email="b@example.nl")
    member = Member.objects.create(municipality=municipality, name="A", email="a@example.nl")

    def request(dossier: Any = None, by: Member | None = None) -> Listing:
        return make_listing(
            member=by,
            client=dossier.client if dossier else None,
            dossier=dossier,
            published_at="2026-01-05T10:00Z",
        )

    def match(listing: Listing, made: str, on: dt.date | None) -> None:
        connection = Connection.objects.create(
            listing=listing,
            member=helper,
            status="match" if on else "connection",
            status_since=on or dt.date(2026, 1, 1),
            matched_on=on,
        )
        Connection.objects.filter(pk=connection.pk).update(created_at=made)

    oost = request(client_dossier)  # team Oost's client
    match(oost, "2026-01-10T10:00Z", dt.date(2026, 2, 2))
    match(request(by=member), "2026-01-11T10:00Z", dt.date(2026, 1, 20))  # a resident's own
    period = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    table = BY_CODE["matching_connections"].compute(
        Scope((municipality,), *period, team=team_oost, suppress=False)
    )
    rows = {r.key: [c.value for c in r.cells] for r in table.rows}
    assert rows["connections"] == [1, 0, 0, 1]
    assert rows["matches"] == [0, 1, 0, 1]
    assert table.note
    west = BY_CODE["matching_connections"].compute(
        Scope((municipality,), *period, team=team_west, suppress=False)
    )
    assert [c.value for r in west.rows for c in r.cells] == [0] * 8
