"""The survey's staff pages in a real browser: the policy advisor composes a survey, opens it
and invites residents; the coordinator prints the letters and screens an open answer. On a
desktop and on a phone (390 px): nothing scrolls sideways, every control on the screen, no word
broken in two, and the flow works with the keyboard."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from vivera.accounts.models import User
from vivera.organisation.models import Location, Team
from vivera.survey import services
from vivera.survey.models import Answer, Invitation, QuestionKind, Survey
from vivera.survey.tests.conftest import make_closed_dossier
from vivera.survey.tests.test_services import _answer_all

from .helpers import accessible, either, log_in
from .test_phone import PHONE, check_fits

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def page(axe_page: Page) -> Page:
    return axe_page


@pytest.fixture
def helped(pro: User, team_oost: Team, codes: dict[str, Any], coordinator: User) -> None:
    """Seven residents of Oost whose dossiers closed last week."""
    closed = timezone.localdate() - dt.timedelta(days=7)
    for n in range(7):
        make_closed_dossier(
            user=pro, team=team_oost, referrer=codes["gp"], closed_on=closed, first_name=f"Res{n}"
        )


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "phone"]
)
def test_the_policy_advisor_composes_opens_and_invites(
    page: Page, helped: None, policy: User, viewport: dict[str, int], artifacts_dir: Path
) -> None:
    log_in(page, "policy")
    page.set_viewport_size(viewport)
    page.goto("/enquetes/")
    page.get_by_role("link", name=either("Nieuwe enquête")).click()
    page.locator("[name=title]").fill("Ervaringen met het wijkteam")
    page.locator("[name=question_set][value=effect]").check()
    page.get_by_role("button", name=either("Enquête maken")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ervaringen met het wijkteam")
    survey = Survey.objects.get()
    check_fits(page, f"/enquetes/{survey.pk}/")
    accessible(page)

    # An own question, by keyboard: fill in, Tab on, Enter sends.
    page.goto(f"/enquetes/{survey.pk}/vraag-toevoegen/")
    page.locator("[name=kind]").select_option("mark")
    page.locator("[name=text]").fill("Welk cijfer geeft u het inlooppunt?")
    page.locator("[name=text]").press("Enter")
    expect(page.get_by_text("Welk cijfer geeft u het inlooppunt?")).to_be_visible()

    page.get_by_role("button", name=either("Enquête openen")).click()
    page.get_by_role("link", name=either("Inwoners uitnodigen")).click()
    today = timezone.localdate()
    page.locator("[name=start]").fill((today - dt.timedelta(days=30)).isoformat())
    page.locator("[name=end]").fill(today.isoformat())
    page.get_by_role("button", name=either("Uitnodigen")).click()
    # Seven invited, shown perturbed like a monitor count.
    expect(page.get_by_role("heading", name=re.compile(r"^Uitgenodigd: (\d+|<5)$"))).to_be_visible()
    check_fits(page, f"/enquetes/{survey.pk}/steekproef/")
    accessible(page)
    check_fits(page, "/enquetes/")
    check_fits(page, f"/enquetes/{survey.pk}/resultaten/")
    accessible(page)
    page.screenshot(path=artifacts_dir / f"survey-results-{viewport['width']}.png", full_page=True)
    assert Invitation.objects.filter(survey=survey).count() == 7


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "phone"]
)
def test_the_coordinator_prints_letters_and_screens(
    page: Page,
    helped: None,
    policy: User,
    coordinator: User,
    location: Location,
    viewport: dict[str, int],
) -> None:
    today = timezone.localdate()
    survey = services.survey_open(
        survey=services.survey_create(user=policy, title="CEO", question_set="ceo"),
        user=policy,
        today=today,
    )
    services.sample_draw(
        survey=survey,
        user=policy,
        basis="dossier",
        start=today - dt.timedelta(days=30),
        end=today,
        today=today,
    )
    first = Invitation.objects.filter(survey=survey).first()
    assert first is not None
    services.response_enter(
        code=first.code,
        answers=_answer_all(survey, [location]),
        channel="paper",
        today=today,
        user=None,
    )
    log_in(page, "coordinator")
    page.set_viewport_size(viewport)
    check_fits(page, "/enquetes/brieven/")
    accessible(page)
    expect(page.get_by_text("6 inwoners van uw teams hebben nog niet geantwoord.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name=either("Bestand voor samenvoegen (CSV)")).click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert len(text.strip().splitlines()) == 7

    check_fits(page, "/enquetes/open-antwoorden/")
    accessible(page)
    answer = Answer.objects.get(question__kind=QuestionKind.OPEN)
    page.locator(f"[name=a{answer.pk}-decision][value=edited]").check()
    page.locator(f"[name=a{answer.pk}-text]").fill("Fijn geholpen door [naam]")
    page.get_by_role("button", name=either("Besluit opslaan")).click()
    expect(page.get_by_text("Uw besluit is opgeslagen.")).to_be_visible()
    answer.refresh_from_db()
    assert answer.screened_text == "Fijn geholpen door [naam]"


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "phone"]
)
def test_the_administrator_types_in_a_paper_form(
    page: Page,
    helped: None,
    policy: User,
    admin_user: User,
    location: Location,
    viewport: dict[str, int],
) -> None:
    today = timezone.localdate()
    survey = services.survey_open(
        survey=services.survey_create(user=policy, title="CEO", question_set="ceo"),
        user=policy,
        today=today,
    )
    services.sample_draw(
        survey=survey,
        user=policy,
        basis="dossier",
        start=today - dt.timedelta(days=30),
        end=today,
        today=today,
    )
    log_in(page, "admin")
    page.set_viewport_size(viewport)
    for path in ("/beheer/enquete/", f"/beheer/enquete/{survey.pk}/import/"):
        check_fits(page, path)
        accessible(page)
    check_fits(page, f"/beheer/enquete/{survey.pk}/papier/")
    # A wrong code and a question skipped: the error summary names the code, by keyboard.
    page.locator("[name=code]").fill("ZZZZZ-ZZZZZ")
    page.locator("[name=code]").press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Er is geen uitnodiging met deze code")
    accessible(page)
    code = Invitation.objects.filter(survey=survey).first()
    assert code is not None
    page.locator("[name=code]").fill(code.code)
    mark = services.current_version(survey).questions.get(code="team-mark")
    page.locator(f"[name=q{mark.position}][value='8']").check()
    page.locator("[name=code]").press("Enter")
    expect(page.get_by_text(f"De antwoorden van code {code.code}")).to_be_visible()
    assert Answer.objects.get(question=mark).value == 8
