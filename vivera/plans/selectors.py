"""Reading the overview: where every activity stands on a date, and how every target
progresses (docs/plans.md). The page, the PDF, the DOCX and `vivera policy_overview` all build
on `overview`, so they say the same."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vivera.accounts.access import municipality_id_of
from vivera.accounts.models import User
from vivera.core.formatting import number
from vivera.monitor.charts import render_svg
from vivera.monitor.tables import Cell, Row, Table, Unit

from . import figures
from .models import (
    Activity,
    ActivityStatus,
    Cluster,
    Direction,
    NoteState,
    Plan,
    StatusNote,
    Target,
)

REACHED, ON_TRACK, BEHIND, NO_DATA = "reached", "on_track", "behind", "no_data"
VERDICTS = {
    REACHED: gettext_lazy("Reached"),
    ON_TRACK: gettext_lazy("On track"),
    BEHIND: gettext_lazy("Behind"),
    NO_DATA: gettext_lazy("No measurement yet"),
}


def plans_for(user: User) -> QuerySet[Plan]:
    return Plan.objects.filter(municipality_id=municipality_id_of(user))


@dataclass
class Progress:
    target: Target
    points: list[tuple[dt.date, Decimal]]  # the baseline first, then what was measured
    source: str  # where the values come from, in words
    verdict: str = NO_DATA
    expected: Decimal | None = None  # where the line from baseline to target is at the latest

    @property
    def latest(self) -> tuple[dt.date, Decimal] | None:
        return self.points[-1] if len(self.points) > 1 else None

    @property
    def verdict_label(self) -> str:
        return str(VERDICTS[self.verdict])

    def chart(self) -> SafeString:
        return render_svg(self.table(), title=self.target.description, width=360, height=170)

    def table(self) -> Table:
        """The measured values and the line to the target, per year: a monitor table, so the
        chart is drawn like every other and its figures stand in a table beside it."""
        target = self.target
        years = list(range(target.baseline_year, target.target_date.year + 1))
        measured = {day.year: value for day, value in self.points}
        span = target.target_date.year - target.baseline_year
        line = [
            target.baseline_value
            + (target.target_value - target.baseline_value) * (year - target.baseline_year) / span
            for year in years
        ]
        unit = Unit.PERCENT if target.unit.strip() == "%" else Unit.RATIO
        return Table(
            [str(y) for y in years],
            [
                Row(
                    _("Measured"),
                    [Cell(float(measured[y]) if y in measured else None) for y in years],
                    key="measured",
                ),
                Row(
                    _("Path to the target"),
                    [Cell(round(float(v), 2)) for v in line],
                    key="path",
                ),
            ],
            unit,
            row_header=_("Year"),
            column_keys=[str(y) for y in years],
        )


def _verdict(progress: Progress) -> None:
    target = progress.target
    latest = progress.latest
    if latest is None:
        return
    day, value = latest
    start = dt.date(target.baseline_year, 12, 31)
    whole = (target.target_date - start).days or 1
    share = min(1.0, max(0.0, (day - start).days / whole))
    progress.expected = target.baseline_value + (
        target.target_value - target.baseline_value
    ) * Decimal(str(round(share, 4)))
    due = day >= target.target_date
    if target.direction == Direction.NOT_ABOVE:
        progress.verdict = BEHIND if value > target.target_value else (REACHED if due else ON_TRACK)
    elif target.direction == Direction.UP:
        if value >= target.target_value:
            progress.verdict = REACHED
        else:
            progress.verdict = ON_TRACK if not due and value >= progress.expected else BEHIND
    else:
        if value <= target.target_value:
            progress.verdict = REACHED
        else:
            progress.verdict = ON_TRACK if not due and value <= progress.expected else BEHIND


def progress(target: Target, day: dt.date) -> Progress:
    """The target's values known on `day`: Vivera's figure per whole or running year after the
    baseline year, or the measurements entered by hand up to that day."""
    points = [(dt.date(target.baseline_year, 12, 31), target.baseline_value)]
    if target.figure:
        figure = figures.FIGURES[target.figure]
        municipality = target.cluster.plan.municipality
        last_year = min(day.year, target.target_date.year)
        for year in range(target.baseline_year + 1, last_year + 1):
            value = figure.value(municipality, year, day)
            if value is not None:
                points.append((min(dt.date(year, 12, 31), day), value))
        source = _("Vivera: %(figure)s") % {"figure": figure.label}
    else:
        points += [
            (m.date, m.value) for m in target.measurements.filter(date__lte=day).order_by("date")
        ]
        sources = sorted({m.source for m in target.measurements.filter(date__lte=day)})
        source = "; ".join(sources) or _("measurements entered by hand")
    result = Progress(target, points, source)
    _verdict(result)
    return result


@dataclass
class ActivityState:
    activity: Activity
    note: StatusNote | None
    history: list[StatusNote]  # accepted, proposed and returned, oldest first, with its past

    @property
    def status(self) -> str:
        return self.note.status if self.note else ActivityStatus.PLANNED

    @property
    def status_label(self) -> str:
        return str(ActivityStatus(self.status).label)


@dataclass
class ClusterView:
    cluster: Cluster
    targets: list[Progress] = field(default_factory=list)
    activities: list[ActivityState] = field(default_factory=list)


@dataclass
class Overview:
    plan: Plan
    day: dt.date
    clusters: list[ClusterView]

    def counts(self) -> dict[str, int]:
        result = dict.fromkeys(ActivityStatus.values, 0)
        for cluster in self.clusters:
            for state in cluster.activities:
                result[state.status] += 1
        return result


def current_note(activity: Activity, day: dt.date) -> StatusNote | None:
    """The latest accepted note on or before `day`: where the activity stood then."""
    return (
        activity.notes.filter(state=NoteState.ACCEPTED, date__lte=day)
        .order_by("-date", "-written_at", "-pk")
        .first()
    )


def _history(activity: Activity, day: dt.date) -> list[StatusNote]:
    chain: list[StatusNote] = []
    current: Activity | None = activity
    while current is not None:
        chain = [
            *current.notes.filter(date__lte=day).select_related(
                "written_by", "partner", "decided_by"
            ),
            *chain,
        ]
        current = current.continues
    return chain


def overview(plan: Plan, day: dt.date | None = None, *, with_history: bool = False) -> Overview:
    day = day or timezone.localdate()
    clusters = []
    for cluster in plan.clusters.prefetch_related("targets", "activities__partners"):
        view = ClusterView(cluster)
        view.targets = [progress(t, day) for t in cluster.targets.all()]
        for activity in cluster.activities.all():
            view.activities.append(
                ActivityState(
                    activity,
                    current_note(activity, day),
                    _history(activity, day) if with_history else [],
                )
            )
        clusters.append(view)
    return Overview(plan, day, clusters)


def show(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "—"
    text = number(float(value), 0 if value == value.to_integral() else 1)
    return f"{text}{unit}" if unit.strip() == "%" else f"{text} {unit}".strip()


def proposals_for(user: User) -> QuerySet[StatusNote]:
    """Partners' proposals waiting for a policy advisor of the municipality."""
    return StatusNote.objects.filter(
        state=NoteState.PROPOSED,
        activity__cluster__plan__municipality_id=municipality_id_of(user),
    ).select_related("activity__cluster__plan", "partner", "written_by")


def activities_of_partner(user: User) -> QuerySet[Activity]:
    """The activities the partner user's organisation is responsible for."""
    return (
        Activity.objects.filter(
            partners__id=user.partner_id or 0,
            cluster__plan__municipality_id=municipality_id_of(user),
        )
        .select_related("cluster__plan")
        .order_by("-cluster__plan__start_date", "cluster__position", "position")
    )
