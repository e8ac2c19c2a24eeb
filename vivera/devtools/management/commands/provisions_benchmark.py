"""`vivera provisions_benchmark`: how fast a delivery of Wmo allocations is read, checked and
written (docs/benchmarks.md, "Wmo allocations").

    vivera provisions_benchmark                       # 1.000.000 lines, configured database
    vivera provisions_benchmark --regels 100000

It makes a municipality of its own (GM8099) with part of its residents as Vivera clients and a
CSV export of the asked number of lines over ten years, then times `--controleer` (reading and
checking) and the whole import, and rolls everything back: the database is as before.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from vivera.core.formatting import number, seconds
from vivera.devtools.benchmarks import provisions as bench
from vivera.devtools.benchmarks.measure import machine
from vivera.provisions.services import delivery_import

TARGET_SECONDS = 60.0  # issue 15: 1,000,000 allocation lines in under 60 s on PostgreSQL


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Meet hoe snel een levering van Wmo-toewijzingen wordt ingelezen: maakt een eigen "
        "gemeente met cliënten en een CSV-export van het gevraagde aantal regels, meet de "
        "controle en het hele inlezen, en draait alles terug. Drukt machine, aantallen en "
        "seconden af naast het doel."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--regels", type=int, default=1_000_000, help="Aantal regels (standaard 1.000.000)."
        )
        parser.add_argument(
            "--clienten",
            type=float,
            default=0.2,
            help="Aandeel van de inwoners dat cliënt is in Vivera (standaard 0,2).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        lines = options["regels"]
        if not 100 <= lines <= 5_000_000:
            raise CommandError("--regels moet tussen 100 en 5.000.000 liggen.")
        try:
            with transaction.atomic():
                self._measure(lines, options["clienten"])
                raise _Rollback
        except _Rollback:
            self.stdout.write("Alles is teruggedraaid: de database is als tevoren.")

    def _measure(self, lines: int, share: float) -> None:
        started = time.perf_counter()
        municipality, admin, data, clients = bench.build(lines, share)
        built = time.perf_counter() - started
        for line in machine().lines():
            self.stdout.write(line)
        self.stdout.write(
            f"Gegevens: {number(lines)} regels ({number(len(data) // 1_000_000)} MB CSV), "
            f"{number(clients)} cliënten in Vivera, gemaakt in {seconds(built)}; database "
            f"{connection.vendor}; belasting van de machine {number(os.getloadavg()[0], 1)}"
        )
        files = [("toewijzingen.csv", data)]
        arguments: dict[str, Any] = {
            "municipality": municipality,
            "files": files,
            "start": bench.START,
            "end": bench.END,
            "user": admin,
            "today": dt.date(2026, 1, 15),
        }
        started = time.perf_counter()
        checked = delivery_import(**arguments, only_check=True)
        check_time = time.perf_counter() - started
        if not checked.ok:
            raise CommandError(f"De levering heeft problemen: {checked.problems[:3]}")
        self.stdout.write(f"  lezen en controleren (--controleer)  {seconds(check_time)}")
        started = time.perf_counter()
        result = delivery_import(**arguments)
        total = time.perf_counter() - started
        self.stdout.write(
            f"  inlezen: {number(result.counted)} geteld, {number(result.linked)} van cliënten"
        )
        # The next month's delivery: the same lines and one more, replacing everything.
        extra = data.splitlines()[1].replace(b";T00000000;", b";T99999999;")
        arguments["files"] = [("toewijzingen-2.csv", data + extra + b"\n")]
        started = time.perf_counter()
        again = delivery_import(**arguments)
        replaced = time.perf_counter() - started
        self.stdout.write(
            f"  de volgende levering (alles vervangen, {number(again.linked)} van cliënten)  "
            f"{seconds(replaced)}"
        )
        for label, measured in (("Eerste inlezing", total), ("Vervangende inlezing", replaced)):
            met = measured < TARGET_SECONDS
            verdict = (
                f"{label} van {number(lines)} regels: {seconds(measured)} [doel: onder "
                f"{number(TARGET_SECONDS)} s bij 1.000.000 regels op PostgreSQL — "
                f"{'gehaald' if met else 'NIET gehaald'}]"
            )
            self.stdout.write(self.style.SUCCESS(verdict) if met else self.style.ERROR(verdict))
