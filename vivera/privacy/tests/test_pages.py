"""The administrator's pages: only the administrator of the person's municipality, finding the
person only with the BSN or the name and date of birth, recording a request, and every page that
shows the person logged."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from vivera.accounts.models import Role
from vivera.audit.models import AccessLogEntry
from vivera.conftest import login
from vivera.partners.models import Submission
from vivera.privacy.models import AccessRequest
from vivera.privacy.tests.conftest import BSN, days_ago

pytestmark = pytest.mark.django_db

OTHER_ROLES = [
    "pro",
    "pro_west",
    "coordinator",
    "policy",
    "partner",
    "resident",
    "researcher",
    "other_pro",
]


@pytest.mark.parametrize("persona", OTHER_ROLES)
def test_every_other_role_is_refused_and_nothing_is_made(
    persona, all_personas, person, access_request
):
    http = login(all_personas[persona])
    client = person["client"]
    responses = [
        http.get(reverse("privacy:index")),
        http.post(reverse("privacy:index"), {"bsn": BSN}),
        http.get(reverse("privacy:person", args=[client.pk])),
        http.post(
            reverse("privacy:person", args=[client.pk]),
            {"received_on": days_ago(1).isoformat(), "reference": "X-1"},
        ),
        http.post(
            reverse("privacy:export", args=[client.pk]),
            {"access_request": access_request.pk, "format": "json"},
        ),
    ]
    assert [r.status_code for r in responses] == [403] * 5
    assert not AccessRequest.objects.filter(reference="X-1").exists()
    assert not AccessLogEntry.objects.filter(action="export").exists()
    assert AccessLogEntry.objects.filter(
        user=all_personas[persona], result="refused", object_id="privacy:export"
    ).exists()


def test_an_administrator_of_another_municipality_gets_404_and_is_logged(
    make_user, other_municipality, person, access_request
):
    elsewhere = make_user("beheer_elders", Role.ADMIN, other_municipality)
    http = login(elsewhere)
    client = person["client"]
    assert http.get(reverse("privacy:person", args=[client.pk])).status_code == 404
    response = http.post(
        reverse("privacy:export", args=[client.pk]),
        {"access_request": access_request.pk, "format": "json"},
    )
    assert response.status_code == 404
    assert (
        AccessLogEntry.objects.filter(
            user=elsewhere, result="refused", object_type="client", object_id=str(client.pk)
        ).count()
        == 2
    )
    found = http.post(reverse("privacy:index"), {"bsn": BSN}).context["results"]
    assert found == []


def test_the_search_needs_the_bsn_or_the_name_with_the_date_of_birth(admin_user, person):
    http = login(admin_user)
    response = http.post(reverse("privacy:index"), {"q": "Inzagehof"})
    assert response.context["results"] is None
    assert response.context["form"].has_error("__all__", "criteria")
    assert not AccessLogEntry.objects.filter(user=admin_user, action="search").exists()

    by_bsn = http.post(reverse("privacy:index"), {"bsn": "123 456 782"}).context["results"]
    by_name = http.post(
        reverse("privacy:index"), {"q": "wilhelmina inzagehof", "birth_date": "14-07-1961"}
    ).context["results"]
    assert by_bsn == by_name == [person["client"]]
    searches = AccessLogEntry.objects.filter(user=admin_user, action="search", object_type="client")
    assert [line.detail["results"] for line in searches] == [[person["client"].pk]] * 2
    assert sorted(searches.last().detail["criteria"]) in (["bsn"], ["birth_date", "q"])


def test_recording_a_request(admin_user, person):
    http = login(admin_user)
    client = person["client"]
    url = reverse("privacy:person", args=[client.pk])
    response = http.post(
        url,
        {
            "received_on": days_ago(3).strftime("%d-%m-%Y"),
            "reference": " AVG-2026-020 ",
            "note": "Aan de balie, ID gezien",
        },
    )
    assert response.status_code == 302
    access_request = AccessRequest.objects.get(reference="AVG-2026-020")
    assert (access_request.client, access_request.handled_by, access_request.received_on) == (
        client,
        admin_user,
        days_ago(3),
    )
    assert access_request.produced_at is None
    assert AccessLogEntry.objects.filter(
        user=admin_user,
        action="create",
        object_type="access_request",
        object_id=str(access_request.pk),
        client_id=client.pk,
    ).exists()
    page = http.get(url)
    assert "AVG-2026-020" in page.content.decode()
    # The page showed the person: a read line.
    assert AccessLogEntry.objects.filter(
        user=admin_user, action="read", object_type="client", client_id=client.pk
    ).exists()


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        (
            {
                "received_on": (dt.date.today() + dt.timedelta(days=2)).isoformat(),
                "reference": "AVG-9",
            },
            "received_on",
            "future",
        ),
        ({"received_on": "2026-01-01", "reference": "AVG-2025-001"}, "reference", "duplicate"),
        ({"received_on": "31-02-2026", "reference": "AVG-9"}, "received_on", "invalid"),
        ({"received_on": "2026-01-01", "reference": ""}, "reference", "required"),
    ],
)
def test_a_bad_request_is_refused_with_a_message_and_nothing_changes(
    admin_user, person, data, field, code
):
    before = AccessRequest.objects.count()
    response = login(admin_user).post(reverse("privacy:person", args=[person["client"].pk]), data)
    assert response.status_code == 400
    assert response.context["request_form"].has_error(field, code)
    assert AccessRequest.objects.count() == before


def test_the_list_shows_requests_with_their_deadline_and_logs_the_names(
    admin_user, person, access_request
):
    response = login(admin_user).get(reverse("privacy:index"))
    page = response.content.decode()
    assert "AVG-2026-017" in page and "AVG-2025-001" in page
    assert access_request.answer_by.strftime("%d-%m-%Y") in page
    assert AccessLogEntry.objects.filter(
        user=admin_user,
        object_type="list",
        object_id="access_requests",
        detail__clients=[person["client"].pk],
    ).exists()


def test_one_month_to_answer(admin_user, person):
    from vivera.privacy.models import one_month_after

    assert one_month_after(dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)
    assert one_month_after(dt.date(2024, 1, 31)) == dt.date(2024, 2, 29)
    assert one_month_after(dt.date(2026, 12, 15)) == dt.date(2027, 1, 15)


def test_unlinked_submissions_with_the_same_name_and_birth_date_are_pointed_out(
    admin_user, person, partner_org, partner_user
):
    client = person["client"]
    Submission.objects.create(
        municipality=client.municipality,
        partner=partner_org,
        sent_by=partner_user,
        reference="HA-1",
        kind="referral",
        consent=True,
        received_on=days_ago(2),
        respond_by=days_ago(1),
        status_since=days_ago(2),
        last_name="INZAGEHOF",
        birth_date=client.birth_date,
    )
    response = login(admin_user).get(reverse("privacy:person", args=[client.pk]))
    assert response.context["namesakes"] == 1


def test_when_the_server_cannot_make_a_pdf_nothing_is_recorded(
    admin_user, person, access_request, monkeypatch
):
    from vivera.monitor import pdf
    from vivera.privacy import export

    def unavailable(html: str, **kwargs: Any) -> bytes:
        raise pdf.PdfUnavailable("no Pango")

    monkeypatch.setattr(export, "render_pdf", unavailable)
    response = login(admin_user).post(
        reverse("privacy:export", args=[person["client"].pk]),
        {"access_request": access_request.pk, "format": "pdf"},
    )
    assert response.status_code == 503
    access_request.refresh_from_db()
    assert access_request.produced_at is None
    assert not AccessLogEntry.objects.filter(action="export").exists()


def test_the_administrator_menu_has_the_page(admin_user, pro):
    assert (
        reverse("privacy:index")
        in login(admin_user).get(reverse("home"), follow=True).content.decode()
    )
    assert (
        reverse("privacy:index")
        not in login(pro).get(reverse("home"), follow=True).content.decode()
    )
