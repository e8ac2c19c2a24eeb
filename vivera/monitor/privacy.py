"""Small-count suppression for monitor tables shown to or exported for the municipality.

Rules (the threshold t is VIVERA_SUPPRESSION_THRESHOLD, default 5):
1. Primary: a count from 1 to t − 1 is suppressed. Zero is shown: it identifies nobody.
2. A figure derived from records (a median, a share, hours, a mean score) is suppressed when it
   rests on 1 to t − 1 records (its `basis`), and shown as "x" (as CBS marks a confidential
   figure), because "<5" would read as a value below five. A share's basis is the smaller of the two groups
   it reveals (those with and those without), so 38 of 40 does not reveal the other 2.
3. Secondary: in every line of counts whose total is shown (a row with a total column, a column
   with a total row), one suppressed cell could be recovered by subtraction. So while a line has
   exactly one suppressed cell, the smallest other non-zero cell of that line is suppressed too
   (a cell before a total). This repeats until no line has a lone suppressed cell.
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
    for line in _lines(table):
        _protect(line)
    _settle(table)
    return table


def _lines(table: Table) -> list[list[Cell]]:
    """Every row and column of counts whose total is shown; the total is the last cell."""
    count_columns = [j for j in range(len(table.columns)) if table.unit_of(j) == Unit.COUNT]
    lines: list[list[Cell]] = []
    if table.total_column and count_columns and count_columns[-1] == len(table.columns) - 1:
        lines.extend([row.cells[j] for j in count_columns] for row in table.rows)
    totals = [r for r in table.rows if r.is_total]
    if totals:
        parts = [r for r in table.rows if not r.is_total]
        for j in count_columns:
            lines.append([r.cells[j] for r in parts] + [totals[0].cells[j]])
    return lines


def _protect(line: list[Cell]) -> bool:
    """Suppress a second cell when exactly one in the line is suppressed. True if changed."""
    hidden = [c for c in line if c.suppressed]
    if len(hidden) != 1:
        return False
    parts, total = line[:-1], line[-1]
    candidates = [c for c in parts if not c.suppressed and c.value]
    if not candidates and not total.suppressed and total.value:
        candidates = [total]
    if not candidates:
        return False
    min(candidates, key=lambda c: c.value or 0).suppressed = True
    return True


def _settle(table: Table) -> None:
    # Suppressing a cell to protect a row can leave its column with a lone suppressed cell,
    # and so on; each round suppresses at least one more cell, so this ends.
    changed = True
    while changed:
        changed = False
        for line in _lines(table):
            changed = _protect(line) or changed


def share_cell(part: int, whole: int) -> Cell:
    """A percentage with the basis rule 2 needs."""
    if whole == 0:
        return Cell(None, basis=0)
    basis = whole if part in (0, whole) else min(part, whole - part)
    return Cell(round(100 * part / whole, 1), basis=basis)
