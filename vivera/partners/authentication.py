"""The partner's API key as a DRF authentication class (`Authorization: Bearer vvr_…`).

In its own module because the REST framework settings name it: importing it must not import the
REST framework's views."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from . import services


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Bearer <key>`; an unknown or revoked key is a 401."""

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
        user = services.api_key_user(key)
        if user is None:
            raise AuthenticationFailed("Deze API-sleutel is onbekend of ingetrokken.",
                                       code="invalid_key")
        return user, None

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="vivera"'


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "vivera.partners.authentication.ApiKeyAuthentication"
    name = "partnerKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer",
                "description": "De API-sleutel van de partner (vvr_…)."}
