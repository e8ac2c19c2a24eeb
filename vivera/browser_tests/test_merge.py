"""Two professionals edit the same dossier in two real browser sessions: the second save is
refused with the merge view, the choice is made with the keyboard, and both changes end up
saved. Nothing is overwritten silently."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from vivera.accounts.models import User
from vivera.organisation.models import Team
from vivera.registration.models import Dossier

from .conftest import DEFAULT_TIMEOUT_MS
from .helpers import either, expect_saved, log_in, main_form, registered_dossier, submit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_professionals_edit_one_dossier_and_merge(
    browser: Browser,
    live_server: Any,
    pro: User,
    colleague: User,
    team_oost: Team,
    codes: dict[str, Any],
    artifacts_dir: Path,
) -> None:
    dossier = registered_dossier(pro, team_oost, codes["gp"], "Tweemaal")
    contexts = [
        browser.new_context(
            base_url=live_server.url,
            locale="nl-NL",
            timezone_id="Europe/Amsterdam",
            viewport={"width": 1280, "height": 900},
        )
        for _ in range(2)
    ]
    try:
        for context in contexts:
            context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        mine, theirs = (context.new_page() for context in contexts)
        log_in(mine, "pro")
        log_in(theirs, "colleague")
        url = f"/dossiers/{dossier.pk}/wijzigen/"
        mine.goto(url)
        theirs.goto(url)

        # The colleague saves first: another complexity and an informal carer.
        theirs.locator("[name=complexity]").select_option("multiple")
        theirs.locator("[name=carer_involved]").check()
        submit(theirs)
        expect_saved(theirs)

        # Then I save what I typed in the form I opened before.
        mine.locator("[name=complexity]").select_option("complex")
        mine.locator("[name=network_mapped]").check()
        submit(mine)
        message = mine.get_by_test_id("merge-message")
        expect(message).to_be_visible()
        expect(message).to_have_attribute("role", "alert")
        expect(message).to_contain_text(colleague.get_full_name() or colleague.username)
        fresh = Dossier.objects.get(pk=dossier.pk)
        assert (fresh.complexity, fresh.carer_involved, fresh.network_mapped) == (
            "multiple",
            True,
            False,
        )

        # Each differing field is a group named by its legend. Both changed the complexity:
        # nothing is chosen for me; the others have the three-way default.
        complexity = mine.get_by_role("group", name=either("Complexity", "Complexiteit"))
        expect(complexity.locator("input[type=radio]:checked")).to_have_count(0)
        expect(complexity).to_contain_text("Complex")  # what I typed is shown
        network = mine.get_by_test_id("merge-network_mapped")
        expect(network.locator('input[value="True"]')).to_be_checked()
        carer = mine.get_by_test_id("merge-carer_involved")
        expect(carer.locator('input[value="True"]')).to_be_checked()

        # Saving without choosing is refused again, with the message at the field.
        submit(mine)
        expect(mine.locator(".vivera-error-summary[role=alert]")).to_be_visible()
        complexity = mine.get_by_role("group", name=either("Complexity", "Complexiteit"))
        expect(complexity).to_have_accessible_description(re.compile(r"\S"))
        expect(complexity.locator(".utrecht-form-field-error-message")).to_be_visible()

        # Choose mine with the keyboard: into the group, then Space.
        complexity.locator('input[value="complex"]').focus()
        mine.keyboard.press("Space")
        expect(complexity.locator('input[value="complex"]')).to_be_checked()
        mine.screenshot(path=artifacts_dir / "dossier-merge-view.png", full_page=True)
        main_form(mine).locator("button[type=submit]").focus()
        mine.keyboard.press("Enter")
        expect(mine).to_have_url(re.compile(rf"/dossiers/{dossier.pk}/$"))
        expect_saved(mine)
        fresh = Dossier.objects.get(pk=dossier.pk)
        assert (fresh.complexity, fresh.carer_involved, fresh.network_mapped) == (
            "complex",
            True,
            True,
        )
    finally:
        for context in contexts:
            context.close()
