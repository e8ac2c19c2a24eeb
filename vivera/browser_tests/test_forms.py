"""Forms in the browser: bad input is explained and kept; the short-contact form works from the
keyboard alone."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from vivera.accounts.models import User
from vivera.organisation.models import Location
from vivera.registration.models import Client, ShortContact

from .helpers import log_in, main_form, submit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_it_shows_an_invalid_bsn_and_keeps_what_was_typed(
    page: Page, pro: User, artifacts_dir: Path
) -> None:
    log_in(page, "pro")
    page.goto("/inwoners/nieuw/")
    form = main_form(page)
    typed = {
        "first_name": "Piet",
        "last_name": "Pieters",
        "birth_date": "1980-07-14",
        "bsn": "123456789",
        "postcode": "9991 AB",
        "house_number": "3a",
    }
    for name, value in typed.items():
        form.locator(f"[name={name}]").fill(value)
    submit(page)

    # Not saved, still on the form, with a message at the top and one at the BSN field.
    expect(page).to_have_url("/inwoners/nieuw/")
    summary = page.locator(".vivera-error-summary[role=alert]")
    expect(summary).to_be_visible()
    # The summary has the focus, and its link takes the keyboard to the field.
    expect(summary).to_be_focused()
    summary.locator('a[href="#id_bsn"]').click()
    expect(form.locator("[name=bsn]")).to_be_focused()
    bsn = form.locator("[name=bsn]")
    error = page.locator("#id_bsn_error")
    expect(error).to_be_visible()
    expect(error).to_contain_text(re.compile(r"elfproef|11-test"))
    expect(bsn).to_have_attribute("aria-invalid", "true")
    # Screen readers hear the message with the field.
    expect(bsn).to_have_accessible_description(re.compile(re.escape(error.inner_text())))
    # Everything typed is still there, the wrong BSN too, so it can be corrected.
    for name, value in typed.items():
        expect(form.locator(f"[name={name}]")).to_have_value(value)
    assert Client.objects.count() == 0
    page.screenshot(path=artifacts_dir / "client-invalid-bsn.png", full_page=True)

    # Corrected, it saves.
    bsn.fill("123456782")
    submit(page)
    expect(page).to_have_url(re.compile(r"/inwoners/\d+/$"))
    assert Client.objects.get().bsn == "123456782"


def test_it_registers_a_short_contact_with_the_keyboard_only(
    page: Page, pro: User, location: Location, codes: dict[str, Any]
) -> None:
    log_in(page, "pro")
    page.goto("/kort-contact/")

    def focused() -> dict[str, str]:
        return page.evaluate(
            """() => { const el = document.activeElement;
                       return {tag: el.tagName.toLowerCase(), name: el.name || el.id || '',
                               type: el.type || '', value: el.value || ''}; }"""
        )

    # The topic (a type-ahead combobox) has focus on arrival: pick it by typing; leaving the
    # box takes the highlighted match.
    assert focused()["name"] == "id_domain"
    page.keyboard.type("Huisv")
    # Back to the walk-in location (above the topic) and pick it by typing.
    page.keyboard.press("Shift+Tab")
    assert focused()["name"] == "location"
    page.keyboard.type("Buurt")
    # Back once more into the channel group: Tab lands on the checked radio (walk-in).
    page.keyboard.press("Shift+Tab")
    assert focused() == {"tag": "input", "name": "channel", "type": "radio", "value": "walk_in"}
    page.keyboard.press("Space")
    # Forward to the result group, and choose "referred": arrows move within a radio group.
    for _ in range(3):
        page.keyboard.press("Tab")
    assert focused()["name"] == "result"
    page.keyboard.press("ArrowRight")
    assert focused()["value"] == "referred"
    page.keyboard.press("Space")
    # Tab on to the Save button (past part of day and the date's segments), and press Enter.
    for _ in range(12):
        page.keyboard.press("Tab")
        if focused()["tag"] == "button":
            break
    assert focused()["tag"] == "button", focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    contact = ShortContact.objects.get()
    assert (contact.channel, contact.location, contact.domain, contact.result) == (
        "walk_in",
        location,
        codes["housing"],
        "referred",
    )
    row = page.get_by_test_id("short-contact-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Huisvesting")
    expect(row).to_contain_text(location.name)
    # After saving, the topic has focus again: ready for the next visitor.
    assert focused()["name"] == "id_domain"
