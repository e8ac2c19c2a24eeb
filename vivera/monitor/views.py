"""The monitor pages: the dashboard (coordinator: own teams, exact; policy advisor: the whole
municipality, small counts suppressed), exports, the effect report and the benchmark."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vivera.accounts.access import AuthenticatedHttpRequest, municipality_of, role_required
from vivera.accounts.models import Role
from vivera.core.parsing import parse_id
from vivera.core.spreadsheets import CSV_CONTENT_TYPE

from . import exports, facts, selectors
from .charts import Marker, render_svg
from .forms import MonitorFilterForm
from .indicators import BY_CODE, QUESTIONS, Indicator, compute_all
from .privacy import threshold
from .scope import Scope, month_start
from .selectors import (
    COMPARED_FIGURES,
    Reading,
    before_after,
    comparison,
    interventions_for,
    key_figure_period,
    key_figure_years,
    last_month_with_data,
    scope_for,
)
from .tables import Table

MONITOR_ROLES = (Role.POLICY, Role.COORDINATOR)


@dataclass
class Panel:
    indicator: Indicator
    table: Table
    svg: SafeString
    location_ignored: bool

    @property
    def display_table(self) -> Table:
        """Series over many months or quarters are shown with the periods down the page."""
        if len(self.table.columns) > 6 and len(self.table.rows) <= 16:
            return self.table.transposed(row_header=_("Period"))
        return self.table

    @property
    def printed_tables(self) -> list[Table]:
        """The display table in parts that each fit the width of a printed A4 page (the effect
        report and its PDF), the row labels repeated in every part. On screen a wide table
        scrolls instead; on paper it would be cut off."""
        table = self.display_table
        groups = column_groups(table)
        return [table] if len(groups) == 1 else [table.with_columns(g) for g in groups]


# The printed report (report.html): an A4 page less its margins and the body's padding, in mm,
# and the width a character of the tables' 8.5 pt DejaVu Sans (bold in headers) takes at most.
PRINTED_WIDTH_MM = 165.0
CHARACTER_MM = 1.9
CELL_PADDING_MM = 2.6


def _narrowest_mm(texts: list[str]) -> float:
    """How narrow a column can become: its longest word, since a browser or WeasyPrint breaks a
    line only between words."""
    longest = max((len(word) for text in texts for word in str(text).split()), default=1)
    return longest * CHARACTER_MM + CELL_PADDING_MM


def column_groups(table: Table, width: float = PRINTED_WIDTH_MM) -> list[list[int]]:
    """Consecutive column indexes, as many per group as fit `width` beside the row labels."""
    labels = _narrowest_mm([table.row_header, *(r.label for r in table.rows)])
    groups: list[list[int]] = [[]]
    used = labels
    for j, column in enumerate(table.columns):
        need = _narrowest_mm([column, *(r.cells[j].display for r in table.rows)])
        if groups[-1] and used + need > width:
            groups.append([])
            used = labels
        groups[-1].append(j)
        used += need
    return groups


@dataclass
class Section:
    number: int
    title: str
    panels: list[Panel]


def _markers(table: Table, readings: list[Reading]) -> list[Marker]:
    """Interventions inside the period, on charts whose columns are months."""
    keys = table.column_keys
    markers = []
    for reading in readings:
        key = month_start(reading.intervention.date).strftime("%Y-%m")
        if key in keys:
            markers.append(Marker(keys.index(key), reading.intervention.name))
    return markers


def _chart_table(table: Table) -> Table:
    # "line-total": a table with a row per domain whose chart shows only the total.
    if table.chart == "line-total":
        return dataclasses.replace(table, rows=[r for r in table.rows if r.is_total], chart="line")
    return table


def _sections(
    scope: Scope, results: list[tuple[Indicator, Table]], readings: list[Reading]
) -> list[Section]:
    sections: dict[int, Section] = {}
    for indicator, table in results:
        chart_table = _chart_table(table)
        svg = render_svg(
            chart_table, title=str(indicator.name), markers=_markers(chart_table, readings)
        )
        section = sections.setdefault(
            indicator.question, Section(indicator.question, str(QUESTIONS[indicator.question]), [])
        )
        section.panels.append(
            Panel(indicator, table, svg, scope.location is not None and not indicator.uses_location)
        )
    return [sections[n] for n in sorted(sections)]


def _scope_from(request: AuthenticatedHttpRequest) -> tuple[MonitorFilterForm, Scope | None]:
    form = MonitorFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    scope = scope_for(
        request.user,
        start=data["van"],
        end=data["tot"],
        team=data["team"],
        neighbourhood=data["wijk"],
        location=data["locatie"],
    )
    return form, scope


def _monitor_context(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    form, scope = _scope_from(request)
    context: dict[str, Any] = {
        "form": form,
        "scope": scope,
        "query": request.GET.urlencode(),
        "threshold": threshold(),
        "perturbation_note": exports.perturbation_note(),
    }
    if scope is None:
        return context
    readings = [before_after(scope, i) for i in interventions_for(scope)]
    results = compute_all(scope)
    built, stale = facts.status(scope.municipalities)
    context.update(
        sections=_sections(scope, results, readings),
        readings=readings,
        exact=not scope.suppress,
        facts_built=built,
        facts_stale=stale,
    )
    return context


@require_GET
@role_required(*MONITOR_ROLES)
@facts.once_per_read
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = _monitor_context(request)
    status = 200 if context["scope"] is not None else 400
    return render(request, "monitor/dashboard.html", context, status=status)


@require_GET
@role_required(*MONITOR_ROLES)
@facts.once_per_read
def report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The effect report: the ten questions in order, printable (or as PDF)."""
    context = _monitor_context(request)
    if context["scope"] is None:
        return render(request, "monitor/dashboard.html", context, status=400)
    context["generated"] = timezone.localtime()
    if request.GET.get("formaat") == "pdf":
        from .pdf import PdfUnavailable, render_pdf

        html = render(request, "monitor/report.html", {**context, "for_pdf": True})
        try:
            pdf = render_pdf(html.content.decode())
        except PdfUnavailable:
            return render(request, "monitor/pdf_unavailable.html", context, status=503)
        response = HttpResponse(pdf, content_type="application/pdf")
        name = _filename(context["scope"])
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    return render(request, "monitor/report.html", context)


def _filename(scope: Scope) -> str:
    return f"vivera-monitor-{scope.start:%Y%m%d}-{scope.end:%Y%m%d}"


@require_GET
@role_required(*MONITOR_ROLES)
@facts.once_per_read
def export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form, scope = _scope_from(request)
    if scope is None:
        return render(
            request,
            "monitor/dashboard.html",
            {"form": form, "scope": None, "query": request.GET.urlencode()},
            status=400,
        )
    results = compute_all(scope)
    name = _filename(scope)
    if fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(scope, results),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(exports.to_csv(results), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# --- key figures and the comparison ---------------------------------------------------------


@require_GET
@role_required(Role.POLICY)
@facts.once_per_read
def key_figures(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One year of the municipality in a few figures ("Kerncijfers"): the monitor's own figures
    for that year, so with the same protection (perturbed, small ones suppressed) and the same
    values as the dashboard shows for it."""
    municipalities = [municipality_of(request.user)]
    years = key_figure_years(municipalities)
    year = parse_id(request.GET.get("jaar"))
    if year not in years:
        last = last_month_with_data(municipalities)
        year = last.year if last is not None and last.year in years else years[-1]
    start, end = key_figure_period(year)
    scope = scope_for(request.user, start=start, end=end)
    table, tables = selectors.key_figures(scope, str(year), "new_questions_by_domain")
    return render(
        request,
        "monitor/key_figures.html",
        {
            "year": year,
            "years": years,
            "scope": scope,
            "table": table,
            "figures": [
                BY_CODE[code] for code in dict.fromkeys(figure.code for figure in COMPARED_FIGURES)
            ],
            "by_domain": tables["new_questions_by_domain"],
            "query": urlencode({"van": start.isoformat(), "tot": end.isoformat()}),
            "threshold": threshold(),
            "perturbation_note": exports.perturbation_note(),
        },
    )


@require_GET
@role_required(Role.POLICY)
@facts.once_per_read
def benchmark(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The key figures of every municipality of this installation side by side (with one
    municipality: this period beside the one before), on protected aggregates only."""
    form, own_scope = _scope_from(request)
    context: dict[str, Any] = {
        "form": form,
        "scope": own_scope,
        "query": request.GET.urlencode(),
        "threshold": threshold(),
        "perturbation_note": exports.perturbation_note(),
    }
    if own_scope is None:
        return render(request, "monitor/benchmark.html", context, status=400)
    table, by_periods = comparison(own_scope)
    context.update(
        table=table,
        by_periods=by_periods,
        figures=[
            BY_CODE[code] for code in dict.fromkeys(figure.code for figure in COMPARED_FIGURES)
        ],
    )
    return render(request, "monitor/benchmark.html", context)
