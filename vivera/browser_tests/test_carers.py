"""The carer register in a real browser: a carer registers on the public form (first with
mistakes: every problem at once, nothing typed lost), confirms with the link from the e-mail,
applies for the yearly appreciation on its own page (an IBAN that fails its check first), and
the carers' consultant approves it within the budget; the carer asks what the register holds and
the functional administrator records the request and downloads the overview. On a desktop and
on a phone (390 px), with axe-core on every page."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from vivera.accounts.models import User
from vivera.carers import appreciation
from vivera.carers.models import Application, ApplicationStatus, Carer, CarerStatus

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
def test_register_confirm_apply_and_approve(
    page: Page,
    consultant: User,
    admin_user: User,
    neighbourhood: Any,
    viewport: dict[str, int],
    live_server: Any,
) -> None:
    today = timezone.localdate()
    scheme = appreciation.scheme_save(
        user=consultant,
        year=today.year,
        form="money",
        amount=Decimal("150.00"),
        budget=Decimal("300.00"),
        opens_on=dt.date(today.year, 1, 1),
        closes_on=dt.date(today.year, 12, 31),
        one_per="carer",
        min_hours=8,
        min_months=3,
    )
    page.set_viewport_size(viewport)

    # The public form, without login: first without a name, with a birth date in the future
    # and without agreeing: every problem at once, and what was typed stays.
    check_fits(page, "/mantelzorg/aanmelden/")
    accessible(page)
    page.wait_for_timeout(2100)  # the bot guard's minimum
    page.locator("[name=last_name]").fill("de Zorg")
    page.locator("[name=birth_date]").fill("2099-03-04")
    page.locator("[name=email]").fill("mira@example.org")
    page.locator("[name=postcode]").fill("9991 AB")
    page.locator("[name=house_number]").fill("12")
    page.locator("[name=cared_for_name]").fill("Jan de Zorg")
    page.locator("[name=relation]").select_option("parent")
    page.locator("[name=care_kinds][value=household]").check()
    page.locator("[name=hours_per_week]").fill("12")
    page.locator("[name=since]").fill("2020-01-01")
    page.locator("form [type=submit]").last.click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    assert summary.locator("li").count() >= 3, summary.inner_text()
    expect(page.locator("[name=cared_for_name]")).to_have_value("Jan de Zorg")
    accessible(page)
    assert not Carer.objects.exists()

    page.wait_for_timeout(2100)
    page.locator("[name=first_name]").fill("Mira")
    page.locator("[name=birth_date]").fill("1970-03-04")
    page.locator("[name=privacy]").check()
    page.locator("form [type=submit]").last.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    carer = Carer.objects.get()
    assert carer.status == CarerStatus.PENDING

    # The link in the e-mail confirms the registration and opens the carer's own page.
    link = next(w for w in mail.outbox[-1].body.split() if "/mantelzorg/link/" in w)
    check_fits(page, link[link.index("/mantelzorg/") :])  # opening it changes nothing yet
    accessible(page)
    page.get_by_role("button", name=either("Mijn pagina openen", "Open my page")).click()
    carer.refresh_from_db()
    assert carer.status == CarerStatus.REGISTERED
    check_fits(page, "/mantelzorg/mijn/")
    accessible(page)

    # The application: an IBAN that fails its check is refused, then a good one.
    check_fits(page, "/mantelzorg/mijn/waardering/")
    accessible(page)
    page.wait_for_timeout(2100)
    page.locator("[name=relation]").select_option(index=1)
    page.locator("[name=iban]").fill("NL91 ABNA 0417 1643 01")
    page.locator("[name=account_holder]").fill("M. de Zorg")
    page.locator("form [type=submit]").last.click()
    expect(page.get_by_role("alert")).to_contain_text("IBAN")
    expect(page.locator("[name=account_holder]")).to_have_value("M. de Zorg")
    page.wait_for_timeout(2100)
    page.locator("[name=iban]").fill("NL91 ABNA 0417 1643 00")
    page.locator("form [type=submit]").last.click()
    expect(page.get_by_test_id("own-applications")).to_be_visible()
    application = Application.objects.get()
    assert application.status == ApplicationStatus.SUBMITTED

    # The consultant approves it; the budget left goes down.
    page.context.clear_cookies()
    log_in(page, "consultant")
    check_fits(page, f"/mantelzorgers/waardering/{scheme.pk}/")
    accessible(page)
    page.get_by_role(
        "button", name=either("Goedkeuren Mira de Zorg", "Approve Mira de Zorg")
    ).click()
    expect(page.get_by_test_id("decided")).to_contain_text("Mira de Zorg")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.amount == Decimal("150.00")
    accessible(page)

    # The carer asks what the register holds about them: the functional administrator finds
    # the carer by name and date of birth, records the request and downloads the overview.
    page.context.clear_cookies()
    log_in(page, admin_user.username)
    check_fits(page, "/beheer/inzage/")
    page.locator("[name=q]").fill("Mira de Zorg")
    page.locator("[name=birth_date]").fill("1970-03-04")
    page.locator("form[role=search] [type=submit]").click()
    page.get_by_role("link", name="Mira de Zorg").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mira de Zorg")
    check_fits(page, page.url)
    accessible(page)
    page.locator("[name=reference]").fill("AVG-MZ-1")
    page.get_by_role("button", name=either("Verzoek vastleggen", "Record the request")).click()
    expect(
        page.get_by_role("heading", name=either("Verzoek AVG-MZ-1", "Request AVG-MZ-1"))
    ).to_be_visible()
    accessible(page)
    with page.expect_download() as download:
        page.get_by_role(
            "button", name=either("JSON-bestand downloaden", "Download the JSON file")
        ).click()
    overview = json.loads(Path(download.value.path()).read_text())
    assert overview["person"]["kind"] == "carer"
    [registration] = overview["data"]["carer"]
    assert registration["applications"][0]["status"]["code"] == "approved"
