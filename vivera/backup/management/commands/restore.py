"""`vivera restore`: put a backup made by `vivera backup` back (docs/deploy.md).

Examples:
    vivera restore /var/backups/vivera/vivera-backup-2026-11-23-020000.tar.gz
    vivera restore backup.tar.gz --ja      # overwrite a database that holds data

Checks the whole archive first and changes nothing when anything is wrong. Stop the
application before a restore.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vivera.backup.services import BackupRefused, backup_restore, pending_migrations
from vivera.ggm.management.commands.ggm_export import _operator


class Command(BaseCommand):
    help = _(
        "Restores a backup made by `vivera backup`: the database and the kept files. Checks "
        "the whole archive first and changes nothing when something is wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archief", help=_("The archive (.tar.gz) of `vivera backup`."))
        parser.add_argument(
            "--ja",
            action="store_true",
            help=_("Overwrite a database that already holds data."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_restore(
                archive=Path(options["archief"]),
                overwrite=options["ja"],
                via=f"command ({_operator()})",
            )
        except BackupRefused as exc:
            raise CommandError(
                _("Not restored; nothing was changed. %(reason)s") % {"reason": exc}
            ) from exc
        except RuntimeError as exc:
            raise CommandError(
                _("The restore failed; the database stayed as it was. %(reason)s") % {"reason": exc}
            ) from exc
        manifest = result.manifest
        self.stdout.write(
            _("Restored: the backup of %(created)s (Vivera %(version)s, %(vendor)s %(db)s).")
            % {
                "created": manifest["created_at"],
                "version": manifest["vivera_version"],
                "vendor": manifest["database"]["vendor"],
                "db": manifest["database"]["version"],
            }
        )
        self.stdout.write(_("Rows per table (restored / in the backup):"))
        for table in sorted(set(result.counts) | set(manifest["counts"])):
            restored = result.counts.get(table, 0)
            expected = manifest["counts"].get(table)
            shown = "-" if expected is None else str(expected)
            mark = "" if restored == expected else "   ← " + _("DIFFERENCE")
            self.stdout.write(f"  {table:<42} {restored:>8} / {shown:>8}" + mark)
        for name, folder in result.folders.items():
            count = sum(1 for path in folder.rglob("*") if path.is_file())
            self.stdout.write(
                _("Folder %(name)s: %(folder)s (%(count)s files)")
                % {"name": name, "folder": folder, "count": count}
            )
        pending = pending_migrations()
        if pending:
            self.stdout.write(
                _(
                    "This code has %(count)s migration(s) the backup did not have yet: run "
                    "`vivera migrate` now."
                )
                % {"count": pending}
            )
        if result.mismatches:
            raise CommandError(
                _("%(count)s table(s) differ from the backup.") % {"count": len(result.mismatches)}
            )
        self.stdout.write(_("Every count matches the backup."))
