"""Who may open which page: one decorator per view, checked on the server.

Object-level checks (which dossier, which client) live in `vivera.registration.access`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from vivera.accounts.models import Role

View = Callable[..., HttpResponse]


def role_required(*roles: Role) -> Callable[[View], View]:
    """Allow only users with one of `roles` who belong to a municipality.

    Anonymous users are sent to the login page by LoginRequiredMiddleware before this runs.
    """
    allowed = frozenset(roles)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if (
                not user.is_authenticated
                or not user.is_active
                or user.role not in allowed
                or user.municipality_id is None
            ):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = allowed  # type: ignore[attr-defined]
        return wrapper

    return decorator
