"""A resident fills in the survey in a real browser, by keyboard only, on a phone (390 px) and on
a desktop: types the code from the letter, answers one question per screen, stops, comes back,
and sends. Every page passes an automated accessibility check (axe-core, WCAG 2.1 A and AA
rules), including a page with errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from vivera.accounts.models import User
from vivera.organisation.models import Location, Team
from vivera.survey import services
from vivera.survey.models import QuestionKind, Response
from vivera.survey.tests.conftest import make_closed_dossier

from .helpers import accessible
from .test_phone import PHONE, check_fits

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def page(axe_page: Page) -> Page:
    return axe_page


@pytest.fixture
def invitation(
    policy: User, pro: User, team_oost: Team, codes: dict[str, Any], location: Location
) -> Any:
    today = timezone.localdate()
    make_closed_dossier(
        user=pro, team=team_oost, referrer=codes["gp"], closed_on=today - dt.timedelta(days=3)
    )
    survey = services.survey_open(
        survey=services.survey_create(
            user=policy,
            title="Uw ervaring met het wijkteam",
            introduction="Wij willen graag weten hoe het ging.",
            question_set="both",
        ),
        user=policy,
        today=today,
    )
    services.question_add(survey=survey, user=policy, bank_code="how-in-contact")
    services.question_add(survey=survey, user=policy, bank_code="help-topics")
    services.sample_draw(
        survey=survey,
        user=policy,
        basis="dossier",
        start=today - dt.timedelta(days=10),
        end=today,
        today=today,
    )
    return survey.invitations.get()


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "phone"]
)
def test_a_resident_answers_by_keyboard(
    page: Page, invitation: Any, viewport: dict[str, int]
) -> None:
    page.set_viewport_size(viewport)
    check_fits(page, "/enquete/")
    accessible(page)
    # Too fast is refused as a robot would be: wait the two seconds a person takes anyway.
    page.wait_for_timeout(2100)
    page.keyboard.press("Tab")  # the skip link
    page.get_by_label("Code uit uw brief").fill("zzzzz-zzzzz")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Deze code kennen wij niet")).to_have_count(2)
    accessible(page)  # a page with errors
    page.wait_for_timeout(2100)
    page.get_by_label("Code uit uw brief").fill(invitation.code.lower())
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw ervaring met het wijkteam")
    check_fits(page, page.url.removeprefix(page.url.split("/enquete/")[0]))
    accessible(page)
    page.get_by_role("button", name="Beginnen").focus()
    page.keyboard.press("Enter")

    questions = list(services.current_version(invitation.survey).questions.order_by("position"))
    kinds_seen: set[str] = set()
    for number, question in enumerate(questions, start=1):
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Vraag {number} van {len(questions)}"
        )
        if question.kind not in kinds_seen:
            kinds_seen.add(question.kind)
            check_fits(page, page.url.removeprefix(page.url.split("/enquete/")[0]))
            accessible(page)
        # Answer with the keyboard: focus the first choice (or the text box) and pick it.
        first = page.locator(
            "main form input[type=radio], main form input[type=checkbox], main form textarea"
        ).first
        if question.kind == QuestionKind.OPEN:
            first.focus()
            page.keyboard.type("Prima geholpen")
        elif first.count():
            first.focus()
            page.keyboard.press("Space")
        if number == 3:
            # Stop here and come back later with the same link.
            page.get_by_role("button", name="Later verder").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Uw antwoorden zijn bewaard")
            accessible(page)
            page.get_by_role("link", name="Nu verder").click()
            page.get_by_role("button", name="Verder waar u was gebleven").click()
            continue
        page.get_by_role(
            "button", name="Naar het einde" if number == len(questions) else "Volgende"
        ).press("Enter")
    assert kinds_seen == {"statement", "mark", "open", "location", "single", "multiple"}
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw antwoorden versturen")
    accessible(page)
    page.get_by_role("button", name="Versturen").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dank u wel")
    accessible(page)
    response = Response.objects.get()
    assert response.submitted_on == timezone.localdate()
    assert response.answers.count() >= len(questions) - 1
