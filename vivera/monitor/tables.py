"""The shape every indicator's answer takes: a table of cells, which a chart, a CSV/XLSX export,
the JSON API and the PDF report all read.

A cell keeps its value (exact for an exact scope, perturbed by `vivera.monitor.privacy.published`
otherwise) and, once the table has passed `vivera.monitor.privacy`, whether it is suppressed.
Nothing that renders a cell decides about privacy itself: it shows `display`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from vivera.core.formatting import number


class Unit(StrEnum):
    COUNT = "count"  # whole numbers of dossiers, questions, contacts: small ones are suppressed
    DAYS = "days"  # a median or percentile of durations
    PERCENT = "percent"  # a share, 0–100
    HOURS = "hours"
    RATIO = "ratio"  # e.g. dossiers per fte
    SCORE = "score"  # a mean ZRM score (1–5) or change in score
    FTE = "fte"

    @property
    def label(self) -> str:
        return str(UNIT_LABELS[self])


UNIT_LABELS = {
    Unit.COUNT: _("number"),
    Unit.DAYS: _("days"),
    Unit.PERCENT: _("percent"),
    Unit.HOURS: _("hours"),
    Unit.RATIO: _("ratio"),
    Unit.SCORE: _("ZRM score"),
    Unit.FTE: _("fte"),
}


@dataclass
class Cell:
    value: float | int | None  # None: nothing to show (no data, or undefined like 0/0)
    # How many people or records the value rests on; a median of 3 lead times has basis 3.
    # For counts the basis is the count itself.
    basis: int | None = None
    suppressed: bool = False
    limit: int = 0  # the threshold in force when suppressed
    # A figure derived from records (median, share, mean) rather than a count: when
    # suppressed it shows "x", since "<5" would read as a value below five.
    derived: bool = False
    primary: bool = False  # suppressed for being small itself, not to protect another cell
    # Perturbed by the cell-key method (vivera.monitor.cellkey): the value is not exact.
    perturbed: bool = False

    @property
    def display(self) -> str:
        if self.suppressed:
            return f"<{self.limit}" if self.primary and not self.derived else "x"
        if self.value is None:
            return "–"
        if isinstance(self.value, float):
            return number(self.value, 1, grouping=False)
        return str(self.value)

    @property
    def shown(self) -> float | int | None:
        """The value as it may be shown: None when suppressed."""
        return None if self.suppressed else self.value


@dataclass
class Row:
    label: str
    cells: list[Cell]
    key: str = ""  # a stable code (domain code, team id, month) for exports and the API
    is_total: bool = False
    note: str = ""  # a reading of the row in words, e.g. "as expected"


@dataclass
class Table:
    """Rows × columns. `columns` label the cells; `row_header` labels the first column.

    `chart` says how the table is drawn: "line" (columns are months, one line per row), "bar"
    (one bar per row, first column), "stacked" (columns are months, rows stacked) or "" (table
    only). `total_column` / the rows with `is_total` mark totals: exact sums of the other cells
    for an exact scope, perturbed on their own (so not always the sum) otherwise.
    """

    columns: list[str]
    rows: list[Row]
    unit: Unit
    row_header: str = ""
    column_keys: list[str] = field(default_factory=list)
    chart: str = "line"
    total_column: bool = False  # the last column is the sum of the columns before it
    # Per-column unit where the columns differ (a count beside a median); else `unit` for all.
    column_units: list[Unit] = field(default_factory=list)
    bar_column: int = 0  # which column a bar chart draws
    # Columns that describe one group (a share and its count): suppress rows whole.
    suppress_whole_rows: bool = False
    # With suppress_whole_rows: only these columns are the group (empty: every column), e.g. the
    # three shares of one rating beside a count of something else.
    row_group: list[int] = field(default_factory=list)
    note: str = ""

    def unit_of(self, column: int) -> Unit:
        return self.column_units[column] if self.column_units else self.unit

    @property
    def is_empty(self) -> bool:
        return all(c.value in (None, 0) for r in self.rows for c in r.cells)

    def with_columns(self, columns: list[int]) -> Table:
        """Only these columns, for display; the cells are the same objects."""
        return Table(
            [self.columns[j] for j in columns],
            [
                Row(
                    r.label,
                    [r.cells[j] for j in columns],
                    key=r.key,
                    is_total=r.is_total,
                    note=r.note,
                )
                for r in self.rows
            ],
            self.unit,
            row_header=self.row_header,
            column_keys=[self.column_keys[j] for j in columns] if self.column_keys else [],
            chart="",
            total_column=self.total_column and len(self.columns) - 1 in columns,
            column_units=[self.unit_of(j) for j in columns] if self.column_units else [],
            note=self.note,
        )

    def transposed(self, row_header: str = "") -> Table:
        """Columns as rows: a table over 24 months reads better down the page than across.
        For display only; the cells (and their suppression) are the same objects."""
        last = len(self.columns) - 1
        rows = [
            Row(
                label,
                [r.cells[j] for r in self.rows],
                key=key,
                is_total=self.total_column and j == last,
            )
            for j, (label, key) in enumerate(zip(self.columns, self.column_keys, strict=True))
        ]
        return Table(
            [r.label for r in self.rows],
            rows,
            self.unit,
            row_header=row_header,
            column_keys=[r.key for r in self.rows],
            chart="",
            total_column=bool(self.rows) and self.rows[-1].is_total,
            note=self.note,
        )
