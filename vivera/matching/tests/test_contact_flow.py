"""Contact without exposure: a reply is a thread; contact details only when both agree; a
match is followed up after four weeks; a message to a withdrawn request is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client as HttpClient

from vivera.accounts.models import User
from vivera.conftest import login
from vivera.matching import services
from vivera.matching.models import Connection, Listing, Member, Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def poster(municipality: Any) -> Member:
    return Member.objects.create(
        municipality=municipality,
        name="Anna",
        email="anna@example.nl",
        confirmed_at="2026-01-01T00:00Z",
    )


@pytest.fixture
def helper(municipality: Any) -> Member:
    return Member.objects.create(
        municipality=municipality,
        name="Bram",
        email="bram@example.nl",
        confirmed_at="2026-01-01T00:00Z",
    )


@pytest.fixture
def listing(make_listing: Any, poster: Member) -> Listing:
    return make_listing(
        member=poster,
        title="Telefoonmaatje",
        text="Wie belt wekelijks even?",
        help_kind="phone_buddy",
        frequency="recurring",
        published_at="2026-01-02T00:00Z",
    )


def test_contact_details_only_when_both_agree(
    poster: Member, helper: Member, listing: Listing
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.connection_start(member=helper, listing=listing, text="Mail me: bram@example.nl")
    assert "text" in refused.value.message_dict and not Connection.objects.exists()
    connection = services.connection_start(member=helper, listing=listing, text="Ik bel graag!")
    services.message_add(member=poster, connection=connection, text="Fijn, dank je.")
    assert [m.from_poster for m in Message.objects.all()] == [False, True]
    services.contact_share(member=helper, connection=connection)
    connection.refresh_from_db()
    assert not connection.shared
    services.contact_share(member=poster, connection=connection)
    connection.refresh_from_db()
    assert connection.shared
    # Once both agreed, contact details may be written.
    services.message_add(member=poster, connection=connection, text="Mijn nummer is 06-12345678")


def test_nobody_else_reads_the_thread(
    municipality: Any, poster: Member, helper: Member, listing: Listing
) -> None:
    connection = services.connection_start(member=helper, listing=listing, text="Hallo")
    stranger = Member.objects.create(
        municipality=municipality, name="C", email="c@example.nl", confirmed_at="2026-01-01T00:00Z"
    )
    with pytest.raises(PermissionDenied):
        services.message_add(member=stranger, connection=connection, text="Hoi")
    http = HttpClient()
    session = http.session
    session["vivera_matching_member"] = stranger.pk
    session.save()
    assert http.get(f"/voor-elkaar/contact/{connection.pk}/").status_code == 404


def test_a_message_to_a_withdrawn_request_is_refused(
    poster: Member, helper: Member, listing: Listing
) -> None:
    connection = services.connection_start(member=helper, listing=listing, text="Hallo")
    services.listing_withdraw(member=poster, listing=listing)
    with pytest.raises(ValidationError) as refused:
        services.message_add(member=helper, connection=connection, text="Nog steeds nodig?")
    assert "niet meer online" in " ".join(refused.value.messages)
    assert connection.messages.count() == 1


def test_a_match_is_followed_up_after_four_weeks(
    poster: Member, helper: Member, listing: Listing, admin_user: User
) -> None:
    connection = services.connection_start(member=helper, listing=listing, text="Hallo")
    with pytest.raises(PermissionDenied):
        services.connection_status(member=helper, connection=connection, status="match")
    services.connection_status(
        member=poster, connection=connection, status="match", today=dt.date(2026, 3, 1)
    )
    connection.refresh_from_db()
    assert connection.matched_on == dt.date(2026, 3, 1)
    assert connection.follow_up_on == dt.date(2026, 3, 29)
    page = login(admin_user).get("/beheer/voor-elkaar/").content.decode()
    assert "Telefoonmaatje" in page  # the follow-up is due (today is after 29 March 2026)
    login(admin_user).post(f"/beheer/voor-elkaar/opvolgen/{connection.pk}/")
    connection.refresh_from_db()
    assert connection.followed_up_at is not None


def test_a_professional_posts_for_a_client_without_naming_them(
    pro: User, pro_west: User, client_dossier: Any, neighbourhood: Any
) -> None:
    from vivera.audit.models import AccessLogEntry, ObjectType

    dossier, client = client_dossier, client_dossier.client
    http = login(pro)
    data = {
        "title": "Vervoer voor Ria",
        "text": "Wie rijdt mee naar de dagbesteding?",
        "help_kind": "transport",
        "neighbourhood": neighbourhood.pk,
        "parts_of_day": ["morning"],
        "frequency": "recurring",
    }
    refused = http.post(f"/dossiers/{dossier.pk}/voor-elkaar/", data)
    assert refused.status_code == 400
    assert "Laat de naam van de inwoner weg" in refused.content.decode()
    data["title"] = "Vervoer naar de dagbesteding"
    assert http.post(f"/dossiers/{dossier.pk}/voor-elkaar/", data).status_code == 302
    listing = Listing.objects.get()
    assert listing.client == client and listing.member is None and listing.status == "pending"
    page = http.get(f"/dossiers/{dossier.pk}/").content.decode()
    assert "Vervoer naar de dagbesteding" in page
    assert AccessLogEntry.objects.filter(
        object_type=ObjectType.MATCHING_LISTING, client_id=client.pk, action="read"
    ).exists()
    assert login(pro_west).get(f"/dossiers/{dossier.pk}/voor-elkaar/").status_code == 404


def test_a_member_who_writes_too_much_is_stopped_and_keeps_the_text(
    poster: Member, helper: Member, listing: Listing, settings: Any
) -> None:
    settings.VIVERA_MATCHING_LIMIT_PER_HOUR = 1  # five messages an hour
    connection = services.connection_start(member=helper, listing=listing, text="Hallo")
    for n in range(4):
        services.message_add(member=helper, connection=connection, text=f"Bericht {n}")
    http = HttpClient()
    session = http.session
    session["vivera_matching_member"] = helper.pk
    session.save()
    response = http.post(
        f"/voor-elkaar/contact/{connection.pk}/", {"action": "message", "text": "Nog een"}
    )
    page = response.content.decode()
    assert response.status_code == 400 and "probeer het over een uur opnieuw" in page.lower()
    assert "Nog een" in page  # what was typed stays
    assert connection.messages.count() == 5
    # The other side is not stopped by this member's count.
    services.message_add(member=poster, connection=connection, text="Rustig aan")


def test_the_moderators_are_reminded_of_matches_four_weeks_old(
    poster: Member, helper: Member, listing: Listing, admin_user: User, make_user: Any
) -> None:
    from io import StringIO

    from django.core import mail
    from django.core.management import call_command

    from vivera.accounts.models import Role

    admin_user.email = "beheer@gemeente.example.nl"
    admin_user.save()
    make_user("elders", Role.ADMIN, None, email="elders@example.nl")  # no municipality
    connection = services.connection_start(member=helper, listing=listing, text="Hallo")
    services.connection_status(
        member=poster, connection=connection, status="match", today=dt.date(2026, 3, 1)
    )
    assert services.follow_up_reminders(base_url="", today=dt.date(2026, 3, 28)) == 0
    out = StringIO()
    call_command("voor_elkaar_opvolgen", "--adres", "https://vivera.example.nl/", stdout=out)
    [reminder] = mail.outbox
    assert reminder.to == ["beheer@gemeente.example.nl"]
    assert "https://vivera.example.nl/beheer/voor-elkaar/" in reminder.body
    assert (
        "1 match" in reminder.body and "Anna" not in reminder.body and "Bram" not in reminder.body
    )
    assert "Herinneringen verstuurd: 1" in out.getvalue()
    login(admin_user).post(f"/beheer/voor-elkaar/opvolgen/{connection.pk}/")
    assert services.follow_up_reminders(base_url="") == 0
