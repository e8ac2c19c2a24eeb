"""Small statistics on counted values, so percentiles can come from a GROUP BY in the database
(value → how often) instead of from millions of rows fetched one by one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def percentile(histogram: Mapping[int, int], p: float) -> float | None:
    """The p-th percentile (0–100) of the values counted in `histogram` (value → frequency).

    Linear interpolation between closest ranks, the method of Excel's PERCENTILE.INC (and
    PERCENTIEL.INC in Dutch Excel) and numpy's default: rank = p/100 × (n − 1), counted from 0.
    """
    n = sum(histogram.values())
    if n == 0:
        return None
    rank = p / 100 * (n - 1)
    low_rank = int(rank)
    fraction = rank - low_rank
    low = _value_at(histogram, low_rank)
    if fraction == 0:
        return float(low)
    high = _value_at(histogram, low_rank + 1)
    return low + (high - low) * fraction


def _value_at(histogram: Mapping[int, int], rank: int) -> int:
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if rank < seen:
            return value
    raise IndexError(rank)


def histogram_of(values: Iterable[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return counts
