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
from django.utils.translation import gettext as _

from vivera.accounts.models import User
from vivera.partners import services
from vivera.partners.models import ApiKey


class Command(BaseCommand):
    help = _("Makes an API key for a user of a partner organisation, or revokes one.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--gebruiker", help=_("User name of the partner's user."))
        parser.add_argument("--naam", default="API", help=_("Which system uses the key."))
        parser.add_argument(
            "--intrekken",
            metavar="PREFIX",
            help=_("Revoke the key with this prefix (vvr_<prefix>_…)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["intrekken"]:
            api_key = ApiKey.objects.filter(prefix=options["intrekken"]).first()
            if api_key is None:
                raise CommandError(_("No key with this prefix."))
            services.api_key_revoke(api_key=api_key)
            self.stdout.write(_("Revoked: %(key)s") % {"key": api_key})
            return
        if not options["gebruiker"]:
            raise CommandError(_("Give --gebruiker or --intrekken."))
        user = User.objects.filter(username=options["gebruiker"]).first()
        if user is None:
            raise CommandError(_("Unknown user."))
        try:
            _api_key, key = services.api_key_create(user=user, name=options["naam"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(key)
        self.stderr.write(_("Keep this key now: Vivera does not show it again."))
