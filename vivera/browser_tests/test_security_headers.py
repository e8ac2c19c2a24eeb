"""The strict Content Security Policy in a real browser: the pages people use load without a
single violation (an inline script or style would be blocked, and the page would silently lose
behaviour or look)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from vivera.accounts.models import User

from .helpers import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PAGES = {
    "pro": [
        "/mijn-werk/",
        "/kort-contact/",
        "/inwoners/nieuw/",
        "/meldingen/",
        "/verzoeken/",
        "/inwoners/toegang-vragen/",
    ],
    "policy": ["/monitor/"],
    "admin": [
        "/beheer/toegangslog/",
        "/admin/",
        "/admin/organisation/team/add/",
        "/beheer/import/",
        "/beheer/ggm-export/",
    ],
    "partner": ["/partner/", "/partner/vroegsignaal/"],
}


def watch_violations(page: Page) -> list[str]:
    seen: list[str] = []
    page.on(
        "console",
        lambda msg: seen.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return seen


@pytest.mark.parametrize("persona", list(PAGES))
def test_pages_load_without_a_csp_violation(
    page: Page, persona: str, all_personas: dict[str, User], location: Any, codes: Any
) -> None:
    violations = watch_violations(page)
    log_in(page, all_personas[persona].username)
    for path in PAGES[persona]:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert "default-src 'self'" in (response.headers.get("content-security-policy") or "")
        page.wait_for_load_state("networkidle")
    assert violations == [], violations
