"""Reads for the monitor pages: which period and teams a user looks at, the capacity
interventions on the time axis, and the before/after reading of each intervention's
assumptions (the Theory-of-Change view)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from vivera.accounts.access import municipality_id_of, municipality_of
from vivera.accounts.models import Role
from vivera.organisation.models import (
    CapacityIntervention,
    ExpectedEffect,
    Location,
    Municipality,
    Neighbourhood,
    Team,
)

from . import facts
from .indicators import BY_CODE
from .models import DossierInflow, ReferralFlow, ShortContactDay, StatusFlow
from .privacy import suppress_table
from .scope import Scope, month_end, month_start, months_between
from .tables import Cell, Row, Table, Unit

if TYPE_CHECKING:
    from vivera.accounts.models import User

DEFAULT_MONTHS = 24
MAX_MONTHS = 120
READING_MONTHS = 6  # months before and after an intervention that are compared


def last_month_with_data(municipalities: list[Municipality]) -> dt.date | None:
    """The first day of the last month with a registration, status change, referral or short
    contact (read from the facts, which are brought up to date first)."""
    facts.ensure_current(municipalities)
    ids = [m.pk for m in municipalities]
    months = [
        model.objects.filter(municipality_id__in=ids).aggregate(m=Max("month"))["m"]
        for model in (DossierInflow, StatusFlow, ReferralFlow, ShortContactDay)
    ]
    known = [m for m in months if m is not None]
    return max(known) if known else None


def first_registration(municipalities: tuple[Municipality, ...]) -> dt.date | None:
    """The first day of the month of the first registration."""
    facts.ensure_current(municipalities)
    return DossierInflow.objects.filter(
        municipality_id__in=[m.pk for m in municipalities]
    ).aggregate(m=Min("month"))["m"]


def default_period(
    municipalities: list[Municipality], today: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """The 24 whole months up to the last month with registrations (or up to today)."""
    today = today or timezone.localdate()
    last = min(last_month_with_data(municipalities) or today, today)
    end = month_end(last)
    start = month_start(end)
    for _i in range(DEFAULT_MONTHS - 1):
        start = month_start(start - dt.timedelta(days=1))
    return start, end


def teams_for(user: User) -> list[Team]:
    """The teams a user may choose: a coordinator its own, a policy advisor all of its
    municipality's."""
    teams = Team.objects.filter(municipality_id=municipality_id_of(user))
    if user.role == Role.COORDINATOR:
        teams = teams.filter(pk__in=user.team_ids())
    return list(teams.order_by("name"))


def scope_for(
    user: User,
    *,
    start: dt.date,
    end: dt.date,
    team: Team | None = None,
    neighbourhood: Neighbourhood | None = None,
    location: Location | None = None,
) -> Scope:
    """The scope a user may see. A coordinator sees exact figures of its own teams only; a
    policy advisor sees the whole municipality with small counts suppressed."""
    municipality = municipality_of(user)
    if user.role == Role.COORDINATOR:
        own = tuple(teams_for(user))
        if team is not None and team not in own:
            raise PermissionDenied
        # A coordinator without a team sees nothing: an unsaved team matches no record.
        return Scope(
            (municipality,),
            start,
            end,
            team=team,
            neighbourhood=neighbourhood,
            location=location,
            suppress=False,
            teams=own or (Team(pk=0),),
        )
    return Scope(
        (municipality,),
        start,
        end,
        team=team,
        neighbourhood=neighbourhood,
        location=location,
        suppress=True,
    )


def interventions_for(scope: Scope) -> list[CapacityIntervention]:
    qs = CapacityIntervention.objects.filter(municipality_id__in=scope.municipality_ids)
    if scope.team_ids is not None:
        qs = qs.filter(Q(team__isnull=True) | Q(team_id__in=scope.team_ids))
    return list(qs.select_related("team").prefetch_related("expected_effects").order_by("date"))


# --- before and after --------------------------------------------------------------------------


@dataclass(frozen=True)
class EffectSeries:
    indicator: str
    row: str
    lower_is_better: bool


EFFECT_SERIES: dict[str, EffectSeries] = {
    ExpectedEffect.FEWER_WAITING: EffectSeries("waiting_list", "total", True),
    ExpectedEffect.SHORTER_WAIT: EffectSeries("waiting_time", "p50", True),
    ExpectedEffect.LOWER_CASELOAD: EffectSeries("formation", "caseload_per_fte", True),
    ExpectedEffect.MORE_OUTREACH: EffectSeries("outreach_hours", "hours", False),
    ExpectedEffect.LESS_HEAVIER_CARE: EffectSeries("heavier_care", "total", True),
    ExpectedEffect.SHORTER_LEAD_TIME: EffectSeries("lead_time_trend", "p50", True),
    ExpectedEffect.FEWER_ALLOCATIONS: EffectSeries("wmo_allocations_new", "total", True),
}


@dataclass
class Reading:
    intervention: CapacityIntervention
    before: tuple[dt.date, dt.date]
    after: tuple[dt.date, dt.date]
    table: Table


def _mean_of(cells: list[Cell], unit: Unit) -> Cell:
    known = [c for c in cells if c.value is not None]
    if not known:
        return Cell(None, basis=0)
    mean = sum(float(c.value or 0) for c in known) / len(known)
    # The basis is every record behind the mean: for counts, the counts themselves.
    basis = sum(int(c.value or 0) if unit == Unit.COUNT else (c.basis or 0) for c in known)
    cell = Cell(round(mean, 1), basis=basis)
    # A mean over months of which one is suppressed in the series would give that month away.
    cell.suppressed = any(c.suppressed for c in known)
    return cell


def before_after(
    scope: Scope, intervention: CapacityIntervention, months: int = READING_MONTHS
) -> Reading:
    """For each assumption: the mean of its monthly series over the `months` whole months
    before the intervention's month and over the `months` months from that month on (fewer
    when the data ends sooner)."""
    first_after = month_start(intervention.date)
    before_start = first_after
    for _i in range(months):
        before_start = month_start(before_start - dt.timedelta(days=1))
    after_end = first_after
    for _i in range(months - 1):
        after_end = month_start(month_end(after_end) + dt.timedelta(days=1))
    after_end = month_end(after_end)
    # Months before the first registration, or after the last, would count as zero.
    first = first_registration(scope.municipalities)
    if first is not None and before_start < month_start(first) < first_after:
        before_start = month_start(first)
    last = min(
        last_month_with_data(list(scope.municipalities)) or timezone.localdate(),
        timezone.localdate(),
    )
    if month_end(last) < after_end:
        after_end = max(month_end(last), month_end(first_after))
    months_before = len(months_between(before_start, first_after - dt.timedelta(days=1)))
    team = intervention.team or scope.team
    window = Scope(
        scope.municipalities,
        before_start,
        after_end,
        team=team,
        neighbourhood=scope.neighbourhood,
        suppress=scope.suppress,
        teams=scope.teams,
    )
    rows = []
    for assumption in intervention.expected_effects.all():
        series = EFFECT_SERIES[assumption.effect]
        indicator = BY_CODE[series.indicator]
        table = indicator.compute(window)  # suppressed as the series would be shown
        found = next((r for r in table.rows if r.key == series.row), None)
        if found is None:  # a series not kept per team (the whole population's allocations)
            label = f"{assumption.get_effect_display()} ({indicator.name})"
            rows.append(
                Row(
                    label,
                    [Cell(None, basis=0)] * 3,
                    key=assumption.effect,
                    note=table.note or _("not enough data"),
                )
            )
            continue
        cells = found.cells
        if table.total_column:
            cells = cells[:-1]  # the months only, not the period's total
        before = _mean_of(cells[:months_before], table.unit)
        after = _mean_of(cells[months_before:], table.unit)
        if before.value is not None and after.value is not None:
            difference = round(after.value - before.value, 1)
            change = Cell(difference, basis=min(before.basis or 0, after.basis or 0))
            change.suppressed = before.suppressed or after.suppressed
            better = difference < 0 if series.lower_is_better else difference > 0
            verdict = (
                _("as expected")
                if better and difference
                else (_("no change") if not difference else _("not as expected"))
            )
        else:
            change, verdict = Cell(None, basis=0), _("not enough data")
        label = f"{assumption.get_effect_display()} ({indicator.name})"
        rows.append(Row(label, [before, after, change], key=assumption.effect, note=verdict))
    result = Table(
        [_("Before"), _("After"), pgettext("difference", "Change")],
        rows,
        Unit.RATIO,
        row_header=_("Assumption"),
        column_keys=["before", "after", "change"],
        chart="",
        suppress_whole_rows=True,
    )
    if scope.suppress:
        carried = {id(c) for r in rows for c in r.cells if c.suppressed}
        suppress_table(result)
        for r in result.rows:
            for c in r.cells:
                c.suppressed = c.suppressed or id(c) in carried
            if any(c.suppressed for c in r.cells):
                for c in r.cells:
                    c.suppressed = c.value is not None or c.suppressed
                r.note = _("suppressed: too few records")
    return Reading(
        intervention,
        (before_start, month_end(first_after - dt.timedelta(days=1))),
        (first_after, after_end),
        result,
    )


# --- Comparing municipalities (or, with one, two periods) -----------------------------------


@dataclass(frozen=True)
class ComparedFigure:
    """One line of the comparison: a cell of an indicator's table, said in words: which figure
    and what the value is (a total of the period, or the value in its last month)."""

    code: str
    row: str  # the row's key in the indicator's table
    column: int  # -1: the last column (the total, or the last month or quarter)
    shown: str  # what the value is; %(column)s is the chosen column's heading


COMPARED_FIGURES = (
    ComparedFigure("new_dossiers", "total", -1, gettext_noop("total of the period")),
    ComparedFigure("new_questions", "total", -1, gettext_noop("total of the period")),
    ComparedFigure("lead_time", "total", 0, gettext_noop("median of the period, in days")),
    ComparedFigure(
        "waiting_list", "total", -1, gettext_noop("in the last month of the period (%(column)s)")
    ),
    ComparedFigure(
        "waiting_time",
        "p50",
        -1,
        gettext_noop("median in the last month of the period (%(column)s), in days"),
    ),
    ComparedFigure("short_contacts", "total", -1, gettext_noop("total of the period")),
    ComparedFigure(
        "provision_shares",
        "general",
        -1,
        gettext_noop("share in the last quarter of the period (%(column)s), in percent"),
    ),
    ComparedFigure(
        "formation",
        "caseload_per_fte",
        -1,
        gettext_noop("in the last month of the period (%(column)s)"),
    ),
)


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The whole months just before [start, end], as many as it spans."""
    count = len(months_between(start, end))
    first = start
    for _month in range(count):
        first = month_start(first - dt.timedelta(days=1))
    return first, start - dt.timedelta(days=1)


def comparison(scope: Scope) -> tuple[Table, bool]:
    """The key figures side by side, a column each: every municipality of the installation for
    the scope's period, or, when there is only one, that municipality in this period and in the
    one before (as long). Rows are the figures, each saying what its value is, so a total and a
    last month's value never share a column. The cells come from the indicators' own tables,
    protected as every policy figure is. Returns the table and whether it compares periods."""
    municipalities = list(Municipality.objects.order_by("name"))
    by_periods = len(municipalities) <= 1
    if by_periods:
        before = previous_period(scope.start, scope.end)
        scopes = [
            (f"{_date(scope.start)} – {_date(scope.end)}", scope),
            (
                f"{_date(before[0])} – {_date(before[1])}",
                dataclasses.replace(scope, start=before[0], end=before[1]),
            ),
        ]
    else:
        scopes = [
            (m.name, Scope((m,), scope.start, scope.end, suppress=True)) for m in municipalities
        ]
    return compared_table([(label, _figure_tables(each)) for label, each in scopes]), by_periods


def _figure_tables(scope: Scope, *also: str) -> dict[str, Table]:
    """The tables of the indicators the compared figures come from, and of `also`, by code."""
    codes = dict.fromkeys([*(figure.code for figure in COMPARED_FIGURES), *also])
    return {code: BY_CODE[code].compute(scope) for code in codes}


def compared_table(columns: list[tuple[str, dict[str, Table]]]) -> Table:
    """A row per compared figure, its label saying what the value is; a column per (heading,
    tables of one scope)."""
    rows = []
    for figure in COMPARED_FIGURES:
        cells = []
        for _label, computed in columns:
            table = computed[figure.code]
            row = next((r for r in table.rows if r.key == figure.row), None)
            cells.append(row.cells[figure.column] if row else Cell(None))
        heading = computed_heading(columns[0][1][figure.code], figure)
        rows.append(Row(f"{BY_CODE[figure.code].name}: {heading}", cells, key=figure.code))
    return Table(
        [label for label, _tables in columns], rows, Unit.COUNT, row_header=_("Figure"), chart=""
    )


def computed_heading(table: Table, figure: ComparedFigure) -> str:
    return _(figure.shown) % {"column": table.columns[figure.column]}


def _date(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


# --- Key figures ("Kerncijfers"): one year of one municipality ---------------------------------


def key_figures(scope: Scope, heading: str, *also: str) -> tuple[Table, dict[str, Table]]:
    """The compared figures of one scope as a table of one column headed `heading`, read from
    the indicators' own tables (so the values the dashboard shows for the period, with the same
    protection), and those tables with the tables of `also`, by code."""
    tables = _figure_tables(scope, *also)
    return compared_table([(heading, tables)]), tables


def key_figure_years(municipalities: list[Municipality], today: dt.date | None = None) -> list[int]:
    """The years the key figures can be asked for: from the first registration to today."""
    today = today or timezone.localdate()
    first = first_registration(tuple(municipalities))
    return list(
        range(first.year if first and first.year <= today.year else today.year, today.year + 1)
    )


def key_figure_period(year: int, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """A whole year, or this year up to the end of the current month."""
    today = today or timezone.localdate()
    return dt.date(year, 1, 1), min(dt.date(year, 12, 31), month_end(today))
