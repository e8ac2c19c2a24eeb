"""What a security review of the register found, each shown closed (session 11): the public form
tells nobody whether someone else is registered, and cannot flood them with mail; a
professional's refusal names no carer; the hourly limits count the visitor, not the proxy; the
personal link is used up by a button, not by opening it; a scheme's rules stay in bounds and a
budget change waits for a decision; a scheme of another municipality is a logged refusal; a
carer who left is not paid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient

from vivera.audit.models import AccessLogEntry
from vivera.carers import appreciation, services
from vivera.carers.models import Carer
from vivera.conftest import login

from .conftest import YEAR, carer_fields, relation_fields
from .test_public import form_data, register

pytestmark = pytest.mark.django_db


def test_the_public_form_does_not_match_someone_else_by_name(
    municipality, registered, django_capture_on_commit_callbacks
):
    """The victim's name, date of birth and cared-for person with the attacker's own address:
    a new waiting registration whose link goes to that address, as for anyone new; the victim
    gets nothing and keeps its link."""
    victims_link = registered.token_hash
    with django_capture_on_commit_callbacks(execute=True):
        services.carer_register_public(
            municipality=municipality,
            carer=carer_fields(email="aanvaller@example.org"),
            relation=relation_fields(),
            address="10.0.0.9",
            base_url="https://vivera.test",
        )
    [message] = mail.outbox
    assert message.to == ["aanvaller@example.org"]
    assert "al ingeschreven" not in message.body
    registered.refresh_from_db()
    assert registered.token_hash == victims_link
    assert Carer.objects.filter(status="pending").count() == 1


def test_one_carer_gets_at_most_the_hourly_number_of_links(
    municipality, registered, settings, django_capture_on_commit_callbacks
):
    settings.VIVERA_CARERS_LIMIT_PER_HOUR = 3
    for n in range(6):  # a fresh address of the attacker's each time: not the limit that stops
        with django_capture_on_commit_callbacks(execute=True):
            services.carer_send_own_link(
                municipality=municipality,
                email=registered.email,
                address=f"10.0.1.{n}",
                base_url="https://vivera.test",
            )
    assert len(mail.outbox) == 3


def test_a_professional_learns_no_name_from_a_duplicate(pro, municipality, registered):
    with pytest.raises(ValidationError) as refused:
        services.carer_register_staff(
            user=pro,
            municipality=municipality,
            carer=carer_fields(first_name="X", last_name="Y", email=registered.email),
            relation=relation_fields(),
        )
    text = " ".join(refused.value.messages)
    assert refused.value.code == "duplicate"
    assert registered.last_name not in text and str(registered.pk) not in text


def test_the_hourly_limit_counts_the_visitor_behind_the_proxy(
    municipality, neighbourhood, settings, django_capture_on_commit_callbacks
):
    """Behind nginx every request comes from 127.0.0.1: with the proxy trusted, the address it
    saw is counted, so one visitor's attempts do not refuse the next visitor."""
    settings.VIVERA_TRUST_X_FORWARDED_FOR = True
    settings.VIVERA_CARERS_LIMIT_PER_HOUR = 2
    for n in range(3):
        response = register(
            HttpClient(HTTP_X_FORWARDED_FOR="203.0.113.7"),
            django_capture_on_commit_callbacks,
            email=f"bot{n}@example.org",
            cared_for_name=f"Persoon {n}",
        )
    assert response.status_code == 429
    other = register(
        HttpClient(HTTP_X_FORWARDED_FOR="198.51.100.20"),
        django_capture_on_commit_callbacks,
        email="iemand@example.org",
    )
    assert other.status_code == 200


def test_typing_mistakes_do_not_use_up_the_hour(
    municipality, neighbourhood, settings, django_capture_on_commit_callbacks
):
    settings.VIVERA_CARERS_LIMIT_PER_HOUR = 1
    for _ in range(3):
        refused = HttpClient().post("/mantelzorg/aanmelden/", form_data(first_name=""))
        assert refused.status_code == 400
    assert register(HttpClient(), django_capture_on_commit_callbacks).status_code == 200


def test_an_old_bot_guard_stamp_is_refused(municipality, neighbourhood):
    from django.core import signing
    from django.utils import timezone

    old = signing.dumps(timezone.now().timestamp() - 5 * 3600, salt="vivera-carers-register")
    response = HttpClient().post("/mantelzorg/aanmelden/", form_data(started=old))
    assert response.status_code == 400
    assert not Carer.objects.exists()


def test_a_schemes_months_and_hours_stay_in_bounds(consultant):
    with pytest.raises(ValidationError) as refused:
        appreciation.scheme_save(
            user=consultant,
            year=YEAR,
            form="money",
            amount=Decimal("150.00"),
            budget=Decimal("300.00"),
            opens_on=dt.date(YEAR, 1, 1),
            closes_on=dt.date(YEAR, 12, 31),
            one_per="carer",
            min_hours=500,
            min_months=32767,
        )
    assert {e.code for errors in refused.value.error_dict.values() for e in errors} >= {"invalid"}
    assert set(refused.value.error_dict) >= {"min_hours", "min_months"}


def test_a_scheme_of_another_municipality_is_a_logged_refusal(
    make_user, other_municipality, scheme
):
    from vivera.accounts.models import Role

    elsewhere = make_user("consulent_elders", Role.CARER_CONSULTANT, other_municipality)
    http = login(elsewhere)
    assert http.get(f"/mantelzorgers/waardering/{scheme.pk}/").status_code == 404
    assert http.get(f"/mantelzorgers/waardering/{scheme.pk}/uitbetaling.csv").status_code == 404
    assert (
        AccessLogEntry.objects.filter(
            user=elsewhere, result="refused", object_id=f"scheme {scheme.pk}"
        ).count()
        == 2
    )


def test_a_carer_who_left_is_not_approved(consultant, registered, scheme):
    application = appreciation.application_submit(
        user=consultant,
        scheme=scheme,
        carer=registered,
        relation=registered.relations.get(),
        iban="NL91ABNA0417164300",
        account_holder="M. de Zorg",
    )
    services.carer_leave(user=consultant, carer=registered, on=registered.registered_on)
    with pytest.raises(ValidationError) as refused:
        appreciation.application_decide(user=consultant, application=application, approve=True)
    assert refused.value.code == "left" or "left" in str(refused.value)


def test_no_carer_is_added_to_a_closed_dossier(pro, team_oost, codes):
    from vivera.registration.services import client_create, dossier_change_status, dossier_create
    from vivera.registration.tests.test_bounded_pages import TODAY

    client = client_create(user=pro, first_name="Dicht", last_name="Dossier")
    dossier = dossier_create(
        user=pro,
        client=client,
        team=team_oost,
        referrer=codes["self"],
        registered_on=TODAY - dt.timedelta(days=10),
    )
    dossier_change_status(user=pro, dossier=dossier, to_status="closed", date=TODAY)
    response = login(pro).post(f"/mantelzorgers/dossier/{dossier.pk}/", {})
    assert response.status_code == 302
    assert not Carer.objects.exists()


def test_a_carer_cannot_add_dozens_of_people_in_an_hour(registered, settings):
    from vivera.carers.tests.test_public import signed_in

    settings.VIVERA_CARERS_LIMIT_PER_HOUR = 3
    http = signed_in(registered)
    statuses = [
        http.post(
            "/mantelzorg/mijn/zorg/",
            {
                "cared_for_name": f"Verzonnen {n}",
                "relation": "friend",
                "care_kinds": ["household"],
                "hours_per_week": "10",
                "since": "2020-01-01",
            },
        ).status_code
        for n in range(5)
    ]
    assert statuses == [302, 302, 302, 429, 429]
    assert registered.relations.count() == 4


def test_a_carers_own_actions_are_logged_with_the_address(
    municipality, neighbourhood, django_capture_on_commit_callbacks
):
    register(HttpClient(REMOTE_ADDR="198.51.100.33"), django_capture_on_commit_callbacks)
    line = AccessLogEntry.objects.get(object_type="carer", action="create")
    assert line.ip_address == "198.51.100.33" and line.user is None
