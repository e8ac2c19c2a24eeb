"""The overview's pages and documents: the policy advisor's flow, the partner's proposal, the
documents (the Word file has real headings), and the command."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from docx import Document

from vivera.accounts.models import User
from vivera.conftest import login
from vivera.plans import document, selectors, services
from vivera.plans.models import Activity, Cluster, NoteState, Plan, StatusNote, Target

pytestmark = pytest.mark.django_db


def test_the_policy_advisor_builds_a_plan_on_the_pages(policy: User, partner_org: Any) -> None:
    http = login(policy)
    response = http.post(
        "/beleid/", {"title": "", "start_date": "01-01-2025", "end_date": "31-12-2024"}
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "Geef het plan een titel." in text and "Het plan eindigt voordat het begint." in text
    assert 'value="01-01-2025"' in text  # what was typed stays
    response = http.post(
        "/beleid/", {"title": "Wmo 2025", "start_date": "01-01-2025", "end_date": "31-12-2026"}
    )
    plan = Plan.objects.get()
    assert response.url == f"/beleid/{plan.pk}/"
    http.post(f"/beleid/{plan.pk}/cluster/", {"title": "Eigen kracht", "goal": "Zelfredzaam."})
    cluster = Cluster.objects.get()
    response = http.post(
        f"/beleid/cluster/{cluster.pk}/activiteit/",
        {
            "description": "Buurtkamer",
            "partners": [partner_org.pk],
            "date": "01-02-2025",
            "status": "running",
            "text": "Open op dinsdag.",
        },
    )
    activity = Activity.objects.get()
    assert response.url == f"/beleid/activiteit/{activity.pk}/"
    response = http.post(
        f"/beleid/cluster/{cluster.pk}/doel/",
        {
            "description": "Bezoekers buurtkamer",
            "unit": "",
            "baseline_year": "",
            "baseline_value": "",
            "target_value": "100",
            "target_date": "31-12-2026",
            "direction": "up",
            "figure": "",
        },
    )
    assert response.status_code == 400
    assert "Een doel heeft een nulmeting nodig: vul het jaar in." in response.content.decode()
    assert not Target.objects.exists()
    page = http.get(f"/beleid/{plan.pk}/").content.decode()
    assert "Buurtkamer" in page and "Loopt" in page and "Open op dinsdag." in page


def test_a_note_in_the_future_on_the_page_changes_nothing(policy: User, activity: Activity) -> None:
    response = login(policy).post(
        f"/beleid/activiteit/{activity.pk}/",
        {"action": "note", "note-date": "01-01-2099", "note-status": "done", "note-text": "Klaar"},
    )
    assert response.status_code == 400
    assert "De datum ligt in de toekomst." in response.content.decode()
    assert activity.notes.count() == 1


def test_the_partner_proposes_and_the_policy_advisor_sends_it_back(
    policy: User, partner_user: User, activity: Activity
) -> None:
    partner = login(partner_user)
    listing = partner.get("/partner/activiteiten/").content.decode()
    assert "Dag van de Mantelzorg organiseren" in listing
    response = partner.post(
        f"/partner/activiteiten/{activity.pk}/",
        {"date": "01-03-2025", "status": "running", "text": "60 aanmeldingen."},
    )
    assert response.status_code == 302
    note = StatusNote.objects.get(state=NoteState.PROPOSED)
    advisor = login(policy)
    assert "60 aanmeldingen." in advisor.get("/beleid/voorstellen/").content.decode()
    refused = advisor.post(f"/beleid/voorstellen/{note.pk}/", {"decision": "return"})
    assert refused.status_code == 400 and "Schrijf waarom het voorstel teruggaat." in (
        refused.content.decode()
    )
    advisor.post(
        f"/beleid/voorstellen/{note.pk}/",
        {"decision": "return", f"n{note.pk}-reason": "Graag het aantal deelnemers."},
    )
    note.refresh_from_db()
    assert note.state == NoteState.RETURNED
    listing = partner.get("/partner/activiteiten/").content.decode()
    assert "Graag het aantal deelnemers." in listing


def test_a_partner_reaches_only_its_own_activities(
    policy: User, partner_user: User, cluster: Cluster, other_partner: Any
) -> None:
    theirs = services.activity_add(
        user=policy,
        cluster=cluster,
        description="Respijtzorg",
        partners=[other_partner],
        status="running",
        note="",
        date=dt.date(2025, 3, 1),
    )
    http = login(partner_user)
    assert http.get(f"/partner/activiteiten/{theirs.pk}/").status_code == 404
    response = http.post(
        f"/partner/activiteiten/{theirs.pk}/",
        {"date": "01-03-2025", "status": "done", "text": "Klaar."},
    )
    assert response.status_code == 404 and theirs.notes.count() == 1
    assert "Respijtzorg" not in http.get("/partner/activiteiten/").content.decode()


def test_the_word_document_has_real_headings_and_tables(
    policy: User, activity: Activity, target: Target
) -> None:
    services.measurement_add(
        user=policy,
        target=target,
        date=dt.date(2025, 12, 31),
        value=Decimal(360),
        source="MEE",
        today=dt.date(2026, 1, 5),
    )
    overview = selectors.overview(activity.cluster.plan, dt.date(2026, 1, 5))
    word = Document(io.BytesIO(document.document_docx(overview)))
    headings = [
        (p.style.name, p.text)
        for p in word.paragraphs
        if p.style.name.startswith(("Heading", "Title"))
    ]
    assert ("Title", "Activiteitenoverzicht Wmo 2025-2026") in headings
    assert ("Heading 1", "1. Mantelzorgondersteuning") in headings
    assert ("Heading 2", "Doelen") in headings and ("Heading 2", "Activiteiten") in headings
    targets, activities = word.tables
    assert [c.text for c in targets.rows[0].cells] == [
        "Doel",
        "Nulmeting",
        "Streefwaarde",
        "Laatste meting",
        "Oordeel",
    ]
    assert targets.rows[1].cells[4].text == "Op koers"
    assert activities.rows[1].cells[2].text == "Moet nog plaatsvinden"
    assert activities.rows[1].cells[3].text.endswith("Datum wordt vastgelegd.")


def test_the_pdf_and_the_html(activity: Activity, target: Target, tmp_path: Any) -> None:
    overview = selectors.overview(activity.cluster.plan, dt.date(2026, 1, 5))
    html = document.document_html(overview)
    assert "<h2" in html and "Mantelzorgondersteuning" in html and "Nog geen meting" in html
    pdf = document.document_pdf(overview)
    assert pdf.startswith(b"%PDF")


def test_the_command_writes_the_document(activity: Activity, tmp_path: Any, capsys: Any) -> None:
    out = tmp_path / "overzicht.docx"
    call_command(
        "policy_overview",
        "--gemeente",
        "GM9991",
        "--datum",
        "2026-01-05",
        "--formaat",
        "docx",
        "--uitvoer",
        str(out),
    )
    assert "geschreven naar" in capsys.readouterr().out
    assert Document(str(out)).paragraphs[0].text == "Activiteitenoverzicht Wmo 2025-2026"
    with pytest.raises(CommandError, match="geen plan"):
        call_command(
            "policy_overview",
            "--gemeente",
            "GM9991",
            "--datum",
            "2020-01-01",
            "--formaat",
            "html",
            "--uitvoer",
            str(tmp_path / "x.html"),
        )


def test_the_page_shows_the_overview_on_an_earlier_date(policy: User, activity: Activity) -> None:
    services.note_add(
        user=policy,
        activity=activity,
        date=dt.date(2025, 6, 1),
        status="done",
        text="Gehouden.",
        today=dt.date(2026, 1, 5),
    )
    http = login(policy)
    plan = activity.cluster.plan
    earlier = http.get(f"/beleid/{plan.pk}/?datum=01-03-2025").content.decode()
    assert "Moet nog plaatsvinden" in earlier and "Gehouden." not in earlier
    now = http.get(f"/beleid/{plan.pk}/").content.decode()
    assert "Gehouden." in now
    docx = http.get(f"/beleid/{plan.pk}/overzicht.docx?datum=01-03-2025")
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
