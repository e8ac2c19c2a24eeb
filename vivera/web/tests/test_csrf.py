"""CSRF everywhere: no view opts out, and a form posted without the token changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.views import APIView

from vivera.conftest import verify_second_factor
from vivera.partners.models import Submission
from vivera.registration.models import Client

pytestmark = pytest.mark.django_db


def _views(resolver: URLResolver) -> list[tuple[str, Any]]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            found.extend(_views(entry))
        elif isinstance(entry, URLPattern):
            found.append((str(entry.pattern), entry.callback))
    return found


def test_no_view_is_exempt_from_csrf() -> None:
    """The REST framework marks its views exempt for Django's middleware and checks the token
    itself for a session-authenticated request; the API's writes take no session at all (tested
    below). Every other view must not be exempt."""
    exempt = [
        route
        for route, view in _views(get_resolver())
        if getattr(view, "csrf_exempt", False)
        and not issubclass(getattr(view, "cls", object), APIView)
    ]
    assert not exempt, f"Views that skip the CSRF check: {exempt}"


def _strict_client(user) -> HttpClient:
    client = HttpClient(enforce_csrf_checks=True)
    client.force_login(user)
    verify_second_factor(client, user)
    return client


def test_a_form_posted_without_the_token_is_refused_and_changes_nothing(pro) -> None:
    client = _strict_client(pro)
    response = client.post(
        reverse("registration:client_create"), {"first_name": "Zonder", "last_name": "Token"}
    )
    assert response.status_code == 403
    assert not Client.objects.filter(last_name="Token").exists()


def test_the_api_takes_no_write_on_a_browser_session(partner_user) -> None:
    """The only API calls that write are the partner's, and those take the API key only: a
    signed-in browser session (what a forged cross-site request would ride on) is not enough."""
    client = _strict_client(partner_user)
    for name in ("v1:partner_signal_create", "v1:partner_referral_create"):
        response = client.post(reverse(name), {}, content_type="application/json")
        assert response.status_code == 401, name
    assert not Submission.objects.exists()
