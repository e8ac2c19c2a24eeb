"""A page view's access-log lines are written together, in one transaction, before the response
leaves (issue 19: one lock and one commit a page, not one a line); the chain holds; a page that
fails still logs what it read; a change logs inside its own transaction, not in the batch.

These tests commit for real (`transaction=True`): inside a test's transaction the batch is
bypassed, as it is for every write inside a transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from vivera.audit.models import AccessLogEntry
from vivera.audit.selectors import access_log_verification
from vivera.conftest import login
from vivera.registration.services import client_create, dossier_create

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def dossier(pro, team_oost, codes):
    client = client_create(user=pro, first_name="Bea", last_name="Batch")
    return dossier_create(
        user=pro,
        client=client,
        team=team_oost,
        referrer=codes["self"],
        registered_on=timezone.localdate() - dt.timedelta(days=3),
        case_director=pro,
    )


def test_a_pages_lines_are_written_in_one_transaction(pro, dossier):
    http = login(pro)
    url = reverse("registration:dossier_detail", args=[dossier.pk])
    http.get(url)
    before = AccessLogEntry.objects.count()
    with CaptureQueriesContext(connection) as queries:
        assert http.get(url).status_code == 200
    lines = list(AccessLogEntry.objects.filter(pk__gt=0).order_by("pk")[before:])
    # The dossier's read and the allocations' read, in the order the page made them.
    assert [(line.object_type, line.client_id) for line in lines] == [
        ("dossier", dossier.client_id),
        ("allocations", dossier.client_id),
    ]
    inserts = [
        i
        for i, q in enumerate(queries.captured_queries)
        if q["sql"].startswith('INSERT INTO "audit_accesslogentry"')
    ]
    assert len(inserts) == 2
    # One batch at the end: the inserts follow each other, after one read of the chain's head.
    assert inserts[1] - inserts[0] == 1
    assert "audit_accesslogentry" in queries.captured_queries[inserts[0] - 1]["sql"]
    assert access_log_verification().intact


def test_a_refused_page_is_logged_from_the_batch(policy, dossier):
    response = login(policy).get(reverse("registration:dossier_detail", args=[dossier.pk]))
    assert response.status_code == 403
    assert AccessLogEntry.objects.filter(user=policy, result="refused").count() == 1
    assert access_log_verification().intact


def test_a_change_logs_inside_its_own_transaction(pro, dossier, codes):
    http = login(pro)
    response = http.post(
        reverse("registration:question_add", args=[dossier.pk]),
        {"domain": codes["money"].pk, "opened_on": timezone.localdate().isoformat()},
    )
    assert response.status_code in (200, 302)
    assert access_log_verification().intact
