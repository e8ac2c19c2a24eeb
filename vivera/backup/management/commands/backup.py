"""`vivera backup`: the database and the kept files in one archive (docs/deploy.md).

Examples:
    vivera backup --uitvoer /var/backups/vivera/
    vivera backup --uitvoer /var/backups/vivera/vivera-nacht.tar.gz

All or nothing: the archive appears under its name only when it is complete.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vivera.backup.services import BackupRefused, backup_create
from vivera.ggm.management.commands.ggm_export import _operator


class Command(BaseCommand):
    help = (
        "Maakt een back-up van de database en de bewaarde bestanden (uploads die op de "
        "import wachten, MEDIA_ROOT) in één archief (.tar.gz, alleen leesbaar voor de "
        "eigenaar)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--uitvoer",
            required=True,
            help="Het archief dat ontstaat, of een map: dan krijgt het archief "
            "een naam met datum en tijd.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # A stop by cron, systemd or `kill` (SIGTERM) unwinds like Ctrl-C, so the temporary
        # files (personal data) are removed; only SIGKILL leaves them behind.
        signal.signal(signal.SIGTERM, _stopped)
        started = time.monotonic()
        try:
            result = backup_create(target=Path(options["uitvoer"]), via=f"command ({_operator()})")
        except (BackupRefused, RuntimeError) as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        database = manifest["database"]
        self.stdout.write(f"Geschreven: {result.path}")
        self.stdout.write(
            f"  database: {database['vendor']} {database['version']}, "
            f"{len(manifest['counts'])} tabellen, "
            f"{sum(manifest['counts'].values())} rijen"
        )
        self.stdout.write(f"  bestanden: {len(manifest['files']) - 1}")
        self.stdout.write(
            f"  {time.monotonic() - started:.1f} s. Versleutel het archief en "
            "bewaar een kopie buiten deze server (docs/deploy.md)."
        )


def _stopped(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)
