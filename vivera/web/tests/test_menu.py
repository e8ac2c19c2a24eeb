"""The menu: every role sees only links to pages it may open, and each link opens; the start
page sends every role to the page it starts its day on."""

from __future__ import annotations

import pytest
from django.urls import reverse

from vivera.conftest import login
from vivera.web.context_processors import MENU

pytestmark = pytest.mark.django_db


def test_every_link_in_a_roles_menu_opens_for_that_role(all_personas, codes):
    for name, user in all_personas.items():
        http = login(user)
        start = http.get(reverse("home"), follow=True)
        assert start.status_code == 200, name
        items = start.context["nav_items"]
        assert [item["url"] for item in items] == [
            reverse(url) for _l, url in MENU.get(user.role, ())
        ], name
        for item in items:
            assert http.get(item["url"]).status_code == 200, (name, item["url"])


def test_the_policy_advisor_finds_the_key_figures_in_the_menu(policy):
    page = login(policy).get(reverse("monitor:key_figures"))
    current = [item for item in page.context["nav_items"] if item["current"]]
    assert [item["url"] for item in current] == ["/monitor/kerncijfers/"]
    assert "Kerncijfers" in page.content.decode()
