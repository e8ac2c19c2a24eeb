"""The partner API through HTTP: what a housing corporation's system sends and reads back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from vivera.accounts.models import Role
from vivera.audit.models import AccessLogEntry
from vivera.partners.models import ApiKey, Covenant, Submission, SubmissionStatus
from vivera.partners.services import (
    add_working_days,
    api_key_create,
    api_key_revoke,
    submission_change_status,
)
from vivera.registration.models import Client

from .conftest import REFERRAL, SIGNAL

pytestmark = pytest.mark.django_db

SIGNALS = reverse("v1:partner_signal_create")
REFERRALS = reverse("v1:partner_referral_create")
LIST = reverse("v1:partner_submission_list")


def detail(public_id: object) -> str:
    return reverse("v1:partner_submission_detail", args=[str(public_id)])


def test_it_receives_a_signal_into_the_queue_of_the_neighbourhood_team(api, oost_area, team_oost):
    response = api.post(SIGNALS, SIGNAL, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "received"
    assert body["reference"] == "HUUR-2026-001"
    submission = Submission.objects.get(public_id=body["id"])
    assert submission.team == team_oost
    assert submission.neighbourhood == oost_area
    assert submission.postcode == "9991AB"
    assert submission.amount == 1450
    assert response["Location"].endswith(detail(body["id"]))
    # The answer carries status only: nothing of the person comes back.
    assert "Achterstand" not in response.content.decode()
    assert "123456782" not in response.content.decode()


def weekdays_after(day: dt.date, count: int) -> dt.date:
    """The test's own count of working days, independent of the code under test."""
    days = [day + dt.timedelta(days=n) for n in range(1, 15)]
    return [d for d in days if d.isoweekday() <= 5][count - 1]


def test_it_sets_the_deadline_from_the_covenant_in_working_days(api, oost_area, partner_org):
    Covenant.objects.create(
        municipality=partner_org.municipality,
        partner=partner_org,
        name="Convenant vroegsignalering",
        respond_within_days=3,
        crisis_within_days=1,
    )
    today = timezone.localdate()
    body = api.post(SIGNALS, SIGNAL, format="json").json()
    crisis = api.post(SIGNALS, {**SIGNAL, "reference": "X2", "crisis": True}, format="json").json()
    assert body["respond_by"] == weekdays_after(today, 3).isoformat()
    assert crisis["respond_by"] == weekdays_after(today, 1).isoformat()


def test_the_municipalitys_default_covenant_applies_to_a_partner_without_one(
    api, oost_area, partner_org
):
    Covenant.objects.create(
        municipality=partner_org.municipality,
        partner=None,
        name="Standaard",
        respond_within_days=2,
        crisis_within_days=1,
    )
    body = api.post(SIGNALS, SIGNAL, format="json").json()
    assert body["respond_by"] == weekdays_after(timezone.localdate(), 2).isoformat()


def test_working_days_skip_the_weekend():
    friday = dt.date(2026, 11, 20)
    assert add_working_days(friday, 1) == dt.date(2026, 11, 23)  # Monday
    assert add_working_days(friday, 5) == dt.date(2026, 11, 27)
    assert add_working_days(dt.date(2026, 11, 21), 1) == dt.date(2026, 11, 23)  # Saturday


def test_without_a_covenant_the_default_is_five_working_days(api, oost_area):
    body = api.post(SIGNALS, SIGNAL, format="json").json()
    assert body["respond_by"] == weekdays_after(timezone.localdate(), 5).isoformat()


def test_it_receives_a_referral_with_consent(api, oost_area):
    response = api.post(REFERRALS, REFERRAL, format="json")
    assert response.status_code == 201, response.json()
    assert Submission.objects.get().kind == "referral"


def test_a_referral_without_consent_is_refused_with_a_dutch_reason(api, oost_area):
    response = api.post(REFERRALS, {**REFERRAL, "consent": False}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "consent_required"
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("consent", "consent_required")]
    assert "instemming van de inwoner" in body["errors"][0]["message"]
    assert body["message"].startswith("consent: Een aanmelding vraagt instemming")
    assert not Submission.objects.exists()


def test_bad_input_is_reported_per_field_and_nothing_is_saved(api, oost_area):
    response = api.post(
        SIGNALS,
        {
            **SIGNAL,
            "bsn": "123456789",
            "signal_type": "beer",
            "amount": "-5",
            "birth_date": "31-02-1980",
        },
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    fields = {e["field"]: e["code"] for e in body["errors"]}
    assert fields["signal_type"] == "invalid_choice"
    assert fields["amount"] == "min_value"
    assert fields["birth_date"] == "invalid"
    assert body["code"] == "invalid"
    assert body["message"] == "De invoer klopt niet; zie errors."
    assert not Submission.objects.exists()
    # The service's own rules (the 11-test) answer in the same shape.
    response = api.post(SIGNALS, {**SIGNAL, "bsn": "123456789"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "bsn"
    assert response.json()["errors"][0]["code"] == "invalid_bsn"
    assert "elfproef" in response.json()["errors"][0]["message"]


def test_a_signal_needs_an_address(api, oost_area):
    response = api.post(SIGNALS, {**SIGNAL, "house_number": ""}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "address_required"


def test_a_date_in_the_future_is_refused(api, oost_area):
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = api.post(SIGNALS, {**SIGNAL, "arrears_since": future}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "future"


def test_malformed_json_is_a_400_with_a_reason(api):
    response = api.post(SIGNALS, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert response.json()["message"] == "De inhoud van het verzoek is geen geldige JSON."


def test_sending_the_same_reference_twice_is_a_conflict_naming_the_first(api, oost_area):
    first = api.post(SIGNALS, SIGNAL, format="json").json()
    again = api.post(SIGNALS, SIGNAL, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_reference"
    assert again.json()["id"] == first["id"]
    assert Submission.objects.count() == 1


def test_the_partner_sees_the_status_change_the_team_made(api, oost_area, pro):
    sent = api.post(SIGNALS, SIGNAL, format="json").json()
    submission = Submission.objects.get(public_id=sent["id"])
    from vivera.partners.services import attempt_add

    attempt_add(
        user=pro,
        submission=submission,
        date=timezone.localdate(),
        part_of_day="morning",
        method="home_visit",
        reached=True,
        note="Mevrouw thuis getroffen; schuldhulp besproken.",
    )
    body = api.get(detail(sent["id"])).json()
    assert body["status"] == "in_contact"
    assert body["status_label"] == "In contact"
    assert [step["status"] for step in body["history"]] == ["received", "in_contact"]
    # Never the team's content: no note, no method, no team, no dossier.
    assert "schuldhulp" not in api.get(detail(sent["id"])).content.decode()
    assert set(body) == {
        "id",
        "reference",
        "kind",
        "received_at",
        "respond_by",
        "status",
        "status_label",
        "status_since",
        "history",
    }


def test_the_list_holds_only_what_the_own_organisation_sent(
    api, oost_area, make_user, municipality
):
    from vivera.organisation.models import PartnerKind, PartnerOrganisation

    mine = api.post(SIGNALS, SIGNAL, format="json").json()
    other_org = PartnerOrganisation.objects.create(
        municipality=municipality, name="Energie BV", kind=PartnerKind.ENERGY
    )
    other = make_user("energie", Role.PARTNER, municipality, partner=other_org)
    other_api = APIClient()
    other_api.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key_create(user=other, name='x')[1]}")
    theirs = other_api.post(SIGNALS, {**SIGNAL, "signal_type": "energy"}, format="json").json()
    listed = api.get(LIST).json()
    assert [s["id"] for s in listed["results"]] == [mine["id"]]
    assert api.get(detail(theirs["id"])).status_code == 404
    assert api.get(detail(theirs["id"])).json()["code"] == "not_found"


def test_the_list_filters_on_status_and_refuses_an_unknown_one(api, oost_area, pro):
    first = api.post(SIGNALS, SIGNAL, format="json").json()
    api.post(SIGNALS, {**SIGNAL, "reference": "B"}, format="json")
    submission = Submission.objects.get(public_id=first["id"])
    submission_change_status(
        user=pro,
        submission=submission,
        to_status="closed",
        date=timezone.localdate(),
        version=submission.version,
    )
    # Without the resident's consent the partner sees "finished", not "closed"
    # (docs/partner-api.md), and the filter works on what the partner sees.
    finished = api.get(LIST, {"status": "finished"}).json()
    assert [s["id"] for s in finished["results"]] == [first["id"]]
    assert finished["count"] == 1
    assert api.get(LIST, {"status": "closed"}).json()["count"] == 0
    bad = api.get(LIST, {"status": "lost"})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "status"
    assert api.get(LIST, {"sinds": "gisteren"}).status_code == 400


def test_an_unknown_id_is_a_json_404(api):
    response = api.get(detail("not-a-uuid"))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_without_a_key_the_answer_is_401_and_with_a_revoked_key_too(partner_user, oost_area):
    anonymous = APIClient()
    response = anonymous.post(SIGNALS, SIGNAL, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")
    api_key, key = api_key_create(user=partner_user, name="oud")
    api_key_revoke(api_key=api_key)
    anonymous.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = anonymous.post(SIGNALS, SIGNAL, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_key"
    anonymous.credentials(HTTP_AUTHORIZATION="Bearer vvr_nonsense_x")
    assert anonymous.get(LIST).status_code == 401
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    "persona", ["pro", "coordinator", "policy", "admin", "resident", "researcher", "other_pro"]
)
def test_every_other_role_is_refused(persona, all_personas, oost_area):
    client = APIClient()
    client.force_authenticate(all_personas[persona])
    for url in (SIGNALS, REFERRALS):
        response = client.post(url, SIGNAL if url == SIGNALS else REFERRAL, format="json")
        assert response.status_code == 403
        assert response.json()["code"] == "not_a_partner"
    assert client.get(LIST).status_code == 403
    assert not Submission.objects.exists()


def test_a_session_login_does_not_open_the_partner_api(partner_user, oost_area):
    """Partners use their key; a browser session (no second factor yet) does not count."""
    from vivera.conftest import verify_second_factor

    client = APIClient()
    client.force_login(partner_user)
    verify_second_factor(client, partner_user)  # even past both login steps
    assert client.get(LIST).status_code == 401


def test_a_partner_of_an_inactive_organisation_is_refused(api, partner_org, oost_area):
    partner_org.active = False
    partner_org.save()
    assert api.post(SIGNALS, SIGNAL, format="json").status_code == 403


def test_only_a_partner_user_can_get_a_key(pro):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        api_key_create(user=pro, name="x")


def test_the_key_is_stored_only_as_a_hash(partner_user, partner_key):
    from vivera.partners.models import ApiKey

    stored = ApiKey.objects.get(user=partner_user)
    assert partner_key not in (stored.key_hash, stored.prefix)
    assert partner_key.startswith(f"vvr_{stored.prefix}_")


def test_too_many_requests_get_a_429(api, settings, oost_area):
    settings.VIVERA_PARTNER_API_RATE = "2/min"
    assert api.get(LIST).status_code == 200
    assert api.get(LIST).status_code == 200
    response = api.get(LIST)
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"


def test_receiving_is_logged_without_a_client(api, oost_area, partner_user):
    api.post(SIGNALS, SIGNAL, format="json")
    entry = AccessLogEntry.objects.get(user=partner_user, object_type="submission")
    assert entry.action == "create"
    assert entry.object_id == str(Submission.objects.get().pk)
    assert entry.client_id is None
    assert not Client.objects.exists()  # nobody becomes a client until the team decides


def test_the_schema_describes_the_partner_api(client):
    schema = client.get(reverse("schema"), HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    assert "/api/v1/partner/vroegsignalen/" in paths
    assert "409" in paths["/api/v1/partner/vroegsignalen/"]["post"]["responses"]
    assert schema["components"]["securitySchemes"]["partnerKey"]["scheme"] == "bearer"
    status_schema = schema["components"]["schemas"]["SubmissionStatus"]
    assert "history" in status_schema["properties"]
    assert SubmissionStatus.HANDED_OVER in str(schema)


def test_the_command_makes_a_key_that_works_and_revokes_it(partner_user, oost_area):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "partner_key", "--gebruiker", "partner", "--naam", "Incasso", stdout=out, stderr=StringIO()
    )
    key = out.getvalue().strip()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get(LIST).status_code == 200
    call_command("partner_key", "--intrekken", key.split("_")[1], stdout=StringIO())
    assert client.get(LIST).status_code == 401


def test_the_admin_makes_a_key_shown_once_and_only_for_partner_users(admin_user, partner_user, pro):
    from vivera.conftest import login
    from vivera.partners.models import ApiKey

    http = login(admin_user)
    add = reverse("admin:partners_apikey_add")
    form = http.get(add).content.decode()
    assert f'value="{partner_user.pk}"' in form
    assert f'value="{pro.pk}"' not in form
    response = http.post(add, {"user": partner_user.pk, "name": "Incasso"})
    assert response.status_code == 200
    stored = ApiKey.objects.get()
    html = response.content.decode()
    key = html.split('id="api-key" type="text" readonly value="')[1].split('"')[0]
    assert key.startswith(f"vvr_{stored.prefix}_")
    assert key not in http.get(reverse("admin:partners_apikey_changelist")).content.decode()


def test_an_unknown_api_address_is_a_json_404(api):
    response = api.post("/api/v1/partner/onbekend/", {}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert api.get("/api/v2/partner/meldingen/").json()["code"] == "not_found"


def test_an_administrator_sees_only_the_keys_of_its_own_municipality(
    partner_user, partner_key, make_user, other_municipality
):
    from vivera.conftest import login

    other_admin = make_user("other_admin", Role.ADMIN, other_municipality)
    changelist = reverse("admin:partners_apikey_changelist")
    assert "Huurincasso" not in login(other_admin).get(changelist).content.decode()
    assert (
        "Huurincasso"
        in login(make_user("own_admin", Role.ADMIN, partner_user.municipality))
        .get(changelist)
        .content.decode()
    )
    assert login(partner_user).get(changelist).status_code == 302  # not the admin role


def test_an_address_without_its_slash_is_told_so(api):
    response = api.get("/api/v1/partner/meldingen")
    assert response.status_code == 404
    assert response.json()["code"] == "append_slash"
    assert response.json()["message"].endswith("/api/v1/partner/meldingen/")


def test_the_message_is_dutch_whatever_language_the_client_asks(partner_user, oost_area):
    response = APIClient().get(LIST, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json()["message"] == "Authenticatiegegevens zijn niet opgegeven."


def test_a_malformed_key_is_refused_before_any_query(partner_user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer vvr_ab\x00cd_" + "x" * 43)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)
    assert response.status_code == 401
    # No key is looked up; the only queries write the refusal to the access log.
    assert not [q for q in queries if ApiKey._meta.db_table in q["sql"]]
    assert all(
        AccessLogEntry._meta.db_table in q["sql"]
        or "advisory" in q["sql"]
        or q["sql"].startswith(("SAVEPOINT", "RELEASE"))
        for q in queries
    ), queries
    assert AccessLogEntry.objects.get().detail == {"method": "GET", "reason": "invalid_key"}


def test_bounds_the_api_and_the_web_share(api, oost_area, partner_user):
    for change in (
        {"months_in_arrears": 121},
        {"birth_date": "1899-12-31"},
        {"arrears_since": "1999-12-31"},
        {"amount": "-1"},
    ):
        response = api.post(SIGNALS, {**SIGNAL, **change}, format="json")
        assert response.status_code == 400, change
    from vivera.conftest import login

    response = login(partner_user).post(
        reverse("portal:send_signal"),
        {
            "reference": "W1",
            "last_name": "Achterstand",
            "postcode": "9991AB",
            "house_number": "12",
            "signal_type": "rent",
            "amount": "-999",
            "months_in_arrears": "30000",
            "arrears_since": "01-01-0001",
        },
    )
    assert response.status_code == 400
    assert not Submission.objects.exists()


def test_a_partner_system_reads_the_code_lists_with_its_key(api):
    response = api.get(reverse("v1:code_list", args=["verwijzers"]))
    assert response.status_code == 200
    assert "vroegsignaal" in {entry["code"] for entry in response.json()}


def test_an_address_guessing_keys_is_blocked_and_stops_filling_the_access_log(
    partner_key, settings
):
    settings.VIVERA_API_KEY_FAILURE_LIMIT = 3
    guesser = APIClient(REMOTE_ADDR="203.0.113.9")
    before = AccessLogEntry.objects.count()
    for attempt in range(3):
        guesser.credentials(HTTP_AUTHORIZATION=f"Bearer vvr_guess{attempt}")
        assert guesser.get(LIST).status_code == 401
    logged = AccessLogEntry.objects.count()
    assert logged == before + 3
    for attempt in range(5):
        guesser.credentials(HTTP_AUTHORIZATION=f"Bearer vvr_again{attempt}")
        response = guesser.get(LIST)
        assert response.status_code == 429
        assert response.json()["code"] == "too_many_failures"
        assert response.json()["message"].startswith("Te veel onjuiste API-sleutels")
        assert int(response["Retry-After"]) > 0
    assert AccessLogEntry.objects.count() == logged
    # Even the right key waits out the block from that address...
    guesser.credentials(HTTP_AUTHORIZATION=f"Bearer {partner_key}")
    assert guesser.get(LIST).status_code == 429
    # ...while the partner's own address is not affected.
    own = APIClient(REMOTE_ADDR="198.51.100.7")
    own.credentials(HTTP_AUTHORIZATION=f"Bearer {partner_key}")
    assert own.get(LIST).status_code == 200


def test_the_api_names_the_bsn_and_the_dates_with_the_field_errors_in_one_answer(api, oost_area):
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = api.post(
        SIGNALS,
        {
            **SIGNAL,
            "bsn": "123456789",
            "amount": "-5",
            "birth_date": future,
            "arrears_since": future,
        },
        format="json",
    )
    assert response.status_code == 400
    fields = {e["field"]: e["code"] for e in response.json()["errors"]}
    assert fields == {
        "bsn": "invalid_bsn",
        "amount": "min_value",
        "birth_date": "future",
        "arrears_since": "future",
    }
    assert not Submission.objects.exists()
