"""Personal links sent by e-mail (a confirmation, a resident's own page): a random token goes
into the link, and only its SHA-256 is stored, so a copy of the database opens no one's page.
Used by the carers' register and Voor elkaar."""

from __future__ import annotations

import hashlib
import secrets


def digest(token: str) -> str:
    """What is stored of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh token for a link (32 random bytes, URL-safe) and the digest to store."""
    token = secrets.token_urlsafe(32)
    return token, digest(token)
