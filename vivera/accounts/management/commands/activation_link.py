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
from django.utils.translation import gettext as _

from vivera.accounts import services
from vivera.accounts.models import Role, User
from vivera.organisation.selectors import municipalities_named


class Command(BaseCommand):
    help = _(
        "Makes a one-time activation link for an account (or, with --beheerder, a new "
        "functional administrator): on it the owner chooses a password and sets up the "
        "authenticator app."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("gebruikersnaam")
        parser.add_argument(
            "--beheerder",
            action="store_true",
            help=_("Make a new functional administrator with this name."),
        )
        parser.add_argument(
            "--gemeente",
            default="",
            help=_("CBS code or name of the municipality (with --beheerder)."),
        )
        parser.add_argument("--naam", default="", help=_("First and last name (with --beheerder)."))
        parser.add_argument(
            "--adres",
            default=os.environ.get("VIVERA_BASE_URL", "http://localhost:8000"),
            help=_("The address of Vivera the link starts with."),
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        username = options["gebruikersnaam"]
        if options["beheerder"]:
            found = list(municipalities_named([options["gemeente"]])) if options["gemeente"] else []
            if len(found) != 1:
                raise CommandError(
                    _("Name exactly one municipality with --gemeente (CBS code or name).")
                )
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
                raise CommandError(_("There is no account %(name)s.") % {"name": username})
            issued = services.account_reset(user=user, by=None)
        until = timezone.localtime(issued.link.expires_at)
        self.stdout.write(
            _("Activation link for %(name)s (one use, valid until %(until)s):")
            % {"name": username, "until": f"{until:%d-%m-%Y %H:%M}"}
        )
        link = options["adres"].rstrip("/") + issued.path  # no words: nothing to translate
        self.stdout.write("    " + link)
