"""The activity overview in a real browser: the policy advisor reads the overview and adds a
status note by keyboard; the partner proposes one and the policy advisor sends it back. On a
desktop and on a phone (390 px): nothing scrolls sideways, every control on the screen, and
axe-core finds no WCAG 2.1 A/AA problem."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from vivera.accounts.models import User
from vivera.plans.models import Activity, NoteState, StatusNote, Target
from vivera.plans.tests.conftest import activity as activity  # the fixtures
from vivera.plans.tests.conftest import cluster as cluster
from vivera.plans.tests.conftest import plan as plan
from vivera.plans.tests.conftest import target as target

from .helpers import accessible, either, log_in
from .test_phone import PHONE, check_fits

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def page(axe_page: Page) -> Page:
    return axe_page


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "phone"]
)
def test_the_policy_advisor_and_the_partner_keep_the_overview(
    page: Page,
    policy: User,
    partner_user: User,
    activity: Activity,
    target: Target,
    viewport: dict[str, int],
) -> None:
    plan_id = activity.cluster.plan_id
    log_in(page, "partner")
    page.set_viewport_size(viewport)
    check_fits(page, "/partner/activiteiten/")
    accessible(page)
    page.get_by_role("link", name="Dag van de Mantelzorg organiseren").click()
    page.locator("[name=status]").select_option("running")
    page.locator("[name=text]").fill("Zaal gehuurd; 60 aanmeldingen.")
    page.get_by_role("button", name=either("Voorstel versturen")).click()
    expect(page.get_by_text("Uw voorstel is verstuurd.")).to_be_visible()
    assert StatusNote.objects.filter(state=NoteState.PROPOSED).count() == 1

    page.context.clear_cookies()
    log_in(page, "policy")
    check_fits(page, f"/beleid/{plan_id}/")
    expect(page.get_by_role("heading", level=2, name="1. Mantelzorgondersteuning")).to_be_visible()
    expect(page.get_by_test_id("activity")).to_contain_text("Moet nog plaatsvinden")
    accessible(page)

    check_fits(page, "/beleid/voorstellen/")
    accessible(page)
    page.get_by_role("textbox").first.fill("Graag ook het aantal vrijwilligers.")
    page.get_by_role("button", name=either("Terugsturen")).click()
    expect(page.get_by_text("Het voorstel is teruggestuurd.")).to_be_visible()

    # A status note by keyboard, with a date in the future first: refused, nothing written.
    check_fits(page, f"/beleid/activiteit/{activity.pk}/")
    page.locator("[name=note-date]").fill("01-01-2099")
    page.locator("[name=note-status]").select_option("running")
    page.locator("[name=note-text]").fill("Loopt.")
    page.locator("[name=note-date]").press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("De datum ligt in de toekomst.")
    accessible(page)
    page.locator("[name=note-date]").fill("01-03-2026")
    page.locator("[name=note-date]").press("Enter")
    expect(page.get_by_text("De stand van zaken is toegevoegd.")).to_be_visible()
    page.goto(f"/beleid/{plan_id}/")
    expect(page.get_by_test_id("activity")).to_contain_text("Loopt")
    accessible(page)

    # The target page (measurements, chart with its table) and the import page also fit a phone.
    check_fits(page, f"/beleid/doel/{target.pk}/")
    accessible(page)
    check_fits(page, "/beleid/inlezen/")
    accessible(page)
