"""The team's side of a request it posted for its client: a helper replies on the public site,
the team answers from the dossier, both agree to share contact details (the professional's
work address, never the client's), and the team records the match, which shows on the
dossier. Only the professionals who may see the dossier take part; every read and write is in
the access log; e-mails say only that a message waits."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client as HttpClient

from vivera.accounts.models import User
from vivera.audit.models import AccessLogEntry, ObjectType
from vivera.conftest import login
from vivera.matching import services
from vivera.matching.models import Connection, Listing, Member
from vivera.registration.models import Client, Dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(pro: User, client_dossier: Dossier) -> Dossier:
    pro.email = "pro@wijkteam.example.nl"
    pro.last_name = "Jansen"
    pro.save()
    return client_dossier


@pytest.fixture
def listing(pro: User, dossier: Dossier, neighbourhood: Any) -> Listing:
    listing = services.listing_post_for_client(
        user=pro,
        dossier=dossier,
        title="Vervoer naar de dagbesteding",
        text="Wie rijdt op dinsdag mee?",
        help_kind="transport",
        neighbourhood=neighbourhood,
        parts_of_day=["morning"],
        frequency="recurring",
    )
    listing.status = "published"
    listing.save()
    return listing


@pytest.fixture
def helper(municipality: Any) -> Member:
    return Member.objects.create(
        municipality=municipality,
        name="Bram",
        email="bram@example.nl",
        confirmed_at="2026-01-01T00:00Z",
    )


def as_member(member: Member) -> HttpClient:
    http = HttpClient()
    session = http.session
    session["vivera_matching_member"] = member.pk
    session.save()
    return http


def test_a_helper_and_the_team_talk_share_and_match(
    pro: User, dossier: Dossier, listing: Listing, helper: Member
) -> None:
    public = as_member(helper)
    replied = public.post(
        f"/voor-elkaar/{listing.pk}/", {"action": "reply", "reply-text": "Ik rijd graag mee."}
    )
    connection = Connection.objects.get()
    assert replied.status_code == 302 and replied["Location"].endswith(
        f"/voor-elkaar/contact/{connection.pk}/"
    )
    # The professional who posted it hears of it, without the message or the client's name.
    [notice] = mail.outbox
    assert notice.to == ["pro@wijkteam.example.nl"]
    assert f"/dossiers/{dossier.pk}/voor-elkaar/gesprek/{connection.pk}/" in notice.body
    assert "Ik rijd graag mee" not in notice.body and "Verborgen" not in notice.body

    team = login(pro)
    page = team.get(f"/dossiers/{dossier.pk}/").content.decode()
    assert "Gesprek met Bram" in page and "wacht op uw antwoord" in page
    url = f"/dossiers/{dossier.pk}/voor-elkaar/gesprek/{connection.pk}/"
    thread = team.get(url).content.decode()
    assert "Ik rijd graag mee." in thread

    # Contact details wait until both agree; the team's answer reaches the helper by e-mail.
    refused = team.post(url, {"action": "message", "text": "Bel 06-12345678"})
    assert refused.status_code == 400 and "telefoonnummer" in refused.content.decode()
    assert (
        team.post(url, {"action": "message", "text": "Fijn! Dinsdag om 9 uur?"}).status_code == 302
    )
    assert mail.outbox[-1].to == ["bram@example.nl"]
    assert "Dinsdag" not in mail.outbox[-1].body
    seen = public.get(f"/voor-elkaar/contact/{connection.pk}/").content.decode()
    assert "Fijn! Dinsdag om 9 uur?" in seen and "wijkteam Oost" in seen
    assert "Verborgen" not in seen and "Ria" not in seen

    team.post(url, {"action": "share"})
    seen = public.get(f"/voor-elkaar/contact/{connection.pk}/").content.decode()
    assert "pro@wijkteam.example.nl" not in seen and "Jansen" not in seen
    public.post(f"/voor-elkaar/contact/{connection.pk}/", {"action": "share"})
    seen = public.get(f"/voor-elkaar/contact/{connection.pk}/").content.decode()
    assert "pro@wijkteam.example.nl" in seen and "Jansen" in seen and "Verborgen" not in seen
    assert "bram@example.nl" in team.get(url).content.decode()

    # Only the team records how it goes; the match shows on the dossier.
    public.post(f"/voor-elkaar/contact/{connection.pk}/", {"action": "status", "status": "match"})
    connection.refresh_from_db()
    assert connection.status == "connection"
    assert team.post(url, {"action": "status", "status": "match"}).status_code == 302
    connection.refresh_from_db()
    assert connection.status == "match" and connection.matched_on is not None
    assert connection.follow_up_on == connection.matched_on + dt.timedelta(days=28)
    page = team.get(f"/dossiers/{dossier.pk}/").content.decode()
    assert "Match" in page and "wacht op uw antwoord" not in page

    what = list(
        AccessLogEntry.objects.filter(
            object_type=ObjectType.MATCHING_LISTING, object_id=str(listing.pk), user=pro
        ).values_list("action", "client_id", "detail__what")
    )
    client_id = dossier.client_id
    assert ("create", client_id, "message") in what
    assert ("update", client_id, "share") in what
    assert ("update", client_id, "status") in what
    assert ("read", client_id, None) in what


def test_a_colleague_answers_and_is_named_to_the_team(
    pro: User, colleague: User, dossier: Dossier, listing: Listing, helper: Member
) -> None:
    connection = services.connection_start(member=helper, listing=listing, text="Hallo")
    services.team_message_add(user=colleague, connection=connection, text="Dag Bram")
    thread = (
        login(pro)
        .get(f"/dossiers/{dossier.pk}/voor-elkaar/gesprek/{connection.pk}/")
        .content.decode()
    )
    assert "Colleague" in thread  # the colleague's name, not "U"


def test_another_team_and_other_roles_cannot_answer(
    pro_west: User,
    policy: User,
    admin_user: User,
    dossier: Dossier,
    listing: Listing,
    helper: Member,
) -> None:
    connection = services.connection_start(member=helper, listing=listing, text="Hallo")
    url = f"/dossiers/{dossier.pk}/voor-elkaar/gesprek/{connection.pk}/"
    for user in (pro_west, policy, admin_user):
        with pytest.raises(PermissionDenied):
            services.team_message_add(user=user, connection=connection, text="Hoi")
        with pytest.raises(PermissionDenied):
            services.team_contact_share(user=user, connection=connection)
        with pytest.raises(PermissionDenied):
            services.team_connection_status(user=user, connection=connection, status="match")
    assert login(pro_west).post(url, {"action": "message", "text": "Hoi"}).status_code == 404
    assert login(policy).get(url).status_code == 403
    assert connection.messages.count() == 1
    assert AccessLogEntry.objects.filter(user=pro_west, result="refused").exists()


def test_a_conversation_of_another_dossier_is_not_reached_through_this_one(
    pro: User, dossier: Dossier, listing: Listing, helper: Member, codes: Any, team_oost: Any
) -> None:
    other = Dossier.objects.create(
        municipality=team_oost.municipality,
        team=team_oost,
        client=Client.objects.create(
            municipality=team_oost.municipality, first_name="A", last_name="B", created_by=pro
        ),
        referrer=codes["gp"],
        registered_on="2026-01-05",
        status="active",
        status_since="2026-01-05",
        created_by=pro,
    )
    connection = services.connection_start(member=helper, listing=listing, text="Hallo")
    response = login(pro).get(f"/dossiers/{other.pk}/voor-elkaar/gesprek/{connection.pk}/")
    assert response.status_code == 404


def test_a_message_after_the_request_was_closed_is_refused_and_kept(
    pro: User, dossier: Dossier, listing: Listing, helper: Member
) -> None:
    connection = services.connection_start(member=helper, listing=listing, text="Hallo")
    listing.status = "closed"
    listing.save()
    response = login(pro).post(
        f"/dossiers/{dossier.pk}/voor-elkaar/gesprek/{connection.pk}/",
        {"action": "message", "text": "Nog nodig?"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "staat niet meer online" in page and "Nog nodig?" in page
    assert connection.messages.count() == 1
    with pytest.raises(ValidationError):
        services.message_add(member=helper, connection=connection, text="Nog nodig?")


def test_sharing_needs_a_work_address(
    colleague: User, dossier: Dossier, listing: Listing, helper: Member
) -> None:
    connection = services.connection_start(member=helper, listing=listing, text="Hallo")
    assert not colleague.email
    with pytest.raises(ValidationError):
        services.team_contact_share(user=colleague, connection=connection)
    page = login(colleague).post(
        f"/dossiers/{dossier.pk}/voor-elkaar/gesprek/{connection.pk}/",
        {"action": "share"},
        follow=True,
    )
    assert "geen e-mailadres om te delen" in page.content.decode()
    connection.refresh_from_db()
    assert not connection.poster_shares


def test_saving_how_it_goes_without_a_choice_records_nothing(
    pro: User, dossier: Dossier, listing: Listing, helper: Member
) -> None:
    connection = services.connection_start(member=helper, listing=listing, text="Hallo")
    url = f"/dossiers/{dossier.pk}/voor-elkaar/gesprek/{connection.pk}/"
    page = login(pro).get(url).content.decode()
    assert "Uw bericht" in page and '<option value="">Kies…</option>' in page
    assert '<option value="match" selected>' not in page
    response = login(pro).post(url, {"action": "status", "status": ""})
    assert response.status_code == 400 and "Kies hoe het gaat" in response.content.decode()
    connection.refresh_from_db()
    assert connection.status == "connection" and connection.matched_on is None
