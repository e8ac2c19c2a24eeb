"""Consent for sharing with partners: recorded and withdrawn per dossier on the dossier page,
and enforced when a referral to a partner is registered. Through the HTTP interface."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from vivera.audit.models import AccessLogEntry
from vivera.conftest import login
from vivera.core.models import SubmittedForm
from vivera.organisation.models import PartnerKind, PartnerOrganisation
from vivera.registration.models import Referral, SharingConsent
from vivera.registration.services import (
    client_create,
    consent_record,
    consent_withdraw,
    dossier_change_status,
    dossier_create,
)

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def days_ago(days: int) -> dt.date:
    return today() - dt.timedelta(days=days)


@pytest.fixture
def dossier(pro, team_oost, codes):
    client = client_create(user=pro, first_name="Ans", last_name="Delen")
    return dossier_create(
        user=pro,
        client=client,
        team=team_oost,
        referrer=codes["gp"],
        registered_on=days_ago(60),
        case_director=pro,
    )


@pytest.fixture
def other_partner(municipality):
    return PartnerOrganisation.objects.create(
        municipality=municipality, name="MEE Wijkstad", kind=PartnerKind.MEE
    )


def consent_form(partner: Any = "all", **changes: Any) -> dict[str, Any]:
    data = {
        "partner": partner,
        "scopes": ["referral"],
        "given_on": days_ago(10).isoformat(),
        "given_how": "written",
        "note": "Formulier in het archief.",
    }
    return {**data, **changes}


def referral_form(partner: PartnerOrganisation, day: dt.date, **changes: Any) -> dict[str, Any]:
    data = {
        "referred_on": day.isoformat(),
        "provision_kind": "general",
        "partner": partner.pk,
        "handover": "planned",
    }
    return {**data, **changes}


def record(
    user: Any,
    dossier: Any,
    partner: Any = None,
    scopes: tuple[str, ...] = ("referral",),
    given_on: dt.date | None = None,
) -> SharingConsent:
    return consent_record(
        user=user,
        dossier=dossier,
        partner=partner,
        scopes=scopes,
        given_on=given_on or days_ago(10),
        given_how="verbal",
    )


# --- Recording and withdrawing ------------------------------------------------------------------


def test_it_records_consent_for_one_partner_on_the_dossier_page(pro, dossier, partner_org):
    http = login(pro)
    page = http.get(reverse("registration:consent_add", args=[dossier.pk]))
    assert page.status_code == 200
    token = page.context["form"].initial["form_token"]
    response = http.post(
        reverse("registration:consent_add", args=[dossier.pk]),
        consent_form(partner_org.pk, scopes=["referral", "status"], form_token=token),
    )
    assert response.status_code == 302
    consent = SharingConsent.objects.get()
    assert (
        consent.dossier,
        consent.partner,
        consent.covers_referral,
        consent.covers_status,
        consent.given_on,
        consent.given_how,
        consent.recorded_by,
        consent.note,
    ) == (
        dossier,
        partner_org,
        True,
        True,
        days_ago(10),
        "written",
        pro,
        "Formulier in het archief.",
    )
    entry = AccessLogEntry.objects.get(action="create", object_type="consent")
    assert (entry.user, entry.client_id, entry.object_id) == (
        pro,
        dossier.client_id,
        str(consent.pk),
    )
    assert entry.detail["partner"] == partner_org.pk
    assert "note" not in entry.detail  # free text stays out of the log
    detail = http.get(reverse("registration:dossier_detail", args=[dossier.pk])).content.decode()
    assert "Woonstede" in detail
    assert reverse("registration:consent_withdraw", args=[consent.pk]) in detail


def test_it_records_consent_for_all_partners(pro, dossier):
    response = login(pro).post(
        reverse("registration:consent_add", args=[dossier.pk]), consent_form("all")
    )
    assert response.status_code == 302
    assert SharingConsent.objects.get().partner is None


def test_the_coordinator_of_the_team_may_record_consent(coordinator, dossier):
    response = login(coordinator).post(
        reverse("registration:consent_add", args=[dossier.pk]), consent_form()
    )
    assert response.status_code == 302
    assert SharingConsent.objects.get().recorded_by == coordinator


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("partner_user", 403),
        ("policy", 403),
        ("researcher", 403),
        ("admin_user", 403),
        ("resident", 403),
        ("pro_west", 404),
        ("other_pro", 404),
    ],
)
def test_no_other_role_or_team_can_record_or_withdraw_consent(
    persona, status, request, pro, dossier
):
    user = request.getfixturevalue(persona)
    http = login(user)
    response = http.post(reverse("registration:consent_add", args=[dossier.pk]), consent_form())
    assert response.status_code == status
    assert not SharingConsent.objects.exists()
    consent = record(pro, dossier)
    response = http.post(
        reverse("registration:consent_withdraw", args=[consent.pk]),
        {"withdrawn_on": today().isoformat()},
    )
    assert response.status_code == status
    consent.refresh_from_db()
    assert consent.withdrawn_on is None
    assert AccessLogEntry.objects.filter(user=user, result="refused").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"scopes": []}, "scopes"),
        ({"partner": ""}, "partner"),
        ({"given_how": ""}, "given_how"),
        ({"given_on": (today() + dt.timedelta(days=1)).isoformat()}, "given_on"),
        ({"given_on": days_ago(90).isoformat()}, "given_on"),  # before the dossier was registered
    ],
)
def test_incomplete_or_impossible_consent_is_refused_and_nothing_saved(
    pro, dossier, changes, field
):
    response = login(pro).post(
        reverse("registration:consent_add", args=[dossier.pk]), consent_form(**changes)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not SharingConsent.objects.exists()


def test_a_partner_of_another_municipality_cannot_be_chosen(pro, dossier, other_municipality):
    elsewhere = PartnerOrganisation.objects.create(
        municipality=other_municipality, name="Woonbron", kind=PartnerKind.HOUSING
    )
    response = login(pro).post(
        reverse("registration:consent_add", args=[dossier.pk]), consent_form(elsewhere.pk)
    )
    assert "partner" in response.context["form"].errors
    assert not SharingConsent.objects.exists()


def test_the_same_consent_twice_is_refused(pro, dossier, partner_org):
    record(pro, dossier, partner_org)
    response = login(pro).post(
        reverse("registration:consent_add", args=[dossier.pk]), consent_form(partner_org.pk)
    )
    assert response.context["form"].non_field_errors()
    assert SharingConsent.objects.count() == 1


def test_it_withdraws_consent_and_logs_it(pro, colleague, dossier, partner_org):
    consent = record(pro, dossier, partner_org)
    http = login(colleague)
    page = http.get(reverse("registration:consent_withdraw", args=[consent.pk]))
    assert page.status_code == 200
    response = http.post(
        reverse("registration:consent_withdraw", args=[consent.pk]),
        {"withdrawn_on": days_ago(2).isoformat()},
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert (consent.withdrawn_on, consent.withdrawn_by) == (days_ago(2), colleague)
    assert consent.withdrawn_at is not None
    entry = AccessLogEntry.objects.get(action="update", object_type="consent")
    assert (entry.user, entry.client_id) == (colleague, dossier.client_id)
    assert entry.detail["withdrawn_on"] == days_ago(2).isoformat()
    again = http.post(
        reverse("registration:consent_withdraw", args=[consent.pk]),
        {"withdrawn_on": today().isoformat()},
    )
    assert again.status_code == 200
    consent.refresh_from_db()
    assert consent.withdrawn_on == days_ago(2)  # the first withdrawal stands


def test_a_withdrawal_before_the_consent_was_given_is_refused(pro, dossier, partner_org):
    consent = record(pro, dossier, partner_org, given_on=days_ago(5))
    response = login(pro).post(
        reverse("registration:consent_withdraw", args=[consent.pk]),
        {"withdrawn_on": days_ago(6).isoformat()},
    )
    assert "withdrawn_on" in response.context["form"].errors
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_consent_can_be_withdrawn_on_a_closed_dossier_but_not_recorded(pro, dossier, partner_org):
    consent = record(pro, dossier, partner_org)
    dossier_change_status(user=pro, dossier=dossier, to_status="closed", date=today())
    http = login(pro)
    refused = http.post(reverse("registration:consent_add", args=[dossier.pk]), consent_form("all"))
    assert refused.context["form"].non_field_errors()
    assert SharingConsent.objects.count() == 1
    response = http.post(
        reverse("registration:consent_withdraw", args=[consent.pk]),
        {"withdrawn_on": today().isoformat()},
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == today()


# --- Enforced when sending ------------------------------------------------------------------------


def test_a_referral_to_a_partner_without_consent_is_refused_and_changes_nothing(
    pro, dossier, partner_org
):
    http = login(pro)
    token = (
        http.get(reverse("registration:referral_add", args=[dossier.pk]))
        .context["form"]
        .initial["form_token"]
    )
    log_lines = AccessLogEntry.objects.count()
    response = http.post(
        reverse("registration:referral_add", args=[dossier.pk]),
        referral_form(partner_org, days_ago(1), form_token=token),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["partner"]
    assert "Woonstede" in errors[0]
    assert response.context["form"].errors.as_data()["partner"][0].code == "no_consent"
    assert not Referral.objects.exists()
    assert not SubmittedForm.objects.exists()  # the form token was rolled back too
    # Only the read of the dossier was logged, no change.
    assert not AccessLogEntry.objects.filter(object_type="referral").exists()
    assert AccessLogEntry.objects.count() == log_lines + 1
    # What was typed is still in the form.
    assert response.context["form"]["handover"].value() == "planned"
    # With consent the same form saves.
    record(pro, dossier, partner_org)
    saved = http.post(
        reverse("registration:referral_add", args=[dossier.pk]),
        referral_form(partner_org, days_ago(1), form_token=token),
    )
    assert saved.status_code == 302
    assert Referral.objects.get().partner == partner_org


def test_a_referral_without_a_partner_needs_no_consent(pro, dossier):
    response = login(pro).post(
        reverse("registration:referral_add", args=[dossier.pk]),
        {
            "referred_on": today().isoformat(),
            "provision_kind": "general",
            "description": "Buurthuis De Brug",
            "handover": "n/a",
        },
    )
    assert response.status_code == 302
    assert Referral.objects.count() == 1


@pytest.mark.parametrize("kind", ["other_partner", "status_only", "given_later"])
def test_consent_must_cover_the_partner_the_scope_and_the_date(
    pro, dossier, partner_org, other_partner, kind
):
    if kind == "other_partner":
        record(pro, dossier, other_partner)
    elif kind == "status_only":
        record(pro, dossier, partner_org, scopes=("status",))
    else:
        record(pro, dossier, partner_org, given_on=days_ago(3))
    response = login(pro).post(
        reverse("registration:referral_add", args=[dossier.pk]),
        referral_form(partner_org, days_ago(5)),
    )
    assert response.status_code == 200
    assert "partner" in response.context["form"].errors
    assert not Referral.objects.exists()


def test_consent_for_all_partners_covers_each_partner(pro, dossier, partner_org, other_partner):
    record(pro, dossier, None)
    http = login(pro)
    for partner in (partner_org, other_partner):
        response = http.post(
            reverse("registration:referral_add", args=[dossier.pk]),
            referral_form(partner, days_ago(1)),
        )
        assert response.status_code == 302
    assert Referral.objects.count() == 2


def test_withdrawn_consent_stops_further_referrals(pro, dossier, partner_org):
    consent = record(pro, dossier, partner_org, given_on=days_ago(20))
    consent_withdraw(user=pro, consent=consent, withdrawn_on=days_ago(5))
    http = login(pro)
    for day in (days_ago(5), today()):
        response = http.post(
            reverse("registration:referral_add", args=[dossier.pk]), referral_form(partner_org, day)
        )
        assert response.status_code == 200
        error = response.context["form"].errors.as_data()["partner"][0]
        assert error.code == "consent_withdrawn"
        assert days_ago(5).strftime("%d-%m-%Y") in error.message
    assert not Referral.objects.exists()
    # A referral made while the consent held (registered late) is still the record of the past.
    earlier = http.post(
        reverse("registration:referral_add", args=[dossier.pk]),
        referral_form(partner_org, days_ago(6)),
    )
    assert earlier.status_code == 302
    assert Referral.objects.get().referred_on == days_ago(6)
