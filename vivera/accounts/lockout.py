"""Brute-force protection: the page a locked-out login gets, and unlocking (django-axes does the
counting; see settings.AXES_*)."""

from __future__ import annotations

from typing import Any

from axes.utils import reset
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """HTTP 429 with a Dutch explanation: how long, and who can unlock at once."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


def unlock(*, username: str) -> int:
    """Forget the failed attempts of this account (it can log in again at once)."""
    return reset(username=username)
