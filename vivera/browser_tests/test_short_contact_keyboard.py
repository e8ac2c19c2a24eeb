"""Ten short contacts in a row by keyboard alone: the professional's most frequent task.

The topic is a type-ahead combobox (core/widgets.py, vivera.js): the page opens with the focus in
it, a few letters highlight the topic, and Enter picks it and saves. The form comes back ready
for the next one, the focus in the topic again. This test counts the keys and mouse clicks that
takes, and prints the time (docs/benchmarks.md reports it; the test does not time itself).
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from vivera.accounts.models import User
from vivera.organisation.models import Location
from vivera.registration.models import ShortContact

from .helpers import expect_saved, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# (letters typed, the topic they pick): the first match of what is typed.
TOPICS = [
    ("fin", "Financiën"),
    ("huis", "Huisvesting"),
    ("fin", "Financiën"),
    ("geest", "Geestelijke gezondheid"),
    ("werk", "Werk & opleiding"),
    ("fin", "Financiën"),
    ("soc", "Sociaal netwerk"),
    ("lich", "Lichamelijke gezondheid"),
    ("huis", "Huisvesting"),
    ("fin", "Financiën"),
]


def test_ten_short_contacts_in_a_row_by_keyboard(
    page: Page, pro: User, location: Location, codes: dict[str, Any]
) -> None:
    log_in(page, "pro")
    page.goto("/kort-contact/")
    keys = 0

    def press(key: str) -> None:
        nonlocal keys
        keys += 1
        page.keyboard.press(key)

    def type_letters(text: str) -> None:
        nonlocal keys
        keys += len(text)
        page.keyboard.type(text)

    topic = page.locator("input#id_domain")
    expect(topic).to_be_focused()
    # The first contact of the day also names the walk-in location (a select before the
    # topic: Shift+Tab, its first letter, Tab back); Vivera remembers it after that.
    press("Shift+Tab")
    type_letters("B")
    press("Tab")
    started = time.perf_counter()
    for number, (letters, name) in enumerate(TOPICS, 1):
        expect(topic).to_be_focused()
        type_letters(letters)
        expect(page.locator(".autocomplete__option--focused")).to_have_text(name)
        press("Enter")
        expect_saved(page)
        expect(page.get_by_test_id("short-contact-row")).to_have_count(number)
    seconds = time.perf_counter() - started

    saved = list(
        ShortContact.objects.filter(registered_by=pro)
        .order_by("pk")
        .values_list("domain__name", "location__name")
    )
    assert saved == [(name, location.name) for _, name in TOPICS]
    # No mouse at all; the keys: 3 for the location once, then the letters and Enter.
    assert keys == 3 + sum(len(letters) + 1 for letters, _ in TOPICS)
    print(
        f"\nTen short contacts by keyboard: {keys} keys, 0 clicks, {seconds:.1f} s "
        f"(browser and test server on this machine)"
    )


def test_without_a_match_enter_saves_nothing_and_says_so(
    page: Page, pro: User, location: Location
) -> None:
    log_in(page, "pro")
    page.goto("/kort-contact/")
    page.locator("[name=location]").select_option(label=location.name)
    topic = page.locator("input#id_domain")
    topic.fill("xyz")
    expect(page.locator(".autocomplete__option--no-results")).to_be_visible()
    topic.press("Enter")
    topic.press("Tab")  # leaving the box: no topic chosen
    page.locator("main button[type=submit]").click()
    expect(page.locator(".utrecht-form-field--invalid")).to_have_count(1)
    assert not ShortContact.objects.exists()
