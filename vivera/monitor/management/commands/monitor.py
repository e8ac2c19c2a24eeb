"""`vivera monitor`: the monitor's figures for a municipality and period, as JSON or CSV.

Examples:
    vivera monitor --gemeente GM9901 --van 2025-01-01 --tot 2025-12-31
    vivera monitor --gemeente Zwijnwaard --indicator waiting_list --indicator lead_time
    vivera monitor --gemeente GM9901 --formaat csv --uitvoer monitor.csv
    vivera monitor --lijst
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils.translation import gettext as _

from vivera.core.parsing import command_date
from vivera.monitor import facts
from vivera.monitor.exports import results_dict, to_csv
from vivera.monitor.indicators import BY_CODE, INDICATORS, compute_all
from vivera.monitor.scope import Scope
from vivera.monitor.selectors import default_period
from vivera.organisation.models import Municipality, Team


class Command(BaseCommand):
    help = _(
        "Computes the monitor's indicators for a municipality and period and writes them as "
        "JSON (by default) or CSV. The counts are slightly perturbed and small counts "
        "suppressed, as the policy advisor sees them, unless --exact."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--gemeente",
            action="append",
            default=[],
            help=_("CBS code (GM0000) or name; repeat for a region."),
        )
        parser.add_argument("--van", type=command_date, help=_("Start of the period (YYYY-MM-DD)."))
        parser.add_argument(
            "--tot", type=command_date, help=_("End of the period, inclusive (YYYY-MM-DD).")
        )
        parser.add_argument("--team", help=_("Only this team (name)."))
        parser.add_argument(
            "--indicator",
            action="append",
            default=[],
            help=_("Only this indicator (code); may be repeated. See --lijst."),
        )
        parser.add_argument("--formaat", choices=["json", "csv"], default="json")
        parser.add_argument("--uitvoer", help=_("Write to this file instead of stdout."))
        parser.add_argument(
            "--exact",
            action="store_true",
            help=_("Exact figures: no perturbation and no suppression (not for publication)."),
        )
        parser.add_argument(
            "--lijst",
            action="store_true",
            help=_("Show the indicators with their definitions and stop."),
        )

    @facts.once_per_read
    def handle(self, *args: Any, **options: Any) -> None:
        if options["lijst"]:
            for indicator in INDICATORS:
                # No words of its own: the name and definition come translated.
                line = f"{indicator.question:>2}  {indicator.code:<28} {indicator.name}"
                self.stdout.write(line + f"\n    {indicator.definition}")
            return
        if not options["gemeente"]:
            raise CommandError(_("Give a municipality with --gemeente (CBS code or name)."))
        municipalities: list[Municipality] = []
        for given in options["gemeente"]:
            found = Municipality.objects.filter(Q(cbs_code__iexact=given) | Q(name__iexact=given))
            if not found.exists():
                raise CommandError(_("Unknown municipality: %(name)r.") % {"name": given})
            municipalities.extend(found)
        unknown = [c for c in options["indicator"] if c not in BY_CODE]
        if unknown:
            raise CommandError(
                _("Unknown indicator: %(codes)s. See: vivera monitor --lijst")
                % {"codes": ", ".join(unknown)}
            )
        start, end = default_period(municipalities)
        start = options["van"] or start
        end = options["tot"] or end
        if end < start:
            raise CommandError(_("The end of the period lies before its start."))
        team = None
        if options["team"]:
            team = Team.objects.filter(
                municipality__in=municipalities, name__iexact=options["team"]
            ).first()
            if team is None:
                raise CommandError(_("Unknown team: %(name)r.") % {"name": options["team"]})
        scope = Scope(tuple(municipalities), start, end, team=team, suppress=not options["exact"])
        results = compute_all(scope, options["indicator"] or None)
        if options["formaat"] == "csv":
            # The byte-order mark only in a file, where Excel needs it, not on the terminal.
            text = to_csv(results, bom=bool(options["uitvoer"]))
        else:
            text = json.dumps(results_dict(scope, results), ensure_ascii=False, indent=2)
        if options["uitvoer"]:
            Path(options["uitvoer"]).write_text(text, encoding="utf-8", newline="")
            self.stderr.write(_("Written: %(path)s") % {"path": options["uitvoer"]})
        else:
            self.stdout.write(text)
