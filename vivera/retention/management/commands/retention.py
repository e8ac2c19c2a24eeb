"""`vivera retention`: anonymise what has been kept longer than its term (docs/privacy.md).

Examples:
    vivera retention                          # dry run: what would be anonymised today
    vivera retention --uitvoeren              # do it (every municipality, one transaction)
    vivera retention --gemeente GM9901        # one municipality (repeatable)

Meant to run every night from cron or a systemd timer (docs/deploy.md). Exit code 0 when it
ran (also when nothing was due); 2 when it could not start.

VIVERA_RETENTION_TEST_PAUSE (tests only, never set it in production): a file name; with
--uitvoeren the command writes that file when half of the clients are anonymised and then waits
60 seconds, so a test can kill it half-way and check that nothing changed.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vivera.ggm.management.commands.ggm_export import _operator
from vivera.organisation.selectors import municipalities_named
from vivera.retention.report import report_lines
from vivera.retention.selectors import Terms
from vivera.retention.services import retention_run

PAUSE_VARIABLE = "VIVERA_RETENTION_TEST_PAUSE"


class Command(BaseCommand):
    help = (
        "Anonimiseert de gegevens van inwoners van wie alle dossiers langer dan de "
        "bewaartermijn geleden zijn afgesloten (en wat nooit een dossier werd). Zonder "
        "--uitvoeren toont het alleen wat er zou gebeuren. Zie docs/privacy.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--uitvoeren",
            action="store_true",
            help="Voer het echt uit (alles in één transactie). Zonder deze "
            "optie verandert er niets.",
        )
        parser.add_argument(
            "--gemeente",
            action="append",
            default=[],
            help="CBS-code (GM0000) of naam; herhaalbaar. Standaard: alle gemeenten.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        chosen = municipalities_named(options["gemeente"])
        if options["gemeente"] and chosen.count() < len(set(options["gemeente"])):
            raise CommandError(
                f"Onbekende gemeente in: {', '.join(options['gemeente'])}", returncode=2
            )
        execute = options["uitvoeren"]
        pause = os.environ.get(PAUSE_VARIABLE, "")
        reports = retention_run(
            terms=Terms.from_settings(),
            execute=execute,
            via=f"command ({_operator()})",
            municipalities=list(chosen),
            halfway=_pause(Path(pause)) if pause and execute else None,
        )
        for line in report_lines(reports, executed=execute):
            self.stdout.write(line)


def _pause(marker: Path) -> Any:
    def halfway() -> None:
        marker.write_text("halfway\n")
        time.sleep(60)

    return halfway
