"""`vivera ggm_export`: the GGM export of one municipality as a ZIP file (docs/ggm.md).

Examples:
    vivera ggm_export --gemeente GM9901 --uitvoer ggm.zip
    vivera ggm_export --gemeente Zwijnwaard --uitvoer ggm-2025.zip \
        --vanaf 2025-01-01 --tot 2025-12-31

All or nothing: the file appears only when the export is complete.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from vivera.core.parsing import command_date
from vivera.ggm.services import ggm_export_save
from vivera.organisation.models import Municipality


class Command(BaseCommand):
    help = (
        "Exporteert de dossiers, vragen en ZRM-scores van een gemeente gepseudonimiseerd in "
        "de vorm van het Gemeentelijk Gegevensmodel (GGM), als ZIP met een CSV per tabel."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--gemeente", required=True, help="CBS-code (GM0000) of naam.")
        parser.add_argument("--uitvoer", required=True, help="Het ZIP-bestand dat ontstaat.")
        parser.add_argument(
            "--vanaf",
            type=command_date,
            help="Alleen dossiers aangemeld vanaf deze datum (JJJJ-MM-DD).",
        )
        parser.add_argument(
            "--tot",
            type=command_date,
            help="Alleen dossiers aangemeld tot en met deze datum (JJJJ-MM-DD).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        given = options["gemeente"]
        municipality = Municipality.objects.filter(
            Q(cbs_code__iexact=given) | Q(name__iexact=given)
        ).first()
        if municipality is None:
            raise CommandError(f"Onbekende gemeente: {given!r}.")
        start, end = options["vanaf"], options["tot"]
        if start and end and end < start:
            raise CommandError("Het einde van de periode ligt voor het begin.")
        path = Path(options["uitvoer"])
        if not path.parent.is_dir():
            raise CommandError(f"De map {str(path.parent)!r} bestaat niet.")
        result = ggm_export_save(
            path=path,
            municipality=municipality,
            start=start,
            end=end,
            via=f"command ({_operator()})",
        )
        dossiers = result.rows["SOCIAALTEAMDOSSIER"]
        self.stdout.write(
            f"Geschreven: {path} ({dossiers} dossiers, {sum(result.rows.values())} rijen)"
        )


def _operator() -> str:
    """Who ran the command, for the access log (a command has no Vivera user)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
