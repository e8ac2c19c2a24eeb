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

from vivera.backup.services import BackupRefused, backup_restore, pending_migrations
from vivera.ggm.management.commands.ggm_export import _operator


class Command(BaseCommand):
    help = (
        "Zet een back-up van `vivera backup` terug: de database en de bewaarde bestanden. "
        "Controleert eerst het hele archief en verandert niets als er iets niet klopt."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archief", help="Het archief (.tar.gz) van `vivera backup`.")
        parser.add_argument(
            "--ja", action="store_true", help="Overschrijf een database die al gegevens bevat."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_restore(
                archive=Path(options["archief"]),
                overwrite=options["ja"],
                via=f"command ({_operator()})",
            )
        except BackupRefused as exc:
            raise CommandError(f"Niet hersteld, er is niets veranderd. {exc}") from exc
        except RuntimeError as exc:
            raise CommandError(
                f"Herstel mislukt; de database is gebleven zoals hij was. {exc}"
            ) from exc
        manifest = result.manifest
        self.stdout.write(
            f"Hersteld: de back-up van {manifest['created_at']} "
            f"(Vivera {manifest['vivera_version']}, "
            f"{manifest['database']['vendor']} {manifest['database']['version']})."
        )
        self.stdout.write("Rijen per tabel (hersteld / in de back-up):")
        for table in sorted(set(result.counts) | set(manifest["counts"])):
            restored = result.counts.get(table, 0)
            expected = manifest["counts"].get(table)
            shown = "-" if expected is None else str(expected)
            mark = "" if restored == expected else "   ← VERSCHIL"
            self.stdout.write(f"  {table:<42} {restored:>8} / {shown:>8}{mark}")
        for name, folder in result.folders.items():
            count = sum(1 for path in folder.rglob("*") if path.is_file())
            self.stdout.write(f"Map {name}: {folder} ({count} bestanden)")
        pending = pending_migrations()
        if pending:
            self.stdout.write(
                f"Deze code heeft {pending} migratie(s) die de back-up nog niet "
                "had: draai nu `vivera migrate`."
            )
        if result.mismatches:
            raise CommandError(f"{len(result.mismatches)} tabel(len) wijken af van de back-up.")
        self.stdout.write("Alle aantallen kloppen met de back-up.")
