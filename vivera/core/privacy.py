"""Small-count suppression for aggregates shown to the municipality.

A count from 1 up to the threshold could point at a person, so it is shown as "<N". When a table
also shows its total, a single suppressed cell could be recovered by subtraction, so the next
smallest cell is suppressed as well (secondary suppression).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings


def threshold() -> int:
    return int(getattr(settings, "VIVERA_SUPPRESSION_THRESHOLD", 5))


@dataclass(frozen=True)
class Cell:
    value: int | None  # None when suppressed
    limit: int

    def __str__(self) -> str:
        return f"<{self.limit}" if self.value is None else str(self.value)

    @property
    def suppressed(self) -> bool:
        return self.value is None


def suppress(counts: Mapping[str, int], *, with_total: bool = True) -> dict[str, Cell]:
    """Suppress small counts in one row or column of a table whose total may be shown."""
    limit = threshold()
    hidden = {k for k, v in counts.items() if 0 < v < limit}
    if with_total and len(hidden) == 1:
        candidates = sorted((v, k) for k, v in counts.items() if k not in hidden and v > 0)
        if candidates:
            hidden.add(candidates[0][1])
    return {k: Cell(None if k in hidden else v, limit) for k, v in counts.items()}


def suppress_total(total: int) -> Cell:
    limit = threshold()
    return Cell(None if 0 < total < limit else total, limit)
