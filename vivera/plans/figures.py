"""The figures a target can be bound to: each one cell of a monitor indicator's table, computed
for a calendar year with the policy advisor's protection (perturbed, small counts suppressed),
so a target's progress is the very figure the monitor, its exports and the API show.

A figure is read from the year's table: the total column of a flow (new dossiers in the year),
the last month of a stock (allocations running at the year's end), or a named column (a share).
Modules add their figures here (the carers' register: registered carers at the year's end,
new carers and the appreciation's uptake).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vivera.monitor.indicators import BY_CODE
from vivera.monitor.scope import Scope
from vivera.organisation.models import Municipality

TOTAL = "total"  # the table's total column
LAST = "last"  # the table's last column (a stock at the year's end)


@dataclass(frozen=True)
class Figure:
    key: str
    label: Promise
    unit: Promise
    indicator: str
    row: str
    column: str = TOTAL

    def value(self, municipality: Municipality, year: int, today: dt.date) -> Decimal | None:
        """The figure for `year` (up to `today` in the current year); None when it is not known
        or suppressed."""
        end = min(dt.date(year, 12, 31), today)
        if end < dt.date(year, 1, 1):
            return None
        table = BY_CODE[self.indicator].compute(
            Scope((municipality,), dt.date(year, 1, 1), end, suppress=True)
        )
        # A row per year (the appreciation's) is named "{year}".
        key = self.row.replace("{year}", str(year))
        row = next((r for r in table.rows if r.key == key), None)
        if row is None or not row.cells:
            return None
        if self.column == TOTAL:
            cell = row.cells[-1] if table.total_column else None
        elif self.column == LAST:
            cell = row.cells[-2] if table.total_column else row.cells[-1]
        else:
            index = table.column_keys.index(self.column) if self.column in table.column_keys else -1
            cell = row.cells[index] if index >= 0 else None
        if cell is None or cell.suppressed or cell.value is None:
            return None
        return Decimal(str(cell.value))


COUNT = _("number")
PERCENT = _("%")
HOURS = _("hours")

FIGURES: dict[str, Figure] = {
    f.key: f
    for f in (
        Figure("new_dossiers", _("New dossiers in the year"), COUNT, "new_dossiers", "total"),
        Figure(
            "short_contacts",
            _("Short contacts in the year (walk-in, phone, e-mail)"),
            COUNT,
            "short_contacts",
            "total",
        ),
        Figure(
            "outreach_hours", _("Hours of outreach in the year"), HOURS, "outreach_hours", "hours"
        ),
        Figure(
            "carer_involved",
            _("Dossiers closed with an informal carer involved (share)"),
            PERCENT,
            "social_network",
            "carer_involved",
            "share",
        ),
        Figure(
            "network_mapped",
            _("Dossiers closed with the social network mapped (share)"),
            PERCENT,
            "social_network",
            "network_mapped",
            "share",
        ),
        Figure(
            "volunteer_deployed",
            _("Dossiers closed with a volunteer deployed (share)"),
            PERCENT,
            "social_network",
            "volunteer_deployed",
            "share",
        ),
        Figure(
            "survey_act_myself",
            _("Survey: agrees the help made them act more themselves (share)"),
            PERCENT,
            "survey_statements",
            "effect-act-myself",
            "agree",
        ),
        Figure(
            "wmo_allocations_new",
            _("New Wmo allocations in the year"),
            COUNT,
            "wmo_allocations_new",
            "total",
        ),
        Figure(
            "wmo_allocations_running",
            _("Wmo allocations running at the year's end"),
            COUNT,
            "wmo_allocations_running",
            "total",
            LAST,
        ),
        Figure(
            "matching_requests",
            _("Voor elkaar: requests for help published in the year"),
            COUNT,
            "matching_listings",
            "request",
        ),
        Figure(
            "matching_offers",
            _("Voor elkaar: offers of help published in the year"),
            COUNT,
            "matching_listings",
            "offer",
        ),
        Figure(
            "matching_matches",
            _("Voor elkaar: matches in the year"),
            COUNT,
            "matching_connections",
            "matches",
        ),
        Figure(
            "carers_registered",
            _("Registered informal carers at the year's end"),
            COUNT,
            "carers_registered",
            "total",
            LAST,
        ),
        Figure(
            "carers_new",
            _("Informal carers newly registered in the year"),
            COUNT,
            "carers_flow",
            "new",
        ),
        Figure(
            "carers_uptake",
            _("Informal carers: uptake of the yearly appreciation (share)"),
            PERCENT,
            "carers_appreciation",
            "{year}",
            "uptake",
        ),
        Figure(
            "heavier_care",
            _("Referrals to heavier care in the year"),
            COUNT,
            "heavier_care",
            "total",
        ),
    )
}


def choices() -> list[tuple[str, str]]:
    return [("", str(_("None: measurements entered by hand")))] + [
        (f.key, str(f.label)) for f in FIGURES.values()
    ]
