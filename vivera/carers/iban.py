"""The IBAN check (ISO 13616): the two check digits, mod 97. A passing IBAN is well formed, not
proven to exist; the bank refuses a transfer to an account that does not. No library: the
check is a few lines and Vivera pays out only in euro (docs/dependencies.md)."""

from __future__ import annotations

import re

# The length of an IBAN per country, for the SEPA countries (the municipality pays in euro by
# SEPA transfer): an IBAN of another country, or a made-up country code, is refused.
LENGTHS = {
    "NL": 18,
    "BE": 16,
    "DE": 22,
    "LU": 20,
    "FR": 27,
    "ES": 24,
    "IT": 27,
    "AT": 20,
    "PT": 25,
    "IE": 22,
    "GB": 22,
    "DK": 18,
    "SE": 24,
    "FI": 18,
    "PL": 28,
    "NO": 15,
    "CH": 21,
    "LI": 21,
    "IS": 26,
    "GR": 27,
    "CY": 28,
    "MT": 31,
    "CZ": 24,
    "SK": 24,
    "HU": 28,
    "SI": 19,
    "HR": 21,
    "RO": 24,
    "BG": 22,
    "EE": 20,
    "LV": 21,
    "LT": 20,
    "MC": 27,
    "SM": 27,
}


def normalise(value: str) -> str:
    """Without spaces, in capitals: `nl91 abna 0417 1643 00` → `NL91ABNA0417164300`."""
    return re.sub(r"\s+", "", value).upper()


def is_valid(value: str) -> bool:
    iban = normalise(value)
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}", iban):
        return False
    if LENGTHS.get(iban[:2]) != len(iban):
        return False
    digits = "".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def grouped(value: str) -> str:
    """In groups of four, as printed on a bank card."""
    iban = normalise(value)
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
