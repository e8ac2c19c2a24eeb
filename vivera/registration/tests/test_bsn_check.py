"""The BSN duplicate check (issue 11, point 3): every path that checks a typed BSN against the
municipality's clients writes a `search` line, and a resident known to another team is met with
an offer to ask that team for access, not with a message that stops the professional."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from vivera.audit.models import AccessLogEntry
from vivera.conftest import login
from vivera.partners.models import Submission
from vivera.registration.models import Client, Dossier
from vivera.registration.services import client_create, dossier_create

pytestmark = pytest.mark.django_db

BSN = "123456782"
OTHER_BSN = "111222333"
BSN_CHECK = "bsn duplicate check"
OLD_MESSAGES = ("already registered", "al een inwoner met dit BSN geregistreerd")


def bsn_checks(user):
    return [
        line
        for line in AccessLogEntry.objects.filter(user=user, action="search", object_type="client")
        if line.detail.get("criteria") == [BSN_CHECK]
    ]


@pytest.fixture
def jan_oost(pro, team_oost, codes):
    """A resident of team Oost, with an open dossier there."""
    client = client_create(user=pro, first_name="Jan", last_name="Jansen", bsn=BSN)
    dossier_create(
        user=pro,
        client=client,
        team=team_oost,
        referrer=codes["gp"],
        registered_on=timezone.localdate() - dt.timedelta(days=30),
    )
    return client


def assert_offer_without_leak(html: str) -> None:
    for old in OLD_MESSAGES:
        assert old not in html
    assert reverse("registration:access_request_create") in html
    assert "Jansen" not in html.replace('value="Jansen"', "")  # only what the user typed


def test_registering_a_resident_of_another_team_is_a_logged_search_and_offers_a_request(
    pro_west, jan_oost
):
    response = login(pro_west).post(
        reverse("registration:client_create"),
        {"first_name": "J.", "last_name": "Jansen", "bsn": BSN},
    )
    assert response.status_code == 200
    assert Client.objects.count() == 1
    assert response.context["form"].has_error("bsn", "known_elsewhere")
    assert_offer_without_leak(response.content.decode())
    [line] = bsn_checks(pro_west)
    assert line.client_id == jan_oost.pk
    assert line.detail["found"] == "elsewhere"
    assert line.detail["purpose"] == "client_create"
    assert BSN not in json.dumps(line.detail) and BSN not in line.path


def test_changing_a_bsn_to_that_of_another_teams_resident_is_a_logged_search(pro_west, jan_oost):
    piet = client_create(user=pro_west, first_name="Piet", last_name="Pieters")
    http = login(pro_west)
    response = http.post(
        reverse("registration:client_edit", args=[piet.pk]),
        {"first_name": "Piet", "last_name": "Pieters", "bsn": BSN, "version": piet.version},
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("bsn", "known_elsewhere")
    assert_offer_without_leak(response.content.decode())
    piet.refresh_from_db()
    assert piet.bsn == ""
    [line] = bsn_checks(pro_west)
    assert (line.client_id, line.detail["found"], line.detail["purpose"]) == (
        jan_oost.pk,
        "elsewhere",
        "client_update",
    )


def test_an_unchanged_bsn_is_not_checked_again(pro, jan_oost):
    login(pro).post(
        reverse("registration:client_edit", args=[jan_oost.pk]),
        {"first_name": "Jan", "last_name": "Jansen", "bsn": BSN, "version": jan_oost.version},
    )
    jan_oost.refresh_from_db()
    assert jan_oost.version == 2
    assert bsn_checks(pro) == []


def test_a_new_bsn_that_nobody_has_is_logged_as_a_search_without_a_client(pro_west):
    login(pro_west).post(
        reverse("registration:client_create"),
        {"first_name": "Nieuw", "last_name": "Mens", "bsn": OTHER_BSN},
    )
    assert Client.objects.get().bsn == OTHER_BSN
    [line] = bsn_checks(pro_west)
    assert (line.client_id, line.detail["found"], line.detail["results"]) == (None, "none", [])


def test_a_duplicate_within_reach_points_to_the_existing_record(pro, colleague, jan_oost):
    response = login(colleague).post(
        reverse("registration:client_create"),
        {"first_name": "Jan", "last_name": "Jansen", "bsn": BSN},
    )
    assert response.context["form"].has_error("bsn", "duplicate")
    assert reverse("registration:client_detail", args=[jan_oost.pk]) in response.content.decode()
    assert reverse("registration:access_request_create") not in response.content.decode()
    [line] = bsn_checks(colleague)
    assert (line.client_id, line.detail["found"]) == (jan_oost.pk, "within reach")


def submission_for(team, partner_user, **fields):
    today = timezone.localdate()
    return Submission.objects.create(
        municipality=team.municipality,
        partner=partner_user.partner,
        sent_by=partner_user,
        reference="R-1",
        kind="signal",
        signal_type="rent",
        received_on=today,
        respond_by=today,
        status_since=today,
        team=team,
        first_name="Jan",
        last_name="Jansen",
        **fields,
    )


def test_opening_a_dossier_from_a_submission_about_another_teams_resident(
    pro_west, team_west, partner_user, jan_oost, codes
):
    submission = submission_for(team_west, partner_user, bsn=BSN)
    response = login(pro_west).post(
        reverse("partners:to_dossier", args=[submission.pk]),
        {"team": team_west.pk, "referrer": codes["gp"].pk, "version": submission.version},
    )
    assert response.status_code == 400
    assert Dossier.objects.count() == 1 and Client.objects.count() == 1
    html = response.content.decode()
    for old in OLD_MESSAGES:
        assert old not in html
    assert reverse("registration:access_request_create") in html
    [line] = bsn_checks(pro_west)
    assert (line.client_id, line.detail["found"], line.detail["purpose"]) == (
        jan_oost.pk,
        "elsewhere",
        "submission_to_dossier",
    )


def test_opening_a_dossier_from_a_submission_about_an_own_resident_is_a_logged_search(
    pro, team_oost, partner_user, jan_oost, codes
):
    submission = submission_for(team_oost, partner_user, bsn=BSN)
    Dossier.objects.update(status="closed", closed_on=timezone.localdate())
    response = login(pro).post(
        reverse("partners:to_dossier", args=[submission.pk]),
        {"team": team_oost.pk, "referrer": codes["gp"].pk, "version": submission.version},
    )
    assert response.status_code == 302
    assert Dossier.objects.filter(client=jan_oost).count() == 2
    [line] = bsn_checks(pro)
    assert (line.client_id, line.detail["found"]) == (jan_oost.pk, "within reach")
