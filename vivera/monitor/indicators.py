"""The monitor's indicator set, defined once: each indicator's name, definition, unit, the
council question it answers, and how it is computed from registered data.

Every compute function takes a Scope and returns a Table: exact figures for an exact scope (the
coordinator's own teams), perturbed ones otherwise. Each count is a `Tally` (count and cell key)
until it becomes a cell, where `privacy.published` perturbs it; figures derived from counts are
computed from the published counts. `compute` then suppresses what is too small to show.
Counting happens in the database (GROUP BY) wherever the figure allows, so the same code serves
one team and a whole region.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import BigIntegerField, Count, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vivera.carers import results as carer_results
from vivera.matching import results as matching_results
from vivera.organisation.models import (
    LifeDomain,
    Location,
    Neighbourhood,
    OutcomeKind,
    PartOfDay,
    Referrer,
    ReferrerKind,
    Team,
)
from vivera.provisions import results as provision_results
from vivera.registration.models import (
    Channel,
    Complexity,
    CoreTask,
    OutreachActivity,
    ProvisionKind,
)
from vivera.survey import results as survey_results

from . import facts, queries
from .cellkey import P, Tally, key_sql
from .cellkey import total as tally_total
from .facts import IN_CARE, WAITING
from .models import (
    Closure,
    ContactTime,
    DossierInflow,
    FirstCare,
    LeadTime,
    QuestionInflow,
    QuestionOutcome,
    QuestionSpan,
    ReferralFlow,
    ShortContactDay,
    StatusFlow,
    ZrmChange,
)
from .privacy import count_cell, published, scaled, share_cell, suppress_table
from .scope import Scope, month_columns, month_start
from .stats import percentile
from .tables import Cell, Row, Table, Unit

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Indicator:
    code: str
    question: int  # 1–10: which of the council's questions it answers
    name: Promise
    definition: Promise
    unit: Unit
    compute_table: Callable[[Scope], Table]
    uses_location: bool = False  # whether a location filter changes this figure

    def compute(self, scope: Scope) -> Table:
        facts.ensure_current(scope.municipalities)
        table = self.compute_table(scope)
        return suppress_table(table) if scope.suppress else table


QUESTIONS: dict[int, Promise] = {
    1: gettext_lazy("Inflow"),
    2: gettext_lazy("Lead time"),
    3: gettext_lazy("Waiting list"),
    4: gettext_lazy("Core tasks"),
    5: gettext_lazy("Way of working"),
    6: gettext_lazy("Self-reliance"),
    7: gettext_lazy("Social infrastructure"),
    8: gettext_lazy("General and customised provisions"),
    9: gettext_lazy("Heavier care"),
    10: gettext_lazy("Formation"),
}

# --- building blocks ---------------------------------------------------------------------------


def _month_index(scope: Scope) -> dict[dt.date, int]:
    return {m: i for i, m in enumerate(scope.months)}


def _grid_table[K](
    scope: Scope,
    grid: Mapping[K, list[Tally]],
    groups: Sequence[tuple[K, StrOrPromise]],
    row_header: str,
    columns: list[str],
    keys: list[str],
    *,
    total_column: bool,
) -> Table:
    """Count rows per group plus a total row, one column per period (or part of day), plus a
    total column for flows; month-end stocks such as the waiting list have none. Every total is
    a count of its own (with its own cell key), not a sum of published cells."""
    width = len(columns)
    empty = [Tally()] * width

    def cells(values: list[Tally]) -> list[Cell]:
        return [
            count_cell(t, scope)
            for t in ([*values, tally_total(values)] if total_column else values)
        ]

    rows = [Row(str(label), cells(grid.get(key, empty)), key=str(key)) for key, label in groups]
    totals = [tally_total(grid.get(k, empty)[i] for k, _l in groups) for i in range(width)]
    rows.append(Row(_("Total"), cells(totals), key="total", is_total=True))
    if total_column:
        columns, keys = [*columns, _("Total")], [*keys, "total"]
    return Table(
        columns,
        rows,
        Unit.COUNT,
        row_header=row_header,
        column_keys=keys,
        total_column=total_column,
    )


def _monthly_grid_table[K](
    scope: Scope,
    grid: Mapping[K, list[Tally]],
    groups: Sequence[tuple[K, StrOrPromise]],
    row_header: str,
    *,
    total_column: bool,
) -> Table:
    columns, keys = month_columns(scope, total=False)
    return _grid_table(scope, grid, groups, row_header, columns, keys, total_column=total_column)


def _monthly_count_table[K](
    scope: Scope,
    counts: Iterable[tuple[K, dt.date, Tally]],
    groups: Sequence[tuple[K, StrOrPromise]],
    row_header: str,
) -> Table:
    """Counts per (group, month) as rows per group and columns per month, with totals."""
    index = _month_index(scope)
    grid: dict[K, list[Tally]] = defaultdict(lambda: [Tally()] * len(index))
    for key, month, n in counts:
        i = index.get(month)
        if i is not None:
            grid[key][i] += n
    return _monthly_grid_table(scope, grid, groups, row_header, total_column=True)


def _category_count_table[K](
    scope: Scope,
    counts: Mapping[K, Tally],
    groups: Sequence[tuple[K, StrOrPromise]],
    row_header: str,
    column: str,
) -> Table:
    """One count per category, with a total row; drawn as bars."""
    rows = [
        Row(str(label), [count_cell(counts.get(key, Tally()), scope)], key=str(key))
        for key, label in groups
    ]
    everything = tally_total(counts.get(k, Tally()) for k, _l in groups)
    rows.append(Row(_("Total"), [count_cell(everything, scope)], key="total", is_total=True))
    return Table(
        [column], rows, Unit.COUNT, row_header=row_header, column_keys=["count"], chart="bar"
    )


def _teams(scope: Scope) -> list[tuple[int, str]]:
    teams = Team.objects.filter(municipality_id__in=scope.municipality_ids)
    if scope.team_ids is not None:
        teams = teams.filter(pk__in=scope.team_ids)
    several = len(scope.municipalities) > 1
    return [
        (t.pk, f"{t.municipality.name} – {t.name}" if several else t.name)
        for t in teams.select_related("municipality")
    ]


def _domains() -> list[tuple[int, str]]:
    return [(d.pk, d.name) for d in LifeDomain.objects.order_by("order", "name")]


class Histogram:
    """Durations (value → frequency) of a group of records, with the group's count and key."""

    def __init__(self) -> None:
        self.frequencies: dict[int, int] = defaultdict(int)
        self.tally = Tally()

    def add(self, value: int, tally: Tally) -> None:
        self.frequencies[value] += tally.n
        self.tally += tally

    def cells(self, scope: Scope) -> list[Cell]:
        """Median, 75th and 90th percentile (exact: not additive, so not open to
        differencing; suppressed when the published count is small) and the count."""
        count = count_cell(self.tally, scope)
        return [
            Cell(
                percentile(self.frequencies, p) if self.tally.n else None,
                basis=int(count.value or 0),
            )
            for p in (50, 75, 90)
        ] + [count]


PERCENTILE_COLUMNS = [
    gettext_lazy("Median"),
    gettext_lazy("75th percentile"),
    gettext_lazy("90th percentile"),
    gettext_lazy("Number"),
]
PERCENTILE_KEYS = ["p50", "p75", "p90", "n"]
PERCENTILE_UNITS = [Unit.DAYS, Unit.DAYS, Unit.DAYS, Unit.COUNT]


def _sums(qs: QuerySet, *keys: str) -> list[tuple]:
    """The count and cell key per combination of `keys`, as (key, …, Tally) tuples."""
    return [
        (*row[:-2], Tally(int(row[-2] or 0), int(row[-1] or 0) % P))
        for row in qs.values_list(*keys).annotate(total=Sum("n"), key_sum=Sum("ck")).order_by()
    ]


def _protected(scope: Scope, cells: list[Cell], units: list[Unit]) -> list[Cell]:
    """Cells shown outside a table (in a note) pass the same suppression as table cells."""
    if scope.suppress:
        suppress_table(Table([""] * len(cells), [Row("", cells)], units[0], column_units=units))
    return cells


# --- 1 inflow ----------------------------------------------------------------------------------


def new_dossiers(scope: Scope) -> Table:
    counts = _sums(queries.facts(DossierInflow, scope), "team_id", "month")
    return _monthly_count_table(scope, counts, _teams(scope), _("Team"))


def new_dossiers_by_referrer(scope: Scope) -> Table:
    counts = dict(_sums(queries.facts(DossierInflow, scope), "referrer_id"))
    groups = [(r.pk, r.name) for r in Referrer.objects.all()]
    return _category_count_table(scope, counts, groups, _("Referrer"), _("New dossiers"))


def new_dossiers_by_complexity(scope: Scope) -> Table:
    counts = dict(_sums(queries.facts(DossierInflow, scope), "complexity"))
    return _category_count_table(
        scope, counts, list(Complexity.choices), _("Complexity"), _("New dossiers")
    )


def new_questions(scope: Scope) -> Table:
    counts = _sums(queries.facts(QuestionInflow, scope), "domain_id", "month")
    table = _monthly_count_table(scope, counts, _domains(), _("Life domain"))
    table.chart = "line-total"
    return table


def new_questions_by_domain(scope: Scope) -> Table:
    counts = dict(_sums(queries.facts(QuestionInflow, scope), "domain_id"))
    return _category_count_table(scope, counts, _domains(), _("Life domain"), _("New questions"))


# --- 2 lead time -------------------------------------------------------------------------------


def _lead_time_histograms(scope: Scope, key: str) -> tuple[dict[object, Histogram], Histogram]:
    """Per group, and for all groups together."""
    histograms: dict[object, Histogram] = defaultdict(Histogram)
    everything = Histogram()
    for group, days, n in _sums(queries.facts(LeadTime, scope), key, "days"):
        histograms[group].add(days, n)
        everything.add(days, n)
    return histograms, everything


def lead_time_by_domain(scope: Scope) -> Table:
    histograms, everything = _lead_time_histograms(scope, "domain_id")
    rows = [Row(label, histograms[pk].cells(scope), key=str(pk)) for pk, label in _domains()]
    rows.append(Row(_("All questions"), everything.cells(scope), key="total", is_total=True))
    return Table(
        [str(c) for c in PERCENTILE_COLUMNS],
        rows,
        Unit.DAYS,
        row_header=_("Life domain"),
        column_keys=PERCENTILE_KEYS,
        column_units=PERCENTILE_UNITS,
        chart="bar",
        suppress_whole_rows=True,
    )


def lead_time_trend(scope: Scope) -> Table:
    histograms, _everything = _lead_time_histograms(scope, "month")
    per_month = [histograms[m].cells(scope) for m in scope.months]
    columns, keys = month_columns(scope, total=False)
    rows = [
        Row(str(PERCENTILE_COLUMNS[i]), [cells[i] for cells in per_month], key=PERCENTILE_KEYS[i])
        for i in range(3)
    ]
    return Table(columns, rows, Unit.DAYS, row_header=_("Measure"), column_keys=keys)


# Whole months between the month a question was opened and the period's last month.
AGE_BANDS = [(0, 0), (1, 2), (3, 5), (6, 11), (12, None)]


def _months_apart(later: dt.date, earlier: dt.date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def open_question_age(scope: Scope) -> Table:
    last = month_start(scope.end)
    still_open = queries.facts_until(QuestionSpan, scope).filter(
        Q(closed_month__isnull=True) | Q(closed_month__gt=last)
    )
    counts = [Tally()] * len(AGE_BANDS)
    for opened, n in _sums(still_open, "month"):
        age = _months_apart(last, opened)
        for i, (low, high) in enumerate(AGE_BANDS):
            if age >= low and (high is None or age <= high):
                counts[i] += n
    groups = []
    for low, high in AGE_BANDS:
        if high == 0:
            label = _("opened in the last month")
        elif high is not None:
            label = _("%(low)s–%(high)s months earlier") % {"low": low, "high": high}
        else:
            label = _("%(months)s months or more earlier") % {"months": low}
        groups.append((f"{low}-{'' if high is None else high}", label))
    return _category_count_table(
        scope,
        {g[0]: n for g, n in zip(groups, counts, strict=True)},
        groups,
        _("Opened"),
        _("Open questions"),
    )


# --- 3 waiting list ----------------------------------------------------------------------------


def _counts_at_month_ends(scope: Scope, statuses: frozenset[str]) -> dict[int, list[Tally]]:
    """Per team: how many dossiers had one of `statuses` on each month end.

    A status span counts on a month end if it started by then and had not ended by then: the
    spans started up to that month minus those ended up to it (a span that starts and ends on
    the same day is in neither). Its cell key is the key sum of the spans started minus those
    ended: the sum of the keys of the dossiers in the stock."""
    flows = (
        queries.facts_until(StatusFlow, scope)
        .filter(status__in=statuses)
        .values_list("team_id", "month")
        .annotate(
            started_n=Sum("started"),
            ended_n=Sum("ended"),
            started_key=Sum("started_ck"),
            ended_key=Sum("ended_ck"),
        )
        .order_by()
    )
    change: dict[int, dict[dt.date, Tally]] = defaultdict(lambda: defaultdict(Tally))
    for team_id, month, started, ended, started_ck, ended_ck in flows:
        change[team_id][month] += Tally(started, int(started_ck) % P) - Tally(
            ended, int(ended_ck) % P
        )
    counts: dict[int, list[Tally]] = {}
    for team_id, per_month in change.items():
        stock = tally_total(n for month, n in per_month.items() if month < scope.start)
        counts[team_id] = []
        for month in scope.months:
            stock += per_month.get(month, Tally())
            counts[team_id].append(stock)
    return counts


def waiting_list(scope: Scope) -> Table:
    return _monthly_grid_table(
        scope, _counts_at_month_ends(scope, WAITING), _teams(scope), _("Team"), total_column=False
    )


def waiting_time(scope: Scope) -> Table:
    everything = Histogram()
    histograms: dict[dt.date, Histogram] = defaultdict(Histogram)
    for month, days, n in _sums(queries.facts(FirstCare, scope), "month", "days"):
        histograms[month].add(max(days, 0), n)
        everything.add(max(days, 0), n)
    per_month = [histograms[m].cells(scope) for m in scope.months]
    columns, keys = month_columns(scope, total=False)
    rows = [
        Row(str(PERCENTILE_COLUMNS[i]), [cells[i] for cells in per_month], key=PERCENTILE_KEYS[i])
        for i in range(3)
    ]
    table = Table(columns, rows, Unit.DAYS, row_header=_("Measure"), column_keys=keys)
    overall = _protected(scope, everything.cells(scope), PERCENTILE_UNITS)
    table.note = _(
        "Over the whole period: median %(p50)s, 90th percentile %(p90)s days (%(n)s intakes)."
    ) % {"p50": overall[0].display, "p90": overall[2].display, "n": overall[3].display}
    return table


# --- 4 core tasks ------------------------------------------------------------------------------


def _outreach_key() -> Sum:
    """The key sum of outreach activities, read from the registration (they have no facts)."""
    column = f'"{OutreachActivity._meta.db_table}"."id"'
    return Sum(RawSQL(key_sql(column, "outreach"), ()), output_field=BigIntegerField())


def core_tasks(scope: Scope) -> Table:
    rows_qs = (
        queries.facts(ContactTime, scope)
        .values_list("core_task")
        .annotate(minutes=Sum("minutes"), count=Sum("n"), key_sum=Sum("ck"))
        .order_by()
    )
    hours = {task: (float(m or 0) / 60, Tally(n, int(ck) % P)) for task, m, n, ck in rows_qs}
    outreach = queries.outreach(scope).aggregate(
        hours=Sum("hours"), n=Count("pk"), ck=_outreach_key()
    )
    h, t = hours.get(CoreTask.OUTREACH, (0.0, Tally()))
    hours[CoreTask.OUTREACH] = (
        h + float(outreach["hours"] or Decimal(0)),
        t + Tally(outreach["n"] or 0, int(outreach["ck"] or 0) % P),
    )
    everything = tally_total(t for _h, t in hours.values())
    total_hours = scaled(sum(h for h, _t in hours.values()), everything, scope)
    rows = []
    for task, label in CoreTask.choices:
        h, t = hours.get(task, (0.0, Tally()))
        h, n = scaled(h, t, scope), published(t, scope)
        share = round(100 * h / total_hours, 1) if total_hours else None
        rows.append(
            Row(
                str(label),
                [
                    Cell(round(h, 1), basis=n, perturbed=scope.suppress),
                    Cell(share, basis=n, perturbed=scope.suppress),
                ],
                key=task,
            )
        )
    total_n = published(everything, scope)
    rows.append(
        Row(
            _("Total"),
            [
                Cell(round(total_hours, 1), basis=total_n, perturbed=scope.suppress),
                Cell(100.0 if total_hours else None, basis=total_n),
            ],
            key="total",
            is_total=True,
        )
    )
    return Table(
        [_("Hours"), _("Share (%)")],
        rows,
        Unit.HOURS,
        row_header=_("Core task"),
        column_keys=["hours", "share"],
        column_units=[Unit.HOURS, Unit.PERCENT],
        chart="bar",
        suppress_whole_rows=True,
    )


def outreach_hours(scope: Scope) -> Table:
    """Hours of outreach per month: outreach activities plus contacts with core task outreach."""
    index = _month_index(scope)
    hours = [0.0] * len(index)
    records = [Tally()] * len(index)
    activities = [
        (month_start(day), amount, n, ck)
        for day, amount, n, ck in (
            queries.outreach(scope)
            .values_list("date")
            .annotate(amount=Sum("hours"), n=Count("pk"), ck=_outreach_key())
            .order_by()
        )
    ]
    contacts = (
        queries.facts(ContactTime, scope)
        .filter(core_task=CoreTask.OUTREACH)
        .values_list("month")
        .annotate(amount=Sum("minutes"), count=Sum("n"), key_sum=Sum("ck"))
        .order_by()
    )
    for source, per_hour in ((activities, 1), (contacts, 60)):
        for month, amount, n, ck in source:
            i = index.get(month)
            if i is not None:
                hours[i] += float(amount or 0) / per_hour
                records[i] += Tally(n, int(ck or 0) % P)
    columns, keys = month_columns(scope)

    def cell(amount: float, tally: Tally) -> Cell:
        return Cell(
            round(scaled(amount, tally, scope), 1),
            basis=published(tally, scope),
            perturbed=scope.suppress,
        )

    cells = [cell(h, t) for h, t in zip(hours, records, strict=True)]
    cells.append(cell(sum(hours), tally_total(records)))
    rows = [Row(_("Outreach hours"), cells, key="hours")]
    return Table(
        columns, rows, Unit.HOURS, row_header=_("Measure"), column_keys=keys, total_column=True
    )


# --- 5 way of working --------------------------------------------------------------------------


def short_contacts_by_location(scope: Scope) -> Table:
    rows_qs = _sums(queries.facts(ShortContactDay, scope), "location_id", "channel", "part_of_day")
    parts = list(PartOfDay.values)
    grid: dict[str, list[Tally]] = defaultdict(lambda: [Tally()] * len(parts))
    for location_id, channel, part, n in rows_qs:
        key = f"location-{location_id}" if location_id else f"channel-{channel}"
        grid[key][parts.index(part)] += n
    locations = Location.objects.filter(municipality_id__in=scope.municipality_ids)
    if scope.location is not None:
        locations = locations.filter(pk=scope.location.pk)
    groups = [(f"location-{loc.pk}", loc.name) for loc in locations]
    groups += [
        (f"channel-{c}", str(label))
        for c, label in Channel.choices
        if c != Channel.WALK_IN and f"channel-{c}" in grid
    ]
    table = _grid_table(
        scope,
        grid,
        groups,
        _("Walk-in location or channel"),
        [str(label) for label in PartOfDay.labels],
        parts,
        total_column=True,
    )
    table.chart, table.bar_column = "bar", len(parts)
    return table


def _hours_held(start: dt.date, end: dt.date, weekday: int) -> int:
    """How many times a weekly consultation hour on `weekday` falls in [start, end]."""
    if end < start:
        return 0
    first = start + dt.timedelta(days=(weekday - start.weekday()) % 7)
    return 0 if first > end else (end - first).days // 7 + 1


def visits_per_consultation_hour(scope: Scope) -> Table:
    """Walk-in visits that fell in a consultation hour (its weekday and part of day, while it was
    valid), per consultation hour held. Visits outside the hours are not counted."""
    hours = list(queries.consultation_hours(scope))
    held: dict[int, int] = defaultdict(int)
    for hour in hours:
        start = max(hour.valid_from, scope.start)
        end = min(hour.valid_until or scope.end, scope.end)
        held[hour.location_id] += _hours_held(start, end, hour.weekday)
    visits: dict[int, Tally] = defaultdict(Tally)
    walk_ins = queries.facts(ShortContactDay, scope).filter(
        location__isnull=False, channel=Channel.WALK_IN
    )
    valid: dict[tuple[int, int, str], list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for hour in hours:
        valid[(hour.location_id, hour.weekday, hour.part_of_day)].append(
            (hour.valid_from, hour.valid_until)
        )
    for location_id, day, part, n in _sums(walk_ins, "location_id", "day", "part_of_day"):
        if any(
            start <= day and (until is None or day <= until)
            for start, until in valid.get((location_id, day.weekday(), part), ())
        ):
            visits[location_id] += n
    hidden: set[str] = set()
    if scope.suppress:
        # Beside the short contacts per location, a visit count must not give away a location
        # total that table suppresses.
        shown = suppress_table(short_contacts_by_location(scope))
        hidden = {r.key for r in shown.rows if r.cells[-1].suppressed}
    rows = []
    for loc in Location.objects.filter(pk__in=set(held) | set(visits)).order_by("name"):
        count, h = count_cell(visits.get(loc.pk, Tally()), scope), held.get(loc.pk, 0)
        n = int(count.value or 0)
        row = Row(
            loc.name,
            [
                Cell(round(n / h, 1) if h else None, basis=n, perturbed=scope.suppress),
                count,
                Cell(h),
            ],
            key=str(loc.pk),
        )
        if f"location-{loc.pk}" in hidden:
            row.cells[0].suppressed = row.cells[1].suppressed = True
        rows.append(row)
    return Table(
        [
            _("Visits per consultation hour"),
            _("Walk-in visits in the hours"),
            _("Consultation hours held"),
        ],
        rows,
        Unit.RATIO,
        row_header=_("Walk-in location"),
        column_keys=["per_hour", "visits", "held"],
        column_units=[Unit.RATIO, Unit.COUNT, Unit.RATIO],
        chart="bar",
        suppress_whole_rows=True,
    )


def _closures(scope: Scope, subsets: dict[str, Q]) -> list[Tally]:
    """The dossiers closed in the scope, and those of each subset, as tallies."""
    sums = {"count": Sum("n"), "count_key": Sum("ck")}
    for name, condition in subsets.items():
        sums[f"part_{name}"] = Sum("n", filter=condition)
        sums[f"part_{name}_key"] = Sum("ck", filter=condition)
    closed = queries.facts(Closure, scope).aggregate(**sums)
    return [
        Tally(int(closed["count"] or 0), int(closed["count_key"] or 0) % P),
        *(
            Tally(int(closed[f"part_{name}"] or 0), int(closed[f"part_{name}_key"] or 0) % P)
            for name in subsets
        ),
    ]


def _share_and_count(part: Tally, whole: Tally, scope: Scope) -> list[Cell]:
    """A share (of published counts) beside its published count."""
    count = count_cell(part, scope)
    share = share_cell(int(count.value or 0), published(whole, scope))
    share.perturbed = scope.suppress
    return [share, count]


def integral_work(scope: Scope) -> Table:
    """Dossiers closed in the period: how many had questions on several life domains, and how
    many professionals of several specialisms in their contacts (by their membership of the
    dossier's team on the contact's date)."""
    n, several_domains, several_disciplines = _closures(
        scope, {"domains": Q(several_domains=True), "disciplines": Q(several_disciplines=True)}
    )
    rows = [
        Row(_("Several life domains"), _share_and_count(several_domains, n, scope), key="domains"),
        Row(
            _("Several disciplines"),
            _share_and_count(several_disciplines, n, scope),
            key="disciplines",
        ),
        # Not a sum of the rows above (a dossier can be in both): no total for suppression.
        Row(_("Dossiers closed in the period"), [Cell(None), count_cell(n, scope)], key="total"),
    ]
    return Table(
        [_("Share (%)"), _("Dossiers")],
        rows,
        Unit.PERCENT,
        row_header=_("Measure"),
        column_keys=["share", "count"],
        column_units=[Unit.PERCENT, Unit.COUNT],
        chart="bar",
        suppress_whole_rows=True,
    )


def proactive_share(scope: Scope) -> Table:
    counts = _sums(queries.facts(DossierInflow, scope), "referrer__kind", "month")
    table = _monthly_count_table(scope, counts, list(ReferrerKind.choices), _("Started by"))
    months = set(scope.months)
    kinds: dict[str, Tally] = defaultdict(Tally)
    for kind, month, n in counts:
        if month in months:
            kinds[kind] += n
    proactive = kinds[ReferrerKind.SIGNAL] + kinds[ReferrerKind.OUTREACH]
    everything = tally_total(kinds[k] for k, _l in ReferrerKind.choices)
    share = _protected(
        scope,
        [share_cell(published(proactive, scope), published(everything, scope))],
        [Unit.PERCENT],
    )[0]
    if scope.suppress:
        # The share must not give away a period total the table suppresses. (Suppressing here
        # and again in Indicator.compute gives the same cells.)
        suppress_table(table)
        if any(
            r.cells[-1].suppressed
            for r in table.rows
            if r.key in (ReferrerKind.SIGNAL, ReferrerKind.OUTREACH, "total")
        ):
            share.suppressed = share.derived = True
    table.note = _("Started proactively (early signal or outreach) in the period: %(share)s.") % {
        "share": share.display if share.suppressed else f"{share.display}%"
    }
    return table


def by_neighbourhood(scope: Scope) -> Table:
    dossiers = dict(_sums(queries.facts(DossierInflow, scope), "neighbourhood_id"))
    # Short contacts by phone, e-mail or elsewhere have no location and so no neighbourhood.
    contacts = dict(
        _sums(
            queries.facts(ShortContactDay, scope).filter(location__isnull=False), "neighbourhood_id"
        )
    )
    hoods = Neighbourhood.objects.filter(municipality_id__in=scope.municipality_ids)
    if scope.neighbourhood is not None:
        hoods = hoods.filter(pk=scope.neighbourhood.pk)
    keys: list[tuple[object, str, str]] = [
        (h.pk, f"{h.name} ({h.cbs_code})", h.cbs_code) for h in hoods
    ]
    keys.append((None, _("Unknown neighbourhood"), "unknown"))
    rows = [
        Row(
            label,
            [
                count_cell(dossiers.get(pk, Tally()), scope),
                count_cell(contacts.get(pk, Tally()), scope),
            ],
            key=key,
        )
        for pk, label, key in keys
    ]
    rows.append(
        Row(
            _("Total"),
            [
                count_cell(tally_total(dossiers.get(pk, Tally()) for pk, _l, _k in keys), scope),
                count_cell(tally_total(contacts.get(pk, Tally()) for pk, _l, _k in keys), scope),
            ],
            key="total",
            is_total=True,
        )
    )
    return Table(
        [_("New dossiers"), _("Short contacts")],
        rows,
        Unit.COUNT,
        row_header=_("Neighbourhood"),
        column_keys=["dossiers", "short_contacts"],
        chart="bar",
    )


# --- 6 self-reliance ---------------------------------------------------------------------------


def zrm_change(scope: Scope) -> Table:
    """Per ZRM domain: evaluation and closure scores dated in the period, each against the
    dossier's first intake score; the mean of both and the share that improved."""
    sums = {
        row[0]: row[1:]
        for row in (
            queries.facts(ZrmChange, scope)
            .values_list("domain_id")
            .annotate(
                count=Sum("n"),
                key_sum=Sum("ck"),
                intake=Sum("intake_total"),
                later=Sum("later_total"),
                improved_n=Sum("improved"),
                improved_key=Sum("improved_ck"),
            )
            .order_by()
        )
    }
    rows = []
    for domain in LifeDomain.objects.filter(in_zrm=True).order_by("order", "name"):
        n, ck, intake, later, improved, improved_ck = sums.get(domain.pk, (0, 0, 0, 0, 0, 0))
        scores = Tally(n, int(ck) % P)
        # The means are exact (not additive, so not open to differencing); their basis and
        # the share improved come from the perturbed counts.
        basis = published(scores, scope)
        means: list[float | None] = [None, None, None]  # change, at intake, later
        if n:
            before, after = intake / n, later / n
            means = [round(after - before, 2), round(before, 2), round(after, 2)]
        rows.append(
            Row(
                domain.name,
                [
                    *(Cell(mean, basis=basis) for mean in means),
                    *_share_and_count(Tally(improved, int(improved_ck) % P), scores, scope)[:1],
                    count_cell(scores, scope),
                ],
                key=domain.code,
            )
        )
    return Table(
        [
            _("Mean change"),
            _("Mean at intake"),
            _("Mean later"),
            _("Improved (%)"),
            _("Assessments"),
        ],
        rows,
        Unit.SCORE,
        row_header=_("ZRM domain"),
        column_keys=["change", "intake", "later", "improved", "n"],
        column_units=[Unit.SCORE, Unit.SCORE, Unit.SCORE, Unit.PERCENT, Unit.COUNT],
        chart="bar",
        suppress_whole_rows=True,
    )


# --- 7 social infrastructure -------------------------------------------------------------------

NETWORK_FACTS = [
    ("network_mapped", gettext_lazy("Social network mapped")),
    ("carer_involved", gettext_lazy("Informal carer involved")),
    ("volunteer_deployed", gettext_lazy("Volunteer deployed")),
    ("resident_contact", gettext_lazy("Contact with other residents")),
]


def social_network(scope: Scope) -> Table:
    n, *parts = _closures(scope, {field: Q(**{field: True}) for field, _l in NETWORK_FACTS})
    rows = [
        Row(str(label), _share_and_count(part, n, scope), key=field)
        for (field, label), part in zip(NETWORK_FACTS, parts, strict=True)
    ]
    # Not a sum of the rows above (a dossier can have several facts): no total row.
    rows.append(
        Row(_("Dossiers closed in the period"), [Cell(None), count_cell(n, scope)], key="total")
    )
    return Table(
        [_("Share (%)"), _("Dossiers")],
        rows,
        Unit.PERCENT,
        row_header=_("Measure"),
        column_keys=["share", "count"],
        column_units=[Unit.PERCENT, Unit.COUNT],
        chart="bar",
        suppress_whole_rows=True,
    )


# --- 8 / 9 outcomes and heavier care -----------------------------------------------------------


def _quarters(scope: Scope) -> list[dt.date]:
    return sorted({m.replace(month=(m.month - 1) // 3 * 3 + 1) for m in scope.months})


def _quarter_label(quarter: dt.date) -> str:
    return f"K{(quarter.month - 1) // 3 + 1} {quarter.year}"


def outcomes(scope: Scope) -> Table:
    """Closed questions per outcome kind per quarter, as counts."""
    rows_qs = _sums(queries.facts(QuestionOutcome, scope), "outcome_kind", "month")
    quarters = _quarters(scope)
    grid: dict[str, list[Tally]] = {kind: [Tally()] * len(quarters) for kind in OutcomeKind.values}
    for kind, month, n in rows_qs:
        quarter = month.replace(month=(month.month - 1) // 3 * 3 + 1)
        grid[kind][quarters.index(quarter)] += n
    table = _grid_table(
        scope,
        grid,
        list(OutcomeKind.choices),
        _("Outcome"),
        [_quarter_label(q) for q in quarters],
        [f"{q.year}-Q{(q.month - 1) // 3 + 1}" for q in quarters],
        total_column=True,
    )
    table.chart = "stacked"
    return table


def provision_shares(scope: Scope) -> Table:
    """Of the questions closed per quarter, the share to general provisions, to customised
    provisions and handed over to specialist care."""
    counts = outcomes(scope)
    if scope.suppress:
        # A share shown beside the outcome counts must not give a suppressed count away.
        suppress_table(counts)
    total = next(r for r in counts.rows if r.is_total)
    rows = []
    for kind in (
        OutcomeKind.GENERAL_PROVISION,
        OutcomeKind.CUSTOMISED_PROVISION,
        OutcomeKind.SPECIALIST_HANDOVER,
    ):
        source = next(r for r in counts.rows if r.key == kind)
        cells = []
        for c, t in zip(source.cells[:-1], total.cells[:-1], strict=True):
            cell = share_cell(int(c.value or 0), int(t.value or 0))
            cell.suppressed = c.suppressed or t.suppressed
            cells.append(cell)
        rows.append(Row(source.label, cells, key=kind))
    return Table(
        counts.columns[:-1],
        rows,
        Unit.PERCENT,
        row_header=_("Outcome"),
        column_keys=counts.column_keys[:-1],
    )


def heavier_care(scope: Scope) -> Table:
    counts = _sums(
        queries.facts(ReferralFlow, scope).filter(
            provision_kind__in=[ProvisionKind.CUSTOMISED, ProvisionKind.SPECIALIST]
        ),
        "provision_kind",
        "month",
    )
    groups = [
        (ProvisionKind.CUSTOMISED.value, str(ProvisionKind.CUSTOMISED.label)),
        (ProvisionKind.SPECIALIST.value, str(ProvisionKind.SPECIALIST.label)),
    ]
    return _monthly_count_table(scope, counts, groups, _("Referred to"))


# --- 10 formation ------------------------------------------------------------------------------


def _fte_on(
    members: list[tuple[int, Decimal, dt.date, dt.date | None]], team_id: int | None, day: dt.date
) -> float:
    return float(
        sum(
            (
                fte
                for t, fte, start, end in members
                if (team_id is None or t == team_id)
                and start <= day
                and (end is None or end >= day)
            ),
            Decimal(0),
        )
    )


def formation(scope: Scope) -> Table:
    """At each month end: fte in the team(s), dossiers in care and waiting, and both per fte."""
    if scope.neighbourhood is not None:
        # Teams are not staffed per neighbourhood: a per-fte figure for part of a team's work
        # would divide by the whole team.
        columns, keys = month_columns(scope, total=False)
        return Table(
            columns,
            [],
            Unit.RATIO,
            row_header=_("Measure"),
            column_keys=keys,
            note=_("Not available for one neighbourhood: the formation is per team."),
        )
    members = list(
        queries.memberships(scope).values_list("team_id", "fte", "start_date", "end_date")
    )
    ends = scope.month_ends()
    fte = [_fte_on(members, None, d) for d in ends]
    in_care = [
        published(tally_total(col), scope)
        for col in zip(*_counts_at_month_ends(scope, IN_CARE).values(), strict=True)
    ] or [0] * len(ends)
    waiting = [
        published(tally_total(col), scope)
        for col in zip(*_counts_at_month_ends(scope, WAITING).values(), strict=True)
    ] or [0] * len(ends)
    columns, keys = month_columns(scope, total=False)
    rows = [
        Row(
            _("Dossiers in care per fte"),
            [
                Cell(round(c / f, 1) if f else None, basis=c, perturbed=scope.suppress)
                for c, f in zip(in_care, fte, strict=True)
            ],
            key="caseload_per_fte",
        ),
        Row(
            _("Waiting per fte"),
            [
                Cell(round(w / f, 2) if f else None, basis=w, perturbed=scope.suppress)
                for w, f in zip(waiting, fte, strict=True)
            ],
            key="waiting_per_fte",
        ),
        # Fte is about staff, not clients: never suppressed (basis None).
        Row(_("Fte"), [Cell(round(f, 2)) for f in fte], key="fte"),
    ]
    return Table(columns, rows, Unit.RATIO, row_header=_("Measure"), column_keys=keys)


# --- the set -----------------------------------------------------------------------------------


def _i(
    code: str,
    question: int,
    name: Promise,
    definition: Promise,
    unit: Unit,
    compute: Callable[[Scope], Table],
    uses_location: bool = False,
) -> Indicator:
    return Indicator(code, question, name, definition, unit, compute, uses_location)


INDICATORS: list[Indicator] = [
    _i(
        "new_dossiers",
        1,
        gettext_lazy("New dossiers per month"),
        gettext_lazy(
            "Dossiers by registration date, per team. A dossier is one client or household in one "
            "period of help."
        ),
        Unit.COUNT,
        new_dossiers,
    ),
    _i(
        "new_dossiers_by_referrer",
        1,
        gettext_lazy("New dossiers by referrer"),
        gettext_lazy("Dossiers registered in the period, by who referred the client."),
        Unit.COUNT,
        new_dossiers_by_referrer,
    ),
    _i(
        "new_dossiers_by_complexity",
        1,
        gettext_lazy("New dossiers by complexity"),
        gettext_lazy("Dossiers registered in the period, by the complexity the team recorded."),
        Unit.COUNT,
        new_dossiers_by_complexity,
    ),
    _i(
        "new_questions",
        1,
        gettext_lazy("New questions per month"),
        gettext_lazy(
            "Questions by opening date, per life domain. One dossier can hold several questions."
        ),
        Unit.COUNT,
        new_questions,
    ),
    _i(
        "new_questions_by_domain",
        1,
        gettext_lazy("New questions by life domain"),
        gettext_lazy("Questions opened in the period, by life domain."),
        Unit.COUNT,
        new_questions_by_domain,
    ),
    _i(
        "lead_time",
        2,
        gettext_lazy("Lead time per question"),
        gettext_lazy(
            "Days from opening to closing, for questions closed in the period: the median (half "
            "took longer), the 75th and the 90th percentile, computed like PERCENTILE.INC in a "
            "spreadsheet."
        ),
        Unit.DAYS,
        lead_time_by_domain,
    ),
    _i(
        "lead_time_trend",
        2,
        gettext_lazy("Lead time over time"),
        gettext_lazy("The same lead time per month in which the questions were closed."),
        Unit.DAYS,
        lead_time_trend,
    ),
    _i(
        "open_question_age",
        2,
        gettext_lazy("Age of open questions"),
        gettext_lazy(
            "Questions still open on the last day of the period, by how many months before the "
            "period's last month they were opened."
        ),
        Unit.COUNT,
        open_question_age,
    ),
    _i(
        "waiting_list",
        3,
        gettext_lazy("Waiting list at the end of each month"),
        gettext_lazy(
            "Dossiers that on the last day of the month were registered or on the waiting list "
            "and had not yet had their intake, according to the dated status history."
        ),
        Unit.COUNT,
        waiting_list,
    ),
    _i(
        "waiting_time",
        3,
        gettext_lazy("Waiting time until intake"),
        gettext_lazy(
            "Days from registration to the first day of intake (or later help), for dossiers "
            "whose intake fell in the month."
        ),
        Unit.DAYS,
        waiting_time,
    ),
    _i(
        "core_tasks",
        4,
        gettext_lazy("Time per core task"),
        gettext_lazy(
            "Contact time registered in the period by core task, plus the hours of outreach and "
            "prevention work not tied to a dossier."
        ),
        Unit.HOURS,
        core_tasks,
    ),
    _i(
        "outreach_hours",
        4,
        gettext_lazy("Outreach hours per month"),
        gettext_lazy(
            "Hours of outreach and prevention work per month: activities not tied to a dossier "
            "plus contacts registered with the core task outreach."
        ),
        Unit.HOURS,
        outreach_hours,
    ),
    _i(
        "short_contacts",
        5,
        gettext_lazy("Short contacts per location and part of day"),
        gettext_lazy(
            "Anonymous short contacts in the period, by walk-in location (or channel) and part of "
            "day."
        ),
        Unit.COUNT,
        short_contacts_by_location,
        uses_location=True,
    ),
    _i(
        "visits_per_hour",
        5,
        gettext_lazy("Visits per consultation hour held"),
        gettext_lazy(
            "Walk-in short contacts during a consultation hour of the location (its weekday and "
            "part of day) divided by the number of consultation hours it held in the period."
        ),
        Unit.RATIO,
        visits_per_consultation_hour,
        uses_location=True,
    ),
    _i(
        "integral_work",
        5,
        gettext_lazy("Integral work"),
        gettext_lazy(
            "Of the dossiers closed in the period: the share whose questions covered more than one "
            "life domain, and the share in whose contacts professionals of more than one "
            "specialism took part."
        ),
        Unit.PERCENT,
        integral_work,
    ),
    _i(
        "proactive",
        5,
        gettext_lazy("How dossiers start"),
        gettext_lazy(
            "New dossiers per month by the kind of referrer: self, a partner, an early signal or "
            "the team's own outreach. The last two are the proactive start."
        ),
        Unit.COUNT,
        proactive_share,
    ),
    _i(
        "by_neighbourhood",
        5,
        gettext_lazy("Per neighbourhood"),
        gettext_lazy(
            "New dossiers by the client's neighbourhood and short contacts by the neighbourhood of "
            "the walk-in location, with CBS codes."
        ),
        Unit.COUNT,
        by_neighbourhood,
        uses_location=True,
    ),
    _i(
        "survey_walk_in_points",
        5,
        gettext_lazy("Experience per walk-in point (survey)"),
        gettext_lazy(
            "Per walk-in location: the short contacts registered there in the period, beside how "
            "residents who answered the client-experience survey in the period rated talking "
            "there: the shares (strongly) agreeing, neutral and (strongly) disagreeing that it "
            "was pleasant, of the valid ratings (don't know left out)."
        ),
        Unit.PERCENT,
        survey_results.walk_in_points,
        uses_location=True,
    ),
    _i(
        "zrm_change",
        6,
        gettext_lazy("Change in self-reliance (ZRM)"),
        gettext_lazy(
            "Every evaluation and closure scored in the period, per domain against the dossier's "
            "first intake score on that domain: the mean of both, their difference and the share "
            "that improved. Scores run from 1 (acute) to 5 (fully self-reliant)."
        ),
        Unit.SCORE,
        zrm_change,
    ),
    _i(
        "survey_statements",
        6,
        gettext_lazy("Survey: statements"),
        gettext_lazy(
            "The statements of the client-experience survey (CEO Wmo and the effect study), for "
            "the answers submitted in the period: the shares (strongly) agreeing, neutral and "
            "(strongly) disagreeing of the valid answers, their number, and beside them how many "
            "answered don't know. Answers to the same statement add up over surveys and versions."
        ),
        Unit.PERCENT,
        survey_results.statements,
    ),
    _i(
        "survey_marks",
        6,
        gettext_lazy("Survey: marks"),
        gettext_lazy(
            "The marks from 1 to 10 residents gave in the client-experience survey in the period: "
            "the mean, the share of 6 or higher and their number."
        ),
        Unit.SCORE,
        survey_results.marks,
    ),
    _i(
        "survey_choices",
        6,
        gettext_lazy("Survey: choice questions"),
        gettext_lazy(
            "Per answer of a choice question of the client-experience survey in the period: how "
            "many respondents chose it and their share of those who answered the question."
        ),
        Unit.PERCENT,
        survey_results.choices,
    ),
    _i(
        "survey_response",
        6,
        gettext_lazy("Survey: response per team"),
        gettext_lazy(
            "Residents invited to the client-experience survey in the period, per team: how many "
            "answered (online, on paper or through a survey bureau) and the response rate."
        ),
        Unit.PERCENT,
        survey_results.response_by_team,
    ),
    _i(
        "survey_response_by_age",
        6,
        gettext_lazy("Survey: response per age band"),
        gettext_lazy("The same per age band on the day of invitation, to see who does not answer."),
        Unit.PERCENT,
        survey_results.response_by_age,
    ),
    _i(
        "social_network",
        7,
        gettext_lazy("Social network"),
        gettext_lazy(
            "Of the dossiers closed in the period: the share in which the social network was "
            "mapped, an informal carer involved, a volunteer deployed, contact made with other "
            "residents."
        ),
        Unit.PERCENT,
        social_network,
    ),
    _i(
        "matching_listings",
        7,
        gettext_lazy("Voor elkaar: requests and offers"),
        gettext_lazy(
            "Requests for help and offers of help published on the Voor elkaar pages, by the "
            "month they went online (after moderation). For the municipality or a "
            "neighbourhood, not per team."
        ),
        Unit.COUNT,
        matching_results.listings,
    ),
    _i(
        "matching_connections",
        7,
        gettext_lazy("Voor elkaar: connections and matches"),
        gettext_lazy(
            "Replies to a request or offer (connections) by the month they were made, and "
            "matches by the month the poster confirmed them."
        ),
        Unit.COUNT,
        matching_results.connections,
    ),
    _i(
        "carers_registered",
        7,
        gettext_lazy("Registered informal carers"),
        gettext_lazy(
            "Informal carers on the municipality's register on the last day of each month, all "
            "of them and per group: young carers (under 24), carers of 75 or older, carers of "
            "someone with dementia, carers of a partner and working carers, by their age and "
            "care on that day. For the municipality or a neighbourhood, not per team."
        ),
        Unit.COUNT,
        carer_results.registered,
    ),
    _i(
        "carers_flow",
        7,
        gettext_lazy("Informal carers: new and left"),
        gettext_lazy(
            "Informal carers registered (confirmed) in each month, and carers who left the "
            "register in each month."
        ),
        Unit.COUNT,
        carer_results.flow,
    ),
    _i(
        "carers_appreciation",
        7,
        gettext_lazy("Informal carers: uptake of the yearly appreciation"),
        gettext_lazy(
            "Per year whose application window falls in the period: applications for the "
            "informal-carer appreciation, those approved, the carers on the register on the "
            "window's last day, and the uptake: approved applications as a share of the "
            "registered carers."
        ),
        Unit.PERCENT,
        carer_results.appreciation,
    ),
    _i(
        "outcomes",
        8,
        gettext_lazy("Outcomes of questions"),
        gettext_lazy("Questions closed per quarter, by outcome."),
        Unit.COUNT,
        outcomes,
    ),
    _i(
        "provision_shares",
        8,
        gettext_lazy("General versus customised provisions"),
        gettext_lazy(
            "Of the questions closed per quarter: the share referred to a general provision, to a "
            "customised provision (via the SDD) and handed over warmly to specialist care."
        ),
        Unit.PERCENT,
        provision_shares,
    ),
    _i(
        "heavier_care",
        9,
        gettext_lazy("Referrals to heavier care"),
        gettext_lazy(
            "Referrals registered per month to a customised provision or to specialist care."
        ),
        Unit.COUNT,
        heavier_care,
    ),
    _i(
        "wmo_allocations_running",
        9,
        gettext_lazy("Running Wmo allocations by product category"),
        gettext_lazy(
            "All residents' Wmo allocations (customised provisions granted by the social "
            "service) running on the last day of each month, by iWmo product category; from the "
            "social service's deliveries. For the municipality or a neighbourhood, not per team."
        ),
        Unit.COUNT,
        provision_results.running,
    ),
    _i(
        "wmo_allocations_new",
        9,
        gettext_lazy("New Wmo allocations per month"),
        gettext_lazy(
            "All residents' Wmo allocations by the month they started, by iWmo product category; "
            "from the social service's deliveries. For the municipality or a neighbourhood, not "
            "per team."
        ),
        Unit.COUNT,
        provision_results.started,
    ),
    _i(
        "wmo_allocations_clients",
        9,
        gettext_lazy("Running Wmo allocations of the teams' clients"),
        gettext_lazy(
            "The Wmo allocations of residents registered in Vivera running on the last day of "
            "each month, by iWmo product category; per team by the teams of the client's "
            "dossiers."
        ),
        Unit.COUNT,
        provision_results.clients_running,
    ),
    _i(
        "wmo_allocations_after_dossier",
        9,
        gettext_lazy("Wmo allocation within 12 months after a dossier opened"),
        gettext_lazy(
            "Of the dossiers opened in the period: the share whose client got a Wmo allocation "
            "starting within 12 months after the dossier opened, and of those, the share the "
            "team had referred to a customised provision from that dossier on or before the "
            "allocation's start."
        ),
        Unit.PERCENT,
        provision_results.after_dossier,
    ),
    _i(
        "formation",
        10,
        gettext_lazy("Caseload and waiting list per fte"),
        gettext_lazy(
            "On the last day of each month: dossiers in intake, active or watching, and dossiers "
            "waiting, each divided by the fte of the team members on that day."
        ),
        Unit.RATIO,
        formation,
    ),
]

BY_CODE: dict[str, Indicator] = {i.code: i for i in INDICATORS}


def compute_all(scope: Scope, codes: Iterable[str] | None = None) -> list[tuple[Indicator, Table]]:
    chosen = [BY_CODE[c] for c in codes] if codes is not None else INDICATORS
    return [(indicator, indicator.compute(scope)) for indicator in chosen]
