"""The allocations' figures, as monitor indicators of question 9 (docs/monitor.md,
docs/provisions.md): each takes the monitor's `Scope` and returns its `Table`, so the dashboard,
the effect report, the exports, the API and `vivera monitor` show them with the same
perturbation and suppression as every other figure.

- The whole population's figures come from the deliveries' counts (`AllocationCount`): per
  month and product category, for the municipality or one neighbourhood (by the postcode the
  social service gave). They are not kept per team: a team's scope shows a note instead.
- The clients' figures come from their allocations (`Allocation`), narrowed to a team by the
  teams of the client's dossiers and to a neighbourhood by the client's.

An allocation runs in a month when it started on or before the month's last day (today, in the
current month) and had not ended before it.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from vivera.monitor.cellkey import P, Tally, key_sql, record_key
from vivera.monitor.cellkey import total as tally_total
from vivera.monitor.privacy import count_cell, published, share_cell
from vivera.monitor.scope import Scope, month_columns, month_end
from vivera.monitor.tables import Cell, Row, Table, Unit
from vivera.registration.models import Dossier, ProvisionKind, Referral

from .codes import Category, category_label
from .models import RECORD_KIND, Allocation, AllocationCount

WINDOW_DAYS = 365  # "within 12 months after the dossier opened"


def _cutoffs(scope: Scope) -> list[dt.date]:
    today = timezone.localdate()
    return [min(month_end(m), today) for m in scope.months]


def _category_table(
    scope: Scope, grid: dict[str, list[Tally]], *, total: bool, note: str = ""
) -> Table:
    """Rows per product category that has allocations in the scope, a total row; a column per
    month, and for flows a total column. Every total is a count of its own."""
    width = len(scope.months)
    empty = [Tally()] * width

    def cells(values: list[Tally]) -> list[Cell]:
        return [count_cell(t, scope) for t in ([*values, tally_total(values)] if total else values)]

    order = [c for c in ("", *Category.values) if c in grid]
    rows = [Row(category_label(c), cells(grid[c]), key=c or "generic") for c in order]
    sums = [tally_total(grid.get(c, empty)[i] for c in order) for i in range(width)]
    rows.append(Row(_("Total"), cells(sums), key="total", is_total=True))
    columns, keys = month_columns(scope, total)
    return Table(
        columns,
        rows,
        Unit.COUNT,
        row_header=_("Product category"),
        column_keys=keys,
        total_column=total,
        note=note,
    )


def _not_per_team(scope: Scope, *, total: bool) -> Table:
    columns, keys = month_columns(scope, total)
    return Table(
        columns,
        [],
        Unit.COUNT,
        row_header=_("Product category"),
        column_keys=keys,
        total_column=total,
        note=_(
            "Not available per team: the social service's allocations of residents the teams do "
            "not know are kept only as counts for the whole municipality or a neighbourhood."
        ),
    )


def _population(scope: Scope, count: str) -> dict[str, list[Tally]]:
    qs = AllocationCount.objects.filter(
        municipality_id__in=scope.municipality_ids,
        month__gte=scope.start,
        month__lte=scope.end,
    )
    if scope.neighbourhood is not None:
        qs = qs.filter(neighbourhood=scope.neighbourhood)
    index = {m: i for i, m in enumerate(scope.months)}
    grid: dict[str, list[Tally]] = {}
    for category, month, n, key in (
        qs.values("category", "month")
        .annotate(n=Sum(count), k=Sum(f"{count}_key"))
        .values_list("category", "month", "n", "k")
    ):
        if not n:
            continue
        row = grid.setdefault(category, [Tally()] * len(index))
        row[index[month]] = row[index[month]] + Tally(int(n), int(key or 0) % P)
    return grid


def running(scope: Scope) -> Table:
    """Allocations running on each month's last day, per product category: all residents."""
    if scope.team_ids is not None:
        return _not_per_team(scope, total=False)
    return _category_table(scope, _population(scope, "running"), total=False)


def started(scope: Scope) -> Table:
    """Allocations that started in each month, per product category: all residents."""
    if scope.team_ids is not None:
        return _not_per_team(scope, total=True)
    return _category_table(scope, _population(scope, "started"), total=True)


def _clients_allocations(scope: Scope) -> QuerySet[Allocation]:
    qs = Allocation.objects.filter(municipality_id__in=scope.municipality_ids)
    if scope.team_ids is not None:
        qs = qs.filter(
            Exists(
                Dossier.objects.filter(client_id=OuterRef("client_id"), team_id__in=scope.team_ids)
            )
        )
    if scope.neighbourhood is not None:
        qs = qs.filter(client__neighbourhood=scope.neighbourhood)
    return qs


def clients_running(scope: Scope) -> Table:
    """Allocations of the teams' clients running on each month's last day, per category."""
    cutoffs = _cutoffs(scope)
    width = len(cutoffs)
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * (width + 1))
    keys: dict[str, list[int]] = defaultdict(lambda: [0] * (width + 1))
    rows = (
        _clients_allocations(scope)
        .filter(start_date__lte=scope.end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=scope.start))
        .values_list("category", "start_date", "end_date", "record")
    )
    for category, start, end, record in rows.iterator(chunk_size=5000):
        first = bisect.bisect_left(cutoffs, start)
        last = width if end is None else bisect.bisect_right(cutoffs, end)
        if first < last:
            key = record_key(record, RECORD_KIND)
            counts[category][first] += 1
            counts[category][last] -= 1
            keys[category][first] += key
            keys[category][last] -= key
    grid: dict[str, list[Tally]] = {}
    for category in counts:
        n = k = 0
        tallies = []
        for i in range(width):
            n += counts[category][i]
            k += keys[category][i]
            tallies.append(Tally(n, k % P))
        if any(t.n for t in tallies):
            grid[category] = tallies
    return _category_table(scope, grid, total=False)


def _dossier_key(dossiers: Iterable[int]) -> Tally:
    return tally_total(Tally(1, record_key(pk, "dossier")) for pk in dossiers)


def after_dossier(scope: Scope) -> Table:
    """Of the dossiers opened in the period: those whose client got a Wmo allocation starting
    within 12 months after the dossier opened, and of those, how many the team had referred to
    a customised provision (from that dossier) on or before the allocation's start."""
    dossiers = Dossier.objects.filter(
        municipality_id__in=scope.municipality_ids,
        registered_on__gte=scope.start,
        registered_on__lte=scope.end,
    )
    if scope.team_ids is not None:
        dossiers = dossiers.filter(team_id__in=scope.team_ids)
    if scope.neighbourhood is not None:
        dossiers = dossiers.filter(client__neighbourhood=scope.neighbourhood)
    # All dossiers opened are counted (with their keys) in the database; only those of clients
    # with an allocation are read (a region opens 670,000 dossiers in two years: reading and
    # keying each in Python took 3 s).
    whole_count = dossiers.aggregate(
        n=Count("pk"),
        k=Sum(RawSQL(key_sql(f'"{Dossier._meta.db_table}"."id"', "dossier"), ())),
    )
    whole = Tally(whole_count["n"], int(whole_count["k"] or 0) % P)
    allocated = Allocation.objects.filter(client_id__in=dossiers.values("client_id"))
    opened = list(
        dossiers.filter(client_id__in=allocated.values("client_id")).values_list(
            "pk", "client_id", "registered_on"
        )
    )
    starts: dict[int, list[dt.date]] = defaultdict(list)
    for client_id, start in allocated.values_list("client_id", "start_date"):
        starts[client_id].append(start)
    referred: dict[int, dt.date] = {}
    for dossier_id, day in Referral.objects.filter(
        dossier__in=dossiers, provision_kind=ProvisionKind.CUSTOMISED
    ).values_list("dossier_id", "referred_on"):
        referred[dossier_id] = min(day, referred.get(dossier_id, day))
    with_allocation, after_referral = [], []
    for pk, client_id, registered in opened:
        window = registered + dt.timedelta(days=WINDOW_DAYS)
        first = min(
            (s for s in starts.get(client_id, ()) if registered <= s <= window), default=None
        )
        if first is None:
            continue
        with_allocation.append(pk)
        if pk in referred and referred[pk] <= first:
            after_referral.append(pk)
    got = _dossier_key(with_allocation)
    came_after = _dossier_key(after_referral)
    got_cell = count_cell(got, scope)
    got_share = share_cell(int(got_cell.value or 0), published(whole, scope))
    after_cell = count_cell(came_after, scope)
    after_share = share_cell(int(after_cell.value or 0), int(got_cell.value or 0))
    got_share.perturbed = after_share.perturbed = scope.suppress
    latest = scope.end - dt.timedelta(days=WINDOW_DAYS)
    rows = [
        Row(_("With a Wmo allocation within 12 months"), [got_share, got_cell], key="allocated"),
        Row(
            _("Of which the team referred to a customised provision first"),
            [after_share, after_cell],
            key="referred_first",
        ),
        # Not a sum of the rows above: no total for suppression.
        Row(
            _("Dossiers opened in the period"), [Cell(None), count_cell(whole, scope)], key="total"
        ),
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
        note=_(
            "Dossiers opened after %(day)s have had less than 12 months yet; allocations are "
            "known up to the last delivery."
        )
        % {"day": latest.strftime("%d-%m-%Y")},
    )
