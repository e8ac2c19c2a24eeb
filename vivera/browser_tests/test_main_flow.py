"""The professional's day in a real browser: the "Done when" of the registration issue.

Log in through the login page, register a short contact and see it in today's list, register a
client, open a dossier, add two questions, a contact and a full ZRM, close one question, and see
it all back on the dossier page.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from vivera.accounts.models import User
from vivera.organisation.models import Location
from vivera.registration.models import Client, Dossier, ShortContact
from vivera.registration.services import zrm_domains

from .helpers import assert_styled, either, expect_saved, log_in, main_form, nav_link, submit

pytestmark = [
    pytest.mark.browser,
    # The live server needs real commits; the seeded code lists come back after each flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_it_runs_the_professionals_day_in_the_browser(
    page: Page,
    pro: User,
    colleague: User,
    location: Location,
    neighbourhood: Any,
    codes: dict[str, Any],
    artifacts_dir: Path,
) -> None:
    today = timezone.localdate()
    registered = today - dt.timedelta(days=10)
    log_in(page, "pro")
    expect(page).to_have_url(re.compile(r"/mijn-werk/$"))
    assert_styled(page)

    # --- A short contact: walk-in at the community centre, about money, answered at once.
    nav_link(page, "/kort-contact/").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_test_id("short-contact-row")).to_have_count(0)
    # By the visible (Dutch or English) labels. A walk-in is the default channel.
    channel = page.get_by_role("group", name=either("Channel", "Kanaal"))
    expect(channel.get_by_role("radio", name=either("Walk-in", "Inloop"))).to_be_checked()
    page.get_by_label(
        either("Walk-in location (for a walk-in)", "Inlooppunt (bij inloop)")
    ).select_option(label=location.name)
    # The topic is a type-ahead combobox: a few letters, and leaving the box picks the match.
    page.get_by_label(either("Topic", "Onderwerp")).fill("Finan")
    page.keyboard.press("Tab")
    page.get_by_role("group", name=either("Result", "Resultaat")).get_by_role(
        "radio", name=either("Answered", "Beantwoord")
    ).check()
    page.get_by_role("button", name=either("Save", "Opslaan")).click()
    expect_saved(page)
    rows = page.get_by_test_id("short-contact-row")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(location.name)
    expect(rows).to_contain_text("Financiën")
    # Ready for the next one: channel and location remembered.
    expect(page.locator("[name=channel][value=walk_in]")).to_be_checked()
    expect(page.locator("[name=location] option:checked")).to_have_text(location.name)
    page.screenshot(path=artifacts_dir / "short-contact.png", full_page=True)
    assert ShortContact.objects.filter(registered_by=pro, location=location).count() == 1

    # --- A new client.
    nav_link(page, "/inwoners/").click()
    page.get_by_role(
        "link", name=either("Register a new client", "Nieuwe inwoner registreren")
    ).first.click()
    # Form fields by name from here on: their labels are still being translated.
    form = main_form(page)
    form.locator("[name=first_name]").fill("Fatima")
    form.locator("[name=last_name]").fill("El Amrani")
    form.locator("[name=birth_date]").fill("1975-03-02")
    form.locator("[name=bsn]").fill("1234 567 82")
    form.locator("[name=postcode]").fill("9991 ab")
    form.locator("[name=house_number]").fill("12")
    submit(page)
    expect_saved(page)
    expect(page).to_have_url(re.compile(r"/inwoners/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Fatima El Amrani")
    # The BSN is masked until asked for; the postcode found the neighbourhood.
    expect(page.get_by_test_id("bsn")).to_have_text("••••••782")
    expect(page.locator("main")).to_contain_text(neighbourhood.name)
    client = Client.objects.get()

    # --- A new dossier for her.
    page.get_by_role("link", name=either("Open a new dossier", "Nieuw dossier openen")).click()
    expect(page).to_have_url(f"/inwoners/{client.pk}/dossier/nieuw/")
    form = main_form(page)
    expect(form.locator("[name=team] option:checked")).to_have_text("Oost")
    form.locator("[name=referrer]").select_option(label=codes["gp"].name)
    form.locator("[name=registered_on]").fill(registered.isoformat())
    form.locator("[name=complexity]").select_option("multiple")
    form.locator("[name=case_director]").select_option(str(pro.pk))
    page.get_by_role("button", name=either("Open dossier", "Dossier openen")).click()
    expect_saved(page)
    expect(page).to_have_url(re.compile(r"/dossiers/\d+/$"))
    dossier = Dossier.objects.get()
    dossier_path = f"/dossiers/{dossier.pk}/"

    # --- Two questions.
    for domain, description in (
        ("Financiën", "Betalingsachterstand energie"),
        ("Huisvesting", "Dreigende huisuitzetting"),
    ):
        page.get_by_role("link", name=either("Add a question", "Vraag toevoegen")).click()
        form = main_form(page)
        form.locator("[name=domain]").select_option(label=domain)
        form.locator("[name=opened_on]").fill(registered.isoformat())
        form.locator("[name=description]").fill(description)
        submit(page)
        expect_saved(page)
    questions = page.get_by_test_id("question-row")
    expect(questions).to_have_count(2)

    # --- A home visit of 45 minutes, with a colleague.
    page.get_by_role("link", name=either("Register a contact", "Contactmoment registreren")).click()
    form = main_form(page)
    form.locator("[name=date]").fill((registered + dt.timedelta(days=2)).isoformat())
    form.locator("[name=kind]").select_option(label="Huisbezoek")
    expect(form.locator("[name=with_whom][value=client]")).to_be_checked()
    form.locator("[name=core_task]").select_option("support")
    form.locator("[name=minutes]").fill("45")
    form.get_by_role("checkbox", name=colleague.get_full_name()).check()
    submit(page)
    expect_saved(page)

    # --- A full ZRM at intake: one radio per life domain, each group found by its legend.
    page.get_by_role("link", name=either("Register ZRM scores", "ZRM-scores registreren")).click()
    form = main_form(page)
    form.locator("[name=assessed_on]").fill(registered.isoformat())
    form.locator("[name=moment]").select_option("intake")
    domains = zrm_domains()
    assert len(domains) == 13
    expected_scores = {}
    for index, domain in enumerate(domains):
        score = index % 5 + 1
        expected_scores[domain.name] = score
        group = form.get_by_role("group", name=domain.name, exact=True)
        group.get_by_role("radio", name=re.compile(rf"^{score}\b")).check()
    submit(page)
    expect_saved(page)

    # --- Close the money question: referred to the community centre, after 7 days.
    money = questions.filter(has_text="Financiën")
    # The link's name says which question it closes ("Afsluiten Financiën").
    money.get_by_role("link", name=re.compile(r"^(Close|Afsluiten) Financiën$")).click()
    form = main_form(page)
    form.locator("[name=closed_on]").fill((registered + dt.timedelta(days=7)).isoformat())
    form.locator("[name=outcome]").select_option(label=codes["general"].name)
    page.get_by_role("button", name=either("Close question", "Vraag afsluiten")).click()
    expect_saved(page)
    expect(page).to_have_url(re.compile(rf"{dossier_path}$"))

    # --- All of it on the dossier page.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fatima El Amrani")
    cells = money.locator("td")
    expect(cells.nth(1)).to_have_text(registered.strftime("%d-%m-%Y"))
    expect(cells.nth(2)).to_have_text((registered + dt.timedelta(days=7)).strftime("%d-%m-%Y"))
    expect(cells.nth(3)).to_have_text("7")
    expect(cells.nth(4)).to_have_text(codes["general"].name)
    housing = questions.filter(has_text="Huisvesting")
    expect(housing.locator("td").nth(3)).to_have_text(re.compile(r"^10\b"))
    expect(housing.locator('a[href$="/afsluiten/"]')).to_have_count(1)
    expect(money.locator('a[href$="/afsluiten/"]')).to_have_count(0)

    contacts = page.locator("#contacten ~ table").first.locator("tbody tr")
    expect(contacts).to_have_count(1)
    expect(contacts).to_contain_text("Huisbezoek")
    expect(contacts.locator("td").nth(4)).to_have_text("45")
    expect(contacts.locator("td").nth(5)).to_contain_text(pro.get_full_name())
    expect(contacts.locator("td").nth(5)).to_contain_text(colleague.get_full_name())

    zrm = page.get_by_test_id("zrm-table")
    expect(zrm.locator("tbody tr")).to_have_count(13)
    for name, score in expected_scores.items():
        row = zrm.locator("tbody tr").filter(
            has=page.get_by_role("rowheader", name=name, exact=True)
        )
        expect(row.locator("td").first).to_have_text(str(score))
    expect(zrm.locator("thead")).to_contain_text(registered.strftime("%d-%m-%Y"))

    assert_styled(page)
    page.screenshot(path=artifacts_dir / "dossier.png", full_page=True)
