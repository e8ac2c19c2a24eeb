"""Every request of a user whose role needs two-factor login waits at the second step until the
code is given: pages redirect there, the API answers 403. (django-otp's OTPMiddleware, before
this one, tells whether the session passed the second step.)"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import two_factor


class RequestUserMiddleware:
    """Marks the logged-in user as the user of this one request (`User.serves_one_request`),
    so it may keep what it read, such as its teams, until the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            user.serves_one_request()
        return self.get_response(request)


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and two_factor.required_for(user) and not user.is_verified():
            open_paths = (reverse("two_factor_verify"), reverse("logout"), "/static/", "/i18n/")
            if not request.path.startswith(open_paths):
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {
                            "code": "second_factor_required",
                            "errors": [],
                            "message": _("Log in with your second factor first."),
                        },
                        status=403,
                    )
                target = reverse("two_factor_verify")
                return redirect(f"{target}?next={quote(request.get_full_path())}")
        return self.get_response(request)
