"""Backup and restore: the database and the kept files in one archive, all or nothing.

An archive (`.tar.gz`, mode 0600) holds:

- `manifest.json` (the first member): the format, Vivera's version, the database vendor and
  version, the applied migrations, when it was made, every other member with its size and
  SHA-256, and the rows per table;
- `database/vivera.sqlite3` (SQLite, copied with SQLite's online backup API, so consistent even
  while the application writes) or `database/vivera.dump` (PostgreSQL, `pg_dump
  --format=custom` of one snapshot; the row counts are read in that same snapshot);
- `files/<folder>/…`: the folders whose files belong with the database (`kept_folders`): the
  uploads waiting for the import, and MEDIA_ROOT when one is configured.

`backup_create` writes the archive with `core.files.atomic_output` (an unnamed file next to the
target, named when complete), so a run that fails or is killed leaves no archive, whole or
partial; its work folder (a copy of the database) is removed afterwards, or, after a kill, by
the next backup or restore (`core.files.work_directory`). `backup_restore` checks the
whole archive before it changes anything, replaces the database in one step (SQLite: a rename;
PostgreSQL: `pg_restore --single-transaction`, so a failure leaves the database as it was), and
then swaps the folders.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from vivera.audit.models import Action
from vivera.audit.services import log_access
from vivera.core.files import atomic_output, work_directory
from vivera.core.pause import pause_point
from vivera.imports.services import pending_root

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/vivera.sqlite3"
POSTGRES_MEMBER = "database/vivera.dump"
CHUNK = 1024 * 1024
# A database "has data" when one of these tables has rows: every record belongs to a
# municipality, every person working with Vivera is a user, and the access log is never empty
# once anyone worked. A freshly migrated database has none (only code lists and permissions).
DATA_TABLES = ("organisation_municipality", "accounts_user", "audit_accesslogentry")


class BackupRefused(Exception):
    """The archive cannot be restored here; nothing was changed."""


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    counts: dict[str, int]
    mismatches: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    folders: dict[str, Path] = field(default_factory=dict)


# --- What belongs in a backup -------------------------------------------------------------------


def kept_folders() -> dict[str, Path]:
    """The folders backed up with the database, by their name in the archive."""
    folders = {"import": pending_root()}
    if settings.MEDIA_ROOT:
        folders["media"] = Path(settings.MEDIA_ROOT)
    return folders


def vivera_version() -> str:
    try:
        return version("vivera")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env() -> dict[str, str]:
    """libpq's environment for the configured database; the password goes here, never into a
    command line (where `ps` shows it)."""
    db: Mapping[str, Any] = settings.DATABASES["default"]
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    options = db.get("OPTIONS", {})
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey", "passfile"):
        if options.get(key):
            env[f"PG{key.upper()}"] = str(options[key])
    return env


def _run(command: list[str]) -> None:
    completed = subprocess.run(command, env=_pg_env(), capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(
            f"{command[0]} faalde (code {completed.returncode}): {completed.stderr.strip()[-2000:]}"
        )


# --- Backup -----------------------------------------------------------------------------------


def _sqlite_snapshot(target: Path) -> dict[str, Any]:
    """Copy the SQLite database with the online backup API; read the facts from the copy."""
    source_path = Path(settings.DATABASES["default"]["NAME"])
    if not source_path.is_file():
        raise BackupRefused(f"De database {source_path} bestaat niet.")
    source = sqlite3.connect(f"{source_path.resolve().as_uri()}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        return {
            "vendor": "sqlite",
            "vendor_version": sqlite3.sqlite_version,
            **_facts(
                copy.cursor(),
                [
                    row[0]
                    for row in copy.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'table' "
                        "AND name NOT LIKE 'sqlite_%' ORDER BY name"
                    )
                ],
            ),
        }
    finally:
        copy.close()
        source.close()


def _postgres_snapshot(target: Path) -> dict[str, Any]:
    """`pg_dump` of one snapshot, exported from a read-only transaction in which the rows are
    counted too, so the counts are those of the dump."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, server_version = cursor.fetchone()
        _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"])
        tables = connection.introspection.table_names(cursor)
        return {
            "vendor": "postgresql",
            "vendor_version": server_version,
            **_facts(cursor, sorted(tables)),
        }


def _facts(cursor: Any, tables: list[str]) -> dict[str, Any]:
    """Row counts per table and the applied migrations, from a DB-API cursor."""
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # names from the catalogue
        counts[table] = cursor.fetchone()[0]
    applied: dict[str, list[str]] = {}
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, id")
        for app, name in cursor.fetchall():
            applied.setdefault(app, []).append(name)
    return {
        "counts": counts,
        "migrations_applied": applied,
        "migrations": {app: names[-1] for app, names in applied.items()},
    }


def _copy_folder(source: Path, target: Path) -> None:
    """The regular files of a folder (not links), skipping what disappears while copying
    (an upload cancelled or imported at this moment)."""
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not source.is_dir():
        return
    for path in sorted(source.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        destination = target / path.relative_to(source)
        destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            shutil.copyfile(path, destination)
        except FileNotFoundError:
            continue


def _tar_filter(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o700 if info.isdir() else 0o600
    return info


def default_name(now: dt.datetime | None = None) -> str:
    now = timezone.localtime(now)
    return f"vivera-backup-{now:%Y-%m-%d-%H%M%S}.tar.gz"


def backup_create(*, target: Path, via: str = "command") -> BackupResult:
    """Write a backup archive to `target` (a file, or a folder for a dated name in it)."""
    target = Path(target)
    if target.is_dir():
        target = target / default_name()
    if not target.parent.is_dir():
        raise BackupRefused(f"De map {target.parent} bestaat niet.")
    with work_directory(target.parent, "vivera-backup") as work, atomic_output(target) as raw:
        vendor = connection.vendor
        member = SQLITE_MEMBER if vendor == "sqlite" else POSTGRES_MEMBER
        if vendor not in ("sqlite", "postgresql"):
            raise BackupRefused(f"Back-ups van een {vendor}-database kan Vivera niet maken.")
        (work / "database").mkdir()
        snapshot = (_sqlite_snapshot if vendor == "sqlite" else _postgres_snapshot)(work / member)
        # The files after the database: an upload the snapshot knows is already stored then.
        folders = kept_folders()
        for name, folder in folders.items():
            _copy_folder(folder, work / "files" / name)
        kept = sorted(
            path.relative_to(work).as_posix()
            for path in (work / "files").rglob("*")
            if path.is_file()
        )
        members = [member, *kept]
        manifest = {
            "format": FORMAT,
            "vivera_version": vivera_version(),
            "created_at": timezone.now().isoformat(),
            "database": {"vendor": snapshot["vendor"], "version": snapshot["vendor_version"]},
            "migrations": snapshot["migrations"],
            "migrations_applied": snapshot["migrations_applied"],
            "folders": {name: str(folder) for name, folder in folders.items()},
            "files": [
                {"path": name, "size": (work / name).stat().st_size, "sha256": _sha256(work / name)}
                for name in members
            ],
            "counts": snapshot["counts"],
        }
        with tarfile.open(fileobj=raw, mode="w:gz") as tar:
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = _tar_filter(tarfile.TarInfo(MANIFEST))
            info.size, info.mtime = len(data), int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
            for name in members:
                tar.add(work / name, arcname=name, recursive=False, filter=_tar_filter)
    log_access(
        user=None,
        action=Action.EXPORT,
        object_type="backup",
        object_id=target.name,
        detail={"via": via, "rows": sum(manifest["counts"].values()), "files": len(members) - 1},
    )
    return BackupResult(path=target, manifest=manifest)


# --- Checking an archive ----------------------------------------------------------------------


def read_manifest(archive: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            first = tar.next()
            if first is None or first.name != MANIFEST or not first.isfile():
                raise BackupRefused("Dit is geen Vivera-back-up: manifest.json ontbreekt.")
            handle = tar.extractfile(first)
            assert handle is not None
            manifest = json.loads(handle.read())
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        raise BackupRefused(f"Het archief is beschadigd of geen back-up: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupRefused("Onbekend back-upformaat.")
    for key in ("database", "files", "counts", "migrations_applied", "folders"):
        if key not in manifest:
            raise BackupRefused(f"Het manifest mist {key!r}.")
    return manifest


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts


def unpack(archive: Path, manifest: dict[str, Any], into: Path) -> None:
    """Extract every member into `into`, checking its size and SHA-256 against the manifest;
    any member that is missing, extra, not a regular file or different refuses the archive."""
    expected = {entry["path"]: entry for entry in manifest["files"]}
    seen: set[str] = set()
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                if member.name == MANIFEST:
                    continue
                entry = expected.get(member.name)
                if (
                    entry is None
                    or member.name in seen
                    or not member.isfile()
                    or not _safe_name(member.name)
                ):
                    raise BackupRefused(f"Onverwacht bestand in het archief: {member.name}")
                seen.add(member.name)
                destination = into / member.name
                destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                source = tar.extractfile(member)
                assert source is not None
                digest, size = hashlib.sha256(), 0
                descriptor = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(descriptor, "wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                if digest.hexdigest() != entry["sha256"] or size != entry["size"]:
                    raise BackupRefused(f"Controlegetal klopt niet: {member.name}")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupRefused(f"Het archief is beschadigd: {exc}") from exc
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupRefused(f"Ontbreekt in het archief: {', '.join(missing)}")


def unknown_migrations(manifest: dict[str, Any]) -> list[str]:
    """Migrations applied in the backup that this code does not have."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return sorted(
        f"{app}.{name}"
        for app, names in manifest["migrations_applied"].items()
        for name in names
        if (app, name) not in known
    )


def current_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return _facts(cursor, sorted(connection.introspection.table_names(cursor)))["counts"]


def pending_migrations() -> int:
    """Migrations of this code not yet applied to the database (after restoring older data)."""
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def database_has_data() -> bool:
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        for table in DATA_TABLES:
            if table in tables:
                cursor.execute(f'SELECT 1 FROM "{table}" LIMIT 1')
                if cursor.fetchone():
                    return True
    return False


# --- Restore ----------------------------------------------------------------------------------


def _check(manifest: dict[str, Any], *, overwrite: bool) -> None:
    vendor = manifest["database"].get("vendor")
    if vendor != connection.vendor:
        raise BackupRefused(
            f"Deze back-up is van een {vendor}-database; de ingestelde "
            f"database is {connection.vendor}."
        )
    unknown = unknown_migrations(manifest)
    if unknown:
        raise BackupRefused(
            "De back-up komt van nieuwere code; onbekende migraties: " + ", ".join(unknown)
        )
    if connection.vendor == "sqlite":
        name = Path(settings.DATABASES["default"]["NAME"])
        for suffix in ("-wal", "-journal"):
            if Path(f"{name}{suffix}").exists():
                raise BackupRefused(
                    f"{name}{suffix} bestaat: de database is in gebruik of "
                    "niet netjes afgesloten. Stop de applicatie eerst."
                )
    else:
        with connection.cursor() as cursor:
            extra = set(connection.introspection.table_names(cursor)) - set(manifest["counts"])
        if extra:
            raise BackupRefused(
                "De database heeft tabellen die niet in de back-up staan ("
                + ", ".join(sorted(extra))
                + "); herstel in een lege database."
            )
    if not overwrite and database_has_data():
        raise BackupRefused(
            "De database bevat al gegevens; herstel overschrijft ze. "
            "Geef --ja om dat te bevestigen."
        )


def _restore_sqlite(staged: Path, manifest: dict[str, Any]) -> None:
    name = Path(settings.DATABASES["default"]["NAME"])
    check = sqlite3.connect(staged)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupRefused("De database in het archief is beschadigd.")
        tables = [
            row[0]
            for row in check.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        counts = _facts(check.cursor(), tables)["counts"]
    except sqlite3.DatabaseError as exc:
        raise BackupRefused(f"De database in het archief is beschadigd: {exc}") from exc
    finally:
        check.close()
    if counts != manifest["counts"]:
        raise BackupRefused("De database in het archief heeft andere aantallen dan het manifest.")
    connections.close_all()
    os.chmod(staged, name.stat().st_mode & 0o777 if name.exists() else 0o600)
    os.replace(staged, name)


def _restore_postgres(staged: Path) -> None:
    connections.close_all()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            f"--dbname={settings.DATABASES['default']['NAME']}",
            str(staged),
        ]
    )


def _swap_folder(staged: Path, target: Path) -> None:
    """Make `target` hold exactly what `staged` holds, by renames next to it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(4)
    fresh = target.parent / f".{target.name}.restore-{token}"
    if staged.is_dir():
        shutil.copytree(staged, fresh)
    else:
        fresh.mkdir()
    for path in [fresh, *fresh.rglob("*")]:
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    old = target.parent / f".{target.name}.old-{token}"
    if target.exists():
        os.rename(target, old)
    os.rename(fresh, target)
    shutil.rmtree(old, ignore_errors=True)


def backup_restore(
    *, archive: Path, overwrite: bool = False, via: str = "command"
) -> RestoreResult:
    """Restore the archive into the configured database and folders, or refuse and change
    nothing (BackupRefused). A failing PostgreSQL restore raises RuntimeError, the database as
    it was."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupRefused(f"{archive} bestaat niet.")
    manifest = read_manifest(archive)
    _check(manifest, overwrite=overwrite)
    if connection.vendor == "sqlite":
        near = Path(settings.DATABASES["default"]["NAME"]).resolve().parent
    else:
        near = Path(tempfile.gettempdir())
    # A restore killed before it ends leaves its staging folder (a copy of the archive's
    # personal data): the next backup or restore removes it (core.files.work_directory).
    with work_directory(near, "vivera-restore") as staging:
        unpack(archive, manifest, staging)
        pause_point("restore.replace")  # kill tests only: unpacked, nothing replaced yet
        if connection.vendor == "sqlite":
            _restore_sqlite(staging / SQLITE_MEMBER, manifest)
        else:
            _restore_postgres(staging / POSTGRES_MEMBER)
        # Only the folders the backup has; one configured here but not there stays as it is.
        folders = {
            name: folder for name, folder in kept_folders().items() if name in manifest["folders"]
        }
        for name, folder in folders.items():
            _swap_folder(staging / "files" / name, folder)
    counts = current_counts()
    expected = manifest["counts"]
    mismatches = {
        table: (counts.get(table, 0), expected.get(table))
        for table in sorted(set(counts) | set(expected))
        if counts.get(table) != expected.get(table)
    }
    log_access(
        user=None,
        action=Action.UPDATE,
        object_type="restore",
        object_id=archive.name,
        detail={
            "via": via,
            "backup_created_at": manifest["created_at"],
            "rows": sum(counts.values()),
            "mismatches": len(mismatches),
        },
    )
    return RestoreResult(manifest=manifest, counts=counts, mismatches=mismatches, folders=folders)
