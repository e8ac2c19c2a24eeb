"""Parsing small values from query strings without surprises."""

from __future__ import annotations


def parse_id(raw: str | None) -> int | None:
    """A positive whole number written in ASCII digits, or None. (str.isdigit() also accepts
    characters like "²" that int() refuses.)"""
    if raw and raw.isascii() and raw.isdigit() and len(raw) < 19:
        return int(raw)
    return None
