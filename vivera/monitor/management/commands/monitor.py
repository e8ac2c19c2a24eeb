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

from vivera.core.parsing import command_date
from vivera.monitor import facts
from vivera.monitor.exports import results_dict, to_csv
from vivera.monitor.indicators import BY_CODE, INDICATORS, compute_all
from vivera.monitor.scope import Scope
from vivera.monitor.selectors import default_period
from vivera.organisation.models import Municipality, Team


class Command(BaseCommand):
    help = (
        "Berekent de indicatoren van de monitor voor een gemeente en periode en schrijft ze "
        "als JSON (standaard) of CSV. De aantallen worden licht verstoord en kleine aantallen "
        "onderdrukt, zoals de beleidsmedewerker ze ziet, tenzij --exact."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--gemeente",
            action="append",
            default=[],
            help="CBS-code (GM0000) of naam; herhaal voor een regio.",
        )
        parser.add_argument("--van", type=command_date, help="Begin van de periode (JJJJ-MM-DD).")
        parser.add_argument(
            "--tot", type=command_date, help="Einde van de periode, t/m (JJJJ-MM-DD)."
        )
        parser.add_argument("--team", help="Alleen dit team (naam).")
        parser.add_argument(
            "--indicator",
            action="append",
            default=[],
            help="Alleen deze indicator (code); herhaalbaar. Zie --lijst.",
        )
        parser.add_argument("--formaat", choices=["json", "csv"], default="json")
        parser.add_argument("--uitvoer", help="Schrijf naar dit bestand in plaats van stdout.")
        parser.add_argument(
            "--exact",
            action="store_true",
            help="Exacte cijfers: geen verstoring en geen onderdrukking (niet voor publicatie).",
        )
        parser.add_argument(
            "--lijst", action="store_true", help="Toon de indicatoren met hun definitie en stop."
        )

    @facts.once_per_read
    def handle(self, *args: Any, **options: Any) -> None:
        if options["lijst"]:
            for indicator in INDICATORS:
                self.stdout.write(
                    f"{indicator.question:>2}  {indicator.code:<28} "
                    f"{indicator.name}\n    {indicator.definition}"
                )
            return
        if not options["gemeente"]:
            raise CommandError("Geef een gemeente met --gemeente (CBS-code of naam).")
        municipalities: list[Municipality] = []
        for given in options["gemeente"]:
            found = Municipality.objects.filter(Q(cbs_code__iexact=given) | Q(name__iexact=given))
            if not found.exists():
                raise CommandError(f"Onbekende gemeente: {given!r}.")
            municipalities.extend(found)
        unknown = [c for c in options["indicator"] if c not in BY_CODE]
        if unknown:
            raise CommandError(
                f"Onbekende indicator: {', '.join(unknown)}. Zie: vivera monitor --lijst"
            )
        start, end = default_period(municipalities)
        start = options["van"] or start
        end = options["tot"] or end
        if end < start:
            raise CommandError("Het einde van de periode ligt voor het begin.")
        team = None
        if options["team"]:
            team = Team.objects.filter(
                municipality__in=municipalities, name__iexact=options["team"]
            ).first()
            if team is None:
                raise CommandError(f"Onbekend team: {options['team']!r}.")
        scope = Scope(tuple(municipalities), start, end, team=team, suppress=not options["exact"])
        results = compute_all(scope, options["indicator"] or None)
        if options["formaat"] == "csv":
            # The byte-order mark only in a file, where Excel needs it, not on the terminal.
            text = to_csv(results, bom=bool(options["uitvoer"]))
        else:
            text = json.dumps(results_dict(scope, results), ensure_ascii=False, indent=2)
        if options["uitvoer"]:
            Path(options["uitvoer"]).write_text(text, encoding="utf-8", newline="")
            self.stderr.write(f"Geschreven: {options['uitvoer']}")
        else:
            self.stdout.write(text)
