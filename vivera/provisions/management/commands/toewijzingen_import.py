"""`vivera toewijzingen_import`: import a delivery of Wmo allocations from the social service
(CSV/XLSX exports or iWmo WMO301 messages; a folder holds the .csv, .xlsx and .xml files in it).
See docs/provisions.md.

Examples:
    vivera toewijzingen_import toewijzingen.csv --gemeente GM9901 --gebruiker beheer \\
        --van 2024-01 --tot 2025-12 --controleer
    vivera toewijzingen_import berichten/ --gemeente GM9901 --gebruiker beheer --van 2025-01 \\
        --tot 2025-06

Exit code 0: imported (or, with --controleer, valid; or imported before); 1: problems (nothing
imported); 2: wrong arguments.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils.translation import gettext as _

from vivera.accounts.models import Role, User
from vivera.core.formatting import number
from vivera.organisation.models import Municipality
from vivera.provisions.services import delivery_import

SUFFIXES = (".csv", ".xlsx", ".xml")


def month(value: str) -> dt.date:
    """2025-03, 03-2025 or a whole date."""
    for pattern in ("%Y-%m", "%m-%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()  # noqa: DTZ007 (a date only)
        except ValueError:
            continue
    raise ValueError(value)


class Command(BaseCommand):
    help = _(
        "Imports a delivery of Wmo allocations from the social service (CSV/XLSX exports or "
        "WMO301 messages), complete for the months --van to --tot. Every line is checked first; "
        "nothing is written when there is a problem."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paden", nargs="+", type=Path, help=_("Files or folders."))
        parser.add_argument("--gemeente", required=True, help=_("CBS code (GM0000) or name."))
        parser.add_argument(
            "--gebruiker",
            required=True,
            help=_("User name of the functional administrator who imports."),
        )
        parser.add_argument(
            "--van", required=True, type=month, help=_("First month: 2025-01 (or 01-2025).")
        )
        parser.add_argument(
            "--tot", required=True, type=month, help=_("Last month, inclusive: 2025-12.")
        )
        parser.add_argument(
            "--controleer", action="store_true", help=_("Only check; import nothing.")
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
        paths: list[Path] = []
        for path in options["paden"]:
            if path.is_dir():
                paths += sorted(
                    p
                    for p in path.iterdir()
                    if p.is_file()
                    and p.suffix.lower() in SUFFIXES
                    and not p.name.startswith(("~$", "."))
                )
            elif path.exists():
                paths.append(path)
            else:
                raise CommandError(_("Does not exist: %(paths)s") % {"paths": path}, returncode=2)
        if not paths:
            raise CommandError(_("No .csv, .xlsx or .xml files found."), returncode=2)
        started = time.perf_counter()
        result = delivery_import(
            municipality=municipality,
            files=[(p.name, p.read_bytes()) for p in paths],
            start=options["van"],
            end=options["tot"],
            user=user,
            only_check=options["controleer"],
        )
        for problem in result.problems:
            self.stderr.write(
                _("%(file)s, line %(line)s, %(column)s: %(message)s")
                % {
                    "file": problem.file or "-",
                    "line": problem.line or "-",
                    "column": problem.column or "-",
                    "message": problem.reason,
                }
            )
        if result.already:
            self.stdout.write(
                _("These files were imported before for this period: nothing changed.")
            )
            return
        self.stdout.write(
            _(
                "Lines: %(lines)s. Counted: %(counted)s. Of Vivera clients: %(linked)s. Outside "
                "the period: %(outside)s. Superseded: %(superseded)s. Removed by the social "
                "service: %(removed_by_sender)s. Clients' allocations removed: %(removed)s."
            )
            % {
                key: number(getattr(result, key))
                for key in (
                    "lines",
                    "counted",
                    "linked",
                    "outside",
                    "superseded",
                    "removed_by_sender",
                    "removed",
                )
            }
        )
        if not result.ok:
            self.stderr.write(_("Nothing imported."))
            sys.exit(1)
        self.stdout.write(
            (
                _("Checked; nothing imported (--controleer).")
                if result.checked_only
                else _("Imported.")
            )
            + " "
            + _("%(seconds).1f s") % {"seconds": time.perf_counter() - started}
        )
