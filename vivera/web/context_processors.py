from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from vivera.accounts.models import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The main menu, by role: nobody sees a link to a page it may not open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    from vivera.accounts import two_factor

    if two_factor.required_for(user) and not user.is_verified():
        # Waiting at the second login step: every page but that one is closed, so no menu.
        return {"nav_items": []}
    items: list[tuple[str, str]] = []
    if user.role == Role.PROFESSIONAL:
        items = [
            (_("My work"), reverse("registration:my_work")),
            (_("Short contact"), reverse("registration:shortcontact_create")),
            (_("Clients"), reverse("registration:client_search")),
            (_("Waiting list"), reverse("registration:waiting_list")),
            (_("Partner submissions"), reverse("partners:queue")),
            (_("Requests"), reverse("registration:access_requests")),
            (_("Outreach"), reverse("registration:outreach_list")),
        ]
    elif user.role == Role.COORDINATOR:
        items = [
            (_("Waiting list"), reverse("registration:waiting_list")),
            (_("My work"), reverse("registration:my_work")),
            (_("Clients"), reverse("registration:client_search")),
            (_("Short contact"), reverse("registration:shortcontact_create")),
            (_("Partner submissions"), reverse("partners:queue")),
            (_("Requests"), reverse("registration:access_requests")),
            (_("Outreach"), reverse("registration:outreach_list")),
            (_("Formation"), reverse("organisation:formation")),
            (_("Monitor"), reverse("monitor:dashboard")),
            (_("Access rights requests"), reverse("accounts:grant_requests")),
        ]
    elif user.role == Role.POLICY:
        items = [
            (_("Monitor"), reverse("monitor:dashboard")),
            (_("Key figures"), reverse("monitor:key_figures")),
            (_("Compare municipalities"), reverse("monitor:benchmark")),
        ]
    elif user.role == Role.PARTNER:
        items = [
            (_("Sent"), reverse("portal:home")),
            (_("Refer a resident"), reverse("portal:send_referral")),
            (_("Send an early signal"), reverse("portal:send_signal")),
        ]
    elif user.role == Role.ADMIN:
        items = [
            (_("Access log"), reverse("audit:access_log")),
            (_("GGM export"), reverse("ggm:export")),
            (_("Import"), reverse("imports:import")),
            (_("Right of access"), reverse("privacy:index")),
            (_("Research grants"), reverse("research:grants")),
            (_("Access rights requests"), reverse("accounts:grant_requests")),
            (_("Configuration"), reverse("admin:index")),
        ]
    elif user.role == Role.RESEARCHER:
        items = [(_("Research extracts"), reverse("research:home"))]
    # The longest menu URL the page lies under is the current one (/partner/ and
    # /partner/aanmelden/ both match the latter page).
    matching = [url for _label, url in items if request.path.startswith(url) and url != "/"]
    current = max(matching, key=len, default=None)
    return {
        "nav_items": [
            {"label": label, "url": url, "current": url == current} for label, url in items
        ]
    }
