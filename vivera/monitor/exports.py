"""The monitor's figures as JSON (API and command), CSV and XLSX.

All three read the same tables the pages show, perturbed and suppressed for everyone who gets no
exact figures: a suppressed cell is exported as empty with `suppressed: true` (JSON), an empty
value with "ja" in the column *onderdrukt* (CSV) or the text "<5" (XLSX) — never its value. Each
says whether its figures are perturbed (`perturbation` in JSON, the column *verstoord*
in CSV, a line on the index sheet of the XLSX). The CSV and the XLSX are for people: Dutch
words for the units, sheets named after the indicators, the CSV in the one dialect of every
spreadsheet export. Every text goes through `vivera.core.spreadsheets`, so a name an
administrator typed cannot run as a formula. The JSON is for machines and keeps the codes.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from typing import Any

from django.utils.translation import gettext as _

from vivera.core.spreadsheets import csv_text, sheet_title, spreadsheet_text

from . import facts
from .cellkey import MAX_NOISE
from .indicators import QUESTIONS, Indicator
from .privacy import threshold
from .scope import Scope
from .tables import Cell, Table

Results = list[tuple[Indicator, Table]]


def indicator_dict(indicator: Indicator, table: Table) -> dict[str, Any]:
    return {
        "code": indicator.code,
        "question": indicator.question,
        "question_name": str(QUESTIONS[indicator.question]),
        "name": str(indicator.name),
        "definition": str(indicator.definition),
        "unit": str(indicator.unit),
        "columns": [
            {"key": key, "label": label, "unit": str(table.unit_of(j))}
            for j, (key, label) in enumerate(zip(table.column_keys, table.columns, strict=True))
        ],
        "rows": [
            {
                "key": row.key,
                "label": row.label,
                "is_total": row.is_total,
                **({"note": row.note} if row.note else {}),
                "values": [c.shown for c in row.cells],
                "suppressed": [c.suppressed for c in row.cells],
            }
            for row in table.rows
        ],
        **({"note": table.note} if table.note else {}),
    }


def results_dict(scope: Scope, results: Results) -> dict[str, Any]:
    built, stale = facts.status(scope.municipalities)
    return {
        "scope": scope.describe(),
        "suppression": {"applied": scope.suppress, "threshold": threshold()},
        # Counts perturbed by the cell-key method (docs/monitor.md): by at most max_noise.
        "perturbation": {
            "applied": scope.suppress,
            "max_noise": MAX_NOISE if scope.suppress else 0,
            "note": perturbation_note() if scope.suppress else "",
        },
        # When the figures were derived from the registration, and whether it changed since.
        "figures": {"built_at": built.isoformat() if built else None, "stale": stale},
        "indicators": [indicator_dict(i, t) for i, t in results],
    }


CSV_HEADER = [
    "vraag",
    "indicator",
    "indicator_naam",
    "rij",
    "rij_naam",
    "kolom",
    "kolom_naam",
    "waarde",
    "eenheid",
    "onderdrukt",
    "verstoord",
]


def perturbation_note() -> str:
    """What a reader of perturbed figures is told, on the page, in the PDF and in exports."""
    return _(
        "For privacy, the figures are slightly perturbed: each count may differ by up to "
        "%(noise)s from the exact number, and totals need not equal the sum of their "
        "parts. The same figure always gets the same value."
    ) % {"noise": MAX_NOISE}


def _csv_value(cell: Cell) -> float | int | None:
    value = cell.shown
    if isinstance(value, float):
        return round(value, 2)
    return value


def _csv_rows(results: Results) -> Iterator[Sequence[object]]:
    yield CSV_HEADER
    for indicator, table in results:
        for row in table.rows:
            for j, cell in enumerate(row.cells):
                # The figure is a number ("-0,4" stays a number); every text around it may
                # hold a name an administrator typed, and cannot run as a formula.
                yield [
                    indicator.question,
                    indicator.code,
                    str(indicator.name),
                    row.key,
                    row.label,
                    table.column_keys[j],
                    table.columns[j],
                    _csv_value(cell),
                    table.unit_of(j).label,
                    "ja" if cell.suppressed else "nee",
                    "ja" if cell.perturbed else "nee",
                ]


def to_csv(results: Results, *, bom: bool = True) -> str:
    """Long format, one figure per line, in the Dutch Excel dialect of every spreadsheet
    export (`;`, decimal comma, UTF-8 with a byte-order mark; `vivera.core.spreadsheets`)."""
    return csv_text(_csv_rows(results), bom=bom)


def to_xlsx(scope: Scope, results: Results) -> bytes:
    """A workbook: an index sheet with every indicator's definition, then one sheet per
    indicator laid out as on the page."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.hyperlink import Hyperlink

    bold = Font(bold=True)
    book = Workbook()
    index = book.active
    taken: set[str] = set()
    index.title = sheet_title(_("Indicators"), taken)
    described = scope.describe()
    index.append([_("Vivera monitor"), spreadsheet_text(described["municipalities"])])
    index.append([_("Period"), f"{described['start']} – {described['end']}"])
    for label, value in (
        (_("Team"), described["team"]),
        (_("Neighbourhood"), described["neighbourhood"]),
        (_("Walk-in location"), described["location"]),
    ):
        if value:
            index.append([label, spreadsheet_text(value)])
    if scope.suppress:
        index.append([_("Privacy"), perturbation_note()])
    index.append([])
    index.append([_("Question"), _("Sheet"), _("Indicator"), _("Definition"), _("Unit")])
    for cell in index[index.max_row]:
        cell.font = bold
    for indicator, table in results:
        # Each sheet is named after its indicator, as the dashboard titles it; the index links
        # to it by that name.
        title = sheet_title(str(indicator.name), taken)
        index.append(
            [
                indicator.question,
                title,
                str(indicator.name),
                str(indicator.definition),
                indicator.unit.label,
            ]
        )
        link = index.cell(row=index.max_row, column=2)
        quoted = title.replace("'", "''")
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{quoted}'!A1")
        sheet = book.create_sheet(title)
        sheet.append([str(indicator.name)])
        sheet["A1"].font = bold
        sheet.append([str(indicator.definition)])
        sheet.append([])
        sheet.append([spreadsheet_text(c) for c in (table.row_header, *table.columns)])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row in table.rows:
            sheet.append(
                [
                    spreadsheet_text(row.label),
                    *(c.display if c.suppressed else c.value for c in row.cells),
                ]
            )
            if row.is_total:
                for cell in sheet[sheet.max_row]:
                    cell.font = bold
        if table.note:
            sheet.append([])
            sheet.append([spreadsheet_text(table.note)])
        sheet.column_dimensions["A"].width = 40
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
