"""The main menu, by role: nobody sees a link to a page it may not open."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vivera.accounts.models import Role

# Each role's menu, in order: (label, URL name). A role without an entry has no menu.
MENU: dict[str, tuple[tuple[Promise, str], ...]] = {
    Role.PROFESSIONAL: (
        (_("My work"), "registration:my_work"),
        (_("Short contact"), "registration:shortcontact_create"),
        (_("Clients"), "registration:client_search"),
        (_("Waiting list"), "registration:waiting_list"),
        (_("Partner submissions"), "partners:queue"),
        (_("Requests"), "registration:access_requests"),
        (_("Outreach"), "registration:outreach_list"),
    ),
    Role.COORDINATOR: (
        (_("Waiting list"), "registration:waiting_list"),
        (_("My work"), "registration:my_work"),
        (_("Clients"), "registration:client_search"),
        (_("Short contact"), "registration:shortcontact_create"),
        (_("Partner submissions"), "partners:queue"),
        (_("Requests"), "registration:access_requests"),
        (_("Outreach"), "registration:outreach_list"),
        (_("Formation"), "organisation:formation"),
        (_("Monitor"), "monitor:dashboard"),
        (_("Surveys"), "survey:letters"),
        (_("Access rights requests"), "accounts:grant_requests"),
    ),
    Role.POLICY: (
        (_("Monitor"), "monitor:dashboard"),
        (_("Key figures"), "monitor:key_figures"),
        (_("Compare municipalities"), "monitor:benchmark"),
        (_("Surveys"), "survey:list"),
        (_("Activity overview"), "plans:list"),
    ),
    Role.PARTNER: (
        (_("Sent"), "portal:home"),
        (_("Refer a resident"), "portal:send_referral"),
        (_("Send an early signal"), "portal:send_signal"),
        (_("Plan activities"), "plans_partner:list"),
    ),
    Role.ADMIN: (
        (_("Access log"), "audit:access_log"),
        (_("GGM export"), "ggm:export"),
        (_("Import"), "imports:import"),
        (_("Survey answers"), "survey_intake:index"),
        (_("Wmo allocations"), "provisions:deliveries"),
        (_("Voor elkaar"), "matching_moderation:moderation"),
        (_("Right of access"), "privacy:index"),
        (_("Research grants"), "research:grants"),
        (_("Access rights requests"), "accounts:grant_requests"),
        (_("Configuration"), "admin:index"),
    ),
    Role.RESEARCHER: ((_("Research extracts"), "research:home"),),
    Role.CARER_CONSULTANT: (
        (_("Informal carers"), "carers:register"),
        (_("Yearly appreciation"), "carers:schemes"),
    ),
}


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu of the signed-in user's role, with the current page marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    from vivera.accounts import two_factor

    if two_factor.required_for(user) and not user.is_verified():
        # Waiting at the second login step: every page but that one is closed, so no menu.
        return {"nav_items": []}
    items = [(str(label), reverse(name)) for label, name in MENU.get(user.role, ())]
    # The longest menu URL the page lies under is the current one (/partner/ and
    # /partner/aanmelden/ both match the latter page).
    matching = [url for _label, url in items if request.path.startswith(url) and url != "/"]
    current = max(matching, key=len, default=None)
    return {
        "nav_items": [
            {"label": label, "url": url, "current": url == current} for label, url in items
        ]
    }
