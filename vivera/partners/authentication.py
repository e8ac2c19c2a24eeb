"""The partner's API key as a DRF authentication class (`Authorization: Bearer vvr_…`).

In its own module because the REST framework settings name it: importing it must not import the
REST framework's views."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.request import Request

from vivera.audit.services import client_address

from . import services


class KeyGuessing(Throttled):
    default_detail = "Te veel onjuiste API-sleutels vanaf dit adres; probeer het later opnieuw."
    default_code = "too_many_failures"
    extra_detail_singular = "Over {wait} seconde kan het weer."
    extra_detail_plural = "Over {wait} seconden kan het weer."


def _failures_key(address: str) -> str:
    return f"vivera:api-key-failures:{address}"


def _window() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def _count_failure(address: str) -> int:
    key = _failures_key(address)
    if cache.add(key, 1, timeout=_window()):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=_window())
        return 1


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Bearer <key>`; an unknown or revoked key is a 401, and an address that
    sent VIVERA_API_KEY_FAILURE_LIMIT of those within the lockout time gets a 429 for every key
    until the time is over. The refused keys are logged; the 429s are not (the exception handler
    logs only 401 and 403), so key guessing writes at most the limit's number of lines per
    address per lockout time."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise AuthenticationFailed("Geef één sleutel na 'Bearer'.", code="invalid_key")
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            key = ""
        address = client_address(request._request) or "unknown"
        limit = settings.VIVERA_API_KEY_FAILURE_LIMIT
        if (cache.get(_failures_key(address)) or 0) >= limit:
            raise KeyGuessing(wait=_window())
        user = services.api_key_user(key)
        if user is None:
            _count_failure(address)
            raise AuthenticationFailed(
                "Deze API-sleutel is onbekend of ingetrokken.", code="invalid_key"
            )
        return user, None

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="vivera"'


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "vivera.partners.authentication.ApiKeyAuthentication"
    name = "partnerKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "De API-sleutel van de partner (vvr_…).",
        }
