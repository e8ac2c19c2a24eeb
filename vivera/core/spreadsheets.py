"""Text for files that people open in a spreadsheet program (CSV and XLSX exports).

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula, and a tab or
carriage return in front can hide such a start. Whatever a user could have typed (a team or
location name an administrator edited, a user agent, a page address) goes out with a leading
apostrophe in that case, so it is read as text (OWASP, "CSV Injection"). Every export uses
these two functions; numbers are left alone, so a negative figure stays a number.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: object) -> str:
    """`value` as text that a spreadsheet shows and never runs; None becomes empty."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def spreadsheet_value(value: object) -> object:
    """A cell for a spreadsheet: numbers (and None) as they are, anything else as text that
    cannot run."""
    if value is None or isinstance(value, (int, float)):
        return value
    return spreadsheet_text(value)
