"""Imports, exports and restores are all or nothing: killed half-way (SIGKILL, as a power cut or
the OOM killer would), they leave the data exactly as before and no partial file.

Each command runs for real in a child process against a database of its own (a SQLite file, or
a throwaway PostgreSQL database when the suite runs on PostgreSQL) holding the demo
municipality, stops at its test-only pause point (`core/pause.py`) and is killed there
by the harness (`devtools/testing/kill.py`). Then every row of every table is compared with the
state before, and the folders the command writes to are listed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from vivera.devtools.testing.kill import ChildDatabase, kill_at, kill_when, ok

pytestmark = pytest.mark.slow  # child processes on a database of their own

DEMO = ["demo", "--scale=0.05", "--seed=7", "--today=2026-03-16"]
ROWS = 300  # clients and dossiers in the legacy export: the kill comes after both are written


@pytest.fixture
def demo_database(demo_child_template: ChildDatabase) -> ChildDatabase:
    """The demo database of the test process (vivera/conftest.py, `DEMO`); tests change
    clones."""
    return demo_child_template


@pytest.fixture
def db(demo_database: ChildDatabase, tmp_path: Path) -> Iterator[ChildDatabase]:
    clone = demo_database.clone(tmp_path / "db")
    try:
        yield clone
    finally:
        clone.drop()


def _legacy_export(folder: Path) -> Path:
    """A valid legacy export for the demo municipality: clients and their open dossiers."""
    folder.mkdir()
    clients = ["clientnummer;voornaam;achternaam;geboortedatum;postcode;huisnummer"]
    dossiers = ["dossiernummer;clientnummer;team;verwijzer;aanmelddatum"]
    for n in range(1, ROWS + 1):
        clients.append(f"{n};Kim;Afgebroken{n};{1 + n % 28:02d}-03-1970;9901AB;{n}")
        dossiers.append(f"D{n};{n};{'Oost' if n % 2 else 'West'};huisarts;02-01-2017")
    (folder / "clienten.csv").write_text("\r\n".join(clients) + "\r\n", encoding="utf-8")
    (folder / "dossiers.csv").write_text("\r\n".join(dossiers) + "\r\n", encoding="utf-8")
    return folder


def test_an_import_killed_half_way_leaves_the_database_as_it_was(
    db: ChildDatabase, tmp_path: Path
) -> None:
    export = _legacy_export(tmp_path / "export")
    command = ["import", str(export), "--gemeente", "GM9901", "--gebruiker", "beheer"]
    before = db.dump()

    kill_at(db.env(), *command, at="import.write")
    assert db.dump() == before

    # The same files import completely afterwards: the kill left nothing in the way.
    ok(db.env(), *command)
    after = db.dump()
    assert sum("Afgebroken" in row for row in after["registration_client"]) == ROWS
    assert len(after["registration_dossier"]) == len(before["registration_dossier"]) + ROWS


def test_a_ggm_export_killed_half_way_leaves_no_file_and_the_old_one_as_it_was(
    db: ChildDatabase, tmp_path: Path
) -> None:
    out = tmp_path / "uitvoer"
    out.mkdir()
    (out / "ggm.zip").write_bytes(b"the export of last month")
    before = db.dump()

    for target in (out / "ggm.zip", out / "nieuw.zip"):
        kill_at(
            db.env(), "ggm_export", "--gemeente", "GM9901", "--uitvoer", str(target), at="ggm.write"
        )
        assert sorted(p.name for p in out.iterdir()) == ["ggm.zip"]  # nothing hidden either
        assert (out / "ggm.zip").read_bytes() == b"the export of last month"
    assert db.dump() == before  # not even the access-log line of a finished export

    ok(db.env(), "ggm_export", "--gemeente", "GM9901", "--uitvoer", str(out / "ggm.zip"))
    assert (out / "ggm.zip").read_bytes().startswith(b"PK")


def _backed_up_and_changed(db: ChildDatabase, tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A backup of the demo with one waiting upload, then a change the restore would undo (the
    demo removed) and an upload it would remove. Returns the environment and the archive."""
    work, imports = tmp_path / "tmp", tmp_path / "import"
    work.mkdir()
    (imports / "3f2a").mkdir(parents=True)
    (imports / "3f2a" / "clienten.csv").write_text("clientnummer\n1\n")
    # TMPDIR: where PostgreSQL's restore unpacks (SQLite's unpacks next to its file).
    env = db.env(VIVERA_IMPORT_DIR=str(imports), TMPDIR=str(work))
    archive = tmp_path / "backup.tar.gz"
    ok(env, "backup", "--uitvoer", str(archive))
    ok(env, "demo", "--reset")
    (imports / "later.csv").write_text("na de back-up")
    return env, archive


def test_a_restore_killed_half_way_leaves_the_database_and_files_as_they_were(
    db: ChildDatabase, tmp_path: Path
) -> None:
    env, archive = _backed_up_and_changed(db, tmp_path)
    work, imports = tmp_path / "tmp", tmp_path / "import"
    before = db.dump()
    files_before = sorted(p.relative_to(imports).as_posix() for p in imports.rglob("*"))

    killed = kill_at(env, "restore", str(archive), "--ja", at="restore.replace")
    assert db.dump() == before
    assert sorted(p.relative_to(imports).as_posix() for p in imports.rglob("*")) == files_before
    staging = work if db.vendor == "postgresql" else Path(db.path or "").parent
    leftovers = [p.name for p in staging.iterdir() if p.name.startswith(".vivera-restore-")]
    # The unpacked copy of a killed run stays until the next backup or restore removes it.
    assert leftovers and all(f"-{killed.pid}-" in name for name in leftovers)

    ok(env, "restore", str(archive), "--ja")
    assert not [p for p in staging.iterdir() if p.name.startswith(".vivera-")]
    assert (imports / "3f2a" / "clienten.csv").exists() and not (imports / "later.csv").exists()
    assert db.dump() != before
    assert os.listdir(work) == [] or db.vendor == "sqlite"


def test_a_restore_killed_inside_pg_restore_changes_nothing_postgres(
    db: ChildDatabase, tmp_path: Path
) -> None:
    """PostgreSQL's restore changes the database in one step, `pg_restore --single-transaction`;
    this kills it inside that transaction. The test holds a lock on the access log's table, so
    pg_restore, having dropped (in its transaction) what came before, waits there; then the
    command and pg_restore are killed and the lock released. No pause point is needed."""
    if db.vendor != "postgresql":
        pytest.skip("PostgreSQL only; SQLite's restore replaces the file with one rename")
    import psycopg

    env, archive = _backed_up_and_changed(db, tmp_path)
    before = db.dump()
    query = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
        "AND application_name = 'pg_restore'"
    )
    with (
        psycopg.connect(dbname=db.name, autocommit=True, **db.server) as watcher,
        psycopg.connect(dbname=db.name, **db.server) as blocker,
    ):
        blocker.execute("LOCK TABLE audit_accesslogentry IN ACCESS SHARE MODE")

        def waiting() -> bool:
            row = watcher.execute(query + " AND wait_event_type = 'Lock'", [db.name]).fetchone()
            return bool(row and row[0])

        kill_when(
            env,
            "restore",
            str(archive),
            "--ja",
            ready=waiting,
            what="pg_restore waiting inside its transaction",
        )
        blocker.rollback()  # pg_restore's server process goes on, finds its client gone
        deadline = time.monotonic() + 30
        while (watcher.execute(query, [db.name]).fetchone() or [0])[0]:
            assert time.monotonic() < deadline, "pg_restore's transaction did not end"
            time.sleep(0.1)
    assert db.dump() == before
