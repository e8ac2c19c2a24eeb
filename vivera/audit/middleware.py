"""Refused page requests in the access log (BIO 8.15: record refused attempts too).

A view that refuses a user raises PermissionDenied (`role_required`, the admin's own checks);
Django turns it into a 403. Here it becomes a `refused` line first. Refused reads of a person's
record are logged by the access helpers (vivera/registration/access.py), which answer 404.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .services import flush_batch, log_refused_page, start_batch


class AccessLogBatchMiddleware:
    """A page view's access-log lines in one transaction (`services.log_access`): kept while the
    view runs and written before the response leaves, also when the view failed (what it read,
    it read). Only for GET and HEAD: a change logs inside its own transaction."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        start_batch(request)
        try:
            return self.get_response(request)
        finally:
            flush_batch(request)


class RefusedAccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            log_refused_page(request)
        # Django answers the exception as it would have (403).
