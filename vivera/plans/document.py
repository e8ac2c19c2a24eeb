"""The activity overview as a document (docs/plans.md): HTML (a page that stands on its own),
PDF (that HTML through WeasyPrint, as the monitor's report) and DOCX (python-docx: every
cluster a real Word heading, so the navigation pane and a table of contents work; targets and
activities in tables with a header row; the status in words with a colour beside it).

All three are made from one `selectors.Overview`, so they say the same."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import ActivityStatus
from .selectors import Overview, show

# A colour per status, always with the status in words beside it (WCAG 1.4.1); each a light
# fill under dark text (contrast well above 4.5:1). The same colours as the page's CSS
# (vivera.css, `.plans-status-*`, `.plans-verdict-*`).
STATUS_COLOURS = {
    ActivityStatus.RUNNING: "DCEBFA",
    ActivityStatus.PLANNED: "FCEFC7",
    ActivityStatus.DROPPED: "E4E4E4",
    ActivityStatus.DONE: "DDF2DC",
}
VERDICT_COLOURS = {
    "reached": "DDF2DC",
    "on_track": "DCEBFA",
    "behind": "FAD9D5",
    "no_data": "E4E4E4",
}


def context(overview: Overview) -> dict[str, object]:
    return {
        "overview": overview,
        "generated": timezone.localtime(),
        "status_labels": {k: str(label) for k, label in ActivityStatus.choices},
    }


def document_html(overview: Overview, *, for_pdf: bool = False) -> str:
    return render_to_string("plans/document.html", {**context(overview), "for_pdf": for_pdf})


def document_pdf(overview: Overview) -> bytes:
    from vivera.monitor.pdf import render_pdf

    return render_pdf(document_html(overview, for_pdf=True))


def _shade(cell: object, colour: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    properties.append(shading)


def _table(document: object, headers: list[str], rows: list[list[str]]) -> object:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table = document.add_table(rows=1, cols=len(headers))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    # The first row is the header row on every page, and for screen readers.
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    return table


def document_docx(overview: Overview) -> bytes:
    from docx import Document

    plan, day = overview.plan, overview.day
    document = Document()
    document.core_properties.title = plan.title
    document.core_properties.author = "Vivera"
    document.add_heading(plan.title, level=0)
    document.add_paragraph(
        _("%(municipality)s · where things stood on %(day)s · made with Vivera on %(made)s")
        % {
            "municipality": plan.municipality.name,
            "day": date_format(day, "j F Y"),
            "made": date_format(timezone.localdate(), "j F Y"),
        }
    )
    counts = overview.counts()
    document.add_paragraph(", ".join(f"{ActivityStatus(k).label}: {n}" for k, n in counts.items()))
    for view in overview.clusters:
        cluster = view.cluster
        document.add_heading(f"{cluster.position}. {cluster.title}", level=1)
        if cluster.goal:
            document.add_paragraph(cluster.goal)
        if view.targets:
            document.add_heading(_("Targets"), level=2)
            table = _table(
                document,
                [_("Target"), _("Baseline"), _("Target value"), _("Latest"), _("Verdict")],
                [
                    [
                        p.target.description,
                        f"{show(p.target.baseline_value, p.target.unit)} "
                        f"({p.target.baseline_year})",
                        f"{show(p.target.target_value, p.target.unit)} "
                        f"({date_format(p.target.target_date, 'M Y')})",
                        (
                            f"{show(p.latest[1], p.target.unit)} "
                            f"({date_format(p.latest[0], 'j M Y')})"
                            if p.latest
                            else "—"
                        ),
                        p.verdict_label,
                    ]
                    for p in view.targets
                ],
            )
            for row, p in zip(table.rows[1:], view.targets, strict=True):  # type: ignore[attr-defined]
                _shade(row.cells[4], VERDICT_COLOURS[p.verdict])
        if view.activities:
            document.add_heading(_("Activities"), level=2)
            table = _table(
                document,
                [_("Activity"), _("Responsible partners"), _("Status"), _("Where it stands")],
                [
                    [
                        state.activity.description,
                        ", ".join(p.name for p in state.activity.partners.all()) or "—",
                        state.status_label,
                        (
                            f"{date_format(state.note.date, 'j M Y')}: {state.note.text}"
                            if state.note and state.note.text
                            else "—"
                        ),
                    ]
                    for state in view.activities
                ],
            )
            for row, state in zip(table.rows[1:], view.activities, strict=True):  # type: ignore[attr-defined]
                _shade(row.cells[2], STATUS_COLOURS[ActivityStatus(state.status)])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
