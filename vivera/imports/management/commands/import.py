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
from django.utils.translation import gettext as _

from vivera.accounts.models import Role, User
from vivera.imports.models import Mode
from vivera.imports.report import report_lines
from vivera.imports.services import import_expire_pending, import_run, read_paths
from vivera.organisation.models import Municipality


class Command(BaseCommand):
    help = _(
        "Imports exports of a previous registration system (CSV or XLSX): clients, dossiers, "
        "questions, contact moments and short contacts. Everything is checked first; nothing "
        "is written when there is an error (unless --alleen-geldige). See docs/import.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paden",
            nargs="+",
            type=Path,
            metavar="PAD",
            help=_("A folder (every .csv and .xlsx file in it) or files."),
        )
        parser.add_argument("--gemeente", required=True, help=_("CBS code (GM0000) or name."))
        parser.add_argument(
            "--gebruiker",
            required=True,
            help=_("User name of the functional administrator who imports (becomes 'created by')."),
        )
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--controleer", action="store_true", help=_("Only check; import nothing.")
        )
        group.add_argument(
            "--alleen-geldige",
            action="store_true",
            help=_("Import the valid rows and skip the wrong ones (they are in the report)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = Municipality.objects.filter(
            Q(cbs_code__iexact=options["gemeente"]) | Q(name__iexact=options["gemeente"])
        ).first()
        if municipality is None:
            raise CommandError(
                _("Unknown municipality: %(names)s") % {"names": options["gemeente"]},
                returncode=2,
            )
        user = User.objects.filter(username=options["gebruiker"], municipality=municipality).first()
        if user is None or not user.is_active or user.role != Role.ADMIN:
            raise CommandError(
                _("%(user)s is not an active functional administrator of %(municipality)s.")
                % {"user": options["gebruiker"], "municipality": municipality.name},
                returncode=2,
            )
        missing = [str(p) for p in options["paden"] if not p.exists()]
        if missing:
            raise CommandError(
                _("Does not exist: %(paths)s") % {"paths": ", ".join(missing)}, returncode=2
            )
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
            raise CommandError(_("No .csv or .xlsx files found."), returncode=2)
        seconds_read = time.perf_counter() - started
        result = import_run(
            user=user, municipality=municipality, tables=tables, mode=mode, read_problems=unreadable
        )
        result.seconds_read = seconds_read
        for line in report_lines(result, municipality=municipality, user=user):
            self.stdout.write(line)
        if result.problems:
            raise CommandError(
                _("%(count)s error(s) found; see above.") % {"count": len(result.problems)},
                returncode=1,
            )
