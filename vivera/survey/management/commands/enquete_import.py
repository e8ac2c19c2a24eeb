"""`vivera enquete_import`: import a survey bureau's answers (CSV or XLSX). See docs/survey.md.

Example:
    vivera enquete_import antwoorden.xlsx --enquete 3 --controleer

Exit code 0: everything valid (and imported, unless --controleer); 1: problems (nothing
imported); 2: the file could not be read or the survey does not exist.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from vivera.imports import readers
from vivera.survey.bureau import bureau_import
from vivera.survey.models import Survey


class Command(BaseCommand):
    help = _(
        "Imports the answers a survey bureau collected (CSV or XLSX, columns as in "
        "docs/survey.md). Every row is checked first; nothing is written when there is a "
        "problem. A code already imported is skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("bestand", type=Path, help=_("The file (.csv or .xlsx)."))
        parser.add_argument(
            "--enquete", type=int, required=True, help=_("The number of the survey.")
        )
        parser.add_argument(
            "--controleer", action="store_true", help=_("Only check the file; import nothing.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        survey = Survey.objects.filter(pk=options["enquete"]).first()
        if survey is None:
            raise CommandError(_("There is no survey with this number."), returncode=2)
        try:
            table = readers.read_file(options["bestand"])
        except (readers.ReadError, OSError) as error:
            raise CommandError(str(error), returncode=2) from error
        result = bureau_import(
            survey=survey,
            table=table,
            user=None,
            today=timezone.localdate(),
            only_check=options["controleer"],
        )
        for problem in result.problems:
            self.stderr.write(
                _("line %(line)d, column %(column)s: %(message)s")
                % {
                    "line": problem.line,
                    "column": problem.column or "-",
                    "message": problem.message,
                }
            )
        self.stdout.write(
            _(
                "Rows: %(rows)d. Valid and new: %(valid)d. Imported: %(imported)d. "
                "Already processed earlier: %(already)d."
            )
            % {
                "rows": result.rows,
                "valid": len(result.valid),
                "imported": result.imported,
                "already": result.already,
            }
        )
        if not result.ok:
            self.stderr.write(_("Nothing imported."))
            sys.exit(1)
