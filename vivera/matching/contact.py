"""Contact details in a public text: a phone number, an e-mail address or a street address
would expose someone, so a text that holds one is refused with the reason (and the moderator
sees the same check). Deliberately generous: a false alarm costs a rewrite, a miss costs
someone's privacy."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

_EMAIL = re.compile(r"[\w.+-]+\s*(@|\(at\)|\[at\])\s*[\w-]+(\s*\.\s*[\w-]+)+", re.IGNORECASE)
# Nine or more digits, possibly split by spaces, dashes, dots or brackets (06-12 34 56 78,
# +31 (0)10 123 4567, 0031612345678).
_PHONE = re.compile(r"(?:\+|00)?\d[\d\s().-]{7,}\d")
_STREETS = "straat|laan|weg|plein|kade|singel|dreef|hof|gracht|pad|steeg|park|dijk|markt|erf|ring"
_ADDRESS = re.compile(
    rf"\b[A-Za-zÀ-ÿ'-]+(?:{_STREETS})\s+\d+\s*[a-zA-Z]?\b|\b[1-9]\d{{3}}\s?[A-Za-z]{{2}}\b",
    re.IGNORECASE,
)


def contact_details(text: str) -> list[str]:
    """What kinds of contact details `text` holds, in words; empty when none."""
    found = []
    if _EMAIL.search(text):
        found.append(_("an e-mail address"))
    if any(sum(ch.isdigit() for ch in m.group()) >= 9 for m in _PHONE.finditer(text)):
        found.append(_("a phone number"))
    if _ADDRESS.search(text):
        found.append(_("an address or postcode"))
    return found
