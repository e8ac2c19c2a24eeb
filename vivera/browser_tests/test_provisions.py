"""Wmo allocations in a real browser: the administrator imports a delivery (a wrong file first,
then a good one), and the professional sees the client's allocations on the dossier page. On a
desktop and on a phone (390 px): nothing scrolls sideways, every control on the screen, and
axe-core finds no WCAG 2.1 A/AA problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from vivera.accounts.models import User
from vivera.provisions.models import Allocation
from vivera.provisions.tests.conftest import CLIENT_BSN, OTHER_BSN, csv
from vivera.provisions.tests.conftest import known_client as known_client  # the fixture
from vivera.registration.models import Client

from .helpers import accessible, either, log_in
from .test_phone import PHONE, check_fits

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LINES = (
    f"{CLIENT_BSN};A1;02;02A01;01-03-2025;31-08-2025;3;04;2;42420001;Zorg Thuis BV;19;9991AB",
    f"{CLIENT_BSN};A3;01;01A01;01-09-2025;;4;04;2;42420002;Huishoudhulp Oost;;9991AB",
    f"{OTHER_BSN};A2;01;01A01;15-01-2025;;4;04;2;42420002;Huishoudhulp Oost;;9991CD",
)


@pytest.fixture
def page(axe_page: Page) -> Page:
    return axe_page


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "phone"]
)
def test_a_delivery_is_imported_and_the_professional_sees_it(
    page: Page,
    admin_user: User,
    pro: User,
    known_client: Client,
    viewport: dict[str, int],
    tmp_path: Path,
) -> None:
    wrong = tmp_path / "fout.csv"
    wrong.write_bytes(csv("123456789;B1;99;;01-03-2025;;;;;42420001;;;")[1])
    good = tmp_path / "toewijzingen.csv"
    good.write_bytes(csv(*LINES)[1])

    log_in(page, "admin")
    page.set_viewport_size(viewport)
    check_fits(page, "/beheer/toewijzingen/")
    accessible(page)
    page.locator("[name=files]").set_input_files(str(wrong))
    page.locator("[name=start]").fill("01-01-2025")
    page.locator("[name=end]").fill("31-12-2025")
    page.get_by_role("button", name=either("Controleren en importeren")).click()
    result = page.get_by_test_id("delivery-result")
    expect(result).to_contain_text("Niets geïmporteerd")
    expect(page.get_by_test_id("delivery-problems")).to_contain_text("elfproef")
    expect(page.locator("[name=start]")).to_have_value("01-01-2025")  # the period is kept
    accessible(page)

    page.locator("[name=files]").set_input_files(str(good))
    page.locator("[name=end]").press("Enter")  # by keyboard
    expect(result).to_contain_text("Van cliënten in Vivera (bij de cliënt bewaard): 2")
    expect(page.get_by_test_id("delivery-list")).to_contain_text("01-2025 – 12-2025")
    assert Allocation.objects.count() == 2
    accessible(page)

    page.context.clear_cookies()
    log_in(page, "pro")
    dossier = known_client.dossiers.get()
    check_fits(page, f"/dossiers/{dossier.pk}/")
    table = page.get_by_test_id("allocation-table")
    expect(table).to_contain_text("02 Begeleiding")
    expect(table).to_contain_text("Zorg Thuis BV")
    expect(table).to_contain_text("loopt nu")  # A3 has no end date
    expect(table).not_to_contain_text("15-01-2025")  # the other resident's
    accessible(page)
