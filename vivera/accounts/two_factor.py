"""Two-factor login (TOTP, django-otp): who must use it, and the services behind the two pages.

Every role that sees personal data, or configures who does, logs in with a password and then a
six-digit code from an authenticator app: professionals, coordinators, functional
administrators, partners and researchers, and superusers. Policy advisors (aggregates only) and
residents (their own submission) use a password alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import segno
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BasicAuthentication
from rest_framework.exceptions import AuthenticationFailed

from vivera.audit.models import Action
from vivera.audit.services import log_access

from .models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .access import AuthenticatedHttpRequest
    from .models import User

TWO_FACTOR_ROLES = frozenset(
    {
        Role.PROFESSIONAL,
        Role.COORDINATOR,
        Role.ADMIN,
        Role.PARTNER,
        Role.RESEARCHER,
        Role.CARER_CONSULTANT,
    }
)
PASSWORD_ONLY_ROLES = frozenset({Role.POLICY, Role.RESIDENT})
DEVICE_NAME = "authenticator"


def required_for(user: User | AnonymousUser) -> bool:
    if not user.is_authenticated or not settings.VIVERA_TWO_FACTOR_REQUIRED:
        return False
    # Safe by default: only the roles that see no person skip it; an account whose role still
    # waits for approval (no role yet) needs it too.
    return bool(user.is_superuser or user.role not in PASSWORD_ONLY_ROLES)


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: User) -> TOTPDevice:
    """The device being set up on the activation page (not confirmed yet); one per user, made
    on first need. Setting up an authenticator happens only there (`services.account_activate`):
    a password alone never sets one up."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG QR code (inline markup: no image request, no script)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, title="QR-code")


def secret_base32(device: TOTPDevice) -> str:
    """The secret for typing into an app by hand, in groups of four."""
    from base64 import b32encode

    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def clean_code(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


@transaction.atomic
def verify(*, request: AuthenticatedHttpRequest, code: str) -> bool:
    """Check a code against the user's confirmed device; on success the session is verified."""
    user = request.user
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    ok = device is not None and device.verify_token(clean_code(code))
    log_access(
        user=user,
        action=Action.LOGIN,
        object_type="second_factor",
        object_id=user.pk,
        request=request,
        result="success" if ok else "refused",
    )
    if ok:
        otp_login(request, device)
    return ok


class PasswordOnlyBasicAuthentication(BasicAuthentication):
    """HTTP Basic for machine clients of roles without a second factor (a policy advisor's
    reporting tool). A role that needs two-factor login cannot skip it through the API."""

    def authenticate_credentials(
        self, userid: str, password: str, request: Any = None
    ) -> tuple[Any, None]:
        user, auth = super().authenticate_credentials(userid, password, request)
        if required_for(user):
            raise AuthenticationFailed(
                _(
                    "This account logs in with a second factor; the API does not accept its "
                    "password. Partners use an API key."
                ),
                code="second_factor_required",
            )
        return user, auth


class PasswordOnlyBasicScheme(OpenApiAuthenticationExtension):
    target_class = "vivera.accounts.two_factor.PasswordOnlyBasicAuthentication"
    name = "basicAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "basic",
            "description": "Alleen voor rollen zonder tweede stap (bijvoorbeeld een "
            "beleidsmedewerker).",
        }
