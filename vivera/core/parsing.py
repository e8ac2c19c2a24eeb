"""Parsing small values from query strings without surprises."""

from __future__ import annotations

import datetime as dt

from django.core.management import CommandError
from django.utils.translation import gettext as _


def parse_id(raw: str | None) -> int | None:
    """A positive whole number written in ASCII digits, or None. (str.isdigit() also accepts
    characters like "²" that int() refuses.)"""
    if raw and raw.isascii() and raw.isdigit() and len(raw) < 19:
        return int(raw)
    return None


def command_date(value: str) -> dt.date:
    """An ISO date (YYYY-MM-DD) given to a `vivera` subcommand; a Dutch message otherwise."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            _("Not a valid date: %(value)r. Use YYYY-MM-DD.") % {"value": value}
        ) from exc
