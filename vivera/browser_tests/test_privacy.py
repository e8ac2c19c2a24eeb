"""A policy advisor in the browser sees aggregates only: never a person."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from vivera.accounts.models import User
from vivera.organisation.models import Team
from vivera.registration.services import (
    client_create,
    dossier_create,
    question_add,
    short_contact_create,
)

from .helpers import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FIRST_NAME, LAST_NAME = "Wilhelmina", "Kwakernaat"
BSN = "123456782"
MAX_PAGES = 40
# Not followed while crawling: logging out ends the visit; the rest are not pages (downloads:
# the monitor's exports and PDF are checked for suppression in vivera/monitor/tests).
SKIP_PREFIXES = ("/uitloggen/", "/static/", "/api/", "/monitor/export/")


def crawl(page: Page, start: str) -> dict[str, tuple[int, str]]:
    """Every same-site page reachable by following links from `start`: path → (status, html)."""
    origin = urlsplit(page.url)
    queue, seen, found = [start], {start}, {}
    while queue and len(found) < MAX_PAGES:
        path = queue.pop(0)
        response = page.goto(path)
        assert response is not None
        found[path] = (response.status, page.content())
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        for href in hrefs:
            url = urlsplit(urljoin(page.url, href))
            if (url.scheme, url.netloc) != (origin.scheme, origin.netloc):
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if (
                target not in seen
                and not url.path.startswith(SKIP_PREFIXES)
                and "formaat=pdf" not in url.query
            ):
                seen.add(target)
                queue.append(target)
    return found


def test_it_shows_a_policy_advisor_no_personal_data(
    page: Page,
    pro: User,
    policy: User,
    team_oost: Team,
    neighbourhood: Any,
    location: Any,
    codes: dict[str, Any],
) -> None:
    today = timezone.localdate()
    client = client_create(
        user=pro,
        first_name=FIRST_NAME,
        last_name=LAST_NAME,
        bsn=BSN,
        birth_date=dt.date(1948, 9, 6),
        postcode="9991AB",
    )
    dossier = dossier_create(
        user=pro,
        client=client,
        team=team_oost,
        referrer=codes["gp"],
        registered_on=today - dt.timedelta(days=3),
        case_director=pro,
    )
    question_add(
        user=pro,
        dossier=dossier,
        domain=codes["money"],
        opened_on=today,
        description=f"Schulden van mevrouw {LAST_NAME}",
    )
    short_contact_create(
        user=pro,
        date=today,
        part_of_day="morning",
        channel="walk_in",
        domain=codes["money"],
        result="answered",
        location=location,
    )

    log_in(page, "policy")
    pages = crawl(page, "/")
    assert "/monitor/kerncijfers/" in pages, pages.keys()  # the menu leads to the key figures
    assert all(status == 200 for status, _ in pages.values()), {
        path: status for path, (status, _) in pages.items()
    }
    for path, (_, html) in pages.items():
        for secret in (FIRST_NAME, LAST_NAME, BSN, "06-09-1948"):
            assert secret not in html, f"{secret!r} on {path}"

    # Typing a team page's address gets no further: refused or not found, and nothing shown.
    for path in (
        f"/dossiers/{dossier.pk}/",
        f"/inwoners/{client.pk}/",
        f"/inwoners/?q={LAST_NAME}",
        f"/dossiers/{dossier.pk}/vraag/",
        f"/dossiers/{dossier.pk}/zrm/",
        "/mijn-werk/",
        "/wachtlijst/",
        "/kort-contact/",
    ):
        response = page.goto(path)
        assert response is not None
        assert response.status in (403, 404), (path, response.status)
        for secret in (FIRST_NAME, LAST_NAME, BSN):
            assert secret not in page.content(), (secret, path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
