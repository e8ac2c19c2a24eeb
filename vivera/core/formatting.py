"""Numbers as a Dutch reader reads them, in one place: Django's localisation of the active
language (`django.utils.formats.number_format`; Dutch: `1.234.567`, `2,5`).

For every number a person reads on a page, in a PDF, a report or a command's output. Dates go
through `django.utils.formats.date_format` directly. Files people open in a spreadsheet program
are a file format, not text to read, and have their own dialect (`spreadsheets.py`: a decimal
comma, no thousands separator).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format

# The most decimals a number without a fixed number of places is shown with.
MOST_PLACES = 6


def number(
    value: int | float | Decimal, places: int | None = None, *, grouping: bool = True
) -> str:
    """`value` with `places` decimals (rounded), or a whole number as it is and a fraction with
    as few decimals as it needs (at most six: 0,3 rather than 0,30000000000000004); with the
    thousands separator unless `grouping` is off (chart axes, table cells)."""
    shown: int | float | Decimal
    if places is not None:
        # Django cuts a float's decimals off (2,96 would become 2,9): round first.
        shown = round(value, places) if isinstance(value, Decimal) else round(float(value), places)
    elif isinstance(value, int):
        shown = value
    else:
        shown = Decimal(f"{value:.{MOST_PLACES}f}").normalize()
    if shown == 0:
        shown = 0  # no "-0"; number_format writes the places asked for
    return str(number_format(shown, decimal_pos=places, force_grouping=grouping))


def seconds(value: float) -> str:
    """A duration measured in seconds, as the commands print it: `12,34 s`."""
    return f"{number(value, 2)} s"
