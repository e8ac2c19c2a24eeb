"""A question that cannot be closed does not get a form that can only be refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from vivera.conftest import login
from vivera.registration.models import DossierStatus, Question
from vivera.registration.services import (
    client_create,
    dossier_change_status,
    dossier_create,
    question_close,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(pro, team_oost, codes):
    client = client_create(user=pro, first_name="Ria", last_name="Dicht")
    dossier = dossier_create(
        user=pro,
        client=client,
        team=team_oost,
        referrer=codes["gp"],
        registered_on=timezone.localdate() - dt.timedelta(days=30),
        case_director=pro,
    )
    return Question.objects.create(
        dossier=dossier, domain=codes["money"], opened_on=dossier.registered_on, created_by=pro
    )


def test_a_closed_question_says_when_it_was_closed_instead_of_a_form(pro, question, codes):
    question_close(
        user=pro, question=question, closed_on=timezone.localdate(), outcome=codes["solved"]
    )
    response = login(pro).get(reverse("registration:question_close", args=[question.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<form method="post" class="utrecht-form"' not in html
    assert "al afgesloten op" in html
    assert timezone.localdate().strftime("%d-%m-%Y") in html


def test_the_questions_of_a_closed_dossier_are_not_offered_for_closing(pro, question, codes):
    question_close(
        user=pro, question=question, closed_on=timezone.localdate(), outcome=codes["solved"]
    )
    dossier_change_status(
        user=pro,
        dossier=question.dossier,
        to_status=DossierStatus.CLOSED,
        date=timezone.localdate(),
    )
    other = Question.objects.create(
        dossier=question.dossier,
        domain=codes["housing"],
        opened_on=question.opened_on,
        created_by=pro,
        closed_on=timezone.localdate(),
        outcome=codes["solved"],
    )
    Question.objects.filter(pk=other.pk).update(closed_on=None, outcome=None)
    response = login(pro).post(
        reverse("registration:question_close", args=[other.pk]),
        {"closed_on": timezone.localdate().isoformat(), "outcome": codes["solved"].pk},
    )
    assert response.status_code == 400
    assert "Heropen eerst het dossier" in response.content.decode()
    other.refresh_from_db()
    assert other.closed_on is None
