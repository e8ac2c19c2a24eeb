"""`vivera demo_logins`: the demo accounts as a readable Dutch table."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from vivera.devtools.demo import reference as ref
from vivera.devtools.demo.partners import DEMO_API_KEY
from vivera.devtools.demo.services import demo_logins


def survey_demo_code() -> str:
    """The code of an invitation of the demo's open survey that nobody used yet."""
    from vivera.survey.models import Invitation

    invitation = (
        Invitation.objects.filter(
            survey__municipality__cbs_code=ref.MUNICIPALITY_CBS_CODE,
            survey__status="open",
            answered=False,
            declined=False,
            response__isnull=True,
        )
        .exclude(nonce="")
        .order_by("pk")
        .first()
    )
    return invitation.code if invitation else ""


class Command(BaseCommand):
    help = f"Toont de inloggegevens van de demogemeente {ref.MUNICIPALITY_NAME}."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = demo_logins(today=timezone.localdate())
        if not logins:
            # Not an error: `make run` calls this after loading the demo, and a fresh
            # installation without one should still start.
            self.stderr.write(
                f"Er is geen demogemeente {ref.MUNICIPALITY_NAME}. Maak haar met: vivera demo"
            )
            return
        header = ("Gebruikersnaam", "Wachtwoord", "Rol", "Team of organisatie", "Naam")
        rows = [(x.username, x.password, x.role, x.teams, x.name) for x in logins]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

        def line(cells: tuple[str, ...]) -> str:
            return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

        self.stdout.write(
            f"Demo-inloggegevens {ref.MUNICIPALITY_NAME} — wachtwoord voor "
            f"iedereen: {ref.DEMO_PASSWORD}"
        )
        self.stdout.write("")
        self.stdout.write(line(header))
        self.stdout.write(line(tuple("-" * w for w in widths)))
        for row in rows:
            self.stdout.write(line(row))
        self.stdout.write("")
        self.stdout.write(
            "Tweede stap (teamleden, coördinatoren, beheer, partner, onderzoeker): "
            "zet deze sleutel in een authenticator-app (op tijd gebaseerd):"
        )
        self.stdout.write(f"    {ref.DEMO_TOTP_KEY_BASE32}")
        self.stdout.write("of vraag de huidige code op met: DEBUG=1 .venv/bin/vivera demo_code")
        self.stdout.write("")
        self.stdout.write(
            f"Partner-API (docs/partner-api.md), sleutel van de demopartner: {DEMO_API_KEY}"
        )
        self.stdout.write("")
        code = survey_demo_code()
        if code:
            self.stdout.write(
                f"Enquête als inwoner invullen: ga naar /enquete/ en typ de code {code} "
                "(elke code één keer; `vivera demo_logins` geeft een nieuwe)."
            )
            self.stdout.write("")
        self.stdout.write("Alleen voor demonstratie: alle personen en gegevens zijn verzonnen.")
