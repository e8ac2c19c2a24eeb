"""`vivera monitor_benchmark`: how fast the monitor computes its figures (docs/benchmarks.md).

    vivera monitor_benchmark                       # the demo municipality, on this database
    vivera monitor_benchmark --regio --dossiers 1000000 --contacten 10000000   # PostgreSQL
    vivera monitor_benchmark --regio --opruimen    # remove the synthetic region again

The measuring is in `vivera.devtools.benchmarks` (`measure.py`, `monitor.py`) and the region
generator in `region.py` there; this command parses, guards and prints.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import ProtectedError, Q

from vivera.core.formatting import number
from vivera.core.parsing import command_date
from vivera.devtools.benchmarks import measure, region
from vivera.devtools.benchmarks import monitor as bench
from vivera.devtools.demo import reference as demo_ref
from vivera.devtools.demo.services import DemoError, demo_exists, demo_generate
from vivera.monitor import facts
from vivera.monitor.indicators import INDICATORS, compute_all
from vivera.monitor.models import FACT_MODELS
from vivera.monitor.scope import Scope, months_between
from vivera.monitor.selectors import default_period
from vivera.organisation.models import Municipality


def _seconds(value: float) -> str:
    return f"{number(value, 3)} s"


def _runs(timing: measure.Timing) -> str:
    n = len(timing.runs)
    return f"{n} meting{'en' if n != 1 else ''} na één keer opwarmen"


class Command(BaseCommand):
    help = (
        "Meet hoe snel de monitor rekent: de hele indicatorenset voor de demogemeente "
        "(standaard) of voor een synthetische regio (--regio, voor PostgreSQL), en de "
        "dashboardpagina. Drukt mediaan en maximum af, met de omvang van de gegevens, de "
        "database en de machine."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--gemeente",
            default=demo_ref.MUNICIPALITY_CBS_CODE,
            help="CBS-code of naam van de gemeente die gemeten wordt (zonder "
            "--regio); standaard de demogemeente. Ontbreekt de "
            "demogemeente, dan wordt zij gemaakt.",
        )
        parser.add_argument(
            "--van",
            type=command_date,
            default=None,
            help="Begin van de periode (JJJJ-MM-DD); standaard de periode "
            "waarmee de monitor opent (de 24 maanden tot en met de "
            "laatste maand met gegevens), met --regio 2016-01-01.",
        )
        parser.add_argument(
            "--tot",
            type=command_date,
            default=None,
            help="Einde van de periode, t/m (JJJJ-MM-DD); standaard het einde "
            "van de periode waarmee de monitor opent, met --regio "
            "2017-12-31.",
        )
        parser.add_argument(
            "--herhalingen",
            type=int,
            default=None,
            help="Gemeten herhalingen na één keer opwarmen (standaard 5; met --regio 3).",
        )
        parser.add_argument(
            "--zonder-profiel", action="store_true", help="Sla de meting per indicator over."
        )
        parser.add_argument(
            "--regio",
            action="store_true",
            help="Meet op de synthetische regio Benchmark-1 … Benchmark-6 "
            "(GM8001–GM8006); die wordt eenmalig gemaakt.",
        )
        parser.add_argument(
            "--dossiers",
            type=int,
            default=1_000_000,
            help="Met --regio: het aantal dossiers (standaard 1.000.000).",
        )
        parser.add_argument(
            "--contacten",
            type=int,
            default=None,
            help="Met --regio: het aantal contactmomenten (standaard 10 per dossier).",
        )
        parser.add_argument(
            "--korte-contacten",
            type=int,
            default=None,
            help="Met --regio: het aantal korte contacten (standaard 2 per dossier).",
        )
        parser.add_argument(
            "--opnieuw",
            action="store_true",
            help="Met --regio: verwijder een bestaande regio en maak haar opnieuw.",
        )
        parser.add_argument(
            "--opruimen",
            action="store_true",
            help="Verwijder de synthetische regio (en niets anders) en stop.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["van"] and options["tot"] and options["tot"] < options["van"]:
            raise CommandError("Het einde van de periode ligt voor het begin.")
        try:
            if options["opruimen"]:
                self._delete_region()
            elif options["regio"]:
                self._region(options)
            else:
                self._municipality(options)
        except measure.BenchmarkError as exc:
            raise CommandError(str(exc)) from exc

    # --- the two modes --------------------------------------------------------------------

    def _municipality(self, options: dict[str, Any]) -> None:
        municipality = self._find_municipality(options["gemeente"])
        repeats = options["herhalingen"] or 5
        start, end = self._period(options, default_period([municipality]))
        self._header([municipality], start, end)
        scope = Scope((municipality,), start, end)
        self._time_facts([municipality])
        self._time_set(
            f"gemeente {municipality.name}",
            scope,
            repeats,
            bench.TARGETS["demo"],
            "doel (a) demo-omvang op SQLite",
        )
        self._time_page(municipality, start, end, repeats)
        if not options["zonder_profiel"]:
            self._profile(scope, min(repeats, 3))

    def _region(self, options: dict[str, Any]) -> None:
        dossiers = options["dossiers"]
        contacts = options["contacten"] if options["contacten"] is not None else 10 * dossiers
        short = (
            options["korte_contacten"] if options["korte_contacten"] is not None else 2 * dossiers
        )
        if options["opnieuw"]:
            self._delete_region()
        if region.region_exists():
            present = bench.data_size([m.pk for m in region.region_municipalities()])
            self.stdout.write(
                f"De benchmarkregio bestaat al en wordt hergebruikt "
                f"({number(present['dossiers'])} dossiers)."
            )
            if present["dossiers"] != dossiers:
                self.stdout.write(
                    self.style.WARNING(
                        f"  Gevraagd waren {number(dossiers)} dossiers; gebruik "
                        "--opnieuw om de regio met die omvang opnieuw te maken."
                    )
                )
        else:
            self.stdout.write(
                f"Benchmarkregio maken: {number(dossiers)} dossiers, "
                f"{number(contacts)} contactmomenten, "
                f"{number(short)} korte contacten …"
            )
            summary = region.region_generate(
                dossiers=dossiers,
                contacts=contacts,
                short_contacts=short,
                progress=self.stdout.write,
            )
            for line in summary.lines():
                self.stdout.write(line)
            seconds = region.analyze()
            self.stdout.write(f"Statistieken bijgewerkt (ANALYZE) in {number(seconds, 1)} s.")
        municipalities = region.region_municipalities()
        repeats = options["herhalingen"] or 3
        start, end = self._period(options, region.PERIOD)
        self._header(municipalities, start, end)
        whole = Scope(tuple(municipalities), start, end)
        self._time_facts(municipalities)
        # Target (b) is about a million dossiers on PostgreSQL; smaller runs are only compared.
        full = (
            connection.vendor == "postgresql"
            and bench.data_size_dossiers(municipalities) >= 1_000_000
        )
        self._time_set(
            f"regio van {len(municipalities)} gemeenten",
            whole,
            repeats,
            bench.TARGETS["region"],
            "doel (b) regio op PostgreSQL"
            if full
            else "ter vergelijking: doel (b) bij 1 mln dossiers op PostgreSQL",
        )
        largest = municipalities[0]
        self._time_set(f"gemeente {largest.name}", Scope((largest,), start, end), repeats, None, "")
        self._time_page(largest, start, end, repeats)
        if not options["zonder_profiel"]:
            self._profile(whole, 1)

    # --- parts ----------------------------------------------------------------------------

    @staticmethod
    def _period(
        options: dict[str, Any], default: tuple[dt.date, dt.date]
    ) -> tuple[dt.date, dt.date]:
        start, end = options["van"] or default[0], options["tot"] or default[1]
        if end < start:
            raise CommandError("Het einde van de periode ligt voor het begin.")
        return start, end

    def _find_municipality(self, wanted: str) -> Municipality:
        municipality = Municipality.objects.filter(Q(cbs_code=wanted) | Q(name=wanted)).first()
        if wanted == demo_ref.MUNICIPALITY_CBS_CODE and not demo_exists():
            if getattr(settings, "PRODUCTION", False):
                raise CommandError(
                    "De demogemeente ontbreekt. Meet een andere gemeente met "
                    "--gemeente, of maak de demo op een oefenomgeving met "
                    "'vivera demo'."
                )
            self.stdout.write(
                f"De demogemeente {demo_ref.MUNICIPALITY_NAME} ontbreekt; zij "
                "wordt nu gemaakt (zoals 'vivera demo') …"
            )
            try:
                with transaction.atomic():
                    summary = demo_generate()
            except DemoError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(summary.lines()[0])
            municipality = Municipality.objects.get(cbs_code=demo_ref.MUNICIPALITY_CBS_CODE)
        if municipality is None:
            raise CommandError(f"Geen gemeente met CBS-code of naam {wanted!r}.")
        return municipality

    def _header(self, municipalities: list[Municipality], start: dt.date, end: dt.date) -> None:
        self.stdout.write("")
        for line in measure.machine().lines():
            self.stdout.write(line)
        size = bench.data_size([m.pk for m in municipalities])
        names = ", ".join(m.name for m in municipalities)
        self.stdout.write(f"Gegevens: {names}")
        width = max(len(label) for _key, label in bench.DATA_LABELS)
        for key, label in bench.DATA_LABELS:
            self.stdout.write(f"  {label:<{width}}  {number(size[key]):>12}")
        self.stdout.write(
            f"Periode:  {start:%d-%m-%Y} t/m {end:%d-%m-%Y} "
            f"({len(months_between(start, end))} maanden)"
        )
        self.stdout.write("")

    def _verdict(self, value: float, target: float | None, label: str) -> str:
        if target is None:
            return ""
        if label.startswith("ter vergelijking"):
            return f"  [{label}: < {number(target, 1)} s]"
        met = value < target
        text = f"  [{label}: < {number(target, 1)} s — {'gehaald' if met else 'NIET gehaald'}]"
        return self.style.SUCCESS(text) if met else self.style.ERROR(text)

    def _time_facts(self, municipalities: list[Municipality]) -> None:
        """Rebuild the monitor's facts from the registration: what a read after a change costs
        (or the nightly `vivera monitor_facts`)."""
        total = 0.0
        per_table: dict[str, float] = {}
        for municipality in municipalities:
            timings: dict[str, float] = {}
            seconds = facts.rebuild(municipality, timings)
            total += seconds
            for name, step in timings.items():
                per_table[name] = per_table.get(name, 0.0) + step
            self.stdout.write(f"feiten opbouwen — {municipality.name}: {_seconds(seconds)}")
        rows = sum(
            model._default_manager.filter(municipality__in=municipalities).count()
            for model in FACT_MODELS
        )
        self.stdout.write(
            f"feiten opbouwen — samen {_seconds(total)}, "
            f"{number(rows)} rijen in {len(FACT_MODELS)} tabellen; "
            "per tabel: "
            + ", ".join(
                f"{name} {_seconds(step)}"
                for name, step in sorted(per_table.items(), key=lambda item: -item[1])
            )
        )

    def _time_set(
        self, what: str, scope: Scope, repeats: int, target: float | None, label: str
    ) -> None:
        queries = measure.count_queries(lambda: compute_all(scope))  # doubles as the warm-up
        timing = measure.measure(lambda: compute_all(scope), repeats, warm_up=False)
        self.stdout.write(
            f"compute_all — {what}, {len(INDICATORS)} indicatoren, {queries} queries: "
            f"mediaan {_seconds(timing.median)}, max {_seconds(timing.max)} "
            f"({_runs(timing)})" + self._verdict(timing.median, target, label)
        )

    def _time_page(
        self, municipality: Municipality, start: dt.date, end: dt.date, repeats: int
    ) -> None:
        user = bench.policy_user(municipality)
        if user is None:
            self.stdout.write(
                self.style.WARNING(
                    f"Dashboard: {municipality.name} heeft geen actieve beleidsmedewerker; niet "
                    "gemeten."
                )
            )
            return
        page = bench.dashboard_timing(user, start, end, repeats)
        self.stdout.write(
            f"dashboard — {municipality.name} als {page.username}, GET {page.url}, status "
            f"{page.status}, {number(page.size // 1024)} kB: mediaan "
            f"{_seconds(page.timing.median)}, max {_seconds(page.timing.max)} "
            f"({_runs(page.timing)})"
            + self._verdict(page.timing.median, bench.TARGETS["page"], "doel grafiekpagina")
        )

    def _profile(self, scope: Scope, repeats: int) -> None:
        profile = bench.indicator_profile(scope, repeats, warm_up=False)  # warmed by _time_set
        total = sum(seconds for _code, seconds in profile)
        self.stdout.write("")
        self.stdout.write(
            f"Per indicator, elk apart berekend (mediaan van {repeats}), traagste "
            f"eerst; samen {_seconds(total)}:"
        )
        for code, seconds in profile:
            share = 100 * seconds / total if total else 0
            self.stdout.write(f"  {code:<28} {_seconds(seconds):>10}  {number(share, 1):>5} %")

    def _delete_region(self) -> None:
        try:
            count = region.region_delete()
        except ProtectedError as exc:
            raise CommandError(
                "De benchmarkregio kan niet worden verwijderd: er verwijzen nog "
                f"gegevens naar ({exc.args[0]})."
            ) from exc
        if count is not None:
            self.stdout.write(f"Benchmarkregio verwijderd ({number(count)} dossiers).")
        else:
            self.stdout.write("Er was geen benchmarkregio.")
