"""Bringing an existing activity overview in once, from an XLSX sheet (or CSV) with one row per
activity (docs/plans.md, "Een bestaand overzicht inlezen"): read with the import's readers,
every row checked, every problem named by file, line and column, and written all or nothing as a
new plan.

Columns: `cluster`, `doel` (the cluster's goal; on any of its rows), `activiteit`, `partners`
(names of the municipality's partner organisations, separated by `;`), `status` (loopt, moet
nog plaatsvinden, vervallen, afgerond / regulier werk), `stand_van_zaken` (the note) and `datum`
(the note's date).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vivera.accounts.models import User
from vivera.imports.readers import Table, canonical_header, parse_date, text
from vivera.imports.validation import Problem
from vivera.organisation.models import PartnerOrganisation

from . import services
from .models import ActivityStatus, Plan

COLUMNS = ("cluster", "doel", "activiteit", "partners", "status", "stand_van_zaken", "datum")
REQUIRED = ("cluster", "activiteit", "status", "datum")
STATUS_WORDS = {
    canonical_header(word): status
    for word, status in (
        ("loopt", ActivityStatus.RUNNING),
        ("lopend", ActivityStatus.RUNNING),
        ("moet nog plaatsvinden", ActivityStatus.PLANNED),
        ("nog niet gestart", ActivityStatus.PLANNED),
        ("vervallen", ActivityStatus.DROPPED),
        ("afgerond", ActivityStatus.DONE),
        ("regulier werk", ActivityStatus.DONE),
        ("afgerond / regulier werk", ActivityStatus.DONE),
        ("afgerond/regulier werk", ActivityStatus.DONE),
        *((s.value, s.value) for s in ActivityStatus),
    )
}


@dataclass
class Row:
    line: int
    cluster: str
    goal: str
    description: str
    partners: list[PartnerOrganisation]
    status: str
    note: str
    date: dt.date


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    plan: Plan | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def check(*, table: Table, municipality_id: int, today: dt.date) -> ImportResult:
    result = ImportResult()
    positions: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        key = canonical_header(header)
        for name in COLUMNS:
            if canonical_header(name) == key:
                positions[name] = index
    for name in REQUIRED:
        if name not in positions:
            result.problems.append(
                Problem(
                    table.name,
                    1,
                    name,
                    _("The column is missing from the header line."),
                    "missing_column",
                )
            )
    if result.problems:
        return result
    partners = {
        canonical_header(p.name): p
        for p in PartnerOrganisation.objects.filter(municipality_id=municipality_id)
    }
    goals: dict[str, tuple[str, int]] = {}
    for row in table.rows:

        def cell(name: str, row: Any = row) -> str:
            index = positions.get(name)
            return text(row.values[index]) if index is not None and index < len(row.values) else ""

        def problem(name: str, reason: str, code: str, row: Any = row) -> None:
            result.problems.append(Problem(table.name, row.line, name, reason, code))

        before = len(result.problems)
        cluster, description = cell("cluster"), cell("activiteit")
        if not cluster:
            problem("cluster", _("This column is required."), "required")
        if not description:
            problem("activiteit", _("This column is required."), "required")
        status = STATUS_WORDS.get(canonical_header(cell("status")))
        if status is None:
            problem(
                "status",
                _(
                    "Unknown status; use: loopt, moet nog plaatsvinden, vervallen, "
                    "afgerond / regulier werk."
                ),
                "unknown_code",
            )
        raw_date = row.values[positions["datum"]] if positions["datum"] < len(row.values) else None
        day = parse_date(raw_date)
        if not text(raw_date):
            problem("datum", _("This column is required."), "required")
        elif day is None:
            problem(
                "datum", _("Not a date. Use dd-mm-yyyy (31-12-2017) or yyyy-mm-dd."), "invalid_date"
            )
        elif day > today:
            problem("datum", _("The date lies in the future."), "future_date")
        chosen = []
        for name in (n.strip() for n in cell("partners").replace(",", ";").split(";")):
            if not name:
                continue
            partner = partners.get(canonical_header(name))
            if partner is None:
                problem(
                    "partners",
                    _("“%(name)s” is not a partner organisation of the municipality.")
                    % {"name": name[:60]},
                    "unknown_partner",
                )
            else:
                chosen.append(partner)
        goal = cell("doel")
        if cluster and goal:
            earlier = goals.get(cluster)
            if earlier and earlier[0] != goal:
                problem(
                    "doel",
                    _("This cluster has another goal on line %(line)d.") % {"line": earlier[1]},
                    "conflict",
                )
            goals.setdefault(cluster, (goal, row.line))
        if status == ActivityStatus.DROPPED and not cell("stand_van_zaken"):
            problem("stand_van_zaken", _("Say why the activity is dropped."), "required")
        if len(result.problems) == before and day is not None and status is not None:
            result.rows.append(
                Row(
                    row.line,
                    cluster,
                    goal,
                    description,
                    chosen,
                    status,
                    cell("stand_van_zaken"),
                    day,
                )
            )
    if not table.rows:
        result.problems.append(Problem(table.name, 0, "", _("The file holds no rows."), "empty"))
    return result


def import_overview(
    *, user: User, title: str, start_date: dt.date, end_date: dt.date, table: Table, today: dt.date
) -> ImportResult:
    """Check the sheet and, without problems, write it as a new plan in one transaction."""
    assert user.municipality_id is not None
    result = check(table=table, municipality_id=user.municipality_id, today=today)
    if not result.ok:
        return result
    try:
        with transaction.atomic():
            plan = services.plan_create(
                user=user, title=title, start_date=start_date, end_date=end_date
            )
            clusters = {}
            for row in result.rows:
                if row.cluster not in clusters:
                    goal = next(
                        (r.goal for r in result.rows if r.cluster == row.cluster and r.goal), ""
                    )
                    clusters[row.cluster] = services.cluster_save(
                        user=user, plan=plan, title=row.cluster, goal=goal
                    )
                services.activity_add(
                    user=user,
                    cluster=clusters[row.cluster],
                    description=row.description,
                    partners=row.partners,
                    status=row.status,
                    note=row.note,
                    date=row.date,
                    today=today,
                )
    except ValidationError as error:
        result.problems.append(Problem(table.name, 0, "", " ".join(error.messages), "refused"))
        return result
    result.plan = plan
    return result
