"""Who may open which page: one decorator per view, checked on the server.

Object-level checks (which dossier, which client) live in `vivera.registration.access`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from vivera.accounts.models import Role, User

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from vivera.organisation.models import Municipality

View = Callable[..., HttpResponseBase]


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a logged-in user, for type checking: `request.user` is a `User`.

    Every view that is not marked `login_not_required` gets one (LoginRequiredMiddleware sends
    anonymous visitors to the login page first), so every view behind `role_required` too;
    such a view annotates its request with this class instead of `HttpRequest`. Nothing makes
    one at run time: Django passes its own request, which has these attributes.
    """

    user: User
    htmx: HtmxDetails  # set on every request by django-htmx's HtmxMiddleware


def user_of(request: HttpRequest) -> User:
    """The logged-in user of a request whose type does not say it has one (the admin's
    methods, DRF views behind `IsAuthenticated`, class-based views); an anonymous visitor
    never gets here, and is refused if it does."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def municipality_id_of(user: User) -> int:
    """The id of the user's municipality. Every user but a superuser has one, and
    `role_required` lets no one without one through; a user without one is refused."""
    if user.municipality_id is None:
        raise PermissionDenied
    return user.municipality_id


def municipality_of(user: User) -> Municipality:
    """The user's municipality; refused like `municipality_id_of` when there is none."""
    if user.municipality is None:
        raise PermissionDenied
    return user.municipality


def role_required(*roles: Role) -> Callable[[View], View]:
    """Allow only users with one of `roles` who belong to a municipality.

    Anonymous users are sent to the login page by LoginRequiredMiddleware before this runs.
    """
    allowed = frozenset(roles)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if (
                not user.is_authenticated
                or not user.is_active
                or user.role not in allowed
                or user.municipality_id is None
            ):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = allowed  # type: ignore[attr-defined]  # our own mark
        return wrapper

    return decorator
