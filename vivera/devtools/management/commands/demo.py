"""`vivera demo [--seed 42] [--scale 1.0] [--reset]`: the demo municipality Zwijnwaard.

The work is done in `vivera.devtools.demo.services`; this command parses, guards and prints.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from vivera.core.parsing import command_date
from vivera.devtools.demo import reference as ref
from vivera.devtools.demo.services import DemoError, demo_exists, demo_generate, demo_reset


class Command(BaseCommand):
    help = (
        f"Maakt de demogemeente {ref.MUNICIPALITY_NAME} met teams, gebruikers en een "
        "geschiedenis van ruim twee jaar die tot vandaag loopt (het verloop van "
        f"{ref.HISTORY_START:%m-%Y} t/m {ref.HISTORY_END:%m-%Y} uit het evaluatieonderzoek, "
        "met hele jaren verschoven). Bestaat zij al, dan gebeurt er niets (gebruik --reset "
        "om haar opnieuw te maken)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed",
            type=int,
            default=42,
            help="Startwaarde van het toeval; dezelfde seed geeft dezelfde demo.",
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Vermenigvuldigt de aantallen (0.02 voor tests, 10 voor "
            "prestatiemetingen). Standaard 1.0: ± 1.700 dossiers.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Verwijder eerst de bestaande demogemeente (alleen die).",
        )
        parser.add_argument(
            "--today",
            type=command_date,
            default=None,
            help="Doe alsof het vandaag deze datum is (JJJJ-MM-DD), voor "
            "herhaalbare demo's: de geschiedenis eindigt op die dag. "
            "Standaard de echte datum.",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Sta de demo toe op een productie-installatie "
            "(VIVERA_PRODUCTION=1). De demo-accounts hebben een openbaar "
            "wachtwoord, ook een beheerdersaccount.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False) and not options["allow_production"]:
            raise CommandError(
                "Dit is een productie-installatie (VIVERA_PRODUCTION=1). De demo maakt accounts "
                "met een openbaar wachtwoord, ook voor functioneel beheer; gebruik "
                "--allow-production alleen voor een afgeschermde oefenomgeving."
            )
        today = options["today"] or timezone.localdate()
        try:
            with transaction.atomic():
                if options["reset"]:
                    for line in demo_reset().lines():
                        self.stdout.write(line)
                elif demo_exists():
                    self.stdout.write(
                        f"De demogemeente {ref.MUNICIPALITY_NAME} bestaat al; er is niets "
                        "veranderd. Gebruik --reset om haar opnieuw te maken."
                    )
                    return
                summary = demo_generate(seed=options["seed"], scale=options["scale"], today=today)
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS("Klaar. De inloggegevens staan in: vivera demo_logins")
        )
