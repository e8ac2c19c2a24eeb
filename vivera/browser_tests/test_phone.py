"""The main pages on a phone (390 px wide) and on a desktop, in a real browser.

A wijkteam professional works on the road. On a phone every main page must fit the screen
(nothing to scroll sideways), every link, button and field of the page must lie on the screen,
the menu folds behind a button that opens and closes it (also with Escape), tables become one
card per row with the column's name at each value, and no word is broken in the middle
("Uitl/og/gen"), neither there nor in a table header on a desktop.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from vivera.accounts.models import User
from vivera.partners.models import Submission
from vivera.registration.models import Question

from .helpers import either, log_in, registered_dossier

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}

# Words that a line break cut in two: a word whose pieces lie on more than one line.
BROKEN_WORDS = """(selector) => {
  const broken = [];
  for (const element of document.querySelectorAll(selector)) {
    if (!element.getClientRects().length) continue;  // not shown
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""

# Links, buttons and fields of the page that lie (partly) outside the screen.
OFF_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  const controls = 'main a, main button, main input, main select, main textarea';
  return [...document.querySelectorAll(controls)]
    .filter(e => e.getClientRects().length && e.type !== 'hidden')
    .map(e => [e.outerHTML.slice(0, 80), e.getBoundingClientRect()])
    .filter(([, r]) => r.left < -1 || r.right > width + 1)
    .map(([html]) => html);
}"""

WORDS_TO_KEEP_WHOLE = (
    "header a, header button, header span, th, button, .utrecht-button, label, h1, h2"
)


def check_fits(page: Page, path: str) -> None:
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    scroll = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll[0] <= scroll[1], (path, "scrolls sideways", scroll)
    assert not page.evaluate(OFF_SCREEN), (path, page.evaluate(OFF_SCREEN))
    assert not page.evaluate(BROKEN_WORDS, WORDS_TO_KEEP_WHOLE), (
        path,
        page.evaluate(BROKEN_WORDS, WORDS_TO_KEEP_WHOLE),
    )


@pytest.fixture
def a_working_day(
    pro: User, coordinator: User, partner_user: User, team_oost: Any, codes: dict[str, Any]
) -> Any:
    dossier = registered_dossier(pro, team_oost, codes["gp"], "Telefoonkaart")
    Question.objects.create(
        dossier=dossier, domain=codes["money"], opened_on=dossier.registered_on, created_by=pro
    )
    today = timezone.localdate()
    Submission.objects.create(
        municipality=team_oost.municipality,
        partner=partner_user.partner,
        sent_by=partner_user,
        reference="TEL-1",
        kind="signal",
        signal_type="rent",
        received_on=today,
        respond_by=today + dt.timedelta(days=5),
        status_since=today,
        last_name="Onderweg",
        team=team_oost,
    )
    return dossier


def test_a_professional_works_on_a_phone(
    page: Page, a_working_day: Any, artifacts_dir: Path
) -> None:
    log_in(page, "pro")
    page.set_viewport_size(PHONE)
    dossier = a_working_day
    for path in (
        "/mijn-werk/",
        "/mijn-werk/dossiers/",
        "/mijn-werk/vragen/",
        "/wachtlijst/",
        "/kort-contact/",
        "/inwoners/?q=Telefoonkaart",
        f"/inwoners/{dossier.client_id}/",
        f"/dossiers/{dossier.pk}/",
        "/meldingen/",
        "/outreach/",
    ):
        check_fits(page, path)
    page.screenshot(path=artifacts_dir / "phone-dossier.png", full_page=True)

    # Tables are cards: each value is labelled with its column.
    page.goto("/wachtlijst/")
    cell = page.locator("table.vivera-stack td").first
    expect(cell).to_have_attribute("data-label", either("Dossier"))
    assert (
        page.evaluate("getComputedStyle(document.querySelector('table.vivera-stack td')).display")
        == "block"
    )

    # The menu folds behind its button; it opens, takes you anywhere, and Escape closes it.
    menu_button = page.get_by_role("button", name=either("Menu"))
    navigation = page.get_by_role("navigation", name=either("Main menu", "Hoofdmenu"))
    expect(navigation).to_be_hidden()
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    menu_button.click()
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    expect(navigation).to_be_visible()
    expect(page.get_by_role("button", name=either("Log out", "Uitloggen"))).to_be_visible()
    page.screenshot(path=artifacts_dir / "phone-menu.png")
    page.keyboard.press("Escape")
    expect(navigation).to_be_hidden()
    expect(menu_button).to_be_focused()
    # By keyboard alone: Enter on the focused button opens it, Tab reaches the first item.
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused and focused.startswith("/"), focused
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(focused) + "$"))


def test_the_coordinator_and_the_partner_on_a_phone(
    page: Page, a_working_day: Any, context: Any
) -> None:
    log_in(page, "coordinator")
    page.set_viewport_size(PHONE)
    for path in ("/wachtlijst/", "/formatie/", "/monitor/"):
        check_fits(page, path)
    context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "partner")
    page.set_viewport_size(PHONE)
    check_fits(page, "/partner/")


def test_on_a_desktop_the_menu_is_open_and_headers_keep_their_words(
    page: Page, a_working_day: Any
) -> None:
    log_in(page, "coordinator")
    page.goto("/wachtlijst/")
    expect(page.get_by_role("button", name=either("Menu"))).to_be_hidden()
    expect(page.get_by_role("navigation", name=either("Main menu", "Hoofdmenu"))).to_be_visible()
    assert (
        page.evaluate("getComputedStyle(document.querySelector('table td')).display")
        == "table-cell"
    )
    assert not page.evaluate(BROKEN_WORDS, WORDS_TO_KEEP_WHOLE)


def test_the_account_and_access_pages_on_a_phone(
    page: Page,
    a_working_day: Any,
    context: Any,
    admin_user: User,
    pro: User,
    pro_west: User,
    team_west: Any,
) -> None:
    from vivera.accounts.services import account_reset, membership_request

    # Something to decide on each page: a team membership waiting for a second pair of eyes,
    # and an account waiting for its owner to activate it.
    membership_request(
        user=pro,
        team=team_west,
        specialism="amw",
        fte=Decimal("0.5"),
        start_date=timezone.localdate(),
        end_date=None,
        by=admin_user,
    )
    issued = account_reset(user=pro_west, by=admin_user)
    page.set_viewport_size(PHONE)
    check_fits(page, issued.path)  # the activation page, before logging in
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "admin")
    page.set_viewport_size(PHONE)
    check_fits(page, "/toegang/aanvragen/")
    context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "pro")
    page.set_viewport_size(PHONE)
    for path in ("/inwoners/toegang-vragen/", "/verzoeken/"):
        check_fits(page, path)


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}])
def test_the_comparison_shows_every_figure_without_clipping(
    page: Page, a_working_day: Any, policy: User, viewport: dict[str, int]
) -> None:
    log_in(page, "policy")
    page.set_viewport_size(viewport)
    check_fits(page, "/monitor/vergelijking/")
    table = page.locator("table.vivera-compare-table")
    expect(table.get_by_role("row")).to_have_count(9)  # the heading and eight figures
    width = page.evaluate("document.documentElement.clientWidth")
    for cell in table.locator("tbody td").all():
        box = cell.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, box
