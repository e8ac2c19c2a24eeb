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
from django.utils.translation import gettext as _

from vivera.backup.services import BackupRefused, backup_create
from vivera.ggm.management.commands.ggm_export import _operator


class Command(BaseCommand):
    help = _(
        "Makes a backup of the database and the kept files (uploads waiting for the import, "
        "MEDIA_ROOT) in one archive (.tar.gz, readable by its owner only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--uitvoer",
            required=True,
            help=_(
                "The archive to write, or a folder: then the archive gets a name with date "
                "and time."
            ),
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
        self.stdout.write(_("Written: %(path)s") % {"path": result.path})
        self.stdout.write(
            _("  database: %(vendor)s %(version)s, %(tables)s tables, %(rows)s rows")
            % {
                "vendor": database["vendor"],
                "version": database["version"],
                "tables": len(manifest["counts"]),
                "rows": sum(manifest["counts"].values()),
            }
        )
        self.stdout.write(_("  files: %(count)s") % {"count": len(manifest["files"]) - 1})
        self.stdout.write(
            _(
                "  %(seconds).1f s. Encrypt the archive and keep a copy away from this server "
                "(docs/deploy.md)."
            )
            % {"seconds": time.monotonic() - started}
        )


def _stopped(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)
