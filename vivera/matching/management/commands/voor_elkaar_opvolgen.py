"""`vivera voor_elkaar_opvolgen --adres https://vivera.gemeente.nl`: e-mail each municipality's
moderators how many Voor elkaar matches are four weeks old and not yet followed up (no names;
the link goes to the moderation page). Run daily from cron (docs/matching.md, docs/deploy.md).

Exit code 0 (also when nothing is due)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vivera.matching.services import follow_up_reminders


class Command(BaseCommand):
    help = (
        "Stuur de moderatoren van Voor elkaar een herinnering: matches van vier weken oud die "
        "nog niet zijn nagevraagd."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--adres",
            required=True,
            help="Het adres van Vivera voor de link in de e-mail, bijv. https://vivera.gemeente.nl",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        address = options["adres"].rstrip("/")
        if not address.startswith(("https://", "http://")):
            raise CommandError("--adres begint met https:// (of http://).")
        sent = follow_up_reminders(base_url=address)
        self.stdout.write(f"Herinneringen verstuurd: {sent}")
