"""The cell-key method (docs/monitor.md, "Protecting the figures"): record keys, cell keys and the
perturbation table.

Every record a monitor count counts (a dossier, a question, a status span's dossier, a contact, a
ZRM score, a referral, a short contact, an outreach activity) has a *record key*: a number in
[0, P) that looks random but is fixed, derived from the record's id and its kind with a keyed
hash whose constants come from VIVERA_CELL_KEY_SECRET. The facts store, beside each count, the
sum of its records' keys modulo P (`key_sql` is summed in the same GROUP BY that counts). A
cell's *cell key* is the sum of the keys of the records it counts, modulo P: adding up facts
gives the same cell key as adding up the records, so the same set of records gets the same cell
key whichever query asked for it.

`perturb(n, key, limit)` looks the noise up in the perturbation table: zero stays zero, a
positive count stays positive, a small count (below the suppression threshold) stays small, and
otherwise the noise is drawn uniformly from −D…+D (fewer values where those bounds need it, so
that the noise stays unbiased), by the cell key. The same cell always gets
the same noise; two different cells get independent noise, so subtracting one published figure
from another reveals noise, not a person.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.conf import settings

P = 2_147_483_647  # 2**31 − 1, a prime: every product below stays inside a signed 64-bit integer
# The modulo operator, written for SQL that is run with parameters (Django turns "%%" into "%").
MOD = "%%"
MAX_NOISE = 4  # D: the largest change of a count


@dataclass(frozen=True, slots=True)
class Tally:
    """A count with its cell key: what a cell of counts is made of."""

    n: int = 0
    key: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.n + other.n, (self.key + other.key) % P)

    def __sub__(self, other: Tally) -> Tally:
        return Tally(self.n - other.n, (self.key - other.key) % P)


def total(tallies: Iterable[Tally]) -> Tally:
    result = Tally()
    for tally in tallies:
        result = result + tally
    return result


def _secret() -> bytes:
    return str(settings.VIVERA_CELL_KEY_SECRET).encode()


@cache
def _constants(secret: bytes, kind: str) -> tuple[int, int, int, int]:
    def derive(label: str) -> int:
        digest = hmac.new(secret, f"vivera-cell-key:{label}".encode(), hashlib.sha256).digest()
        return int.from_bytes(digest[:8], "big") % (P - 1) + 1

    # A, C and E are the installation's; B differs per kind of record, so dossier 7 and
    # question 7 get unrelated keys.
    return derive("a"), derive(f"b:{kind}"), derive("c"), derive("e")


def record_key(record_id: int, kind: str) -> int:
    """The record key in Python: the same number `key_sql` computes in the database (for tests
    and for the few figures read outside the facts)."""
    a, b, c, e = _constants(_secret(), kind)
    x = (a * (record_id % P) + b) % P
    return (c * (x * x % P) + e) % P


def key_sql(column: str, kind: str) -> str:
    """The record key of the row whose id is `column`, as an SQL expression (the same on SQLite
    and PostgreSQL). A keyed hash, not an HMAC (SQLite's SQL has none): x = A·id + B, key =
    C·x² + E, all modulo the prime P. Its constants are integers derived from the secret, never
    user input. The keys are never stored per record or shown: only sums of them, in the facts."""
    a, b, c, e = _constants(_secret(), kind)
    x = f"(({a} * ({column} {MOD} {P}) + {b}) {MOD} {P})"
    return f"(({c} * ({x} * {x} {MOD} {P}) + {e}) {MOD} {P})"


def sum_sql(column: str, kind: str) -> str:
    """The sum of the record keys of a group, modulo P, as stored in a fact row."""
    return f"(SUM({key_sql(column, kind)}) {MOD} {P})"


def noise(n: int, key: int, limit: int) -> int:
    """The perturbation table: the noise for a count `n` with cell key `key`, where counts from
    1 to `limit` − 1 are shown as "<limit".

    Row n of the table is a uniform distribution over −d…+d: unbiased (mean zero) and bounded
    by D. For a small count (1 to limit − 1) d keeps the result small and positive, so a small
    count is never published; otherwise d = min(D, n − 1), so a positive count stays positive.
    Zero has no records and no noise. The column is the cell key as a fraction of P."""
    if n <= 0:
        return 0
    spread = min(MAX_NOISE, n - 1)
    if n < limit:
        spread = min(spread, limit - 1 - n)
    width = 2 * spread + 1
    return key * width // P - spread


def perturb(n: int, key: int, limit: int) -> int:
    return n + noise(n, key, limit)
