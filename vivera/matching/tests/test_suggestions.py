"""Suggested matches: ranked by fit and nearness, explained in words."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient

from vivera.matching import selectors
from vivera.matching.models import Listing, Member
from vivera.organisation.models import Neighbourhood

pytestmark = pytest.mark.django_db


def test_offers_ranked_by_kind_neighbourhood_time_and_frequency(
    municipality: Any, neighbourhood: Any
) -> None:
    elsewhere = Neighbourhood.objects.create(
        municipality=municipality, name="Zuid", cbs_code="WK999102"
    )
    asker = Member.objects.create(
        municipality=municipality, name="A", email="a@example.nl", confirmed_at="2026-01-01T00:00Z"
    )
    helper = Member.objects.create(
        municipality=municipality, name="B", email="b@example.nl", confirmed_at="2026-01-01T00:00Z"
    )

    def listing(
        kind: str, title: str, help_kind: str, wijk: Any, parts: list[str], freq: str
    ) -> Listing:
        return Listing.objects.create(
            municipality=municipality,
            kind=kind,
            member=asker if kind == "request" else helper,
            title=title,
            text="x",
            help_kind=help_kind,
            neighbourhood=wijk,
            parts_of_day=parts,
            frequency=freq,
            status="published",
            published_at="2026-01-02T00:00Z",
        )

    request = listing(
        "request", "Boodschappen", "shopping", neighbourhood, ["morning"], "recurring"
    )
    # Scores, hand-worked: kind 3, neighbourhood 2, each shared part of day 1 (at most 2),
    # frequency 1.
    best = listing(
        "offer", "Boodschappen in Centrum", "shopping", neighbourhood, ["morning"], "recurring"
    )  # 7
    far = listing(
        "offer", "Boodschappen in Zuid", "shopping", elsewhere, ["evening"], "recurring"
    )  # 4
    near = listing(
        "offer", "Klussen in Centrum", "odd_jobs", neighbourhood, ["morning"], "once"
    )  # 3
    listing(
        "offer", "Klussen in Zuid", "odd_jobs", elsewhere, ["morning"], "recurring"
    )  # not a candidate
    listing(
        "request", "Nog een vraag", "shopping", neighbourhood, ["morning"], "recurring"
    )  # a request
    found = selectors.suggestions(request)
    assert [(s.listing, s.score) for s in found] == [(best, 7), (far, 4), (near, 3)]
    assert found[0].reasons == (
        "dezelfde soort hulp (Boodschappen)",
        "in dezelfde wijk (Centrum)",
        "ook in de ochtend",
        "ook regelmatig",
    )
    http = HttpClient()
    session = http.session
    session["vivera_matching_member"] = asker.pk
    session.save()
    page = http.get("/voor-elkaar/mijn/").content.decode()
    assert "Aanbod dat misschien past" in page and "Boodschappen in Centrum" in page
