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
from django.utils.translation import gettext as _

from vivera.core.parsing import command_date
from vivera.ggm.services import ggm_export_save
from vivera.organisation.models import Municipality


class Command(BaseCommand):
    help = _(
        "Exports a municipality's dossiers, questions and ZRM scores, pseudonymised, in the "
        "shape of the Gemeentelijk Gegevensmodel (GGM), as a ZIP with a CSV per table."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--gemeente", required=True, help=_("CBS code (GM0000) or name."))
        parser.add_argument("--uitvoer", required=True, help=_("The ZIP file to write."))
        parser.add_argument(
            "--vanaf",
            type=command_date,
            help=_("Only dossiers registered from this date (YYYY-MM-DD)."),
        )
        parser.add_argument(
            "--tot",
            type=command_date,
            help=_("Only dossiers registered up to and including this date (YYYY-MM-DD)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        given = options["gemeente"]
        municipality = Municipality.objects.filter(
            Q(cbs_code__iexact=given) | Q(name__iexact=given)
        ).first()
        if municipality is None:
            raise CommandError(_("Unknown municipality: %(name)r.") % {"name": given})
        start, end = options["vanaf"], options["tot"]
        if start and end and end < start:
            raise CommandError(_("The end of the period lies before its start."))
        path = Path(options["uitvoer"])
        if not path.parent.is_dir():
            raise CommandError(
                _("The folder %(folder)r does not exist.") % {"folder": str(path.parent)}
            )
        result = ggm_export_save(
            path=path,
            municipality=municipality,
            start=start,
            end=end,
            via=f"command ({_operator()})",
        )
        dossiers = result.rows["SOCIAALTEAMDOSSIER"]
        self.stdout.write(
            _("Written: %(path)s (%(dossiers)s dossiers, %(rows)s rows)")
            % {"path": path, "dossiers": dossiers, "rows": sum(result.rows.values())}
        )


def _operator() -> str:
    """Who ran the command, for the access log (a command has no Vivera user)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
