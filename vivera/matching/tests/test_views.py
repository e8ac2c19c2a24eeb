"""Voor elkaar's public pages: look around without login, sign up by a link, post (bots and
contact details refused, what was typed kept), moderate, report."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core import mail
from django.test import Client as HttpClient

from vivera.accounts.models import User
from vivera.conftest import login
from vivera.core import botguard
from vivera.matching.models import Listing, ListingStatus, Member, Report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: Any) -> None:
    monkeypatch.setattr(botguard, "MIN_SECONDS", 0)


def form_fields(http: HttpClient, url: str) -> dict[str, str]:
    """The signed start time the page gave out."""
    html = http.get(url).content.decode()
    start = html.index('name="started" value="') + len('name="started" value="')
    return {"started": html[start : html.index('"', start)], "website": ""}


def signed_in(municipality: Any) -> HttpClient:
    http = HttpClient()
    response = http.post(
        "/voor-elkaar/aanmelden/",
        {**form_fields(http, "/voor-elkaar/aanmelden/"), "name": "Fatima", "email": "f@example.nl"},
    )
    assert response.status_code == 200 and "Kijk in je e-mail" in response.content.decode()
    link = next(w for w in mail.outbox[-1].body.split() if "/voor-elkaar/bevestigen/" in w)
    assert http.get(link[link.index("/voor-elkaar/") :]).status_code == 302
    return http


def test_the_overview_is_open_without_login(municipality: Any, neighbourhood: Any) -> None:
    response = HttpClient().get("/voor-elkaar/")
    assert response.status_code == 200
    assert "Voor elkaar" in response.content.decode()


def test_sign_up_post_moderate_and_find(
    municipality: Any, neighbourhood: Any, admin_user: User
) -> None:
    http = signed_in(municipality)
    member = Member.objects.get()
    assert member.confirmed_at is not None
    fields = form_fields(http, "/voor-elkaar/plaatsen/")
    data = {
        **fields,
        "kind": "request",
        "title": "Samen boodschappen doen",
        "text": "Wie gaat op zaterdag mee naar de markt? Bel 06-12345678.",
        "help_kind": "shopping",
        "neighbourhood": neighbourhood.pk,
        "parts_of_day": ["morning"],
        "frequency": "recurring",
    }
    refused = http.post("/voor-elkaar/plaatsen/", data)
    text = refused.content.decode()
    assert refused.status_code == 400 and "Haal een telefoonnummer weg" in text
    assert "Samen boodschappen doen" in text  # what was typed stays
    assert not Listing.objects.exists()
    data["text"] = "Wie gaat op zaterdag mee naar de markt?"
    assert http.post("/voor-elkaar/plaatsen/", data).status_code == 302
    listing = Listing.objects.get()
    assert listing.status == ListingStatus.PENDING
    assert "Samen boodschappen doen" not in HttpClient().get("/voor-elkaar/").content.decode()

    moderator = login(admin_user)
    assert "Samen boodschappen doen" in moderator.get("/beheer/voor-elkaar/").content.decode()
    moderator.post(f"/beheer/voor-elkaar/{listing.pk}/", {"decision": "publish"})
    public = HttpClient().get("/voor-elkaar/?q=markt").content.decode()
    assert "<article" in public and "Samen boodschappen doen" in public
    assert "f@example.nl" not in public and "Fatima" not in public


def test_a_bot_is_refused_and_nothing_is_sent(municipality: Any, neighbourhood: Any) -> None:
    http = HttpClient()
    fields = form_fields(http, "/voor-elkaar/aanmelden/") | {"website": "http://spam.example"}
    response = http.post("/voor-elkaar/aanmelden/", {**fields, "name": "Bot", "email": "b@x.nl"})
    assert response.status_code == 400 and not mail.outbox and not Member.objects.exists()
    forged = http.post(
        "/voor-elkaar/aanmelden/",
        {"started": "1", "website": "", "name": "Bot", "email": "b@x.nl"},
    )
    assert forged.status_code == 400 and not mail.outbox


def test_posting_needs_a_confirmed_member(municipality: Any, neighbourhood: Any) -> None:
    response = HttpClient().get("/voor-elkaar/plaatsen/")
    assert response.status_code == 302 and response.url == "/voor-elkaar/aanmelden/"


def test_a_used_link_does_not_sign_in(municipality: Any, neighbourhood: Any) -> None:
    signed_in(municipality)
    link = next(w for w in mail.outbox[-1].body.split() if "/voor-elkaar/bevestigen/" in w)
    again = HttpClient().get(link[link.index("/voor-elkaar/") :])
    assert again.status_code == 404 and "Deze link werkt niet" in again.content.decode()


def test_a_visitor_reports_abuse(municipality: Any, neighbourhood: Any, admin_user: User) -> None:
    member = Member.objects.create(
        municipality=municipality, name="A", email="a@example.nl", confirmed_at="2026-01-01T00:00Z"
    )
    listing = Listing.objects.create(
        municipality=municipality,
        kind="offer",
        member=member,
        title="Klusjes",
        text="Ik help met klusjes.",
        help_kind="odd_jobs",
        neighbourhood=neighbourhood,
        frequency="once",
        status="published",
        published_at="2026-01-02T00:00Z",
    )
    http = HttpClient()
    fields = form_fields(http, f"/voor-elkaar/{listing.pk}/")
    time.sleep(0)
    response = http.post(f"/voor-elkaar/{listing.pk}/", {**fields, "reason": "Lijkt reclame."})
    assert response.status_code == 302
    assert Report.objects.get().reason == "Lijkt reclame."
    moderator = login(admin_user)
    assert "Lijkt reclame." in moderator.get("/beheer/voor-elkaar/").content.decode()
    moderator.post(
        f"/beheer/voor-elkaar/{listing.pk}/",
        {"decision": "hold", f"l{listing.pk}-reason": "Reclame voor een bedrijf."},
    )
    moderator.post(f"/beheer/voor-elkaar/meldingen/{listing.pk}/")
    listing.refresh_from_db()
    assert listing.status == "held" and Report.objects.get().handled_at is not None
    assert "Lijkt reclame." not in moderator.get("/beheer/voor-elkaar/").content.decode()


def test_every_public_form_survives_the_fuzz(
    municipality: Any, neighbourhood: Any, settings: Any
) -> None:
    """The site's form fuzz on each public form, signed in and not: never a server error."""
    from vivera.devtools.testing.htmlforms import post_forms
    from vivera.web.tests.test_form_fuzz import fuzz

    settings.VIVERA_MATCHING_LIMIT_PER_HOUR = 10_000
    member = Member.objects.create(
        municipality=municipality, name="A", email="a@example.nl", confirmed_at="2026-01-01T00:00Z"
    )
    listing = Listing.objects.create(
        municipality=municipality,
        kind="offer",
        member=member,
        title="Klusjes",
        text="Klussen.",
        help_kind="odd_jobs",
        neighbourhood=neighbourhood,
        frequency="once",
        status="published",
        published_at="2026-01-02T00:00Z",
    )
    http = HttpClient()
    for url in ("/voor-elkaar/aanmelden/", f"/voor-elkaar/{listing.pk}/", "/voor-elkaar/"):
        for form in post_forms(http.get(url).content.decode()):
            fuzz(http, form.action or url, form)
    session = http.session
    session["vivera_matching_member"] = member.pk
    session.save()
    for url in ("/voor-elkaar/plaatsen/", "/voor-elkaar/mijn/"):
        for form in post_forms(http.get(url).content.decode()):
            fuzz(http, form.action or url, form)


def test_withdrawing_something_that_is_not_yours_or_not_a_number(municipality: Any) -> None:
    member = Member.objects.create(
        municipality=municipality, name="A", email="a@example.nl", confirmed_at="2026-01-01T00:00Z"
    )
    http = HttpClient()
    session = http.session
    session["vivera_matching_member"] = member.pk
    session.save()
    for value in ("abc", "99999999999999999999999", "-1", ""):
        assert http.post("/voor-elkaar/mijn/", {"withdraw": value}).status_code == 404


def test_a_search_that_finds_very_many_says_more_than(make_listing: Any, monkeypatch: Any) -> None:
    from vivera.matching import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    for n in range(5):
        make_listing(
            kind="offer",
            title=f"Boodschappen {n}",
            text="Ik doe graag boodschappen.",
            help_kind="shopping",
            published_at=f"2026-01-0{n + 1}T10:00Z",
        )
    page = HttpClient().get("/voor-elkaar/?q=boodschappen").content.decode()
    assert "Meer dan 3 hulpvragen en aanbiedingen" in page
    # The newest first; the pages end at the cap.
    assert page.index("Boodschappen 4") < page.index("Boodschappen 2")
    assert "Boodschappen 0" not in page
    few = HttpClient().get("/voor-elkaar/?q=boodschappen&help_kind=garden").content.decode()
    assert "0 hulpvragen en aanbiedingen" in few
