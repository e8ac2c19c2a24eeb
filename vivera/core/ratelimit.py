"""Attempts per hour on the public pages (sending a link, an application), counted in Django's
cache: a bot or a guesser is refused after `limit` attempts under one key (an address, an
e-mail address) in the hour. With several workers the cache must be shared (deploy.md)."""

from __future__ import annotations

from django.core.cache import cache


class Limited(Exception):
    """Too many attempts under this key in the last hour."""


def hourly_limit(key: str, limit: int) -> None:
    """Count an attempt under `key`; raise `Limited` beyond `limit` in the hour."""
    cache_key = f"vivera-limit:{key}"
    cache.add(cache_key, 0, timeout=3600)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=3600)
        count = 1
    if count > limit:
        raise Limited
