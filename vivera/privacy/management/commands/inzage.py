"""`vivera inzage`: the export for a person's request to see their data (AVG art. 15), as a PDF
and a JSON file in a folder, for an overview too large for the page (docs/commands.md).

Example:
    vivera inzage --client 1234 --kenmerk 2026-0042 --gebruiker beheer --map /srv/inzage

All or nothing: both files appear together with the request's record and the access-log line,
or nothing does.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from vivera.accounts.models import Role, User
from vivera.core.parsing import command_date
from vivera.ggm.management.commands.ggm_export import _operator
from vivera.monitor.pdf import PdfUnavailable
from vivera.privacy.services import access_export_save
from vivera.registration.models import Client


class Command(BaseCommand):
    help = _(
        "Makes the overview for a request for access (GDPR art. 15): everything Vivera records "
        "about one resident and who read it, as PDF and as JSON, in a folder."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--inwoner",
            "--client",  # the older name, kept for scripts that use it
            dest="client",
            type=int,
            required=True,
            help=_("The resident's number (client number) in Vivera."),
        )
        parser.add_argument(
            "--kenmerk",
            required=True,
            help=_("The request's reference. When it does not exist yet, the request is recorded."),
        )
        parser.add_argument(
            "--gebruiker",
            required=True,
            help=_("The user name of the functional administrator who handles the request."),
        )
        parser.add_argument("--map", required=True, help=_("The folder the files go to."))
        parser.add_argument(
            "--ontvangen",
            type=command_date,
            help=_("Date a new request was received (YYYY-MM-DD); by default today."),
        )
        parser.add_argument("--notitie", default="", help=_("A note with a new request."))

    def handle(self, *args: Any, **options: Any) -> None:
        # A stop by cron, systemd or `kill` (SIGTERM) unwinds like Ctrl-C: the transaction
        # rolls back and no file gets its name.
        signal.signal(signal.SIGTERM, _stopped)
        directory = Path(options["map"])
        if not directory.is_dir():
            raise CommandError(
                _("The folder %(folder)r does not exist.") % {"folder": str(directory)}
            )
        user = User.objects.filter(
            username=options["gebruiker"], role=Role.ADMIN, is_active=True
        ).first()
        if user is None or user.municipality_id is None:
            raise CommandError(
                _("No active functional administrator %(name)r.") % {"name": options["gebruiker"]}
            )
        client = Client.objects.filter(
            pk=options["client"], municipality_id=user.municipality_id
        ).first()
        if client is None:
            raise CommandError(
                _("No resident %(client)s in the municipality of %(user)s.")
                % {"client": options["client"], "user": user.username}
            )
        try:
            export, paths = access_export_save(
                client=client,
                reference=options["kenmerk"],
                user=user,
                directory=directory,
                received_on=options["ontvangen"] or timezone.localdate(),
                note=options["notitie"],
                via=f"command ({_operator()})",
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except PdfUnavailable as error:
            raise CommandError(
                _(
                    "This server cannot make a PDF (Pango is missing): %(error)s. "
                    "Nothing was recorded."
                )
                % {"error": error}
            ) from error
        for path in paths:
            self.stdout.write(_("Written: %(path)s") % {"path": path})
        counts = export.counts()
        self.stdout.write(
            _("  %(dossiers)s dossiers, %(submissions)s submissions, %(lines)s access-log lines")
            % {
                "dossiers": counts.get("dossiers", 0),
                "submissions": counts.get("submissions", 0),
                "lines": counts.get("access_log", 0),
            }
        )
        self.stdout.write(
            _(
                "  Read the overview before you hand it over, and pass it on safely "
                "(docs/handleiding.md)."
            )
        )


def _stopped(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)
