"""`vivera research_extract`: the extract of one research grant as a ZIP file (docs/research.md).

For an extract too large for the researcher's page, made by an operator and delivered to the
researcher another way. Example:

    vivera research_extract --machtiging 12 --uitvoer /veilig/onderzoek-M00012.zip

All or nothing: the file appears only when the extract is complete; an expired or revoked grant
is refused (and the refusal logged).
"""

from __future__ import annotations

import signal
from argparse import ArgumentTypeError
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vivera.backup.management.commands.backup import _stopped
from vivera.ggm.management.commands.ggm_export import _operator
from vivera.research.models import ResearchGrant
from vivera.research.services import GrantInactive, extract_save


class Command(BaseCommand):
    help = (
        "Schrijft het gepseudonimiseerde onderzoeksextract van een onderzoeksmachtiging "
        "als ZIP-bestand (CSV per tabel, codeboek, metadata)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--machtiging",
            required=True,
            type=_grant_number,
            help="Het nummer van de machtiging (M00012 of 12).",
        )
        parser.add_argument("--uitvoer", required=True, help="Het ZIP-bestand dat ontstaat.")

    def handle(self, *args: Any, **options: Any) -> None:
        grant = (
            ResearchGrant.objects.select_related("municipality", "researcher")
            .filter(pk=options["machtiging"])
            .first()
        )
        if grant is None:
            raise CommandError(f"Onbekende machtiging: {options['machtiging']}.")
        path = Path(options["uitvoer"])
        if not path.parent.is_dir():
            raise CommandError(f"De map {str(path.parent)!r} bestaat niet.")
        # A stop by cron, systemd or `kill` unwinds like Ctrl-C: nothing is left behind.
        signal.signal(signal.SIGTERM, _stopped)
        try:
            result = extract_save(path=path, grant=grant, via=f"command ({_operator()})")
        except GrantInactive as refused:
            state = "ingetrokken" if refused.grant.revoked_at else "verlopen"
            raise CommandError(
                f"Machtiging {grant} is {state}; er is niets geschreven."
            ) from refused
        self.stdout.write(
            f"Geschreven: {path} ({result.rows['dossiers']} dossiers, "
            f"{sum(result.rows.values())} rijen) voor {grant.researcher}"
        )


def _grant_number(value: str) -> int:
    digits = value.upper().removeprefix("M")
    if not (digits.isascii() and digits.isdigit()):
        raise ArgumentTypeError(f"Geen machtigingsnummer: {value!r}. Gebruik M00012 of 12.")
    return int(digits)
