"""An informal carer's right of access, as for a client (docs/carers.md, docs/privacy.md): the
administrator finds the carer by name and date of birth, records the request and downloads the
overview (PDF and JSON) with everything the register holds on the carer and who looked at it, and
nothing about the person cared for or another carer."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from vivera.accounts.models import Role, User
from vivera.audit.models import AccessLogEntry
from vivera.carers import appreciation
from vivera.carers import services as carers
from vivera.carers.models import Carer
from vivera.conftest import login
from vivera.privacy.models import AccessRequest
from vivera.privacy.tests.conftest import days_ago
from vivera.privacy.tests.test_export import require_pdf

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def carer_data(**overrides: Any) -> carers.CarerFields:
    fields: carers.CarerFields = {
        "first_name": "Geertje",
        "last_name": "Mantelaar",
        "birth_date": dt.date(1958, 5, 6),
        "email": "geertje@example.org",
        "phone": "0612345678",
        "postcode": "9991 AB",
        "house_number": "3",
        "is_working": False,
        "contact_consent": True,
        "contact_purposes": ["news"],
    }
    return {**fields, **overrides}  # type: ignore[typeddict-item]


def relation_data(name: str) -> carers.RelationFields:
    return {
        "cared_for_name": name,
        "cared_for_postcode": "",
        "relation": "partner",
        "care_kinds": ["household"],
        "hours_per_week": 20,
        "since": TODAY.replace(year=TODAY.year - 3, day=1),
        "dementia": True,
    }


@pytest.fixture
def carer(consultant: User, municipality: Any, neighbourhood: Any) -> Carer:
    """A registered carer with a relation, support, an approved application and a request for
    access answered earlier."""
    carer = carers.carer_register_staff(
        user=consultant,
        municipality=municipality,
        carer=carer_data(),
        relation=relation_data("Henk Mantelaar"),
        today=TODAY.replace(year=TODAY.year - 2, day=1),
    )
    carers.support_add(
        user=consultant,
        carer=carer,
        date=days_ago(30),
        kind="conversation",
        note="Zwaar belast, respijt besproken",
        follow_up_on=days_ago(-30),
    )
    scheme = appreciation.scheme_save(
        user=consultant,
        year=TODAY.year,
        form="money",
        amount=Decimal("150.00"),
        budget=Decimal("1500.00"),
        opens_on=dt.date(TODAY.year, 1, 1),
        closes_on=dt.date(TODAY.year, 12, 31),
        one_per="carer",
        min_hours=8,
        min_months=3,
    )
    application = appreciation.application_submit(
        user=consultant,
        scheme=scheme,
        carer=carer,
        relation=carer.relations.get(),
        iban="NL91ABNA0417164300",
        account_holder="G. Mantelaar",
    )
    appreciation.application_decide(user=consultant, application=application, approve=True)
    login(consultant).get(reverse("carers:detail", args=[carer.pk]))  # a read to be listed
    return carer


@pytest.fixture
def other_carer(consultant: User, municipality: Any) -> Carer:
    return carers.carer_register_staff(
        user=consultant,
        municipality=municipality,
        carer=carer_data(
            first_name="Piet", last_name="Anderszorg", email="piet@example.org", phone=""
        ),
        relation=relation_data("Truus Anderszorg"),
        today=TODAY.replace(year=TODAY.year - 1, day=1),
    )


def record_request(user: User, carer: Carer, reference: str = "AVG-MZ-1") -> AccessRequest:
    response = login(user).post(
        reverse("privacy:carer", args=[carer.pk]),
        {"received_on": days_ago(1).isoformat(), "reference": reference, "note": "Aan de balie"},
    )
    assert response.status_code == 302, [f.errors for f in [response.context["request_form"]]]
    return AccessRequest.objects.get(reference=reference)


def download(user: User, carer: Carer, access_request: AccessRequest, fmt: str) -> Any:
    return login(user).post(
        reverse("privacy:carer_export", args=[carer.pk]),
        {"access_request": access_request.pk, "format": fmt},
    )


def test_the_search_finds_a_carer_by_name_and_date_of_birth_and_logs_it(
    admin_user, carer, other_carer
):
    http = login(admin_user)
    response = http.post(
        reverse("privacy:index"), {"q": "geertje mantelaar", "birth_date": "06-05-1958"}
    )
    assert response.status_code == 200
    assert response.context["carers"] == [carer]
    assert reverse("privacy:carer", args=[carer.pk]) in response.content.decode()
    line = AccessLogEntry.objects.get(user=admin_user, action="search", object_type="carer")
    assert line.detail["carers"] == [carer.pk]
    # The wrong date of birth finds nobody; the BSN alone does not search the register at all.
    assert (
        http.post(
            reverse("privacy:index"), {"q": "geertje mantelaar", "birth_date": "07-05-1958"}
        ).context["carers"]
        == []
    )
    assert http.post(reverse("privacy:index"), {"bsn": "123456782"}).context["carers"] == []
    assert AccessLogEntry.objects.filter(action="search", object_type="carer").count() == 2


def test_recording_a_request_for_a_carer(admin_user, carer):
    access_request = record_request(admin_user, carer)
    assert access_request.carer == carer and access_request.client is None
    created = AccessLogEntry.objects.get(action="create", object_type="access_request")
    assert created.detail["carer"] == carer.pk and created.client_id is None
    assert AccessLogEntry.objects.filter(
        user=admin_user, action="read", object_type="carer", object_id=str(carer.pk)
    ).exists()
    page = login(admin_user).get(reverse("privacy:index")).content.decode()
    assert "AVG-MZ-1" in page and reverse("privacy:carer", args=[carer.pk]) in page
    # The same reference twice: a Dutch message, nothing recorded.
    response = login(admin_user).post(
        reverse("privacy:carer", args=[carer.pk]),
        {"received_on": days_ago(1).isoformat(), "reference": "AVG-MZ-1"},
    )
    assert response.status_code == 400
    assert "kenmerk" in response.content.decode().lower()
    assert AccessRequest.objects.count() == 1


def test_the_json_holds_everything_on_the_carer_and_nothing_on_others(
    admin_user, consultant, carer, other_carer
):
    earlier = record_request(admin_user, carer, "AVG-MZ-0")
    assert download(admin_user, carer, earlier, "json").status_code == 200
    access_request = record_request(admin_user, carer)
    response = download(admin_user, carer, access_request, "json")
    assert response.status_code == 200, response.content[:500]
    assert 'filename="inzage-AVG-MZ-1.json"' in response["Content-Disposition"]
    document = json.loads(response.content)
    assert document["person"] == {
        "kind": "carer",
        "number": carer.pk,
        "name": "Geertje Mantelaar",
        "birth_date": "1958-05-06",
    }
    assert document["request"]["reference"] == "AVG-MZ-1"
    [registration] = document["data"]["carer"]
    assert registration["email"] == "geertje@example.org"
    assert registration["phone"] == "0612345678"
    assert "token_hash" not in registration
    assert registration["contact_purposes"] == [
        {"code": "news", "label": "Nieuws en informatie voor mantelzorgers"}
    ]
    [relation] = registration["relations"]
    assert relation["cared_for_name"] == "Henk Mantelaar"
    assert relation["relation"] == {"code": "partner", "label": "Partner"}
    assert relation["care_kinds"][0]["code"] == "household"
    assert "client" not in relation
    [support] = registration["support"]
    assert support["note"] == "Zwaar belast, respijt besproken"
    [application] = registration["applications"]
    assert application["iban"] == "NL91ABNA0417164300"
    assert [r["reference"] for r in document["data"]["access_requests"]] == ["AVG-MZ-0"]
    log = document["data"]["access_log"]
    # The consultant's registration and read, the administrator's reads, the earlier export.
    assert any(
        line["username"] == consultant.username and line["action"]["code"] == "read" for line in log
    ), [(line["username"], line["action"], line["object_type"]) for line in log]
    assert {line["action"]["code"] for line in log} >= {"create", "read", "update", "export"}
    assert any(
        line["object_type"]["code"] == "carer_application" and line["action"]["code"] == "update"
        for line in log
    )
    text = response.content.decode()
    assert "Anderszorg" not in text and "piet@example.org" not in text
    # The export is itself logged, under the carer, not under a client.
    line = AccessLogEntry.objects.filter(action="export", object_type="carer").latest("pk")
    assert line.object_id == str(carer.pk) and line.client_id is None
    assert line.detail["carer"] == carer.pk and line.detail["reference"] == "AVG-MZ-1"
    assert line.detail["rows"]["carer.applications"] == 1
    access_request.refresh_from_db()
    assert access_request.produced_at is not None


def test_a_payout_list_that_named_the_carer_is_in_its_log_without_the_others(
    admin_user, consultant, carer, other_carer
):
    scheme = carer.applications.get().scheme
    assert login(consultant).get(reverse("carers:payout", args=[scheme.pk, "csv"])).status_code
    access_request = record_request(admin_user, carer)
    document = json.loads(download(admin_user, carer, access_request, "json").content)
    [payout] = [
        line
        for line in document["data"]["access_log"]
        if line["object_id"] == f"payout {TODAY.year}"
    ]
    assert "applications" not in payout["detail"]


def test_the_pdf_names_the_carer_and_explains_the_register(admin_user, carer):
    require_pdf()
    from pypdf import PdfReader

    access_request = record_request(admin_user, carer)
    response = download(admin_user, carer, access_request, "pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Geertje Mantelaar" in text
    assert "Henk Mantelaar" in text and "Goedgekeurd" in text
    assert "register van mantelzorgers" in text


def test_a_request_of_someone_else_cannot_be_downloaded_from_the_carers_page(
    admin_user, carer, other_carer
):
    theirs = record_request(admin_user, other_carer, "AVG-MZ-9")
    response = download(admin_user, carer, theirs, "json")
    assert response.status_code == 400
    assert not AccessLogEntry.objects.filter(action="export").exists()


def test_an_administrator_of_another_municipality_gets_404_and_is_logged(
    make_user, other_municipality, admin_user, carer
):
    access_request = record_request(admin_user, carer)
    elsewhere = make_user("beheer_elders", Role.ADMIN, other_municipality)
    http = login(elsewhere)
    assert http.get(reverse("privacy:carer", args=[carer.pk])).status_code == 404
    response = http.post(
        reverse("privacy:carer_export", args=[carer.pk]),
        {"access_request": access_request.pk, "format": "json"},
    )
    assert response.status_code == 404
    assert (
        AccessLogEntry.objects.filter(
            user=elsewhere, result="refused", object_type="carer", object_id=str(carer.pk)
        ).count()
        == 2
    )
    found = http.post(
        reverse("privacy:index"), {"q": "Mantelaar", "birth_date": "06-05-1958"}
    ).context["carers"]
    assert found == []
    assert not AccessLogEntry.objects.filter(action="export").exists()


@pytest.mark.parametrize("persona", ["consultant", "pro", "coordinator", "policy", "partner"])
def test_other_roles_cannot_make_a_carers_overview(persona, all_personas, admin_user, carer):
    access_request = record_request(admin_user, carer)
    http = login(all_personas[persona])
    assert http.get(reverse("privacy:carer", args=[carer.pk])).status_code == 403
    response = http.post(
        reverse("privacy:carer_export", args=[carer.pk]),
        {"access_request": access_request.pk, "format": "json"},
    )
    assert response.status_code == 403
    assert not AccessLogEntry.objects.filter(action="export").exists()


def test_an_anonymised_carer_still_gets_what_remains(admin_user, carer):
    """Retention anonymised the registration two years after leaving; a request recorded before
    still gets an overview of what is left, without the name."""
    from vivera.retention.rules import CARER

    access_request = record_request(admin_user, carer)
    Carer.objects.filter(pk=carer.pk).update(**CARER.cleared)
    response = download(admin_user, carer, access_request, "json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["data"]["carer"][0]["email"] == ""
    assert document["data"]["carer"][0]["anonymised_at"]
