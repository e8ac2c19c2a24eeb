"""A new professional in a real browser: it opens its activation link, chooses a password, sets
up the authenticator app from the page (the test reads the key the page shows, as an app
would), and then logs in with password and code and reaches its work page."""

from __future__ import annotations

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from vivera.accounts.models import User
from vivera.accounts.services import account_reset

from .helpers import either

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


def test_a_professional_activates_its_account_and_logs_in(page: Page, pro: User) -> None:
    issued = account_reset(user=pro, by=None)
    page.goto(issued.path)
    password = page.get_by_label(either("Kies een wachtwoord", "Choose a password"))
    expect(password).to_be_focused()
    password.fill(NEW_PASSWORD)
    page.get_by_label(either("Hetzelfde wachtwoord nog een keer", "The same password again")).fill(
        NEW_PASSWORD
    )
    expect(page.locator(".vivera-qr svg")).to_be_visible()
    secret = page.get_by_test_id("secret").inner_text().replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label(re.compile("authenticator", re.IGNORECASE)).fill(f"{TOTP(key).token():06d}")
    page.get_by_role("button", name=either("Activeer mijn account", "Activate my account")).click()
    expect(page).to_have_url(re.compile(r"/inloggen/"))

    page.get_by_label(either("Gebruikersnaam", "Username")).fill("pro")
    page.get_by_label(either("Wachtwoord", "Password")).fill(NEW_PASSWORD)
    page.get_by_role("button", name=either("Inloggen", "Aanmelden", "Log in")).click()
    expect(page).to_have_url(re.compile(r"/inloggen/code/"))
    # A code is accepted once: the app's next code (the device tolerates one step ahead).
    later = TOTP(key)
    later.time = time.time() + 30
    page.get_by_label(re.compile("authenticator", re.IGNORECASE)).fill(f"{later.token():06d}")
    page.get_by_role("button", name=either("Verder", "Doorgaan", "Continue")).click()
    expect(page).to_have_url(re.compile(r"/mijn-werk/$"))
