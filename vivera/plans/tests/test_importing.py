"""Bringing an existing overview in once: all or nothing, every problem by file, line and
column."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from vivera.accounts.models import User
from vivera.conftest import login
from vivera.plans.models import Activity, Cluster, Plan, StatusNote

pytestmark = pytest.mark.django_db

HEADER = ["Cluster", "Doel", "Activiteit", "Partners", "Status", "Stand van zaken", "Datum"]


def sheet(*rows: list[Any]) -> bytes:
    book = Workbook()
    for row in [HEADER, *rows]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def post(user: User, data: bytes, **fields: str) -> Any:
    return login(user).post(
        "/beleid/inlezen/",
        {
            "title": "Activiteitenoverzicht 2025",
            "start_date": "01-01-2025",
            "end_date": "31-12-2026",
            "file": SimpleUploadedFile("overzicht.xlsx", data),
            **fields,
        },
    )


def test_an_overview_is_imported_as_a_plan(policy: User, partner_org: Any) -> None:
    response = post(
        policy,
        sheet(
            [
                "Eigen kracht",
                "Inwoners doen mee.",
                "Buurtkamer openen",
                partner_org.name,
                "loopt",
                "Open sinds maart.",
                "15-03-2025",
            ],
            ["Eigen kracht", "", "Promotiedag", "", "vervallen", "Geen budget.", "01-06-2025"],
            [
                "Mantelzorg",
                "Mantelzorgers houden het vol.",
                "Dag van de Mantelzorg",
                f"{partner_org.name}",
                "Afgerond / regulier werk",
                "",
                "10-11-2025",
            ],
        ),
    )
    plan = Plan.objects.get()
    assert response.url == f"/beleid/{plan.pk}/"
    clusters = list(Cluster.objects.order_by("position").values_list("position", "title", "goal"))
    assert clusters == [
        (1, "Eigen kracht", "Inwoners doen mee."),
        (2, "Mantelzorg", "Mantelzorgers houden het vol."),
    ]
    assert Activity.objects.count() == 3
    first = Activity.objects.get(description="Buurtkamer openen")
    assert list(first.partners.all()) == [partner_org]
    assert first.notes.get().status == "running"
    assert StatusNote.objects.get(activity__description="Promotiedag").status == "dropped"


def test_a_bad_sheet_names_every_problem_and_writes_nothing(policy: User) -> None:
    response = post(
        policy,
        sheet(
            [
                "Eigen kracht",
                "Doel A",
                "Buurtkamer",
                "Onbekende stichting",
                "bijna",
                "",
                "15-03-2025",
            ],
            ["Eigen kracht", "Doel B", "", "", "loopt", "", "01-01-2099"],
            ["Mantelzorg", "", "Respijt", "", "vervallen", "", "31-02-2025"],
        ),
    )
    text = response.content.decode()
    assert response.status_code == 400 and "Niets geïmporteerd" in text
    for expected in (
        "“Onbekende stichting” is geen ketenpartner van de gemeente.",
        "Onbekende status",
        "Dit cluster heeft op regel 2 een ander doel.",
        "De datum ligt in de toekomst.",
        "Schrijf waarom de activiteit vervalt.",
    ):
        assert expected in text, expected
    assert not Plan.objects.exists() and not Activity.objects.exists()


def test_a_missing_column_is_named(policy: User) -> None:
    book = Workbook()
    book.active.append(["Cluster", "Activiteit"])
    book.active.append(["A", "B"])
    out = io.BytesIO()
    book.save(out)
    text = post(policy, out.getvalue()).content.decode()
    assert "status" in text and "De kolom ontbreekt in de kopregel." in text
    assert not Plan.objects.exists()
