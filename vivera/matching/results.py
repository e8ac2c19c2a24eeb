"""Voor elkaar's figures, as monitor indicators of question 7 (docs/matching.md, docs/monitor.md):
requests and offers published per month, connections and matches per month, for the
municipality or a neighbourhood (the listing's), with the monitor's perturbation and
suppression. Listings not per team: the public pages are the whole municipality's; a listing
posted by a professional for a client counts like any other. Connections and matches per team:
those about the requests the team posted for its clients.

Counting: a listing by the month it was published, a connection by the month it was made, a
match by the month it was confirmed. Each counted record has its cell key (`key_sql` over its
id, one kind per model)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import BigIntegerField, Count, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from vivera.monitor.cellkey import P, Tally, key_sql
from vivera.monitor.cellkey import total as tally_total
from vivera.monitor.privacy import count_cell
from vivera.monitor.scope import Scope, month_columns
from vivera.monitor.tables import Cell, Row, Table, Unit

from .models import Connection, Listing, ListingKind


def _key_sum(table: str, kind: str) -> Sum:
    return Sum(RawSQL(key_sql(f'"{table}"."id"', kind), ()), output_field=BigIntegerField())


def _monthly(
    scope: Scope, qs: QuerySet, moment: str, table: str, kind: str, group: str | None = None
) -> dict[str, list[Tally]]:
    """Tallies per group (or "") and month of `moment` (a date or date-time field)."""
    index = {m: i for i, m in enumerate(scope.months)}
    grid: dict[str, list[Tally]] = {}
    fields = [group] if group else []
    rows = (
        qs.annotate(month=TruncMonth(moment))
        .values("month", *fields)
        .annotate(n=Count("id"), k=_key_sum(table, kind))
        .values_list("month", "n", "k", *fields)
    )
    for month, n, k, *rest in rows:
        day = month.date() if isinstance(month, dt.datetime) else month
        if day not in index:
            continue
        key = str(rest[0]) if rest else ""
        row = grid.setdefault(key, [Tally()] * len(index))
        row[index[day]] = row[index[day]] + Tally(int(n), int(k or 0) % P)
    return grid


def _table(scope: Scope, rows: Iterable[tuple[str, str, list[Tally]]], header: str) -> Table:
    out = []
    width = len(scope.months)
    for key, label, tallies in rows:
        tallies = tallies or [Tally()] * width
        cells: list[Cell] = [count_cell(t, scope) for t in [*tallies, tally_total(tallies)]]
        out.append(Row(label, cells, key=key))
    columns, keys = month_columns(scope)
    return Table(columns, out, Unit.COUNT, row_header=header, column_keys=keys, total_column=True)


def _not_per_team(scope: Scope, header: str) -> Table:
    columns, keys = month_columns(scope)
    return Table(
        columns,
        [],
        Unit.COUNT,
        row_header=header,
        column_keys=keys,
        total_column=True,
        note=_("Not available per team: Voor elkaar is the whole municipality's."),
    )


def _in_scope(scope: Scope, qs: QuerySet, prefix: str = "") -> QuerySet:
    qs = qs.filter(**{f"{prefix}municipality_id__in": scope.municipality_ids})
    if scope.neighbourhood is not None:
        qs = qs.filter(**{f"{prefix}neighbourhood": scope.neighbourhood})
    return qs


def listings(scope: Scope) -> Table:
    """Requests and offers published per month."""
    header = _("Published")
    if scope.team_ids is not None:
        return _not_per_team(scope, header)
    qs = _in_scope(scope, Listing.objects.filter(published_at__isnull=False))
    grid = _monthly(scope, qs, "published_at", "matching_listing", "matching_listing", "kind")
    every = _monthly(scope, qs, "published_at", "matching_listing", "matching_listing").get("", [])
    rows = [(kind, str(label), grid.get(kind, [])) for kind, label in ListingKind.choices] + [
        ("total", _("Total"), every)
    ]
    table = _table(scope, rows, header)
    table.rows[-1].is_total = True
    return table


def connections(scope: Scope) -> Table:
    """Connections (replies) made and matches confirmed per month. For a team: those about the
    requests the team posted for its clients (its own part of question 7)."""
    header = _("Contact")
    qs = _in_scope(scope, Connection.objects.all(), "listing__")
    if scope.team_ids is not None:
        qs = qs.filter(listing__dossier__team_id__in=scope.team_ids)
    made = _monthly(scope, qs, "created_at", "matching_connection", "matching_connection")
    matched = _monthly(
        scope,
        qs.filter(matched_on__isnull=False),
        "matched_on",
        "matching_connection",
        "matching_connection",
    )
    table = _table(
        scope,
        [
            ("connections", _("Connections (replies)"), made.get("", [])),
            ("matches", _("Matches"), matched.get("", [])),
        ],
        header,
    )
    if scope.team_ids is not None:
        table.note = _("For a team: the requests it posted for its clients.")
    return table
