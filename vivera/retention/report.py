"""The retention report as text lines (Dutch through the catalogue), for `vivera retention`.
Numbers of records only, never a name or a removed value."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from vivera.core.formatting import number

if TYPE_CHECKING:
    from .services import Report

# kind → what happens to it, in the order the report prints them
KIND_LINES = {
    "clients": gettext_lazy("clients anonymised"),
    "dossiers": gettext_lazy("  their dossiers (kept, counted in the monitor)"),
    "questions": gettext_lazy("  questions: description erased"),
    "contacts": gettext_lazy("  contact moments: note erased"),
    "referrals": gettext_lazy("  referrals: description erased"),
    "consents": gettext_lazy("  consents to share: note erased"),
    "access_requests": gettext_lazy("  requests for access: note erased"),
    "team_access_requests": gettext_lazy(
        "  other teams' requests for access: reason and answer erased"
    ),
    "submissions": gettext_lazy("partner submissions anonymised"),
    "attempts": gettext_lazy("  contact attempts: note erased"),
    "allocations": gettext_lazy("  Wmo allocations: number, provider and volume erased"),
    "matching_listings": gettext_lazy("  Voor elkaar requests: text and messages erased"),
    "households": gettext_lazy("households removed"),
    "outreach_activities": gettext_lazy("outreach activities: description erased"),
    "carers": gettext_lazy(
        "informal carers anonymised (left the register two years ago): with their care, "
        "support notes and account numbers"
    ),
}
SHOWN_IDS = 50  # ids listed per kind; the run's record in the admin has all of them
ID_LINES = {
    "clients": pgettext_lazy("retention report", "clients"),
    "submissions": pgettext_lazy("retention report", "submissions"),
    "households": pgettext_lazy("retention report", "households"),
    "carers": pgettext_lazy("retention report", "informal carers"),
}


def _day(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}-{month}-{year}"


def _ids(values: list[int]) -> str:
    shown = ", ".join(str(v) for v in values[:SHOWN_IDS])
    rest = len(values) - SHOWN_IDS
    if rest <= 0:
        return shown
    return _("%(shown)s … and %(rest)s more") % {"shown": shown, "rest": number(rest)}


def term_lines(terms: dict[str, object]) -> list[str]:
    return [
        _("Retention terms (today %(today)s):") % {"today": _day(str(terms["today"]))},
        _(
            "  dossier with a customised provision or specialist care: %(years)s years after "
            "closing (closed before %(before)s)"
        )
        % {"years": terms["years"], "before": _day(str(terms["closed_before"]))},
        _("  other dossier: %(years)s years after closing (closed before %(before)s)")
        % {
            "years": terms["years_without_provision"],
            "before": _day(str(terms["closed_before_without_provision"])),
        },
        _("  what never became a dossier: %(months)s months (before %(before)s)")
        % {
            "months": terms["months_without_dossier"],
            "before": _day(str(terms["without_dossier_before"])),
        },
    ]


def report_lines(reports: list[Report], *, executed: bool) -> list[str]:
    if not reports:
        return [_("No municipalities.")]
    lines = term_lines(reports[0].plan.terms.as_dict())
    lines += [
        "",
        _("Carried out (in one transaction).")
        if executed
        else _("Trial run: nothing was changed. This is how it would go; run it with --uitvoeren."),
    ]
    width = max(len(str(label)) for label in KIND_LINES.values())
    for report in reports:
        municipality = report.municipality
        lines += ["", f"{municipality.name} ({municipality.cbs_code})"]
        for kind, label in KIND_LINES.items():
            lines.append(f"  {label!s:<{width}} {number(report.counts[kind]):>8}")
        for kind, label in ID_LINES.items():
            if report.record_ids.get(kind):
                lines.append(f"  {label}: {_ids(report.record_ids[kind])}")
        held = report.plan.held
        if held:
            lines.append(
                _("  Not anonymised because of a legal hold: %(count)s client(s)")
                % {"count": number(len(held))}
            )
            for client, hold in held:
                lines.append(
                    _("    client %(client)s (hold %(hold)s)") % {"client": client, "hold": hold}
                )
        if report.run is not None:
            lines.append(
                _(
                    "  Recorded as clean-up %(run)s (admin: Retention terms › Clean-ups); in "
                    "the access log per client and submission."
                )
                % {"run": report.run.pk}
            )
    return lines
