"""Retention is all or nothing: `vivera retention --uitvoeren` killed half-way (SIGKILL, no
chance to clean up) leaves every row of every table as it was, and no RetentionRun.

The real command runs in a child process against a database of its own (an SQLite file; a
throwaway PostgreSQL database when the tests run on PostgreSQL) holding the demo municipality,
with a term short enough that most old dossiers are due. The command's test-only hook
(VIVERA_RETENTION_TEST_PAUSE) makes it write a marker file and wait when half of the clients
are anonymised; the test then kills it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from vivera.backup.tests.test_backup import (
    DEMO,
    VIVERA,
    demo_sqlite,  # noqa: F401  (a fixture: a migrated SQLite file with the demo, per module)
    environment,
    ok,
    postgres_database,  # noqa: F401  (a fixture)
    postgres_dump,
    sqlite_dump,
)
from vivera.retention.management.commands.retention import PAUSE_VARIABLE

pytestmark = pytest.mark.slow  # child processes on a database of their own

# The demo (DEMO: loaded as on 16 March 2026) closed most of its dossiers more than a year
# before the real today.
TERM = {"VIVERA_RETENTION_YEARS": "1"}


def kill_half_way(
    env: dict[str, str], marker: Path, while_paused: Callable[[], None] = lambda: None
) -> None:
    child = subprocess.Popen(
        [VIVERA, "retention", "--uitvoeren"],
        env={**env, PAUSE_VARIABLE: str(marker)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "the command never got half-way"
            time.sleep(0.05)
        while_paused()
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL


def test_a_run_killed_half_way_changes_nothing_sqlite(
    demo_sqlite: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    database = tmp_path / "vivera.sqlite3"
    shutil.copyfile(demo_sqlite, database)
    env = {**environment(f"sqlite:///{database}", tmp_path / "import"), **TERM}
    before = sqlite_dump(database)
    assert not before["retention_retentionrun"]

    def writing() -> None:  # the run's transaction has begun changing pages
        assert Path(f"{database}-journal").exists() or Path(f"{database}-wal").exists()

    kill_half_way(env, tmp_path / "halfway", writing)

    assert sqlite_dump(database) == before
    # The same run, not killed, does change the data: the kill above interrupted real work.
    output = ok(env, "retention", "--uitvoeren")
    after = sqlite_dump(database)
    assert after["retention_retentionrun"] and "Uitgevoerd" in output
    assert after["registration_client"] != before["registration_client"]


@pytest.fixture
def on_postgres() -> None:
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.skip("the tests run on SQLite (set DATABASE_URL to PostgreSQL for this one)")


def test_a_run_killed_half_way_changes_nothing_postgres(
    on_postgres: None,
    postgres_database: tuple[str, dict[str, Any]],  # noqa: F811
    tmp_path: Path,
) -> None:
    import psycopg

    name, server = postgres_database
    password = f":{server['password']}" if server["password"] else ""
    env = {
        **environment(
            f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}",
            tmp_path / "import",
        ),
        **TERM,
    }
    ok(env, "migrate", "--no-input", "-v0")
    ok(env, *DEMO)
    before = postgres_dump(name, server)

    def in_transaction() -> list[str]:
        with psycopg.connect(dbname="postgres", **server) as db:
            return [
                row[0]
                for row in db.execute(
                    "SELECT state FROM pg_stat_activity WHERE datname = %s AND pid <> "
                    "pg_backend_pid() AND state LIKE 'idle in transaction%%'",
                    [name],
                )
            ]

    def writing() -> None:
        assert in_transaction(), "the run should be inside its transaction"

    kill_half_way(env, tmp_path / "halfway", writing)
    deadline = time.monotonic() + 30
    while in_transaction() and time.monotonic() < deadline:  # the server notices the kill
        time.sleep(0.1)

    assert postgres_dump(name, server) == before
    ok(env, "retention", "--uitvoeren")
    after = postgres_dump(name, server)
    assert after["retention_retentionrun"]
    assert after["registration_client"] != before["registration_client"]
