"""`vivera partner_key`: make (or revoke) an API key for a partner's user.

Examples:
    vivera partner_key --gebruiker woonstede-api --naam "Huurincassosysteem"
    vivera partner_key --intrekken 1a2b3c4d

The key is printed once; Vivera stores only its SHA-256 hash.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vivera.accounts.models import User
from vivera.partners import services
from vivera.partners.models import ApiKey


class Command(BaseCommand):
    help = (
        "Maakt een API-sleutel voor een gebruiker van een partnerorganisatie, of trekt er een in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--gebruiker", help="Gebruikersnaam van de partnergebruiker.")
        parser.add_argument("--naam", default="API", help="Welk systeem de sleutel gebruikt.")
        parser.add_argument(
            "--intrekken",
            metavar="PREFIX",
            help="Trek de sleutel met dit voorvoegsel in (vvr_<prefix>_…).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["intrekken"]:
            api_key = ApiKey.objects.filter(prefix=options["intrekken"]).first()
            if api_key is None:
                raise CommandError("Geen sleutel met dit voorvoegsel.")
            services.api_key_revoke(api_key=api_key)
            self.stdout.write(f"Ingetrokken: {api_key}")
            return
        if not options["gebruiker"]:
            raise CommandError("Geef --gebruiker of --intrekken.")
        user = User.objects.filter(username=options["gebruiker"]).first()
        if user is None:
            raise CommandError("Onbekende gebruiker.")
        try:
            _api_key, key = services.api_key_create(user=user, name=options["naam"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(key)
        self.stderr.write("Bewaar deze sleutel nu: Vivera toont hem niet nog eens.")
