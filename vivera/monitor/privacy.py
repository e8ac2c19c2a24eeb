"""Small-count suppression for monitor tables shown to or exported for the municipality.

Rules (the threshold t is VIVERA_SUPPRESSION_THRESHOLD, default 5):
1. Primary: a count from 1 to t − 1 is suppressed. Zero is shown: it identifies nobody.
2. A figure derived from records (a median, a share, hours, a mean score) is suppressed when it
   rests on 1 to t − 1 records (its `basis`), and shown as "x" (as CBS marks a confidential
   figure), because "<5" would read as a value below five. A share's basis is the smaller of
   the two groups it reveals (with and without), so 38 of 40 does not reveal the other 2.
3. Secondary: in every line of counts (or other additive figures, such as hours) whose total is
   shown (a row with a total column, a column with a total row), one suppressed cell could be
   recovered by subtraction. So while a line has exactly one suppressed cell, or suppressed
   cells that together are fewer than t, the smallest other non-zero cell of that line is
   suppressed too (a cell before a total). This repeats until no line gives one away. A cell
   suppressed this way shows "x": it is not below t.
4. In a table whose columns describe the same group (a share beside its count), a row with one
   suppressed cell is suppressed whole.
"""

from __future__ import annotations

from vivera.core.privacy import threshold

from .tables import Cell, Table, Unit


def suppress_table(table: Table, limit: int | None = None) -> Table:
    """Mark the cells of `table` that may not be shown (in place) and return it."""
    limit = threshold() if limit is None else limit
    for row in table.rows:
        for j, cell in enumerate(row.cells):
            cell.limit = limit
            if table.unit_of(j) == Unit.COUNT:
                value = int(cell.value or 0)
                cell.basis = value
                cell.suppressed = 0 < value < limit
            else:
                cell.derived = True
                # basis None: not about clients (fte of staff), never suppressed.
                cell.suppressed = (cell.value is not None and cell.basis is not None
                                   and 0 < cell.basis < limit)
            cell.primary = cell.suppressed
    _settle(table, limit)
    return table


def _additive(table: Table) -> list[int]:
    return [j for j in range(len(table.columns))
            if table.unit_of(j) == Unit.COUNT or j in table.additive_columns]


def _lines(table: Table) -> list[list[Cell]]:
    """Every line of additive cells whose total is shown; the total is the last cell."""
    columns = _additive(table)
    lines: list[list[Cell]] = []
    if table.total_column and columns and columns[-1] == len(table.columns) - 1:
        lines.extend([row.cells[j] for j in columns] for row in table.rows)
    totals = [r for r in table.rows if r.is_total]
    if totals:
        parts = [r for r in table.rows if not r.is_total]
        for j in columns:
            lines.append([r.cells[j] for r in parts] + [totals[0].cells[j]])
    return lines


def _protect(line: list[Cell], limit: int) -> bool:
    """Suppress one more cell of a line that would give a suppressed one away. True if changed.

    A line gives it away when exactly one cell is suppressed (total minus the rest), or when
    the suppressed parts together are fewer than the threshold (1 + 1 hidden beside a shown
    10 under a total of 12 tells that both are 1)."""
    parts, total = line[:-1], line[-1]
    hidden = [c for c in line if c.suppressed]
    hidden_sum = sum(float(c.value or 0) for c in parts if c.suppressed)
    if not hidden:
        return False
    if len(hidden) > 1 and (total.suppressed or hidden_sum >= limit):
        return False
    candidates = [c for c in parts if not c.suppressed and c.value]
    if not candidates and not total.suppressed and total.value:
        candidates = [total]
    if not candidates:
        return False
    min(candidates, key=lambda c: c.value or 0).suppressed = True
    return True


def _whole_rows(table: Table) -> bool:
    """In a table whose columns describe one group (a share, its count, a mean, its basis),
    one suppressed cell would be recomputed from the others: the whole row goes."""
    changed = False
    if table.suppress_whole_rows:
        for row in table.rows:
            if any(c.suppressed for c in row.cells):
                for c in row.cells:
                    if c.value is not None and not c.suppressed:
                        c.suppressed = changed = True
    return changed


def _settle(table: Table, limit: int) -> None:
    # Suppressing a cell to protect a row can leave its column with a lone suppressed cell,
    # and so on; each round suppresses at least one more cell, so this ends.
    changed = True
    while changed:
        changed = _whole_rows(table)
        for line in _lines(table):
            changed = _protect(line, limit) or changed


def share_cell(part: int, whole: int) -> Cell:
    """A percentage with the basis rule 2 needs."""
    if whole == 0:
        return Cell(None, basis=0)
    basis = whole if part in (0, whole) else min(part, whole - part)
    return Cell(round(100 * part / whole, 1), basis=basis)
