from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from vivera.accounts.access import AuthenticatedHttpRequest
from vivera.accounts.models import Role


@require_GET
@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Send each role to the page it starts its day on."""
    role = request.user.role
    if role == Role.PROFESSIONAL:
        return redirect("registration:my_work")
    if role == Role.COORDINATOR:
        return redirect("registration:waiting_list")
    if role == Role.POLICY:
        return redirect("monitor:dashboard")
    if role == Role.ADMIN:
        return redirect("audit:access_log")
    if role == Role.PARTNER and request.user.partner_id:
        return redirect("portal:home")
    if role == Role.RESEARCHER:
        return redirect("research:home")
    if role == Role.CARER_CONSULTANT:
        return redirect("carers:register")
    # Residents get their own pages in a later issue; until then they are told so instead of
    # being refused.
    return render(request, "web/no_pages_yet.html")
