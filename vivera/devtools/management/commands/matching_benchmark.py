"""`vivera matching_benchmark`: how fast Voor elkaar's search answers (docs/benchmarks.md,
"Voor elkaar").

    vivera matching_benchmark                    # 100.000 published listings, configured database
    vivera matching_benchmark --aantal 20000

It makes a municipality of its own (GM8098) with the asked number of published requests and
offers (texts from a set of Dutch phrases), brings the planner's statistics up to date, times a
set of searches (words, words with filters, a word that is rare) as the public overview runs
them (the first page of 20 with its count, which stops at `selectors.COUNT_CAP`; counting all
results is timed beside it), and rolls everything back."""

from __future__ import annotations

import os
import random
import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from vivera.core.formatting import number
from vivera.core.pagination import CappedPaginator
from vivera.devtools.benchmarks.measure import machine
from vivera.imports.services import insert_rows
from vivera.matching import selectors
from vivera.matching.models import HelpKind, Listing
from vivera.organisation.models import Municipality, Neighbourhood, PartOfDay

TARGET_MS = 50.0  # issue 17: search over 100,000 requests in under 50 ms on PostgreSQL
PHRASES = [
    "Wie rijdt mee naar het ziekenhuis",
    "Boodschappen doen op zaterdag",
    "Een wandeling door het park",
    "Hulp bij het invullen van formulieren",
    "Samen koffie drinken en een praatje maken",
    "De heg snoeien en het gras maaien",
    "Uitleg over de computer en de telefoon",
    "Een lamp ophangen en een kast in elkaar zetten",
    "Vervoer naar de dagbesteding",
    "Telefonisch contact met een oudere buurvrouw",
    "Voorlezen en samen een spelletje doen",
    "Hond uitlaten als het baasje ziek is",
]
SEARCHES: list[tuple[str, dict[str, Any]]] = [
    ("ziekenhuis", {}),
    ("boodschappen zaterdag", {}),
    ("computer", {"help_kind": "digital"}),
    ("tuin gras", {"part_of_day": "morning"}),
    ("dagbesteding vervoer", {"kind": "request"}),
    ("xylofoon", {}),
]


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Meet hoe snel het zoeken op Voor elkaar is: maakt een eigen gemeente met het gevraagde "
        "aantal hulpvragen en aanbiedingen, meet een reeks zoekopdrachten en draait alles terug."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--aantal", type=int, default=100_000, help="Aantal (standaard 100.000)."
        )
        parser.add_argument(
            "--herhalingen", type=int, default=20, help="Metingen per zoekopdracht."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not 100 <= options["aantal"] <= 5_000_000:
            raise CommandError("--aantal moet tussen 100 en 5.000.000 liggen.")
        try:
            with transaction.atomic():
                self._measure(options["aantal"], options["herhalingen"])
                raise _Rollback
        except _Rollback:
            self.stdout.write("Alles is teruggedraaid: de database is als tevoren.")

    def _measure(self, count: int, repeats: int) -> None:
        rng = random.Random(17)
        started = time.perf_counter()
        municipality = Municipality.objects.create(name="Benchmark-Voor-elkaar", cbs_code="GM8098")
        wijken = [
            Neighbourhood.objects.create(
                municipality=municipality, name=f"Wijk {n}", cbs_code=f"WK8098{n:02d}"
            )
            for n in range(12)
        ]
        kinds, parts = HelpKind.values, PartOfDay.values
        rows = []
        for n in range(count):
            phrase = rng.choice(PHRASES)
            rows.append(
                (
                    municipality.pk,
                    rng.choice(["request", "offer"]),
                    f"{phrase} ({n})",
                    f"{phrase}. {rng.choice(PHRASES)}. {rng.choice(PHRASES)}.",
                    rng.choice(kinds),
                    rng.choice(wijken).pk,
                    f'["{rng.choice(parts)}"]',
                    rng.choice(["once", "recurring"]),
                    "published",
                    "2026-01-01T00:00:00+00:00",
                )
            )
        insert_rows(
            Listing,
            [
                "municipality_id",
                "kind",
                "title",
                "text",
                "help_kind",
                "neighbourhood_id",
                "parts_of_day",
                "frequency",
                "status",
                "published_at",
            ],
            rows,
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE matching_listing" if connection.vendor == "postgresql" else "ANALYZE"
            )
        built = time.perf_counter() - started
        for line in machine().lines():
            self.stdout.write(line)
        self.stdout.write(
            f"Gegevens: {number(count)} gepubliceerde hulpvragen en aanbiedingen, gemaakt in "
            f"{number(built, 1)} s; database {connection.vendor}; belasting "
            f"{number(os.getloadavg()[0], 1)}"
        )
        medians = []
        for query, filters in SEARCHES:
            times, counted = [], []
            found, total, more = 0, 0, False
            for _i in range(repeats + 1):
                t = time.perf_counter()
                results = selectors.search(municipality, selectors.Filters(query=query, **filters))
                paginator = CappedPaginator(results, 20, selectors.COUNT_CAP)
                page = list(paginator.get_page(1))
                times.append((time.perf_counter() - t) * 1000)
                found, total, more = len(page), paginator.count, paginator.more
                t = time.perf_counter()
                results.count()
                counted.append((time.perf_counter() - t) * 1000)
            median = statistics.median(times[1:])  # the first run warms up
            medians.append(median)
            self.stdout.write(
                f"  {query!r:<26} {filters!s:<28} pagina ({found:>2} van "
                f"{'meer dan ' if more else ''}{number(total)}) mediaan {number(median, 1)} ms, "
                f"hoogstens {number(max(times[1:]), 1)} ms; alles tellen "
                f"{number(statistics.median(counted[1:]), 1)} ms"
            )
        worst = max(medians)
        met = worst < TARGET_MS
        verdict = (
            f"Zoeken: traagste mediaan {number(worst, 1)} ms [doel: onder {number(TARGET_MS)} ms "
            f"bij 100.000 op PostgreSQL — {'gehaald' if met else 'NIET gehaald'}]"
        )
        self.stdout.write(self.style.SUCCESS(verdict) if met else self.style.ERROR(verdict))
