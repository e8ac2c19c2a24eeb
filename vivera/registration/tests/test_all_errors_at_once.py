"""A refused form names every problem in one response: the field checks, the date rules and
the service's own rules together, never one round at a time (issue 12.2)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from vivera.conftest import login
from vivera.registration import services
from vivera.registration.models import Client, ContactMoment, DossierStatus

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + dt.timedelta(days=1)


def summary_links(html: str) -> set[str]:
    summary = re.search(r'<div class="[^"]*vivera-error-summary[^"]*"(.*?)</div>', html, re.S)
    assert summary, "no error summary"
    return set(re.findall(r'href="#(id_\w+)"', summary.group(1)))


def fields_of(error: ValidationError) -> set[str]:
    return set(error.error_dict)


@pytest.fixture
def dossier(pro, team_oost, codes):
    client = services.client_create(user=pro, first_name="Ans", last_name="Regel")
    return services.dossier_create(
        user=pro,
        client=client,
        team=team_oost,
        referrer=codes["gp"],
        registered_on=timezone.localdate() - dt.timedelta(days=10),
        case_director=pro,
    )


def test_the_client_form_names_the_bsn_the_birth_date_and_the_email_at_once(pro):
    response = login(pro).post(
        reverse("registration:client_create"),
        {
            "first_name": "Piet",
            "last_name": "Puk",
            "bsn": "123456789",
            "birth_date": TOMORROW.isoformat(),
            "email": "geen-adres",
        },
    )
    html = response.content.decode()
    assert summary_links(html) == {"id_bsn", "id_birth_date", "id_email"}
    assert "elfproef" in html
    assert "De geboortedatum mag niet in de toekomst liggen." in html
    assert 'value="Piet"' in html  # what the user typed stays
    assert not Client.objects.exists()


def test_the_client_service_refuses_with_every_problem(pro):
    with pytest.raises(ValidationError) as refused:
        services.client_create(
            user=pro,
            first_name="Piet",
            last_name="",
            birth_date=dt.date(1850, 1, 1),
            email="geen-adres",
        )
    assert fields_of(refused.value) == {"last_name", "birth_date", "email"}


def test_the_contact_form_names_the_missing_minutes_and_a_date_before_the_dossier(pro, dossier):
    before = dossier.registered_on - dt.timedelta(days=3)
    response = login(pro).post(
        reverse("registration:contact_add", args=[dossier.pk]),
        {"date": before.isoformat(), "with_whom": "client", "core_task": "", "minutes": ""},
    )
    html = response.content.decode()
    assert {"id_date", "id_minutes"} <= summary_links(html)
    assert "vóór de aanmelding van het dossier" in html
    assert not ContactMoment.objects.exists()


def test_a_status_change_names_the_transition_and_the_date_at_once(pro, dossier):
    with pytest.raises(ValidationError) as refused:
        services.dossier_change_status(
            user=pro, dossier=dossier, to_status=DossierStatus.ACTIVE, date=TOMORROW
        )
    assert fields_of(refused.value) == {"to_status", "date"}
    codes = {e.code for errors in refused.value.error_dict.values() for e in errors}
    assert codes == {"transition", "future"}
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.REGISTERED


def test_a_contact_names_the_date_and_a_professional_of_another_team_at_once(
    pro, pro_west, dossier, codes
):
    from vivera.organisation.models import ContactKind

    with pytest.raises(ValidationError) as refused:
        services.contact_add(
            user=pro,
            dossier=dossier,
            date=TOMORROW,
            kind=ContactKind.objects.first(),
            with_whom="client",
            core_task="support",
            minutes=30,
            professionals=[pro_west],
        )
    assert fields_of(refused.value) == {"date", "professionals"}
    assert not ContactMoment.objects.exists()


def test_a_single_refusal_without_a_field_keeps_its_code(pro, dossier, team_oost, codes):
    with pytest.raises(ValidationError) as refused:
        services.dossier_create(
            user=pro,
            client=dossier.client,
            team=team_oost,
            referrer=codes["gp"],
            registered_on=timezone.localdate(),
        )
    assert refused.value.code == "open_dossier_exists"


def test_a_postcode_outside_the_municipality_is_saved_with_a_warning(pro, neighbourhood):
    http = login(pro)
    response = http.post(
        reverse("registration:client_create"),
        {"first_name": "Kees", "last_name": "Elders", "postcode": "1011 AB", "house_number": "1"},
        follow=True,
    )
    client = Client.objects.get()
    assert client.neighbourhood is None
    html = response.content.decode()
    assert "De postcode 1011AB ligt niet in" in html
    assert "onbekend: de postcode ligt niet in" in html
    # Corrected to a postcode of the municipality: the neighbourhood is found, no warning.
    page = http.get(reverse("registration:client_edit", args=[client.pk]))
    data = {**page.context["form"].initial, "postcode": "9991 AB", "email": "", "phone": ""}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    response = http.post(reverse("registration:client_edit", args=[client.pk]), data, follow=True)
    client.refresh_from_db()
    assert client.neighbourhood == neighbourhood
    assert "ligt niet in" not in response.content.decode()
