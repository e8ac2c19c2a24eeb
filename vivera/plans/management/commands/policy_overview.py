"""`vivera policy_overview`: write the activity overview of a municipality as a document
(docs/plans.md).

    vivera policy_overview --gemeente GM9901 --formaat docx --uitvoer overzicht.docx
    vivera policy_overview --gemeente Zwijnwaard --datum 2026-06-30 --formaat pdf --uitvoer o.pdf

The plan is the one whose period holds the date (default today), else the latest before it.
Exit code 0: written; 2: wrong arguments or no plan.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from vivera.organisation.models import Municipality
from vivera.plans import document, selectors
from vivera.plans.models import Plan


def day(value: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()  # noqa: DTZ007 (a date only)
        except ValueError:
            continue
    raise ValueError(value)


class Command(BaseCommand):
    help = _(
        "Writes the municipality's activity overview, as it stood on a date, as DOCX, PDF or HTML."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--gemeente", required=True, help=_("CBS code (GM0000) or name."))
        parser.add_argument("--datum", type=day, help=_("The date (2026-06-30); default today."))
        parser.add_argument("--formaat", required=True, choices=["docx", "pdf", "html"])
        parser.add_argument("--uitvoer", required=True, type=Path, help=_("The file to write."))

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = Municipality.objects.filter(
            Q(cbs_code__iexact=options["gemeente"]) | Q(name__iexact=options["gemeente"])
        ).first()
        if municipality is None:
            raise CommandError(
                _("Unknown municipality: %(names)s") % {"names": options["gemeente"]},
                returncode=2,
            )
        when = options["datum"] or timezone.localdate()
        plans = Plan.objects.filter(municipality=municipality)
        plan = (
            plans.filter(start_date__lte=when, end_date__gte=when).order_by("-start_date").first()
            or plans.filter(start_date__lte=when).order_by("-start_date").first()
        )
        if plan is None:
            raise CommandError(
                _("%(municipality)s has no plan on %(day)s.")
                % {"municipality": municipality.name, "day": when.strftime("%d-%m-%Y")},
                returncode=2,
            )
        overview = selectors.overview(plan, when)
        fmt = options["formaat"]
        if fmt == "docx":
            content = document.document_docx(overview)
        elif fmt == "pdf":
            content = document.document_pdf(overview)
        else:
            content = document.document_html(overview).encode()
        options["uitvoer"].write_bytes(content)
        self.stdout.write(
            _("%(plan)s as it stood on %(day)s written to %(file)s.")
            % {"plan": plan.title, "day": when.strftime("%d-%m-%Y"), "file": options["uitvoer"]}
        )
