"""The survey's tables in the printed effect report: the statements' long labels and six
columns still fit the A4 page (the same check as monitor/tests/test_report_pdf.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from vivera.accounts.models import User
from vivera.conftest import login
from vivera.monitor.tests.test_report_pdf import text_boxes, weasyprint  # noqa: F401
from vivera.organisation.models import Location, Team
from vivera.survey import services
from vivera.survey.models import Answer, QuestionKind, Response

pytestmark = pytest.mark.django_db


def test_the_survey_tables_fit_the_printed_page(
    coordinator: User,
    policy: User,
    team_oost: Team,
    location: Location,
    weasyprint,  # noqa: F811
) -> None:
    survey = services.survey_create(user=policy, title="CEO 2017", question_set="both")
    for code in ("how-in-contact", "help-topics"):
        services.question_add(survey=survey, user=policy, bank_code=code)
    version = services.current_version(survey)
    questions = list(version.questions.all())
    for n in range(12):
        response = Response.objects.create(
            survey=survey,
            version=version,
            team=team_oost,
            channel="paper",
            submitted_on=dt.date(2017, 6, 1 + n),
        )
        for question in questions:
            if question.kind == QuestionKind.OPEN:
                continue
            Answer.objects.create(
                response=response,
                question=question,
                value=n % 5 + 1 if question.kind != QuestionKind.MARK else 7,
                location=location if question.kind == QuestionKind.LOCATION else None,
            )
    html = (
        login(coordinator)
        .get(reverse("monitor:report"), {"van": "2017-01-01", "tot": "2017-12-31"})
        .content.decode()
    )
    assert "Enquête: stellingen" in html and "Ik wist waar ik moest zijn met mijn vraag." in html
    document = weasyprint.HTML(string=html).render()
    overflowing = [
        (number, box.text)
        for number, page in enumerate(document.pages, 1)
        for box in text_boxes(page._page_box)
        if box.text.strip() and box.position_x + box.width > page.width + 0.5
    ]
    assert not overflowing, overflowing[:5]
