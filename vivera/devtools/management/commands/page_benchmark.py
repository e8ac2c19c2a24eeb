"""`vivera page_benchmark`: the professional's daily pages over a region (docs/benchmarks.md,
"The professional's pages"; issue 19).

    vivera page_benchmark --database postgres://postgres@127.0.0.1:5432/vivera_pages
    vivera page_benchmark --dossiers 20000 --duur 20          # small, on a throwaway SQLite
    vivera page_benchmark --demo --duur 30                    # the demo municipality, SQLite

Builds (or reuses) the synthetic region of the monitor's benchmark with `--dossiers` dossiers
(ten contacts and two short contacts each), lets its professionals log in with the demo's public
password and key, starts gunicorn on 127.0.0.1 with production settings and measures every page
a professional uses daily, first with one user and then with `--gebruikers` users at once,
printing per page a line `<page> median=<ms> p95=<ms>` (the median with one user, the p95 with
many) next to the targets, and last the requests per second. The work is in
`vivera.devtools.loadtest.pages`; this command parses, guards and prints.
"""

from __future__ import annotations

import json
from argparse import SUPPRESS
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vivera.devtools.benchmarks.measure import BenchmarkError
from vivera.devtools.loadtest import pages
from vivera.devtools.loadtest.benchmark import LoadTestFailed
from vivera.devtools.loadtest.prepare import LoadTestRefused


class Command(BaseCommand):
    help = (
        "Paginabenchmark: meet de dagelijkse pagina's van een wijkteamlid (mediaan bij 1 "
        "gebruiker, p95 bij 16, verzoeken per seconde) over een synthetische regio, tegen de "
        "productieserver op 127.0.0.1. Zie docs/benchmarks.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dossiers",
            type=int,
            default=1_000_000,
            help="Dossiers in de regio als die nog gemaakt moet worden (standaard 1.000.000; "
            "op SQLite hoogstens 20.000). Een bestaande regio wordt hergebruikt.",
        )
        parser.add_argument(
            "--gebruikers",
            type=int,
            default=16,
            help="Gebruikers tegelijk in de tweede meting (standaard 16).",
        )
        parser.add_argument(
            "--duur",
            type=int,
            default=60,
            help="Seconden per meting, na het inloggen (standaard 60).",
        )
        parser.add_argument(
            "--database",
            default=None,
            help="DATABASE_URL om in te meten (PostgreSQL: wordt gemaakt als hij niet "
            "bestaat); standaard een wegwerp-SQLite-database. Nooit een database met echte "
            "gegevens: de benchmark geeft accounts een openbaar wachtwoord.",
        )
        parser.add_argument(
            "--demo",
            action="store_true",
            help="De demogemeente in plaats van de regio (demogrootte).",
        )
        parser.add_argument(
            "--workers", type=int, default=5, help="gunicorn-workers (standaard 5)."
        )
        parser.add_argument(
            "--zonder-collectstatic",
            action="store_true",
            help="Sla collectstatic over (voor de korte test in de testsuite).",
        )
        parser.add_argument("--voorbereiden", action="store_true", help=SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError(
                "Dit is een productie-installatie (VIVERA_PRODUCTION=1). De benchmark geeft "
                "accounts een openbaar wachtwoord; draai hem op een oefenmachine."
            )
        if not 1 <= options["gebruikers"] <= 200:
            raise CommandError("--gebruikers moet tussen 1 en 200 liggen.")
        if not 1_000 <= options["dossiers"] <= 10_000_000:
            raise CommandError("--dossiers moet tussen 1.000 en 10.000.000 liggen.")
        if options["voorbereiden"]:
            from vivera.devtools.loadtest.pages_prepare import pages_prepare

            try:
                prepared = pages_prepare(
                    dossiers=options["dossiers"],
                    users=options["gebruikers"],
                    demo=options["demo"],
                )
            except (LoadTestRefused, BenchmarkError, ValueError) as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(json.dumps(prepared))
            return
        if not 5 <= options["duur"] <= 3600:
            raise CommandError("--duur moet tussen 5 en 3600 seconden liggen.")
        run_options = pages.Options(
            dossiers=options["dossiers"],
            users=options["gebruikers"],
            seconds=options["duur"],
            database=options["database"],
            demo=options["demo"],
            workers=options["workers"],
            collect_static=not options["zonder_collectstatic"],
        )
        try:
            lines = pages.run(run_options, self.stdout.write)
        except LoadTestFailed as exc:
            raise CommandError(str(exc)) from exc
        for line in lines:
            self.stdout.write(line)
