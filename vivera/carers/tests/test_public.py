"""The carer's public pages, through HTTP: registering at /mantelzorg/aanmelden/ without login,
the link, the own page (change, apply, leave), and the bot guard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail, signing
from django.test import Client as HttpClient
from django.utils import timezone

from vivera.carers.models import Application, Carer
from vivera.core.botguard import BotGuardForm

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def started(salt: str) -> str:
    return signing.dumps(timezone.now().timestamp() - 10, salt=salt)


def form_data(**overrides):
    data = {
        "first_name": "Mira",
        "last_name": "de Zorg",
        "birth_date": "04-03-1970",
        "email": "mira@example.org",
        "postcode": "9991 AB",
        "house_number": "12",
        "cared_for_name": "Jan de Zorg",
        "relation": "parent",
        "care_kinds": ["household", "personal"],
        "hours_per_week": "10",
        "since": (TODAY - dt.timedelta(days=400)).isoformat(),
        "contact_consent": "on",
        "contact_purposes": ["news", "appreciation"],
        "privacy": "on",
        "started": started("vivera-carers-register"),
        "website": "",
    }
    data.update(overrides)
    return data


def register(http, django_capture_on_commit_callbacks, **overrides):
    with django_capture_on_commit_callbacks(execute=True):
        return http.post("/mantelzorg/aanmelden/", form_data(**overrides))


def test_the_form_opens_without_login(municipality):
    response = HttpClient().get("/mantelzorg/aanmelden/")
    assert response.status_code == 200
    assert "Aanmelden als mantelzorger" in response.text


def test_it_registers_confirms_and_opens_the_own_page(
    municipality, neighbourhood, django_capture_on_commit_callbacks
):
    http = HttpClient()
    response = register(http, django_capture_on_commit_callbacks)
    assert response.status_code == 200 and 'data-testid="link-sent"' in response.text
    carer = Carer.objects.get()
    assert (carer.status, carer.source, carer.contact_purposes) == (
        "pending",
        "public",
        ["appreciation", "news"],
    )
    link = next(x for x in mail.outbox[0].body.splitlines() if "/mantelzorg/link/" in x)
    link = link.replace("http://testserver", "")
    # Opening the link changes nothing (a mail scanner opens it before the person does); the
    # button on that page uses it.
    opened = http.get(link)
    assert opened.status_code == 200 and f'action="{link}"' in opened.text
    carer.refresh_from_db()
    assert carer.status == "pending" and carer.token_hash
    response = http.post(link, follow=True)
    assert response.redirect_chain[-1][0] == "/mantelzorg/mijn/"
    assert "Jan de Zorg" in response.text
    carer.refresh_from_db()
    assert (carer.status, carer.registered_on) == ("registered", TODAY)
    # The link works once.
    assert HttpClient().post(link).status_code == 404


def test_problems_are_shown_all_at_once_in_dutch(municipality):
    response = HttpClient().post(
        "/mantelzorg/aanmelden/",
        form_data(first_name="", email="", hours_per_week="300", care_kinds=[], privacy=""),
    )
    assert response.status_code == 400
    for message in (
        "Vul de voornaam in.",
        "Vul uw e-mailadres in",
        "Een week heeft tussen 1 en 168 uur.",
        "Kies ten minste één soort zorg.",
        "Zonder uw toestemming kunnen we u niet inschrijven.",
    ):
        assert message in response.text, message
    assert not Carer.objects.exists()


def test_a_bot_is_refused_and_nothing_is_kept(municipality):
    for overrides in ({"website": "http://spam"}, {"started": "fout"}):
        response = HttpClient().post("/mantelzorg/aanmelden/", form_data(**overrides))
        assert response.status_code == 400
        assert str(BotGuardForm.refusal) != "" and "Wacht even" in response.text
    assert not Carer.objects.exists()


def test_a_second_registration_tells_only_the_owner_of_the_address(
    municipality, neighbourhood, django_capture_on_commit_callbacks
):
    register(HttpClient(), django_capture_on_commit_callbacks)
    response = register(HttpClient(), django_capture_on_commit_callbacks)
    assert 'data-testid="link-sent"' in response.text  # the page says the same
    assert Carer.objects.count() == 1
    assert "al ingeschreven" in mail.outbox[1].body


def signed_in(carer: Carer) -> HttpClient:
    http = HttpClient()
    session = http.session
    session["vivera_carer"] = carer.pk
    session.save()
    return http


def test_the_carer_changes_its_details_applies_and_leaves(registered, scheme):
    http = signed_in(registered)
    response = http.post(
        "/mantelzorg/mijn/wijzigen/",
        {"phone": "0612345678", "postcode": "9991AB", "house_number": "14", "is_working": ""},
    )
    assert response.status_code == 302
    registered.refresh_from_db()
    assert (registered.phone, registered.house_number, registered.is_working) == (
        "0612345678",
        "14",
        False,
    )
    relation = registered.relations.get()
    data = {
        "relation": str(relation.pk),
        "iban": "NL91 ABNA 0417 1643 01",
        "account_holder": "M. de Zorg",
        "started": started("vivera-carers-apply"),
    }
    response = http.post("/mantelzorg/mijn/waardering/", data)
    assert response.status_code == 400
    assert "Dit IBAN klopt niet" in response.text
    data.update(iban="NL91 ABNA 0417 1643 00", started=started("vivera-carers-apply"))
    assert http.post("/mantelzorg/mijn/waardering/", data).status_code == 302
    data["started"] = started("vivera-carers-apply")
    response = http.post("/mantelzorg/mijn/waardering/", data)
    assert response.status_code == 400 and "Er is al een aanvraag" in response.text
    assert Application.objects.count() == 1
    response = http.post("/mantelzorg/mijn/stoppen/", {"reason": "Zorg gestopt"})
    assert response.status_code == 200
    registered.refresh_from_db()
    assert registered.status == "left"
    # Signed out: the page asks for the e-mail address again.
    assert "Vul het e-mailadres in" in http.get("/mantelzorg/mijn/").text


def test_asking_for_a_link_says_the_same_for_an_unknown_address(
    registered, django_capture_on_commit_callbacks
):
    for email in ("mira@example.org", "onbekend@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            response = HttpClient().post(
                "/mantelzorg/mijn/",
                {"email": email, "started": started("vivera-carers-link"), "website": ""},
            )
        assert 'data-testid="link-sent"' in response.text
    assert [m.to for m in mail.outbox] == [["mira@example.org"]]


def test_the_carer_adds_someone_else_it_cares_for(registered):
    http = signed_in(registered)
    assert "Iemand anders voor wie je zorgt" in http.get("/mantelzorg/mijn/").text
    data = {
        "cared_for_name": "Jan de Zorg",  # already on the page
        "relation": "parent",
        "care_kinds": ["household"],
        "hours_per_week": "4",
        "since": (TODAY - dt.timedelta(days=100)).isoformat(),
    }
    response = http.post("/mantelzorg/mijn/zorg/", data)
    assert response.status_code == 400 and "Jan de Zorg" in response.text
    assert registered.relations.count() == 1
    data["cared_for_name"] = "Tine de Zorg"
    assert http.post("/mantelzorg/mijn/zorg/", data).status_code == 302
    assert sorted(registered.relations.values_list("cared_for_name", flat=True)) == [
        "Jan de Zorg",
        "Tine de Zorg",
    ]
    assert registered.relations.get(cared_for_name="Tine de Zorg").client_id is None
    # Without the personal link's session: back to asking for the e-mail address.
    anonymous = HttpClient().post("/mantelzorg/mijn/zorg/", data)
    assert anonymous.status_code == 302 and registered.relations.count() == 2
