"""`vivera monitor_facts`: rebuild the monitor's facts from the registration.

Examples:
    vivera monitor_facts                      # every municipality whose facts are stale
    vivera monitor_facts --alles              # every municipality
    vivera monitor_facts --gemeente GM9901    # this one, stale or not

With VIVERA_MONITOR_REFRESH=scheduled run it regularly (e.g. every night from cron); with the
default (on-read) the monitor rebuilds stale facts itself when someone reads it.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vivera.core.formatting import seconds
from vivera.monitor import facts
from vivera.monitor.models import FactState
from vivera.organisation.selectors import municipalities_named


class Command(BaseCommand):
    help = (
        "Bouwt de feiten van de monitor opnieuw op uit de registratie: standaard van elke "
        "gemeente waarvan ze verouderd zijn."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--gemeente",
            action="append",
            default=[],
            help="CBS-code (GM0000) of naam; herhaalbaar.",
        )
        parser.add_argument(
            "--alles", action="store_true", help="Alle gemeenten, ook als hun feiten actueel zijn."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        chosen = municipalities_named(options["gemeente"])
        if options["gemeente"]:
            if chosen.count() < len(options["gemeente"]):
                raise CommandError("Onbekende gemeente: " + ", ".join(options["gemeente"]))
        elif not options["alles"]:
            current = FactState.objects.filter(stale=False, built_at__isnull=False)
            chosen = chosen.exclude(pk__in=current.values("municipality_id"))
        count = 0
        for municipality in chosen:
            took = facts.rebuild(municipality)
            count += 1
            self.stdout.write(f"{municipality.name}: feiten opgebouwd in {seconds(took)}")
        if not count:
            self.stdout.write("Alle feiten zijn actueel.")
