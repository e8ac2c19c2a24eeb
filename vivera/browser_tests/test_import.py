"""The functional administrator imports a legacy export in the browser, from the keyboard."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from vivera.accounts.models import User
from vivera.imports.tests.conftest import CLIENT_HEADER, DOSSIER_HEADER, write_csv
from vivera.organisation.models import Team
from vivera.registration.models import Client, Dossier

from .helpers import assert_styled, either, log_in, nav_link

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_administrator_checks_and_imports_the_valid_rows(
    page: Page,
    admin_user: User,
    pro: User,
    team_oost: Team,
    tmp_path: Path,
    settings: Any,
    artifacts_dir: Path,
) -> None:
    settings.VIVERA_IMPORT_DIR = str(tmp_path / "pending")
    files = [
        write_csv(
            tmp_path,
            "clienten.csv",
            CLIENT_HEADER,
            [
                ["1", "Dédé", "", "Verbeek", "14-03-1961", "123456782", "", ""],
                ["2", "Ans", "", "Berg", "1975-01-31", "123456789", "", ""],  # fails the 11-test
            ],
            encoding="cp1252",
        ),
        write_csv(
            tmp_path,
            "dossiers.csv",
            DOSSIER_HEADER,
            [
                ["D1", "1", "Oost", "huisarts", "pro", "02-01-2017", "15-01-2017", ""],
            ],
            delimiter=",",
            encoding="utf-8-sig",
        ),
    ]
    log_in(page, "admin")
    nav_link(page, "/beheer/import/").click()
    upload = page.locator("input[type=file][name=files]")
    upload.set_input_files(files)
    upload.focus()
    page.keyboard.press("Tab")  # to the Check button
    page.keyboard.press("Enter")

    errors = page.locator(
        "table",
        has=page.locator(
            "caption",
            has_text=re.compile("line 1 is the header|regel 1 is de kopregel", re.IGNORECASE),
        ),
    )
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors.locator("tbody tr td").nth(0)).to_have_text("clienten.csv")
    expect(errors.locator("tbody tr td").nth(1)).to_have_text("3")
    expect(errors.locator("tbody tr td").nth(2)).to_have_text("bsn")
    assert "123456789" not in page.content()
    assert Client.objects.count() == 0
    assert_styled(page)
    page.screenshot(path=artifacts_dir / "import-report.png", full_page=True)

    page.get_by_role(
        "button", name=either("Import only the valid rows", "Alleen de geldige rijen importeren")
    ).focus()
    page.keyboard.press("Enter")

    expect(page.locator("main .utrecht-alert--ok[role=status]")).to_be_visible()
    assert list(Client.objects.values_list("first_name", flat=True)) == ["Dédé"]
    assert Dossier.objects.get().status == "active"
