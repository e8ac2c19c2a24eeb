"""Keyed pseudonyms for the data warehouse export.

A pseudonym is HMAC-SHA256 under `VIVERA_PSEUDONYM_KEY` of "<kind>:<internal id>", cut to its first
63 bits so it fits a signed 64-bit integer (GGM's ids are integers; load them as BIGINT). The
same record gets the same pseudonym in every export made with the same key, so the warehouse can
link runs; without the key a pseudonym cannot be turned back into an id (the key is 256-bit
secret material, not guessable, although the ids behind it are small numbers). The kind keeps a
dossier and a client with the same internal number apart.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


class Pseudonymiser:
    def __init__(self, key: str | bytes | None = None) -> None:
        key = settings.VIVERA_PSEUDONYM_KEY if key is None else key
        self._key = key.encode() if isinstance(key, str) else key

    def __call__(self, kind: str, internal_id: object) -> int:
        # hmac.digest is the one-shot C implementation: an export computes millions of these.
        digest = hmac.digest(self._key, f"{kind}:{internal_id}".encode(), "sha256")
        return int.from_bytes(digest[:8], "big") >> 1

    def fingerprint(self) -> str:
        """Tells the warehouse whether two exports used the same key (and so can be linked),
        without telling anything about the key."""
        return hmac.new(self._key, b"vivera:key-fingerprint", hashlib.sha256).hexdigest()[:16]


METHOD = (
    "HMAC-SHA256 over '<kind>:<internal id>' with the installation's secret key "
    "(VIVERA_PSEUDONYM_KEY); the first 63 bits as a whole number"
)
