"""The monitor's figures as JSON (API and command), CSV and XLSX.

All three read the same tables the pages show, perturbed and suppressed for everyone who gets no
exact figures: a suppressed cell is exported as empty with `suppressed: true` (JSON), an empty
value with "ja" in the column *onderdrukt* (CSV) or the text "<5" (XLSX) — never its value. Each
says whether its figures are perturbed (`perturbation` in JSON, the column *verstoord*
in CSV, a line on the index sheet of the XLSX). Every text goes through
`vivera.core.spreadsheets`, so a name an administrator typed cannot run as a formula.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext as _

from vivera.core.privacy import threshold
from vivera.core.spreadsheets import spreadsheet_text, spreadsheet_value

from . import facts
from .cellkey import MAX_NOISE
from .indicators import QUESTIONS, Indicator
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
        "perturbation": {"applied": scope.suppress, "max_noise": MAX_NOISE if scope.suppress
                         else 0, "note": perturbation_note() if scope.suppress else ""},
        # When the figures were derived from the registration, and whether it changed since.
        "figures": {"built_at": built.isoformat() if built else None, "stale": stale},
        "indicators": [indicator_dict(i, t) for i, t in results],
    }


CSV_HEADER = ["vraag", "indicator", "indicator_naam", "rij", "rij_naam", "kolom", "kolom_naam",
              "waarde", "eenheid", "onderdrukt", "verstoord"]


def perturbation_note() -> str:
    """What a reader of perturbed figures is told, on the page, in the PDF and in exports."""
    return _("For privacy, the figures are slightly perturbed: each count may differ by up to "
             "%(noise)s from the exact number, and totals need not equal the sum of their "
             "parts. The same figure always gets the same value.") % {"noise": MAX_NOISE}


def _csv_value(cell: Cell) -> str:
    value = cell.shown
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return str(value)


def to_csv(results: Results) -> str:
    """Long format, one figure per line: `;`-separated with a decimal comma, as Dutch
    spreadsheet programs expect. The caller adds a UTF-8 BOM for Excel."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for indicator, table in results:
        for row in table.rows:
            for j, cell in enumerate(row.cells):
                # The figure is a number we wrote ("-0,4" must stay a number); every text
                # around it may hold a name an administrator typed.
                labels = [spreadsheet_value(v) for v in (
                    indicator.question, indicator.code, str(indicator.name), row.key, row.label,
                    table.column_keys[j], table.columns[j])]
                writer.writerow([*labels, _csv_value(cell), str(table.unit_of(j)),
                                 "ja" if cell.suppressed else "nee",
                                 "ja" if cell.perturbed else "nee"])
    return out.getvalue()


def to_xlsx(scope: Scope, results: Results) -> bytes:
    """A workbook: an index sheet with every indicator's definition, then one sheet per
    indicator laid out as on the page."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    book = Workbook()
    index = book.active
    index.title = _("Indicators")[:31]
    described = scope.describe()
    index.append([_("Vivera monitor"), spreadsheet_text(described["municipalities"])])
    index.append([_("Period"), f"{described['start']} – {described['end']}"])
    for label, value in ((_("Team"), described["team"]),
                         (_("Neighbourhood"), described["neighbourhood"]),
                         (_("Walk-in location"), described["location"])):
        if value:
            index.append([label, spreadsheet_text(value)])
    if scope.suppress:
        index.append([_("Privacy"), perturbation_note()])
    index.append([])
    index.append([_("Question"), _("Sheet"), _("Indicator"), _("Definition"), _("Unit")])
    for cell in index[index.max_row]:
        cell.font = bold
    for indicator, table in results:
        index.append([indicator.question, indicator.code, str(indicator.name),
                      str(indicator.definition), indicator.unit.label])
        sheet = book.create_sheet(indicator.code[:31])
        sheet.append([str(indicator.name)])
        sheet["A1"].font = bold
        sheet.append([str(indicator.definition)])
        sheet.append([])
        sheet.append([spreadsheet_text(c) for c in (table.row_header, *table.columns)])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row in table.rows:
            sheet.append([spreadsheet_text(row.label),
                          *(c.display if c.suppressed else c.value for c in row.cells)])
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
