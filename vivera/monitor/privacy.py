"""Protecting the monitor's figures for everyone who may not see exact ones (docs/monitor.md,
"Protecting the figures"): the policy advisor, the benchmark, and the exports, API, PDF and
`vivera monitor` made for them. The coordinator's figures for its own teams stay exact.

Rules (the threshold t is VIVERA_SUPPRESSION_THRESHOLD, default 5):
1. Perturbation (the cell-key method, `cellkey.py`): every count is published as the exact count
   plus a small noise looked up from its cell key, so the same records always give the same
   number and two different cells independent noise. A small count (1 to t − 1) stays small,
   a positive one positive, zero zero. A total is perturbed on its own, not
   added up from perturbed parts. Figures derived from counts (shares, ratios per fte or per
   consultation hour, hours) are computed from the perturbed counts.
2. A published count from 1 to t − 1 is shown as "<t". Zero is shown: it has no records and
   no noise.
3. A figure derived from records (a median, a share, hours, a mean score) is suppressed when its
   basis, the perturbed number of records it rests on, is from 1 to t − 1, and shown as "x" (as
   CBS marks a confidential figure): "<5" would read as a value below five. A share's basis
   is the smaller of the two groups it reveals (with and without), so 38 of 40 does not reveal
   the other 2.
4. In a table whose columns describe the same group (a share beside its count), a row with one
   suppressed cell is suppressed whole.

There is no secondary suppression any more: with perturbed totals, a total minus its shown
parts gives the hidden part plus the sum of several noises, not the part.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from .cellkey import Tally, perturb
from .tables import Cell, Table, Unit

if TYPE_CHECKING:
    from .scope import Scope


def threshold() -> int:
    """t: counts from 1 to t − 1 are never published (VIVERA_SUPPRESSION_THRESHOLD)."""
    return int(getattr(settings, "VIVERA_SUPPRESSION_THRESHOLD", 5))


def published(tally: Tally, scope: Scope) -> int:
    """The count as the scope may see it: exact, or perturbed by its cell key."""
    return perturb(tally.n, tally.key, threshold()) if scope.suppress else tally.n


def count_cell(tally: Tally, scope: Scope) -> Cell:
    return Cell(published(tally, scope), perturbed=scope.suppress)


def scaled(amount: float, tally: Tally, scope: Scope) -> float:
    """An additive amount over records (hours of contacts), perturbed with the records' count:
    the amount times the perturbed count over the exact count. The same cell always gets the
    same factor; zero stays zero."""
    if not scope.suppress or tally.n <= 0:
        return amount
    return amount * published(tally, scope) / tally.n


def suppress_table(table: Table, limit: int | None = None) -> Table:
    """Mark the cells of `table` that may not be shown (in place) and return it. The values are
    already perturbed (`published`) when the scope asks for it."""
    limit = threshold() if limit is None else limit
    for row in table.rows:
        for j, cell in enumerate(row.cells):
            cell.limit = limit
            if table.unit_of(j) == Unit.COUNT:
                value = int(cell.value or 0)
                cell.basis = value
                small = 0 < value < limit
            else:
                cell.derived = True
                # basis None: not about clients (fte of staff), never suppressed.
                small = cell.value is not None and cell.basis is not None and 0 < cell.basis < limit
            cell.primary = cell.primary or small
            cell.suppressed = cell.suppressed or small
    while _whole_rows(table):
        pass
    return table


def _whole_rows(table: Table) -> bool:
    """In a table whose columns describe one group (a share, its count, a mean, its basis),
    one suppressed cell would be recomputed from the others: the whole row goes."""
    changed = False
    if table.suppress_whole_rows:
        for row in table.rows:
            group = [row.cells[j] for j in table.row_group] if table.row_group else row.cells
            if any(c.suppressed for c in group):
                for c in group:
                    if c.value is not None and not c.suppressed:
                        c.suppressed = changed = True
    return changed


def share_cell(part: int, whole: int) -> Cell:
    """A percentage with the basis rule 3 needs."""
    if whole <= 0:
        return Cell(None, basis=0)
    part = max(0, min(part, whole))  # perturbed separately, a part can exceed its whole
    basis = whole if part in (0, whole) else min(part, whole - part)
    return Cell(round(100 * part / whole, 1), basis=basis)
