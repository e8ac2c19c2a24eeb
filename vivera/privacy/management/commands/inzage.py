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

from vivera.accounts.models import Role, User
from vivera.core.parsing import command_date
from vivera.ggm.management.commands.ggm_export import _operator
from vivera.monitor.pdf import PdfUnavailable
from vivera.privacy.services import access_export_save
from vivera.registration.models import Client


class Command(BaseCommand):
    help = (
        "Maakt het overzicht voor een inzageverzoek (AVG art. 15): alles wat Vivera over één "
        "inwoner vastlegt en wie het inzag, als PDF en als JSON, in een map."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--client", type=int, required=True, help="Het inwonernummer (cliëntnummer) in Vivera."
        )
        parser.add_argument(
            "--kenmerk",
            required=True,
            help="Het kenmerk van het verzoek. Bestaat het nog niet, dan wordt "
            "het verzoek vastgelegd.",
        )
        parser.add_argument(
            "--gebruiker",
            required=True,
            help="De gebruikersnaam van de functioneel beheerder die het verzoek behandelt.",
        )
        parser.add_argument("--map", required=True, help="De map waarin de bestanden komen.")
        parser.add_argument(
            "--ontvangen",
            type=command_date,
            help="Datum van ontvangst van een nieuw verzoek (JJJJ-MM-DD); standaard vandaag.",
        )
        parser.add_argument("--notitie", default="", help="Notitie bij een nieuw verzoek.")

    def handle(self, *args: Any, **options: Any) -> None:
        # A stop by cron, systemd or `kill` (SIGTERM) unwinds like Ctrl-C: the transaction
        # rolls back and no file gets its name.
        signal.signal(signal.SIGTERM, _stopped)
        directory = Path(options["map"])
        if not directory.is_dir():
            raise CommandError(f"De map {str(directory)!r} bestaat niet.")
        user = User.objects.filter(
            username=options["gebruiker"], role=Role.ADMIN, is_active=True
        ).first()
        if user is None or user.municipality_id is None:
            raise CommandError(f"Geen actieve functioneel beheerder {options['gebruiker']!r}.")
        client = Client.objects.filter(
            pk=options["client"], municipality_id=user.municipality_id
        ).first()
        if client is None:
            raise CommandError(
                f"Geen inwoner {options['client']} in de gemeente van {user.username}."
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
                f"Deze server kan geen PDF maken (Pango ontbreekt): {error}. "
                "Er is niets vastgelegd."
            ) from error
        for path in paths:
            self.stdout.write(f"Geschreven: {path}")
        counts = export.counts()
        self.stdout.write(
            f"  {counts.get('dossiers', 0)} dossiers, "
            f"{counts.get('submissions', 0)} meldingen, "
            f"{counts.get('access_log', 0)} regels uit het toegangslog"
        )
        self.stdout.write(
            "  Lees het overzicht na voordat je het overhandigt, en geef het veilig "
            "door (docs/handleiding.md)."
        )


def _stopped(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)
