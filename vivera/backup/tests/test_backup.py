"""Backup and restore lose nothing, and refuse or fail without changing anything.

The round trips run the real `vivera` command in child processes against a database file of
their own (SQLite) or a throwaway PostgreSQL database, with the demo municipality and an upload
waiting in the import folder: back up, change and delete, restore, and compare every row of
every table and every file with the state before.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

from vivera.backup import services

pytestmark = pytest.mark.slow  # child processes on a database of their own

VIVERA = str(Path(sys.executable).with_name("vivera"))
DEMO = ["demo", "--scale=0.05", "--seed=7", "--today=2026-03-16"]
UPLOAD = "3f2a/clienten.csv"


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [VIVERA, *args], env=env, capture_output=True, text=True, check=False, timeout=120
    )


def ok(env: dict[str, str], *args: str) -> str:
    done = run(env, *args)
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


def environment(database_url: str, import_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "VIVERA_IMPORT_DIR", "DJANGO_SETTINGS_MODULE")
    }
    env.update(DATABASE_URL=database_url, VIVERA_IMPORT_DIR=str(import_dir))
    return env


def table_dump(cursor: Any, tables: list[str]) -> dict[str, list[str]]:
    """Every row of every table, sorted: equal dumps mean equal contents."""
    dump = {}
    for table in tables:
        cursor.execute(f'SELECT * FROM "{table}"')
        dump[table] = sorted(repr(row) for row in cursor.fetchall())
    return dump


def sqlite_dump(path: Path) -> dict[str, list[str]]:
    with sqlite3.connect(path) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return table_dump(db.cursor(), sorted(tables))


def files_of(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def without_restore_line(dump: dict[str, list[str]]) -> dict[str, list[str]]:
    """The restore adds one access-log line (object type "restore") to what it restored."""
    dump = dict(dump)
    dump["audit_accesslogentry"] = [
        row for row in dump["audit_accesslogentry"] if "'restore'" not in row
    ]
    return dump


def rewrite_archive(
    source: Path, target: Path, change: Callable[[str, bytes], bytes], *, fix_manifest: bool
) -> None:
    """A copy of the archive with members changed; with `fix_manifest` the manifest's sizes
    and checksums are made to match (a damaged backup that still verifies)."""
    with tarfile.open(source, "r:gz") as tar:
        members = {
            member.name: tar.extractfile(member).read()  # type: ignore[union-attr]
            for member in tar
            if member.isfile()
        }
    members = {
        name: data if name == services.MANIFEST else change(name, data)
        for name, data in members.items()
    }
    if fix_manifest:
        manifest = json.loads(members[services.MANIFEST])
        for entry in manifest["files"]:
            data = members[entry["path"]]
            entry.update(size=len(data), sha256=hashlib.sha256(data).hexdigest())
        members[services.MANIFEST] = json.dumps(manifest).encode()
    with tarfile.open(target, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


# --- SQLite --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_sqlite(tmp_path_factory: pytest.TempPathFactory, demo_sqlite_template: Path) -> Path:
    """A SQLite database file with the demo municipality (`DEMO`), copied once per module from
    the test process's own (vivera/conftest.py)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copyfile(demo_sqlite_template, path)
    return path


@pytest.fixture(scope="module")
def demo_archive(demo_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A backup of the demo database with the waiting upload, made once per module for the
    tests that only restore."""
    folder = tmp_path_factory.mktemp("archive")
    database = folder / "demo.sqlite3"
    shutil.copyfile(demo_sqlite, database)
    _upload(folder / "import")
    ok(
        environment(f"sqlite:///{database}", folder / "import"),
        "backup",
        "--uitvoer",
        str(folder / "demo.tar.gz"),
    )
    return folder / "demo.tar.gz"


def _upload(import_dir: Path) -> None:
    (import_dir / UPLOAD).parent.mkdir(parents=True)
    (import_dir / UPLOAD).write_text("clientnummer;geboortedatum\n17;12-03-1961\n")


@pytest.fixture
def site(demo_sqlite: Path, demo_archive: Path, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A copy of the demo database, an import folder with one waiting upload, a backup folder."""
    database = tmp_path / "var" / "vivera.sqlite3"
    database.parent.mkdir()
    shutil.copyfile(demo_sqlite, database)
    import_dir = tmp_path / "import"
    _upload(import_dir)
    backups = tmp_path / "backups"
    backups.mkdir()
    shutil.copyfile(demo_archive, backups / "goed.tar.gz")
    yield {
        "database": database,
        "import_dir": import_dir,
        "backups": backups,
        "env": environment(f"sqlite:///{database}", import_dir),
    }


def test_it_restores_every_row_and_file_after_changes_sqlite(site: dict[str, Any]) -> None:
    database, import_dir, env = site["database"], site["import_dir"], site["env"]
    before, files_before = sqlite_dump(database), files_of(import_dir)
    assert len(before["registration_dossier"]) > 10 and files_before

    (site["backups"] / "nacht").mkdir()
    output = ok(env, "backup", "--uitvoer", str(site["backups"] / "nacht"))
    [archive] = (site["backups"] / "nacht").iterdir()
    assert archive.name.startswith("vivera-backup-") and archive.name.endswith(".tar.gz")
    assert archive.stat().st_mode & 0o777 == 0o600
    assert "Geschreven:" in output
    manifest = services.read_manifest(archive)
    assert manifest["database"]["vendor"] == "sqlite"
    assert manifest["counts"]["registration_dossier"] == len(before["registration_dossier"])
    assert manifest["migrations"]["registration"].startswith("00")
    assert {entry["path"] for entry in manifest["files"]} == {
        services.SQLITE_MEMBER,
        f"files/import/{UPLOAD}",
    }

    with sqlite3.connect(database) as db:
        db.execute("DELETE FROM registration_zrmscore")
        db.execute("DELETE FROM registration_shortcontact WHERE id % 2 = 0")
        db.execute("UPDATE organisation_municipality SET name = 'Veranderd'")
    (import_dir / UPLOAD).unlink()
    (import_dir / "nieuw").mkdir()
    (import_dir / "nieuw" / "vragen.csv").write_text("na de back-up")
    assert sqlite_dump(database) != before

    output = ok(env, "restore", str(archive), "--ja")
    assert "Alle aantallen kloppen met de back-up." in output
    after = sqlite_dump(database)
    assert without_restore_line(after) == before
    assert files_of(import_dir) == files_before
    assert sum("'restore'" in row for row in after["audit_accesslogentry"]) == 1
    assert import_dir.stat().st_mode & 0o777 == 0o700


def test_it_refuses_to_overwrite_data_without_ja(site: dict[str, Any]) -> None:
    database, env = site["database"], site["env"]
    before = sqlite_dump(database)
    done = run(env, "restore", str(site["backups"] / "goed.tar.gz"))
    assert done.returncode == 1
    assert "--ja" in done.stderr and "niets veranderd" in done.stderr
    assert sqlite_dump(database) == before


def test_it_restores_onto_a_new_server_without_ja(site: dict[str, Any], tmp_path: Path) -> None:
    """No database file yet, no import folder: the restore makes both."""
    before = sqlite_dump(site["database"])
    fresh = tmp_path / "elders" / "nieuw.sqlite3"
    fresh.parent.mkdir()
    env = environment(f"sqlite:///{fresh}", tmp_path / "elders" / "import")
    ok(env, "restore", str(site["backups"] / "goed.tar.gz"))
    assert without_restore_line(sqlite_dump(fresh)) == before
    assert files_of(tmp_path / "elders" / "import") == files_of(site["import_dir"])


@pytest.mark.parametrize("damage", ["member", "truncated", "extra"])
def test_it_refuses_a_damaged_or_tampered_archive_and_changes_nothing(
    site: dict[str, Any], damage: str
) -> None:
    database, import_dir, env, backups = (
        site["database"],
        site["import_dir"],
        site["env"],
        site["backups"],
    )
    bad = backups / "slecht.tar.gz"
    if damage == "member":  # an upload changed after the backup, the manifest left alone
        rewrite_archive(
            backups / "goed.tar.gz",
            bad,
            fix_manifest=False,
            change=lambda name, data: data + b"x" if "files/" in name else data,
        )
    elif damage == "truncated":
        data = (backups / "goed.tar.gz").read_bytes()
        bad.write_bytes(data[: len(data) // 2])
    else:
        with tarfile.open(backups / "goed.tar.gz") as source, tarfile.open(bad, "w:gz") as target:
            for member in source:
                target.addfile(member, source.extractfile(member))
            info = tarfile.TarInfo("files/import/../../binnengesmokkeld")
            info.size = 1
            target.addfile(info, io.BytesIO(b"!"))
    (import_dir / "later.csv").write_text("na de back-up")
    before, files_before = sqlite_dump(database), files_of(import_dir)

    done = run(env, "restore", str(bad), "--ja")
    assert done.returncode == 1
    assert "Niet hersteld, er is niets veranderd." in done.stderr
    assert sqlite_dump(database) == before
    assert files_of(import_dir) == files_before
    leftovers = [p.name for p in database.parent.iterdir() if p.name != database.name]
    assert leftovers == []


def test_a_database_member_that_is_corrupt_leaves_the_database_as_it_was(
    site: dict[str, Any],
) -> None:
    database, env, backups = site["database"], site["env"], site["backups"]

    def corrupt(name: str, data: bytes) -> bytes:
        if name != services.SQLITE_MEMBER:
            return data
        middle = len(data) // 2
        return data[:middle] + secrets.token_bytes(8192) + data[middle + 8192 :]

    rewrite_archive(backups / "goed.tar.gz", backups / "stuk.tar.gz", corrupt, fix_manifest=True)
    before = sqlite_dump(database)
    done = run(env, "restore", str(backups / "stuk.tar.gz"), "--ja")
    assert done.returncode == 1, done.stdout
    assert "beschadigd" in done.stderr or "aantallen" in done.stderr
    assert sqlite_dump(database) == before


def test_it_refuses_an_archive_of_newer_code(site: dict[str, Any]) -> None:
    env, backups = site["env"], site["backups"]
    with tarfile.open(backups / "goed.tar.gz") as tar:
        manifest = json.loads(tar.extractfile(services.MANIFEST).read())  # type: ignore[union-attr]
    manifest["migrations_applied"]["registration"].append("9999_uit_de_toekomst")
    with (
        tarfile.open(backups / "goed.tar.gz") as source,
        tarfile.open(backups / "nieuw.tar.gz", "w:gz") as target,
    ):
        for member in source:
            if member.name == services.MANIFEST:
                data = json.dumps(manifest).encode()
                member.size = len(data)
                target.addfile(member, io.BytesIO(data))
            else:
                target.addfile(member, source.extractfile(member))
    done = run(env, "restore", str(backups / "nieuw.tar.gz"), "--ja")
    assert done.returncode == 1
    assert "registration.9999_uit_de_toekomst" in done.stderr


@pytest.mark.django_db
def test_a_backup_killed_half_way_leaves_no_archive(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.VIVERA_IMPORT_DIR = str(tmp_path / "import")
    (tmp_path / "import").mkdir()
    (tmp_path / "import" / "a.csv").write_text("x")
    target = tmp_path / "backups" / "nacht.tar.gz"
    target.parent.mkdir()
    target.write_bytes(b"the backup of last night")

    def snapshot(path: Path) -> dict[str, Any]:  # the test database runs in a transaction
        path.write_bytes(b"database")
        return {
            "vendor": "sqlite",
            "vendor_version": "3",
            "counts": {},
            "migrations": {},
            "migrations_applied": {},
        }

    def killed(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt  # what SIGINT or SIGTERM's handler raises mid-write

    monkeypatch.setattr(services, "_sqlite_snapshot", snapshot)
    monkeypatch.setattr(services, "_postgres_snapshot", snapshot)
    monkeypatch.setattr(tarfile.TarFile, "add", killed)
    with pytest.raises(KeyboardInterrupt):
        services.backup_create(target=target)
    assert [p.name for p in target.parent.iterdir()] == ["nacht.tar.gz"]
    assert target.read_bytes() == b"the backup of last night"


@pytest.mark.django_db
def test_a_backup_stopped_with_sigterm_removes_its_temporary_files(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.VIVERA_IMPORT_DIR = str(tmp_path / "import")

    def snapshot(path: Path) -> dict[str, Any]:
        path.write_bytes(b"database")
        os.kill(os.getpid(), signal.SIGTERM)  # cron's or systemd's stop, half-way
        raise AssertionError("SIGTERM did not stop the backup")

    monkeypatch.setattr(services, "_sqlite_snapshot", snapshot)
    monkeypatch.setattr(services, "_postgres_snapshot", snapshot)
    previous = signal.getsignal(signal.SIGTERM)
    try:
        with pytest.raises(SystemExit) as stopped:
            call_command("backup", "--uitvoer", str(tmp_path / "b.tar.gz"))
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert stopped.value.code == 128 + signal.SIGTERM
    assert [p.name for p in tmp_path.iterdir()] == []


# --- PostgreSQL ----------------------------------------------------------------------------------


def _postgres_server() -> dict[str, Any]:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        return {
            "host": db.get("HOST") or "127.0.0.1",
            "port": db.get("PORT") or 5432,
            "user": db.get("USER") or "postgres",
            "password": db.get("PASSWORD") or "",
        }
    return {"host": "127.0.0.1", "port": 5432, "user": "postgres", "password": ""}


@pytest.fixture
def postgres_database() -> Iterator[tuple[str, dict[str, Any]]]:
    """A throwaway PostgreSQL database, dropped afterwards. Only when the suite itself runs on
    PostgreSQL (CI's second leg): the SQLite leg leaves these tests to it."""
    import psycopg

    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.skip("runs when the suite runs on PostgreSQL (DATABASE_URL)")
    server = _postgres_server()
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore are not installed")
    try:
        admin = psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=3, **server)
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL on {server['host']}:{server['port']}: {exc}")
    name = f"vivera_backup_test_{secrets.token_hex(4)}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name, server
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def postgres_dump(name: str, server: dict[str, Any]) -> dict[str, list[str]]:
    import psycopg

    with psycopg.connect(dbname=name, **server) as db, db.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return table_dump(cursor, sorted(row[0] for row in cursor.fetchall()))


@pytest.mark.child_database
def test_it_restores_every_row_and_file_and_a_failed_restore_changes_nothing_postgres(
    postgres_database: tuple[str, dict[str, Any]], tmp_path: Path
) -> None:
    import psycopg

    name, server = postgres_database
    password = f":{server['password']}" if server["password"] else ""
    import_dir = tmp_path / "import"
    _upload(import_dir)
    env = environment(
        f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}",
        import_dir,
    )
    ok(env, "migrate", "--no-input", "-v0")
    ok(env, *DEMO)
    before, files_before = postgres_dump(name, server), files_of(import_dir)
    archive = tmp_path / "pg.tar.gz"
    ok(env, "backup", "--uitvoer", str(archive))
    assert services.read_manifest(archive)["database"]["vendor"] == "postgresql"

    with psycopg.connect(dbname=name, **server) as db:
        db.execute("DELETE FROM registration_zrmscore")
        db.execute("UPDATE organisation_municipality SET name = 'Veranderd'")
    (import_dir / UPLOAD).unlink()
    changed = postgres_dump(name, server)

    done = run(env, "restore", str(archive))
    assert done.returncode == 1 and "--ja" in done.stderr
    assert postgres_dump(name, server) == changed

    # A dump that verifies but breaks off half-way: pg_restore fails after it began.
    rewrite_archive(
        archive,
        tmp_path / "stuk.tar.gz",
        fix_manifest=True,
        change=lambda member, data: (
            data[: len(data) * 2 // 3] if member == services.POSTGRES_MEMBER else data
        ),
    )
    done = run(env, "restore", str(tmp_path / "stuk.tar.gz"), "--ja")
    assert done.returncode == 1 and "Herstel mislukt" in done.stderr, done.stderr
    assert postgres_dump(name, server) == changed
    assert files_of(import_dir) == {}

    output = ok(env, "restore", str(archive), "--ja")
    assert "Alle aantallen kloppen met de back-up." in output
    assert without_restore_line(postgres_dump(name, server)) == before
    assert files_of(import_dir) == files_before
