"""The register's figures, as monitor indicators of question 7 (docs/carers.md, docs/monitor.md):
each takes the monitor's `Scope` and returns its `Table`, so the dashboard, the effect report,
the exports, the API and `vivera monitor` show them with the same perturbation and suppression
as every other figure. For the municipality or a neighbourhood (the carer's, by its postcode),
not per team: the register is the municipality's, not a team's.

Counting: a carer is on the register on a day when it was registered on or before it and had
not left before it (`selectors.registered_on_day`); its groups are those of that day
(`selectors.groups_of`: age, the care running then, work). New: registered in the month; left:
left in the month. Each carer counted has its cell key (`record_key` over its id, kind
`carer`), each application kind `carer_application`.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from vivera.monitor.cellkey import Tally, record_key
from vivera.monitor.cellkey import total as tally_total
from vivera.monitor.privacy import count_cell, published, share_cell
from vivera.monitor.scope import Scope, month_columns, month_end
from vivera.monitor.tables import Row, Table, Unit

from .models import Application, ApplicationStatus, Carer, CarerStatus, Group, Scheme
from .selectors import groups_of

KIND = "carer"
APPLICATION_KIND = "carer_application"


def _tally(ids: list[int], kind: str = KIND) -> Tally:
    return tally_total(Tally(1, record_key(pk, kind)) for pk in ids)


def _carers(scope: Scope) -> QuerySet[Carer]:
    qs = Carer.objects.filter(municipality_id__in=scope.municipality_ids).exclude(
        status=CarerStatus.PENDING
    )
    if scope.neighbourhood is not None:
        qs = qs.filter(neighbourhood=scope.neighbourhood)
    return qs


def _on_register(carer: Carer, day: dt.date) -> bool:
    return (
        carer.registered_on is not None
        and carer.registered_on <= day
        and (carer.left_on is None or carer.left_on > day)
    )


def _not_per_team(scope: Scope, header: str, *, total: bool) -> Table:
    columns, keys = month_columns(scope, total)
    return Table(
        columns,
        [],
        Unit.COUNT,
        row_header=header,
        column_keys=keys,
        total_column=total,
        note=_("Not available per team: the register of informal carers is the municipality's."),
    )


def registered(scope: Scope) -> Table:
    """Carers on the register on each month's last day (today in the current month), all of
    them and per group (a carer can be in several groups)."""
    header = _("Carers")
    if scope.team_ids is not None:
        return _not_per_team(scope, header, total=False)
    today = timezone.localdate()
    cutoffs = [min(month_end(m), today) for m in scope.months]
    carers = list(
        _carers(scope)
        .filter(registered_on__lte=scope.end)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=scope.start))
        .prefetch_related("relations")
    )
    every: list[list[int]] = [[] for _c in cutoffs]
    grouped: dict[str, list[list[int]]] = {g: [[] for _c in cutoffs] for g in Group.values}
    for carer in carers:
        relations = list(carer.relations.all())
        for i, day in enumerate(cutoffs):
            if _on_register(carer, day):
                every[i].append(carer.pk)
                for group in groups_of(carer, relations, day):
                    grouped[group][i].append(carer.pk)
    rows = [
        Row(
            _("All registered carers"),
            [count_cell(_tally(ids), scope) for ids in every],
            key="total",
        ),
        *(
            Row(str(label), [count_cell(_tally(ids), scope) for ids in grouped[code]], key=code)
            for code, label in Group.choices
        ),
    ]
    columns, keys = month_columns(scope, total=False)
    return Table(
        columns,
        rows,
        Unit.COUNT,
        row_header=header,
        column_keys=keys,
        note=_("A carer can be in more than one group; the groups do not add up to the total."),
    )


def flow(scope: Scope) -> Table:
    """Carers who joined (registered) and who left the register, per month."""
    header = _("Carers")
    if scope.team_ids is not None:
        return _not_per_team(scope, header, total=True)
    index = {(m.year, m.month): i for i, m in enumerate(scope.months)}
    joined: list[list[int]] = [[] for _m in scope.months]
    left: list[list[int]] = [[] for _m in scope.months]
    for pk, registered_on, left_on in _carers(scope).values_list("pk", "registered_on", "left_on"):
        for day, target in ((registered_on, joined), (left_on, left)):
            if day is not None and scope.start <= day <= scope.end:
                target[index[(day.year, day.month)]].append(pk)
    rows = []
    for key, label, months in (
        ("new", _("New on the register"), joined),
        ("left", _("Left the register"), left),
    ):
        tallies = [_tally(ids) for ids in months]
        rows.append(
            Row(
                label,
                [count_cell(t, scope) for t in [*tallies, tally_total(tallies)]],
                key=key,
            )
        )
    columns, keys = month_columns(scope)
    return Table(columns, rows, Unit.COUNT, row_header=header, column_keys=keys, total_column=True)


def appreciation(scope: Scope) -> Table:
    """Per scheme whose application window falls in the period: applications received,
    approved, the carers on the register on the window's last day, and the uptake: approved
    of registered."""
    header = _("Year")
    columns = [
        _("Applications"),
        _("Approved"),
        _("Registered carers"),
        _("Uptake (%)"),
    ]
    keys = ["applications", "approved", "registered", "uptake"]
    units = [Unit.COUNT, Unit.COUNT, Unit.COUNT, Unit.PERCENT]
    if scope.team_ids is not None:
        return Table(
            columns,
            [],
            Unit.PERCENT,
            row_header=header,
            column_keys=keys,
            column_units=units,
            chart="",
            note=_(
                "Not available per team: the register of informal carers is the municipality's."
            ),
        )
    schemes = Scheme.objects.filter(
        municipality_id__in=scope.municipality_ids,
        closes_on__gte=scope.start,
        opens_on__lte=scope.end,
    ).order_by("year")
    carers = list(_carers(scope))
    rows = []
    for year in sorted({s.year for s in schemes}):
        of_year = [s for s in schemes if s.year == year]
        applications = Application.objects.filter(scheme__in=of_year)
        if scope.neighbourhood is not None:
            applications = applications.filter(carer__neighbourhood=scope.neighbourhood)
        received = list(applications.values_list("pk", flat=True))
        approved = list(
            applications.filter(status=ApplicationStatus.APPROVED).values_list("pk", flat=True)
        )
        closing = min(max(s.closes_on for s in of_year), timezone.localdate())
        on_register = [c.pk for c in carers if _on_register(c, closing)]
        approved_cell = count_cell(_tally(approved, APPLICATION_KIND), scope)
        registered_tally = _tally(on_register)
        uptake = share_cell(int(approved_cell.value or 0), published(registered_tally, scope))
        uptake.perturbed = scope.suppress
        rows.append(
            Row(
                str(year),
                [
                    count_cell(_tally(received, APPLICATION_KIND), scope),
                    approved_cell,
                    count_cell(registered_tally, scope),
                    uptake,
                ],
                key=str(year),
            )
        )
    return Table(
        columns,
        rows,
        Unit.PERCENT,
        row_header=header,
        column_keys=keys,
        column_units=units,
        chart="bar",
        bar_column=3,
        suppress_whole_rows=True,
        row_group=[1, 2, 3],
    )
