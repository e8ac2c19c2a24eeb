"""A housing corporation's early signal, end to end in a real browser: the partner sends it on
the web, the professional finds it overdue-free in the queue, records a home visit that reached
the tenant, and the partner sees 'In contact' by its own reference."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from vivera.accounts.models import User
from vivera.partners.models import Submission

from .helpers import either, expect_saved, log_in, main_form, nav_link

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_signal_goes_from_the_partner_to_the_team_and_its_status_back(
    page: Page,
    partner_user: User,
    pro: User,
    team_oost: Any,
    neighbourhood: Any,
) -> None:
    team_oost.neighbourhoods.add(neighbourhood)

    # --- The housing corporation sends an early signal on the web.
    log_in(page, "partner")
    expect(page).to_have_url(re.compile(r"/partner/$"))
    nav_link(page, "/partner/vroegsignaal/").click()
    form = main_form(page)
    form.locator("[name=reference]").fill("HUUR-2026-0001")
    form.locator("[name=first_name]").fill("Fenna")
    form.locator("[name=last_name]").fill("Achterstand")
    form.locator("[name=postcode]").fill("9991 AB")
    form.locator("[name=house_number]").fill("12")
    form.locator("[name=signal_type]").select_option("rent")
    form.locator("[name=amount]").fill("1450")
    form.locator("button[type=submit]").click()
    expect_saved(page)
    expect(page.get_by_test_id("sent-row")).to_contain_text("HUUR-2026-0001")
    expect(page.get_by_test_id("sent-row")).to_contain_text(re.compile("Received|Ontvangen"))
    page.get_by_role("button", name=either("Uitloggen", "Log out")).click()

    # --- The professional finds it in the team's queue and records a home visit.
    log_in(page, "pro")
    nav_link(page, "/meldingen/").click()
    row = page.get_by_test_id("submission-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Fenna Achterstand")
    row.get_by_role("link").click()
    attempt = page.locator("form[action$='/poging/']")
    attempt.locator("[name=part_of_day]").select_option("morning")
    attempt.locator("[name=method]").select_option("home_visit")
    attempt.locator("[name=reached]").check()
    attempt.locator("[name=note]").fill("Mevrouw thuis getroffen.")
    attempt.locator("button[type=submit]").click()
    expect_saved(page)
    expect(page.get_by_test_id("status")).to_have_text(either("In contact"))
    expect(page.get_by_test_id("attempt-row")).to_have_count(1)
    page.get_by_role("button", name=either("Uitloggen", "Log out")).click()

    # --- The partner sees the status, and nothing the team wrote.
    log_in(page, "partner")
    expect(page.get_by_test_id("sent-row")).to_contain_text("In contact")
    expect(page.locator("main")).not_to_contain_text("thuis getroffen")
    assert Submission.objects.get().status == "in_contact"
