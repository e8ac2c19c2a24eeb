"""First login of a professional in a real browser: the password, then setting up the
authenticator app from the page (the test reads the key the page shows, as an app would), and
then the work page."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from vivera.accounts.models import User
from vivera.conftest import PASSWORD

from .helpers import either

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_professional_sets_up_the_second_step_on_first_login(page: Page, pro: User) -> None:
    page.goto("/inloggen/")
    page.get_by_label(either("Gebruikersnaam", "Username")).fill("pro")
    page.get_by_label(either("Wachtwoord", "Password")).fill(PASSWORD)
    page.get_by_role("button", name=either("Inloggen", "Aanmelden", "Log in")).click()
    expect(page).to_have_url(re.compile(r"/inloggen/code/instellen/"))
    expect(page.locator(".vivera-qr svg")).to_be_visible()
    secret = page.get_by_test_id("secret").inner_text().replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    code = page.get_by_label(re.compile("authenticator", re.IGNORECASE))
    expect(code).to_be_focused()
    code.fill(f"{TOTP(key).token():06d}")
    page.get_by_role("button", name=either("Confirm and continue", "Bevestigen en doorgaan")
                     ).click()
    expect(page).to_have_url(re.compile(r"/mijn-werk/$"))
