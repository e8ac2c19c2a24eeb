"""Logins, logouts and failed logins in the access log (BIO 8.15).

Django sends these signals from every way in: the login page, the admin's login page and the
API's Basic authentication (which sends `user_login_failed` only, not a login per call). They are
connected in `AuditConfig.ready`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest

from .models import Action, Result
from .services import log_access


def logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if getattr(request, "resolver_match", None) is None:
        # Not through a page: the test client's force_login (or a shell), where nobody signs in.
        return
    from vivera.accounts import two_factor

    # For a role with two-factor login this line is the password step only: the person is in
    # after the "second_factor" line that follows it (or is not, if that line says refused).
    detail = {"step": "password"} if two_factor.required_for(user) else None
    log_access(
        user=user,
        action=Action.LOGIN,
        object_type="account",
        object_id=user.get_username()[:40],
        request=_django_request(request),
        detail=detail,
    )


def logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:  # a logout without a login
        return
    log_access(
        user=user,
        action=Action.LOGOUT,
        object_type="account",
        object_id=user.get_username()[:40],
        request=_django_request(request),
    )


def login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Only the username that was tried: Django has already masked the password in
    `credentials`, and nothing else from them is written. A known username puts the line in its
    municipality's log, where that administrator sees it."""
    user_model = get_user_model()
    tried = str(credentials.get(user_model.USERNAME_FIELD) or "")[:150]
    account = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: tried}).first()
    request = _django_request(request)
    if request is not None:
        # The API answers the same failure with a 401; one line is enough.
        request._vivera_refusal_logged = True  # type: ignore[attr-defined]
    log_access(
        user=None,
        action=Action.LOGIN,
        object_type="account",
        object_id=tried[:40],
        request=request,
        result=Result.REFUSED,
        detail={"username": tried},
        municipality_id=getattr(account, "municipality_id", None),
    )


def _django_request(request: Any) -> HttpRequest | None:
    """Django's request, also when the REST framework passes its own wrapper."""
    return getattr(request, "_request", request)
