"""Middleware every app shares."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """No page or file Vivera makes may be kept in a browser's or proxy's cache.

    Almost every page shows a person or figures about people, and a cached copy outlives the
    session: the back button after logging out, a shared computer in a community centre, a
    proxy. So every response that passes here gets `Cache-Control: no-store` (with `no-cache,
    must-revalidate, private, max-age=0` for old caches), whatever the view set. One rule in one
    place is safer than a decorator that a new view can forget. Static files (CSS, JS, icons)
    are served by WhiteNoise before this middleware runs and stay cacheable: they hold nothing
    about anyone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


class SessionRenewalMiddleware:
    """An idle session ends after `SESSION_COOKIE_AGE`; an active one is renewed, but written
    at most once a minute instead of on every request.

    Django's `SESSION_SAVE_EVERY_REQUEST` renews the expiry by saving the session on every
    request: one more write and commit per page view, which under load waits for the disk (the
    WAL sync at COMMIT on PostgreSQL). Here the session remembers when it was last renewed and
    is marked changed only when that is `RENEW_AFTER` seconds ago; SessionMiddleware then saves
    it with a new expiry. An idle timeout of 30 minutes thus ends after 29 to 30 minutes of
    idleness. Placed after SessionMiddleware, so its response phase runs first.
    """

    KEY = "_renewed_at"
    RENEW_AFTER = 60  # seconds

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response
        now = int(time.time())
        if session.modified or now - int(session.get(self.KEY, 0)) >= self.RENEW_AFTER:
            session[self.KEY] = now  # SessionMiddleware saves it, with a new expiry
        return response
