"""What the browser tests do again and again: log in, submit, check the page is styled.

Selectors, in order of preference:
- data from the code lists and the tests themselves (life domains, outcomes, locations, names):
  stable, so by visible text (`select_option(label=...)`, role + name);
- form fields by `[name=...]` and links by their `href`: the UI is Dutch by default but the Dutch
  catalogue is not written yet, so label texts will still change;
- buttons and a few labels by role with a pattern that accepts the English source text and the
  Dutch word (`either`), where the Dutch word is the project's own vocabulary or Django's.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, expect

from vivera.conftest import PASSWORD


def either(*texts: str) -> re.Pattern[str]:
    """Match any of `texts` (English source or Dutch translations), whole and case-insensitive;
    a label may end in the required-field star."""
    return re.compile("^(" + "|".join(re.escape(t) for t in texts) + r")(\s*\*)?$", re.IGNORECASE)


def current_code(username: str) -> str | None:
    """The code the user's authenticator app shows now, for a role that needs the second step
    (a confirmed authenticator is made for it if it has none). None for other roles."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from vivera.accounts.models import User
    from vivera.accounts.two_factor import required_for

    user = User.objects.get(username=username)
    if not required_for(user):
        return None
    device = TOTPDevice.objects.filter(
        user=user, confirmed=True
    ).first() or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    # A code is accepted once; a test that logs the same person in twice within 30 seconds
    # starts the device afresh, as if the previous code were from long ago.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Through the real login page, as a person would, with the second step where the role
    needs it."""
    code = current_code(username)
    page.goto("/inloggen/")
    # Django's own Dutch catalogue labels these fields already ("Log in" is "Aanmelden" there;
    # the project's catalogue may make it "Inloggen").
    page.get_by_label(either("Gebruikersnaam", "Username")).fill(username)
    page.get_by_label(either("Wachtwoord", "Password")).fill(password)
    page.get_by_role("button", name=either("Inloggen", "Aanmelden", "Log in")).click()
    if code is not None:
        page.locator("input[name=code]").fill(code)
        page.get_by_role("button", name=either("Continue", "Doorgaan")).click()
    # Logged in: the log-out button is there (on a phone it is folded behind the menu button).
    expect(
        page.get_by_role(
            "button", name=either("Uitloggen", "Afmelden", "Log out"), include_hidden=True
        )
    ).to_have_count(1)


def registered_dossier(user: Any, team: Any, referrer: Any, last_name: str) -> Any:
    """A client Ans <last_name> with a dossier of `team`, registered 20 days ago and directed by
    `user` (made through the services, as the test's starting point)."""
    import datetime as dt

    from django.utils import timezone

    from vivera.registration.services import client_create, dossier_create

    client = client_create(user=user, first_name="Ans", last_name=last_name)
    return dossier_create(
        user=user,
        client=client,
        team=team,
        referrer=referrer,
        registered_on=timezone.localdate() - dt.timedelta(days=20),
        case_director=user,
    )


def main_form(page: Page) -> Locator:
    """The page's one data-entry form (the dossier page also has a status form: not this)."""
    return page.locator("main form.utrecht-form[method=post]").first


def submit(page: Page) -> None:
    main_form(page).locator("button[type=submit]").click()


def expect_saved(page: Page) -> None:
    """The green confirmation after a save (role=status, NL Design System `ok` alert)."""
    expect(page.locator(".vivera-messages .utrecht-alert--ok[role=status]")).to_be_visible()


def nav_link(page: Page, path: str) -> Locator:
    """A main-menu item by its address (its label is translatable)."""
    return page.get_by_role("navigation").locator(f'a[href="{path}"]')


def assert_styled(page: Page) -> None:
    """Every stylesheet loaded and has rules, and the NL Design System classes took effect:
    an unstyled page (node_modules missing, static files not served) fails here."""
    sheets = page.evaluate(
        """() => [...document.querySelectorAll('link[rel=stylesheet]')].map(link => {
            let rules = -1;
            try { rules = link.sheet ? link.sheet.cssRules.length : -1; } catch (e) {}
            return {href: link.getAttribute('href'), rules};
        })"""
    )
    assert len(sheets) >= 3, sheets
    empty = [sheet["href"] for sheet in sheets if sheet["rules"] <= 0]
    assert not empty, f"stylesheets missing or empty: {empty}"
    # The design tokens apply (theme.css), and a primary button is coloured by them instead of
    # the browser's default grey.
    token = page.evaluate(
        "() => getComputedStyle(document.body)"
        ".getPropertyValue('--utrecht-button-primary-action-background-color').trim()"
    )
    assert token, "NL Design System theme tokens are not applied to <body>"
    background = page.evaluate(
        """() => { const button = document.querySelector('.utrecht-button--primary-action');
                   return button ? getComputedStyle(button).backgroundColor : null; }"""
    )
    assert background not in ("rgb(239, 239, 239)", "rgba(0, 0, 0, 0)"), background


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
  });
  return result.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '));
}"""


def accessible(page: Page) -> None:
    """axe-core's WCAG 2.0/2.1 A and AA rules find nothing on the page (needs the `axe_page`
    fixture's context, which lets the script in)."""
    if not AXE.exists():
        raise AssertionError("axe-core is missing: run `npm ci` (make install)")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(AXE_RUN)
    assert not violations, (page.url, violations)
