"""What a monitor figure is about: which municipalities, which period, optionally one team,
neighbourhood or walk-in location. Every indicator takes one Scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from vivera.organisation.models import Location, Municipality, Neighbourhood, Team


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first day of every month that overlaps [start, end]."""
    months = []
    current = month_start(start)
    while current <= end:
        months.append(current)
        current = month_end(current) + dt.timedelta(days=1)
    return months


def month_label(month: dt.date) -> str:
    return date_format(month, "M Y").lower()


def month_columns(scope: Scope, total: bool = True) -> tuple[list[str], list[str]]:
    """A table's columns per month of the scope (labels and stable keys), and with `total` a
    last column for the period's total."""
    labels = [month_label(m) for m in scope.months]
    keys = [m.strftime("%Y-%m") for m in scope.months]
    if total:
        labels.append(_("Total"))
        keys.append("total")
    return labels, keys


@dataclass(frozen=True)
class Scope:
    municipalities: tuple[Municipality, ...]
    start: dt.date  # the first day of a month
    end: dt.date  # inclusive: the last day of a month
    team: Team | None = None
    neighbourhood: Neighbourhood | None = None
    location: Location | None = None
    # Whether small counts are suppressed: True for everything shown to the municipality.
    suppress: bool = True
    teams: tuple[Team, ...] = field(default=())  # restrict to these teams (a coordinator's own)

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("The period ends before it starts.")
        # The monitor counts whole months (its facts are per month): a period is widened to
        # the first day of its first month and the last day of its last month.
        object.__setattr__(self, "start", month_start(self.start))
        object.__setattr__(self, "end", month_end(self.end))
        if not self.municipalities:
            raise ValueError("A scope needs at least one municipality.")

    @property
    def municipality_ids(self) -> list[int]:
        return [m.pk for m in self.municipalities]

    @property
    def team_ids(self) -> list[int] | None:
        """The teams the figures are restricted to, or None for all teams."""
        if self.team is not None:
            return [self.team.pk]
        if self.teams:
            return [t.pk for t in self.teams]
        return None

    @property
    def months(self) -> list[dt.date]:
        return months_between(self.start, self.end)

    def month_ends(self) -> list[dt.date]:
        """The last day of each month, capped at the end of the period."""
        return [min(month_end(m), self.end) for m in self.months]

    def describe(self) -> dict[str, str]:
        return {
            "municipalities": ", ".join(m.name for m in self.municipalities),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "team": self.team.name if self.team else "",
            "neighbourhood": self.neighbourhood.name if self.neighbourhood else "",
            "location": self.location.name if self.location else "",
        }
