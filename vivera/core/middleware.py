"""Middleware every app shares."""

from __future__ import annotations

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
