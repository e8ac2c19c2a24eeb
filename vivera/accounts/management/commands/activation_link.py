"""`vivera activation_link`: an activation link from the server, for the first administrator of
a municipality and for a superuser (nobody in the application can let them in).

Examples:
    vivera activation_link beheer --beheerder --gemeente GM0363 --naam "An Beheer"
    vivera activation_link root          # an existing account (made with createsuperuser)

The first form creates a functional administrator of that municipality without a password;
the second resets an existing account (its password and authenticator are removed). Either
way the command prints a one-time link (valid VIVERA_ACTIVATION_HOURS) on which the owner
chooses a password and sets up the authenticator. Whoever runs it is the server's operator, so
the role is given at once (no second person): the access-log line names no user and says
"command". The address the link starts with is `--adres` (default VIVERA_BASE_URL, or
http://localhost:8000).
"""

from __future__ import annotations

import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from vivera.accounts import services
from vivera.accounts.models import Role, User
from vivera.organisation.selectors import municipalities_named


class Command(BaseCommand):
    help = (
        "Maakt een eenmalige activeringslink voor een account (of maakt met --beheerder een "
        "nieuwe functioneel beheerder): de eigenaar kiest daarop een wachtwoord en stelt de "
        "authenticator-app in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("gebruikersnaam")
        parser.add_argument(
            "--beheerder",
            action="store_true",
            help="Maak een nieuwe functioneel beheerder met deze naam.",
        )
        parser.add_argument(
            "--gemeente", default="", help="CBS-code of naam van de gemeente (bij --beheerder)."
        )
        parser.add_argument("--naam", default="", help="Voor- en achternaam (bij --beheerder).")
        parser.add_argument(
            "--adres",
            default=os.environ.get("VIVERA_BASE_URL", "http://localhost:8000"),
            help="Het adres van Vivera waarmee de link begint.",
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        username = options["gebruikersnaam"]
        if options["beheerder"]:
            found = list(municipalities_named([options["gemeente"]])) if options["gemeente"] else []
            if len(found) != 1:
                raise CommandError("Noem met --gemeente precies één gemeente (CBS-code of naam).")
            first, _sep, last = options["naam"].strip().partition(" ")
            try:
                _user, issued, _grant = services.user_create(
                    user=User(
                        username=username,
                        role=Role.ADMIN,
                        municipality=found[0],
                        first_name=first,
                        last_name=last,
                    ),
                    by=None,
                )
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from error
        else:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"Er is geen account {username}.")
            issued = services.account_reset(user=user, by=None)
        until = timezone.localtime(issued.link.expires_at)
        self.stdout.write(
            f"Activeringslink voor {username} (eenmalig, geldig tot {until:%d-%m-%Y %H:%M}):"
        )
        self.stdout.write(f"    {options['adres'].rstrip('/')}{issued.path}")
