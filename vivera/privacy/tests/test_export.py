"""The export holds everything about the person and nothing about anyone else, as JSON and as a
PDF; every download is recorded and logged, a failed one not at all."""

from __future__ import annotations

import io
import json
import os
from typing import Any

import pytest
from django.urls import reverse

from vivera.audit.models import AccessLogEntry
from vivera.conftest import login
from vivera.organisation.models import LifeDomain
from vivera.privacy import export as export_module
from vivera.privacy.models import AccessRequest
from vivera.registration.models import DossierStatus

pytestmark = pytest.mark.django_db


def download(user: Any, access_request: AccessRequest, fmt: str) -> Any:
    return login(user).post(
        reverse("privacy:export", args=[access_request.client_id]),
        {"access_request": access_request.pk, "format": fmt},
    )


def exported(user: Any, access_request: AccessRequest) -> dict[str, Any]:
    response = download(user, access_request, "json")
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    return json.loads(response.content)


def require_pdf() -> None:
    from vivera.monitor.pdf import PdfUnavailable, render_pdf

    try:
        render_pdf("<p>x</p>")
    except PdfUnavailable:
        if os.environ.get("VIVERA_REQUIRE_BROWSER"):
            raise
        pytest.skip("WeasyPrint cannot load Pango here: PDF NOT TESTED")


def test_it_exports_every_record_of_the_person(admin_user, person, neighbour, access_request):
    document = exported(admin_user, access_request)
    data = document["data"]
    client = data["client"][0]
    assert (client["first_name"], client["last_name"], client["bsn"]) == (
        "Wilhelmina",
        "Inzagehof",
        "123456782",
    )
    assert client["created_by"] == "Pro"
    assert [h["id"] for h in data["household"]] == [person["client"].household_id]

    [dossier] = data["dossiers"]
    assert dossier["id"] == person["dossier"].pk
    assert [c["to_status"]["code"] for c in dossier["status_changes"]] == ["registered", "intake"]
    assert [q["description"] for q in dossier["questions"]] == ["Rekeningen stapelen zich op"]
    [contact] = dossier["contacts"]
    assert contact["note"] == "Samen de post doorgenomen bij mevrouw thuis"
    assert sorted(contact["professionals"]) == ["Colleague", "Pro"]
    assert [r["description"] for r in dossier["referrals"]] == ["Schuldhulpmaatje"]
    [zrm] = dossier["zrm_assessments"]
    assert len(zrm["scores"]) == LifeDomain.objects.filter(in_zrm=True).count()
    assert {s["score"]["code"] for s in zrm["scores"]} == {2}

    submissions = {s["id"]: s for s in data["submissions"]}
    assert set(submissions) == {person["submission"].pk, person["by_bsn"].pk}
    linked = submissions[person["submission"].pk]
    assert [a["note"] for a in linked["attempts"]] == ["Brief met aanbod van een gesprek"]
    assert [c["to_status"]["code"] for c in linked["status_changes"]] == ["received"]

    assert [r["external_id"] for r in data["imported_records"]] == ["OUD-4711"]
    # Her earlier request is listed; the one this export answers is described at the top.
    assert [r["reference"] for r in data["access_requests"]] == ["AVG-2025-001"]
    assert document["request"]["reference"] == "AVG-2026-017"

    text = json.dumps(document, ensure_ascii=False)
    assert "Nietgezien" not in text and "Lekkage" not in text
    assert str(neighbour["dossier"].pk) not in [str(d["id"]) for d in data["dossiers"]]


def test_code_lists_are_given_with_their_labels(admin_user, person, codes, access_request):
    [dossier] = exported(admin_user, access_request)["data"]["dossiers"]
    assert dossier["referrer"] == {"code": "huisarts", "label": codes["gp"].name}
    assert dossier["status"] == {"code": "intake", "label": str(DossierStatus.INTAKE.label)}
    assert dossier["questions"][0]["domain"] == {"code": "financien", "label": codes["money"].name}


def test_the_access_log_part_says_who_looked_also_when_refused(
    admin_user, pro, pro_west, colleague, person, access_request
):
    lines = exported(admin_user, access_request)["data"]["access_log"]
    by_user = {
        (
            line["username"],
            line["action"]["code"],
            line["result"]["code"],
            line["object_type"]["code"],
        )
        for line in lines
    }
    assert ("pro", "create", "success", "client") in by_user
    assert ("pro_west", "read", "refused", "dossier") in by_user  # no client number on it
    assert ("colleague", "read", "refused", "client_access_request") in by_user  # nor on this
    assert ("colleague", "read", "success", "list") in by_user
    # The list named someone else too: that part of the line stays out.
    listed = next(line for line in lines if line["object_type"]["code"] == "list")
    assert "clients" not in listed["detail"]
    assert all(set(line) >= {"timestamp", "user", "role", "ip_address", "path"} for line in lines)


def test_each_download_is_recorded_and_logged_and_the_next_export_shows_it(
    admin_user, person, access_request
):
    assert access_request.produced_at is None
    exported(admin_user, access_request)
    access_request.refresh_from_db()
    first = access_request.produced_at
    assert first is not None
    second = exported(admin_user, access_request)
    access_request.refresh_from_db()
    assert access_request.produced_at == first  # the first export answers the request
    exports = AccessLogEntry.objects.filter(
        action="export", object_type="client", client_id=person["client"].pk, user=admin_user
    )
    assert exports.count() == 2
    assert {line.detail["access_request"] for line in exports} == {access_request.pk}
    # The second export lists the first, not itself (its own line is written after it).
    in_second = [
        line for line in second["data"]["access_log"] if line["action"]["code"] == "export"
    ]
    assert len(in_second) == 1


def test_a_failed_export_records_nothing(admin_user, person, access_request, monkeypatch):
    def broken(self: Any) -> bytes:
        raise RuntimeError("disk full")

    monkeypatch.setattr(export_module.PersonExport, "to_json", broken)
    lines = AccessLogEntry.objects.count()
    with pytest.raises(RuntimeError):
        download(admin_user, access_request, "json")
    access_request.refresh_from_db()
    assert access_request.produced_at is None
    assert not AccessLogEntry.objects.filter(action="export").exists()
    # Only the refusal-free page lines of the attempt itself: no export line.
    assert AccessLogEntry.objects.count() == lines


def test_the_pdf_is_a_pdf_that_names_the_person(admin_user, person, access_request):
    require_pdf()
    from pypdf import PdfReader

    response = download(admin_user, access_request, "pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="inzage-AVG-2026-017.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Wilhelmina van Inzagehof" in text
    assert "Schuldhulpmaatje" in text and "OUD-4711" in text
    assert "Nietgezien" not in text
    assert (
        AccessLogEntry.objects.filter(
            action="export", user=admin_user, detail__formats=["pdf"]
        ).count()
        == 1
    )


def test_an_export_for_another_persons_request_is_refused(
    admin_user, person, neighbour, access_request
):
    response = login(admin_user).post(
        reverse("privacy:export", args=[neighbour["client"].pk]),
        {"access_request": access_request.pk, "format": "json"},
    )
    assert response.status_code == 400
    assert not AccessLogEntry.objects.filter(action="export").exists()
    # The page that says so shows the neighbour: that is a read.
    assert AccessLogEntry.objects.filter(
        user=admin_user, action="read", client_id=neighbour["client"].pk
    ).exists()
