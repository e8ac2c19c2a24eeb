"""Consent for sharing in a real browser: a referral to a partner without consent is refused and
explained; the professional records the consent on the dossier page (groups with legends, from
labels), the referral then saves, and withdrawing is one confirmation away."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from vivera.accounts.models import User
from vivera.organisation.models import PartnerOrganisation, Team
from vivera.registration.models import Referral, SharingConsent

from .helpers import either, expect_saved, log_in, main_form, registered_dossier, submit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_it_refuses_a_referral_without_consent_then_records_and_withdraws_consent(
    page: Page,
    pro: User,
    team_oost: Team,
    partner_org: PartnerOrganisation,
    codes: dict[str, Any],
    artifacts_dir: Path,
) -> None:
    dossier = registered_dossier(pro, team_oost, codes["gp"], "Delen")
    log_in(page, "pro")

    # A referral to the housing corporation, without consent: refused, explained, kept.
    page.goto(f"/dossiers/{dossier.pk}/verwijzing/")
    form = main_form(page)
    form.locator("[name=partner]").select_option(label=partner_org.name)
    form.locator("[name=handover]").select_option("planned")
    submit(page)
    expect(page.locator(".vivera-error-summary[role=alert]")).to_be_visible()
    error = page.locator("#id_partner_error")
    expect(error).to_contain_text(partner_org.name)
    expect(form.locator("[name=partner]")).to_have_attribute("aria-invalid", "true")
    expect(form.locator("[name=handover]")).to_have_value("planned")
    assert not Referral.objects.exists()

    # Record the consent on the dossier page.
    page.goto(f"/dossiers/{dossier.pk}/")
    page.locator(f'a[href="/dossiers/{dossier.pk}/toestemming/"]').click()
    form = main_form(page)
    form.locator("[name=partner]").select_option(label=partner_org.name)
    scopes = page.get_by_role("group", name=either("What may be shared", "Wat gedeeld mag worden"))
    scopes.locator('input[value="referral"]').check()
    how = page.get_by_role(
        "group", name=either("How was consent given?", "Hoe is de toestemming gegeven?")
    )
    how.locator('input[value="written"]').focus()
    page.keyboard.press("Space")
    submit(page)
    expect_saved(page)
    rows = page.get_by_test_id("consent-row")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(partner_org.name)
    page.screenshot(path=artifacts_dir / "dossier-consent.png", full_page=True)
    consent = SharingConsent.objects.get()
    assert (consent.partner, consent.covers_referral, consent.covers_status, consent.given_how) == (
        partner_org,
        True,
        False,
        "written",
    )

    # Now the referral saves.
    page.goto(f"/dossiers/{dossier.pk}/verwijzing/")
    main_form(page).locator("[name=partner]").select_option(label=partner_org.name)
    submit(page)
    expect_saved(page)
    assert Referral.objects.get().partner == partner_org

    # Withdraw it: one confirmation, dated today.
    rows.locator("a").click()
    expect(page).to_have_url(re.compile(rf"/toestemmingen/{consent.pk}/intrekken/$"))
    submit(page)
    expect_saved(page)
    consent.refresh_from_db()
    assert consent.withdrawn_on == timezone.localdate()
    expect(page.get_by_test_id("consent-row").locator("a")).to_have_count(0)
