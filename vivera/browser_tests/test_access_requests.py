"""A resident known to another team, in the browser at phone width: the professional gets the
offer instead of a dead end, asks for access, and the other team's coordinator approves."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from vivera.accounts.models import User
from vivera.registration.models import ClientAccessRequest

from .helpers import log_in, main_form, registered_dossier, submit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BSN = "123456782"
PHONE = {"width": 390, "height": 844}


def no_sideways_scrolling(page: Page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_professional_asks_the_other_team_and_its_coordinator_approves(
    page: Page,
    pro: User,
    pro_west: User,
    coordinator: User,
    team_oost: Any,
    codes: dict[str, Any],
    artifacts_dir: Path,
) -> None:
    dossier = registered_dossier(pro, team_oost, codes["gp"], "Oostelijk")
    dossier.client.__class__.objects.filter(pk=dossier.client_id).update(bsn=BSN)
    page.set_viewport_size(PHONE)

    log_in(page, "pro_west")
    page.goto("/inwoners/nieuw/")
    form = main_form(page)
    form.locator("[name=first_name]").fill("Ans")
    form.locator("[name=last_name]").fill("Oostelijk")
    form.locator("[name=bsn]").fill(BSN)
    submit(page)
    offer = page.get_by_test_id("bsn-offer")
    expect(offer).to_be_visible()
    expect(page.locator("#id_bsn_error")).to_be_visible()
    no_sideways_scrolling(page)
    page.screenshot(path=artifacts_dir / "bsn-known-elsewhere-390.png", full_page=True)
    # By keyboard: the choice, the reason, the button.
    offer.locator("input[name=toegang-kind][value=shared]").focus()
    page.keyboard.press("Space")
    offer.locator("[name=toegang-reason]").fill("Haar zoon woont bij ons in de wijk.")
    offer.locator("[name=toegang-reason]").press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url("/verzoeken/")
    expect(page.get_by_test_id("my-requests")).to_contain_text("•••782")
    expect(page.locator("main")).not_to_contain_text("Oostelijk")
    no_sideways_scrolling(page)

    page.context.clear_cookies()
    log_in(page, "coordinator")
    page.goto("/verzoeken/")
    page.locator("main a[href^='/verzoeken/']").first.click()
    page.locator("input[name=decision][value=approve]").check()
    no_sideways_scrolling(page)
    page.screenshot(path=artifacts_dir / "access-request-decide-390.png", full_page=True)
    submit(page)
    expect(page).to_have_url("/verzoeken/")
    assert ClientAccessRequest.objects.get().status == "approved"

    page.context.clear_cookies()
    log_in(page, "pro_west")
    page.goto("/verzoeken/")
    page.get_by_test_id("my-requests").locator(f"a[href='/dossiers/{dossier.pk}/']").click()
    expect(page.locator("h1")).to_contain_text(re.compile("Oostelijk"))
