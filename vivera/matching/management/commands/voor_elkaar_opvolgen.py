"""`vivera voor_elkaar_opvolgen --adres https://vivera.gemeente.nl`: e-mail each municipality's
moderators how many Voor elkaar matches are four weeks old and not yet followed up (no names;
the link goes to the moderation page). Run daily from cron (docs/matching.md, docs/deploy.md).

Exit code 0 (also when nothing is due); 1: `--adres` is not a web address."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vivera.matching.services import follow_up_reminders


class Command(BaseCommand):
    help = _(
        "Remind Voor elkaar's moderators of matches four weeks old that nobody followed up yet."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--adres",
            required=True,
            help=_(
                "The address of Vivera for the link in the e-mail, e.g. https://vivera.gemeente.nl"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        address = options["adres"].rstrip("/")
        if not address.startswith(("https://", "http://")):
            raise CommandError(_("--adres starts with https:// (or http://)."))
        sent = follow_up_reminders(base_url=address)
        self.stdout.write(_("Reminders sent: %(count)d") % {"count": sent})
