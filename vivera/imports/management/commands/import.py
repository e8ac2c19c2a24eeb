"""`vivera import`: import legacy registration exports (CSV, XLSX). See docs/import.md.

Examples:
    vivera import export/ --gemeente GM9901 --gebruiker beheer --controleer
    vivera import export/ --gemeente Zwijnwaard --gebruiker beheer
    vivera import clienten.csv dossiers.xlsx --gemeente GM9901 --gebruiker beheer --alleen-geldige

Exit code 0: everything valid (and imported, unless --controleer); 1: rows with errors (nothing
imported, or with --alleen-geldige only the valid rows); 2: the import could not start.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from vivera.accounts.models import Role, User
from vivera.imports.models import Mode
from vivera.imports.report import report_lines
from vivera.imports.services import import_expire_pending, import_run, read_paths
from vivera.organisation.models import Municipality


class Command(BaseCommand):
    help = (
        "Importeert exports uit een oude registratie (CSV of XLSX): cliënten, dossiers, "
        "vragen, contactmomenten en korte contacten. Eerst wordt alles gecontroleerd; er "
        "wordt niets geschreven als er een fout is (tenzij --alleen-geldige). Zie "
        "docs/import.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paden",
            nargs="+",
            type=Path,
            metavar="PAD",
            help="Een map (alle .csv- en .xlsx-bestanden erin) of bestanden.",
        )
        parser.add_argument("--gemeente", required=True, help="CBS-code (GM0000) of naam.")
        parser.add_argument(
            "--gebruiker",
            required=True,
            help="Gebruikersnaam van de functioneel beheerder die importeert "
            "(wordt 'aangemaakt door').",
        )
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--controleer", action="store_true", help="Alleen controleren; niets importeren."
        )
        group.add_argument(
            "--alleen-geldige",
            action="store_true",
            help="Importeer de geldige rijen en sla de foute over (die staan in het verslag).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = Municipality.objects.filter(
            Q(cbs_code__iexact=options["gemeente"]) | Q(name__iexact=options["gemeente"])
        ).first()
        if municipality is None:
            raise CommandError(f"Onbekende gemeente: {options['gemeente']}", returncode=2)
        user = User.objects.filter(username=options["gebruiker"], municipality=municipality).first()
        if user is None or not user.is_active or user.role != Role.ADMIN:
            raise CommandError(
                f"{options['gebruiker']} is geen actieve functioneel beheerder "
                f"van {municipality.name}.",
                returncode=2,
            )
        missing = [str(p) for p in options["paden"] if not p.exists()]
        if missing:
            raise CommandError(f"Bestaat niet: {', '.join(missing)}", returncode=2)
        mode = (
            Mode.CHECK
            if options["controleer"]
            else Mode.VALID_ONLY
            if options["alleen_geldige"]
            else Mode.ALL
        )
        import_expire_pending()  # uploads on the page that were left waiting
        started = time.perf_counter()
        tables, unreadable = read_paths(options["paden"])
        if not tables and not unreadable:
            raise CommandError("Geen .csv- of .xlsx-bestanden gevonden.", returncode=2)
        seconds_read = time.perf_counter() - started
        result = import_run(
            user=user, municipality=municipality, tables=tables, mode=mode, read_problems=unreadable
        )
        result.seconds_read = seconds_read
        for line in report_lines(result, municipality=municipality, user=user):
            self.stdout.write(line)
        if result.problems:
            raise CommandError(
                f"{len(result.problems)} fout(en) gevonden; zie hierboven.", returncode=1
            )
