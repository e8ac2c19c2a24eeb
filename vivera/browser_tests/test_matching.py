"""Voor elkaar in a real browser: a visitor searches without logging in, signs up with the link
from the e-mail and posts a request (contact details refused first); the moderator publishes it.
On a desktop and on a phone (390 px), with axe-core on every page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from vivera.accounts.models import User
from vivera.matching.models import Listing, ListingStatus

from .helpers import accessible, either, log_in
from .test_phone import PHONE, check_fits

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def page(axe_page: Page) -> Page:
    return axe_page


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "phone"]
)
def test_sign_up_post_and_publish(
    page: Page, admin_user: User, neighbourhood: Any, viewport: dict[str, int], live_server: Any
) -> None:
    page.set_viewport_size(viewport)
    check_fits(page, "/voor-elkaar/")
    accessible(page)
    check_fits(page, "/voor-elkaar/aanmelden/")
    page.wait_for_timeout(2100)  # the bot guard's minimum
    page.locator("[name=name]").fill("Fatima")
    page.locator("[name=email]").fill("fatima@example.nl")
    page.get_by_role("button", name=either("Stuur me de link")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kijk in je e-mail")
    link = next(w for w in mail.outbox[-1].body.split() if "/voor-elkaar/bevestigen/" in w)
    page.goto(link[link.index("/voor-elkaar/") :])
    expect(page.get_by_text("Je e-mailadres is bevestigd.")).to_be_visible()
    accessible(page)

    check_fits(page, "/voor-elkaar/plaatsen/")
    page.wait_for_timeout(2100)
    page.locator("[name=title]").fill("Samen boodschappen doen")
    page.locator("[name=text]").fill("Wie gaat mee naar de markt? Mail fatima@example.nl")
    page.locator("[name=help_kind]").select_option("shopping")
    page.locator("[name=neighbourhood]").select_option(str(neighbourhood.pk))
    page.locator("[name=frequency][value=recurring]").check()
    page.get_by_role("button", name=either("Naar de moderator sturen")).click()
    expect(page.get_by_role("alert")).to_contain_text("Haal een e-mailadres weg")
    expect(page.locator("[name=title]")).to_have_value("Samen boodschappen doen")
    accessible(page)
    page.wait_for_timeout(2100)
    page.locator("[name=text]").fill("Wie gaat op zaterdag mee naar de markt?")
    page.get_by_role("button", name=either("Naar de moderator sturen")).click()
    expect(page.get_by_test_id("mine")).to_contain_text("Wacht op de moderator")

    page.context.clear_cookies()
    log_in(page, "admin")
    check_fits(page, "/beheer/voor-elkaar/")
    accessible(page)
    page.get_by_role("button", name=either("Online zetten")).click()
    assert Listing.objects.get().status == ListingStatus.PUBLISHED
    page.goto("/voor-elkaar/?q=markt")
    expect(page.locator("article")).to_contain_text("Samen boodschappen doen")
