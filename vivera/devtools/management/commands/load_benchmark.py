"""`vivera load_benchmark`: professionals registering at the same time (docs/benchmarks.md).

    vivera load_benchmark                                  # 50 users, 5 minutes, SQLite
    vivera load_benchmark --database postgres://postgres@127.0.0.1:5432/vivera_load
    vivera load_benchmark --gebruikers 5 --duur 15 --demo-schaal 0.05 --zonder-collectstatic

Prepares a database (a throwaway SQLite file unless --database is given) with the demo
municipality and load-test professionals, starts gunicorn on 127.0.0.1 with production settings,
lets locust's simulated professionals register for the given time — and partner systems send
referrals and early signals through the partner API, which the professionals act on — and then
counts every record they registered. Prints the requests, failures and p50/p95/p99 per kind of
request and the counts; exits with 1 on any failure, lost or duplicated record. The work is in
`vivera.devtools.loadtest`; this command parses, guards and prints.
"""

from __future__ import annotations

import datetime as dt
import json
from argparse import SUPPRESS
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vivera.devtools.benchmarks.measure import machine
from vivera.devtools.loadtest import benchmark
from vivera.devtools.loadtest.prepare import LoadTestRefused, load_test_count, load_test_prepare


class Command(BaseCommand):
    help = (
        "Belastingstest: laat gesimuleerde wijkteamleden tegelijk registreren tegen de "
        "productieserver (gunicorn op 127.0.0.1) en telt daarna of er niets verloren of "
        "dubbel is. Zie docs/benchmarks.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--gebruikers",
            type=int,
            default=50,
            help="Gesimuleerde wijkteamleden tegelijk (standaard 50).",
        )
        parser.add_argument(
            "--partners",
            type=int,
            default=None,
            help="Hoeveel van de gebruikers partnersystemen zijn die meldingen "
            "sturen via de partner-API (standaard een op de tien, "
            "minstens één); de wijkteamleden pakken die meldingen op.",
        )
        parser.add_argument(
            "--duur", type=int, default=300, help="Seconden belasting (standaard 300)."
        )
        parser.add_argument(
            "--database",
            default=None,
            help="DATABASE_URL van de database om in te testen (PostgreSQL: "
            "wordt gemaakt als hij niet bestaat); standaard een "
            "wegwerp-SQLite-database. Nooit een database met echte "
            "gegevens: de test maakt accounts met een openbaar wachtwoord.",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=5,
            help="gunicorn-workers (standaard 5, zoals deploy.md voor 2 kernen).",
        )
        parser.add_argument(
            "--per-seconde",
            type=float,
            default=2.0,
            help="Hoeveel gebruikers er per seconde bij komen (standaard 2).",
        )
        parser.add_argument(
            "--denktijd",
            default="1-3",
            help="Seconden tussen twee stappen van een gebruiker, van-tot (standaard 1-3).",
        )
        parser.add_argument(
            "--demo-schaal",
            type=float,
            default=1.0,
            help="Grootte van de demogemeente als die nog niet bestaat (standaard 1.0).",
        )
        parser.add_argument(
            "--zonder-collectstatic",
            action="store_true",
            help="Sla collectstatic over (scheelt ± 40 s): de server draait dan "
            "zonder VIVERA_PRODUCTION (DEBUG blijft uit) en serveert de "
            "statische bestanden uit de apps. Voor de korte test in de "
            "testsuite.",
        )
        # The steps that touch the database, run by the command in child processes.
        parser.add_argument("--voorbereiden", action="store_true", help=SUPPRESS)
        parser.add_argument("--tellen", action="store_true", help=SUPPRESS)
        parser.add_argument("--run", help=SUPPRESS)
        parser.add_argument("--sinds", help=SUPPRESS)
        parser.add_argument("--accounts", help=SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError(
                "Dit is een productie-installatie (VIVERA_PRODUCTION=1). De belastingstest maakt "
                "accounts met een openbaar wachtwoord; draai hem op een oefenmachine. Hij start "
                "zelf een server met productie-instellingen."
            )
        if options["voorbereiden"]:
            self._prepare(options)
        elif options["tellen"]:
            counted = load_test_count(
                run=options["run"],
                usernames=options["accounts"].split(","),
                since=dt.datetime.fromisoformat(options["sinds"]),
            )
            self.stdout.write(json.dumps(counted))
        else:
            self._run(options)

    def _prepare(self, options: dict[str, Any]) -> None:
        try:
            prepared = load_test_prepare(
                users=options["gebruikers"],
                partners=options["partners"] or 0,
                demo_scale=options["demo_schaal"],
            )
        except LoadTestRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps({**prepared.as_dict(), "machine": machine().lines()}))

    def _run(self, options: dict[str, Any]) -> None:
        users, seconds = options["gebruikers"], options["duur"]
        if not 1 <= users <= 500:
            raise CommandError("--gebruikers moet tussen 1 en 500 liggen.")
        partners = options["partners"]
        if partners is None:
            partners = max(1, users // 10) if users > 1 else 0
        if not 0 <= partners < users:
            raise CommandError(
                "--partners moet tussen 0 en het aantal gebruikers liggen (er "
                "blijft minstens één wijkteamlid)."
            )
        if not 5 <= seconds <= 3600:
            raise CommandError("--duur moet tussen 5 en 3600 seconden liggen.")
        if not 1 <= options["workers"] <= 32:
            raise CommandError("--workers moet tussen 1 en 32 liggen.")
        think = options["denktijd"].split("-")
        try:
            low, high = (float(think[0]), float(think[-1]))
        except ValueError:
            low = high = -1.0
        if not 0 <= low <= high <= 60:
            raise CommandError("--denktijd is van-tot in seconden, bijvoorbeeld 1-3.")
        run_options = benchmark.Options(
            users=users,
            partners=partners,
            seconds=seconds,
            spawn_rate=options["per_seconde"],
            workers=options["workers"],
            database=options["database"],
            demo_scale=options["demo_schaal"],
            think=f"{low:g}-{high:g}",
            collect_static=not options["zonder_collectstatic"],
        )
        try:
            outcome = benchmark.run(run_options, self.stdout.write)
        except benchmark.LoadTestFailed as exc:
            raise CommandError(str(exc)) from exc
        for line in outcome.lines:
            self.stdout.write(line)
        if not outcome.ok:
            raise CommandError(
                "NIET geslaagd: er waren fouten, of records zijn kwijt of dubbel (zie hierboven)."
            )
        self.stdout.write(self.style.SUCCESS("Geslaagd: geen fouten, niets kwijt, niets dubbel."))
