"""`vivera demo_code`: the code an authenticator app with the demo key shows now (demo only).

The demo accounts that need the second login step all share one public key
(`reference.DEMO_TOTP_KEY_BASE32`, printed by `vivera demo_logins`); without an app at hand, this
prints the current six digits.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from vivera.devtools.demo import reference as ref
from vivera.devtools.demo.services import demo_exists


class Command(BaseCommand):
    help = "Toont de huidige inlogcode (tweede stap) van de demo-accounts."

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("Alleen voor de demo, niet in productie.")
        if not demo_exists():
            raise CommandError(f"Er is geen demogemeente {ref.MUNICIPALITY_NAME}.")
        totp = TOTP(bytes.fromhex(ref.DEMO_TOTP_KEY_HEX))
        self.stdout.write(f"{totp.token():06d}")
        remaining = 30 - int(time.time()) % 30
        self.stderr.write(f"Geldig nog {remaining} seconden; elke code werkt één keer.")
