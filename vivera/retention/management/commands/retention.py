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
from django.utils.translation import gettext as _

from vivera.ggm.management.commands.ggm_export import _operator
from vivera.organisation.selectors import municipalities_named
from vivera.retention.report import report_lines
from vivera.retention.selectors import Terms
from vivera.retention.services import retention_run

PAUSE_VARIABLE = "VIVERA_RETENTION_TEST_PAUSE"


class Command(BaseCommand):
    help = _(
        "Anonymises the data of residents all of whose dossiers were closed longer ago than "
        "the retention term (and what never became a dossier). Without --uitvoeren it only "
        "shows what would happen. See docs/privacy.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--uitvoeren",
            action="store_true",
            help=_("Carry it out (all in one transaction). Without this option nothing changes."),
        )
        parser.add_argument(
            "--gemeente",
            action="append",
            default=[],
            help=_("CBS code (GM0000) or name; may be repeated. By default: every municipality."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        chosen = municipalities_named(options["gemeente"])
        if options["gemeente"] and chosen.count() < len(set(options["gemeente"])):
            raise CommandError(
                _("Unknown municipality in: %(names)s") % {"names": ", ".join(options["gemeente"])},
                returncode=2,
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
