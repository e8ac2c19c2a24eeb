"""The access log's hash chain (BIO 8.15: tampering must be detectable).

Every line carries the hash of the line before it (`prev_hash`) and its own hash
(`entry_hash = sha256(prev_hash + canonical JSON of its content)`). One chain runs through the
whole installation in primary-key order. Changing a line through the database, removing one, or
inserting one breaks the chain at that point; `vivera verify_access_log` walks it. Removing lines
at the end leaves a shorter chain that is still consistent: that is caught by comparing with a
head hash recorded elsewhere (`--verwacht`).

There is no secret key: whoever can write the database can recompute every hash. The chain
proves nothing on its own against such a person; the head hash kept outside the server does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection

# The `prev_hash` of the very first line.
GENESIS = "0" * 64

# The content fields, in the order a reader finds them in docs/architecture.md. A field added to
# the model later is not covered unless it is added here (and the chain recomputed by a migration).
CONTENT_FIELDS = (
    "timestamp",
    "user_id",
    "username",
    "on_behalf_of",
    "role",
    "municipality_id",
    "action",
    "result",
    "object_type",
    "object_id",
    "client_id",
    "ip_address",
    "user_agent",
    "path",
    "detail",
)
# Any 64-bit key, the same for every process: the lock that serialises appends on PostgreSQL.
ADVISORY_LOCK_KEY = 0x76697665_72610001


def canonical(values: Mapping[str, Any]) -> str:
    """The content of one line as JSON with sorted keys and no spaces. The time is in UTC with
    microseconds, so a value read back from the database gives the same text as when written."""
    content = {name: values[name] for name in CONTENT_FIELDS}
    timestamp = content["timestamp"]
    if isinstance(timestamp, dt.datetime):
        content["timestamp"] = timestamp.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev_hash: str, values: Mapping[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical(values)).encode()).hexdigest()


def lock_chain_head() -> None:
    """Serialise appends until the current transaction ends. Call inside `transaction.atomic`,
    right before reading the head and inserting: the lock is held until commit.

    On PostgreSQL a transaction-level advisory lock. The head is read after it is granted, by a
    new statement that under READ COMMITTED (Django's default) sees the previous writer's
    committed line; under REPEATABLE READ it would not, and the chain would fork. SQLite lets one
    writer at a time anyway (a second one waits or fails with "database is locked"; it never
    forks the chain)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


@dataclass(frozen=True)
class Break:
    """The first line where the chain does not hold."""

    entry_id: int
    timestamp: dt.datetime
    reason: str


@dataclass(frozen=True)
class Verification:
    checked: int
    head_id: int | None
    head_hash: str
    broken: Break | None = None
    # Set when an expected head hash was given and does not occur in the chain.
    expected_missing: bool = False

    @property
    def intact(self) -> bool:
        return self.broken is None and not self.expected_missing


def walk(rows: Iterator[dict[str, Any]], *, expected_head: str = "") -> Verification:
    """Check the rows (dicts with `id`, `prev_hash`, `entry_hash` and the content fields, in
    primary-key order). Stops at the first break."""
    previous = GENESIS
    checked = 0
    head_id: int | None = None
    seen_expected = not expected_head
    for row in rows:
        if row["prev_hash"] != previous:
            reason = "prev_hash"  # a line before it was removed, changed or inserted
        elif row["entry_hash"] != entry_hash(previous, row):
            reason = "entry_hash"  # the line itself was changed
        else:
            reason = ""
        if reason:
            return Verification(
                checked, head_id, previous, Break(row["id"], row["timestamp"], reason)
            )
        checked += 1
        head_id = row["id"]
        previous = row["entry_hash"]
        if not seen_expected and previous == expected_head:
            seen_expected = True
    return Verification(checked, head_id, previous, expected_missing=not seen_expected)
