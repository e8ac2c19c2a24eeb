"""The administrator places and lifts legal holds in the admin by dossier number, without ever
seeing the client's name, and reads the record of each retention run."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from vivera.accounts.models import User
from vivera.audit.models import AccessLogEntry, Action
from vivera.conftest import login
from vivera.registration.models import Client, Dossier
from vivera.retention.models import LegalHold, RetentionRun
from vivera.retention.services import legal_hold_place, retention_run

from .conftest import Records, terms

pytestmark = pytest.mark.django_db


def url(model: type, view: str, *args: Any) -> str:
    return reverse(f"admin:retention_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def dossier(build: Callable[..., Client]) -> Dossier:
    return build(years=16).dossiers.get()


def test_the_administrator_places_a_hold_by_dossier_number(
    admin_user: User, dossier: Dossier
) -> None:
    client = login(admin_user)

    response = client.post(
        url(LegalHold, "add"),
        {"dossier_number": str(dossier), "reason": "Bezwaar tegen besluit, zaak 2026-17"},
    )

    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert (hold.client_id, hold.placed_by, hold.municipality_id) == (
        dossier.client_id,
        admin_user,
        dossier.municipality_id,
    )
    assert hold.reason == "Bezwaar tegen besluit, zaak 2026-17" and hold.in_force
    line = AccessLogEntry.objects.get(object_type="legal_hold")
    assert (line.action, line.client_id, line.user) == (
        Action.CREATE,
        dossier.client_id,
        admin_user,
    )


@pytest.mark.parametrize("number", ["D999999", "onzin", ""])
def test_an_unknown_dossier_number_is_refused_with_a_message(
    admin_user: User, dossier: Dossier, number: str
) -> None:
    response = login(admin_user).post(
        url(LegalHold, "add"), {"dossier_number": number, "reason": "Bezwaar"}
    )

    assert response.status_code == 200
    assert not LegalHold.objects.exists()
    assert response.context["adminform"].form.errors["dossier_number"]


def test_a_dossier_of_another_municipality_is_unknown_and_a_second_hold_refused(
    admin_user: User, dossier: Dossier, make_user: Callable[..., User], other_municipality: Any
) -> None:
    other_admin = make_user("other_admin", "admin", other_municipality)
    refused = login(other_admin).post(
        url(LegalHold, "add"), {"dossier_number": str(dossier), "reason": "Bezwaar"}
    )
    [error] = refused.context["adminform"].form.errors.as_data()["dossier_number"]
    assert error.code == "unknown"

    legal_hold_place(user=admin_user, client=dossier.client, reason="Bezwaar")
    twice = login(admin_user).post(
        url(LegalHold, "add"), {"dossier_number": dossier.pk, "reason": "Nog eens"}
    )

    assert twice.status_code == 200
    assert LegalHold.objects.count() == 1


def test_the_pages_show_numbers_and_never_the_clients_name(
    admin_user: User, dossier: Dossier
) -> None:
    hold = legal_hold_place(user=admin_user, client=dossier.client, reason="Klacht K-3")
    client = login(admin_user)

    pages = [
        client.get(url(LegalHold, "changelist")),
        client.get(url(LegalHold, "change", hold.pk)),
        client.get(url(LegalHold, "add")),
    ]

    for page in pages:
        assert page.status_code == 200
        content = page.content.decode()
        assert dossier.client.last_name not in content
        assert dossier.client.first_name not in content
    assert str(dossier) in pages[0].content.decode()


def test_the_administrator_lifts_a_hold_with_the_action(admin_user: User, dossier: Dossier) -> None:
    hold = legal_hold_place(user=admin_user, client=dossier.client, reason="Bezwaar")

    response = login(admin_user).post(
        url(LegalHold, "changelist"), {"action": "lift", "_selected_action": [hold.pk]}
    )

    assert response.status_code == 302
    hold.refresh_from_db()
    assert not hold.in_force and hold.lifted_by == admin_user
    assert (
        AccessLogEntry.objects.filter(object_type="legal_hold", action=Action.UPDATE).count() == 1
    )


def test_a_hold_cannot_be_edited_or_deleted(admin_user: User, dossier: Dossier) -> None:
    hold = legal_hold_place(user=admin_user, client=dossier.client, reason="Bezwaar")
    client = login(admin_user)

    client.post(url(LegalHold, "change", hold.pk), {"reason": "Veranderd"})

    assert client.get(url(LegalHold, "delete", hold.pk)).status_code == 403
    hold.refresh_from_db()
    assert hold.reason == "Bezwaar"


def test_the_run_record_is_readable_and_read_only(
    admin_user: User, records: Records, build: Callable[..., Client]
) -> None:
    build(years=16)
    [report] = retention_run(terms=terms(), execute=True)
    run = report.run
    client = login(admin_user)

    listed = client.get(url(RetentionRun, "changelist"))
    detail = client.get(url(RetentionRun, "change", run.pk))

    assert listed.status_code == 200 and detail.status_code == 200
    assert str(run.record_ids["clients"][0]) in detail.content.decode()
    assert client.get(url(RetentionRun, "add")).status_code == 403
    assert client.get(url(RetentionRun, "delete", run.pk)).status_code == 403
    assert RetentionRun.objects.count() == 1


@pytest.mark.parametrize("persona", ["pro", "coordinator", "policy"])
def test_other_roles_do_not_get_in(request: pytest.FixtureRequest, persona: str) -> None:
    user = request.getfixturevalue(persona)
    response = login(user).get(url(LegalHold, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_demo_reset_takes_the_holds_on_demo_clients_with_it() -> None:
    call_command("demo", "--scale=0.02", "--seed=3", "--today=2026-03-16", stdout=StringIO())
    demo_admin = User.objects.get(municipality__cbs_code="GM9901", role="admin")
    demo_client = Client.objects.filter(municipality__cbs_code="GM9901").first()
    legal_hold_place(user=demo_admin, client=demo_client, reason="Proef")

    call_command("demo", "--reset", "--scale=0.02", "--today=2026-03-16", stdout=StringIO())

    assert not LegalHold.objects.filter(client__municipality__cbs_code="GM9901").exists()
