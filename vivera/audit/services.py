"""Writing the access log. Every read or change of personal data calls `log_access`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest

from .models import AccessLogEntry, Action, Result

if TYPE_CHECKING:
    from vivera.accounts.models import User


def client_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    if settings.VIVERA_TRUST_X_FORWARDED_FOR:
        # The trusted proxy appends the address it saw; anything to its left came from the
        # client and can be forged.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR") or None


def log_access(
    *,
    user: User | None,
    action: Action | str,
    object_type: str,
    object_id: object = "",
    client_id: int | None = None,
    request: HttpRequest | None = None,
    result: Result | str = Result.SUCCESS,
    detail: dict[str, Any] | None = None,
    municipality_id: int | None = None,
) -> AccessLogEntry:
    """`municipality_id` names the municipality of an entry without a user (a `vivera`
    command run by an operator); otherwise it is the user's."""
    authenticated = user is not None and user.is_authenticated
    if authenticated:
        municipality_id = getattr(user, "municipality_id", None) or municipality_id
    return AccessLogEntry.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "(anonymous)",
        role=getattr(user, "role", "") if authenticated else "",
        municipality_id=municipality_id,
        action=action,
        result=result,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else "",
        client_id=client_id,
        ip_address=client_address(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:200] if request else ""),
        path=(request.get_full_path()[:300] if request else ""),
        detail=detail or {},
    )
