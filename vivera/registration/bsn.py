"""The Dutch citizen service number (BSN) and its 11-test."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def normalise_bsn(value: str) -> str:
    """Strip spaces, dots and dashes; pad an 8-digit number with a leading zero."""
    digits = "".join(ch for ch in value if ch not in " .-")
    if len(digits) == 8 and digits.isascii() and digits.isdigit():
        digits = "0" + digits
    return digits


def is_valid_bsn(value: str) -> bool:
    """9 digits with 9·d1 + 8·d2 + … + 2·d8 − 1·d9 divisible by 11 (and not all zeros)."""
    # isascii(): str.isdigit() also accepts full-width and other scripts' digits.
    if len(value) != 9 or not (value.isascii() and value.isdigit()) or value == "000000000":
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(w * int(d) for w, d in zip(weights, value, strict=True)) % 11 == 0


def validate_bsn(value: str) -> None:
    if not is_valid_bsn(normalise_bsn(value)):
        raise ValidationError(
            _("This is not a valid BSN: it needs 9 digits and must pass the 11-test."),
            code="invalid_bsn",
        )


def mask_bsn(value: str) -> str:
    """Show only the last three digits: •••••6782."""
    if not value:
        return ""
    return "•" * (len(value) - 3) + value[-3:]
