"""Voor elkaar's rules: a confirmed address, no contact details and no duplicates in public
texts, moderation with a reason, and the search on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from vivera.accounts.models import User
from vivera.core.ratelimit import Limited
from vivera.matching import selectors, services
from vivera.matching.models import Listing, ListingStatus, Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(municipality: Any) -> Member:
    return Member.objects.create(
        municipality=municipality,
        name="Fatima",
        email="fatima@example.nl",
        confirmed_at="2026-01-01T10:00:00Z",
    )


def post(member: Member, neighbourhood: Any, **changes: Any) -> Listing:
    values = {
        "kind": "request",
        "title": "Vervoer naar de dagbesteding",
        "text": "Wie rijdt op dinsdag onze zoon naar de dagbesteding in Noord? Rond 9 uur.",
        "help_kind": "transport",
        "neighbourhood": neighbourhood,
        "parts_of_day": ["morning"],
        "frequency": "recurring",
    } | changes
    return services.listing_post(member=member, **values)


def test_a_confirmation_link_signs_up_once(municipality: Any) -> None:
    services.member_send_link(
        municipality=municipality,
        name="Kees",
        email="Kees@Example.nl",
        is_organisation=False,
        address="10.0.0.1",
        base_url="https://vivera.example",
    )
    [message] = mail.outbox
    assert message.to == ["kees@example.nl"]
    link = next(w for w in message.body.split() if w.startswith("https://"))
    token = link.rstrip("/").rsplit("/", 1)[1]
    member = services.member_confirm(token=token)
    assert member is not None and member.confirmed_at is not None
    assert services.member_confirm(token=token) is None  # once
    assert token not in repr(Member.objects.values_list())  # only its hash is kept


def test_sending_links_is_limited_per_address(municipality: Any, settings: Any) -> None:
    settings.VIVERA_MATCHING_LIMIT_PER_HOUR = 2
    for n in range(2):
        services.member_send_link(
            municipality=municipality,
            name="X",
            email=f"x{n}@example.nl",
            is_organisation=False,
            address="10.0.0.9",
            base_url="",
        )
    with pytest.raises(Limited):
        services.member_send_link(
            municipality=municipality,
            name="X",
            email="x9@example.nl",
            is_organisation=False,
            address="10.0.0.9",
            base_url="",
        )
    assert Member.objects.count() == 2


def test_a_request_waits_for_the_moderator(member: Member, neighbourhood: Any) -> None:
    listing = post(member, neighbourhood)
    assert listing.status == ListingStatus.PENDING
    assert list(selectors.published(member.municipality)) == []


def test_contact_details_and_every_other_problem_are_refused_at_once(
    member: Member, neighbourhood: Any
) -> None:
    with pytest.raises(ValidationError) as refused:
        post(
            member,
            neighbourhood,
            title="",
            text="Bel 06-12345678 of mail a@b.nl",
            help_kind="nonsense",
            frequency="",
        )
    errors = {k: [str(m) for m in v] for k, v in refused.value.message_dict.items()}
    assert set(errors) == {"title", "text", "help_kind", "frequency"}
    assert errors["text"][0].startswith("Haal een e-mailadres en een telefoonnummer weg")
    assert not Listing.objects.exists()


def test_a_duplicate_is_refused(member: Member, neighbourhood: Any) -> None:
    post(member, neighbourhood)
    with pytest.raises(ValidationError) as refused:
        post(member, neighbourhood, title="vervoer naar de DAGBESTEDING")
    assert refused.value.code == "duplicate"
    assert Listing.objects.count() == 1


def test_an_unconfirmed_member_cannot_post(municipality: Any, neighbourhood: Any) -> None:
    unconfirmed = Member.objects.create(municipality=municipality, name="Y", email="y@example.nl")
    with pytest.raises(PermissionDenied):
        post(unconfirmed, neighbourhood)


def test_the_moderator_publishes_or_holds_back_with_a_reason(
    member: Member, neighbourhood: Any, admin_user: User, policy: User
) -> None:
    listing = post(member, neighbourhood)
    with pytest.raises(PermissionDenied):
        services.listing_moderate(user=policy, listing=listing, publish=True)
    with pytest.raises(ValidationError):
        services.listing_moderate(user=admin_user, listing=listing, publish=False, reason="")
    services.listing_moderate(user=admin_user, listing=listing, publish=True)
    assert list(selectors.published(member.municipality)) == [listing]
    services.listing_moderate(
        user=admin_user, listing=listing, publish=False, reason="Te weinig informatie."
    )
    listing.refresh_from_db()
    assert listing.status == ListingStatus.HELD and listing.hold_reason == "Te weinig informatie."


def test_search_finds_words_and_their_beginnings(
    member: Member, neighbourhood: Any, admin_user: User
) -> None:
    transport = post(member, neighbourhood)
    shopping = post(
        member,
        neighbourhood,
        kind="offer",
        title="Boodschappen doen",
        text="Ik doe graag boodschappen voor iemand in de buurt.",
        help_kind="shopping",
        parts_of_day=["afternoon"],
        frequency="once",
    )
    for listing in (transport, shopping):
        services.listing_moderate(user=admin_user, listing=listing, publish=True)
    municipality = member.municipality

    def found(**filters: Any) -> list[str]:
        return [x.title for x in selectors.search(municipality, selectors.Filters(**filters))]

    assert found(query="dagbesteding") == ["Vervoer naar de dagbesteding"]
    assert found(query="boodschappen") == ["Boodschappen doen"]
    assert found(query="boodschappen dinsdag") == []
    assert found(kind="offer") == ["Boodschappen doen"]
    assert found(part_of_day="morning") == ["Vervoer naar de dagbesteding"]
    assert found(query='"; DROP TABLE matching_listing; --') == []  # no syntax reaches the database
