"""`vivera survey_benchmark`: how fast the survey's figures are computed (docs/benchmarks.md).

    vivera survey_benchmark                    # 100.000 answers, on a throwaway SQLite database
    vivera survey_benchmark --antwoorden 20000
    vivera survey_benchmark --deze-database    # on the configured database, rolled back after

It builds a municipality with one closed survey and the asked number of answers over a year,
then times every survey indicator of the monitor (protected, the whole year) as the policy
advisor's dashboard computes them, and prints each time and the total beside the target.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from argparse import SUPPRESS
from functools import partial
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from vivera.core.formatting import number, seconds
from vivera.devtools.benchmarks import survey as bench
from vivera.devtools.benchmarks.measure import machine, measure
from vivera.monitor.indicators import BY_CODE
from vivera.monitor.scope import Scope
from vivera.survey.models import Answer

TARGET_SECONDS = 0.5  # issue 14: the results of 100,000 answers in under 0.5 s on SQLite
CODES = (
    "survey_statements",
    "survey_marks",
    "survey_choices",
    "survey_response",
    "survey_response_by_age",
    "survey_walk_in_points",
)


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Meet hoe snel de uitkomsten van de enquête zijn: maakt een gemeente met een enquête "
        "en het gevraagde aantal antwoorden, standaard in een wegwerp-SQLite-database, en "
        "berekent alle enquête-indicatoren van de monitor. Drukt machine, aantallen en "
        "seconden af naast het doel."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--antwoorden", type=int, default=100_000, help="Aantal antwoorden (standaard 100.000)."
        )
        parser.add_argument(
            "--deze-database",
            action="store_true",
            help="Meet op de ingestelde database; alles wordt na afloop teruggedraaid.",
        )
        parser.add_argument(
            "--herhalingen", type=int, default=5, help="Aantal metingen (standaard 5)."
        )
        parser.add_argument("--wegwerp", action="store_true", help=SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        answers = options["antwoorden"]
        if not 100 <= answers <= 10_000_000:
            raise CommandError("--antwoorden moet tussen 100 en 10.000.000 liggen.")
        if options["wegwerp"]:
            self._measure(answers, options["herhalingen"])
        elif options["deze_database"]:
            try:
                with transaction.atomic():
                    self._measure(answers, options["herhalingen"])
                    raise _Rollback
            except _Rollback:
                self.stdout.write("Alles is teruggedraaid: de database is als tevoren.")
        else:
            with tempfile.TemporaryDirectory(prefix="vivera-survey-benchmark-") as folder:
                env = {**os.environ, "DATABASE_URL": f"sqlite:///{Path(folder) / 'b.sqlite3'}"}
                command = [sys.executable, "-m", "vivera.manage"]
                self.stdout.write("Wegwerpdatabase maken (SQLite, migrate) …")
                subprocess.run([*command, "migrate", "--no-input", "-v", "0"], env=env, check=True)
                done = subprocess.run(
                    [
                        *command,
                        "survey_benchmark",
                        "--wegwerp",
                        "--antwoorden",
                        str(answers),
                        "--herhalingen",
                        str(options["herhalingen"]),
                    ],
                    env=env,
                    check=False,
                )
                if done.returncode:
                    raise CommandError("De meting is mislukt (zie hierboven).")

    def _measure(self, answers: int, repeats: int) -> None:
        started = time.perf_counter()
        municipality = bench.build(answers)
        built = time.perf_counter() - started
        for line in machine().lines():
            self.stdout.write(line)
        total_answers = Answer.objects.filter(response__survey__municipality=municipality).count()
        self.stdout.write(
            f"Gegevens: {number(total_answers)} antwoorden in een jaar, gemaakt in "
            f"{seconds(built)}; belasting van de machine {number(os.getloadavg()[0], 1)}"
        )
        scope = Scope((municipality,), dt.date(bench.YEAR, 1, 1), dt.date(bench.YEAR, 12, 31))

        def everything() -> None:
            for code in CODES:
                BY_CODE[code].compute(scope)

        for code in CODES:
            indicator = BY_CODE[code]
            timing = measure(partial(indicator.compute, scope), repeats)
            self.stdout.write(f"  {code:<24} mediaan {seconds(timing.median)}")
        timing = measure(everything, repeats)
        met = timing.median < TARGET_SECONDS
        verdict = (
            f"Alle enquête-uitkomsten: mediaan {seconds(timing.median)}, hoogstens "
            f"{seconds(timing.max)} [doel: onder {number(TARGET_SECONDS, 1)} s bij 100.000 "
            f"antwoorden op SQLite — {'gehaald' if met else 'NIET gehaald'}]"
        )
        self.stdout.write(self.style.SUCCESS(verdict) if met else self.style.ERROR(verdict))
