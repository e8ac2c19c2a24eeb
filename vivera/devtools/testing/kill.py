"""The kill harness: run a `vivera` command in a child process, SIGKILL it half-way, compare.

"Killed half-way, it leaves the data as before" is tested against a real database the child
process owns, because the test database lives inside the test's own transaction:

    with child_database(tmp_path) as db:                     # SQLite file, or PostgreSQL
        ok(db.env(), "migrate", "--no-input", "-v0")
        before = db.dump()
        kill_at(db.env(), "import", "export/", "--gemeente", "GM9901", "--gebruiker", "beheer",
                at="import.write")
        assert db.dump() == before

`kill_at` starts the command with `VIVERA_TEST_PAUSE_AT=<at>`; the command reaches
`pause_point(<at>)` (`vivera/core/pause.py`), says so in a file and waits; the harness then
sends SIGKILL (no handler, no `finally`, no atexit: what a power cut or the OOM killer does) and
waits for the process to be gone. A command that ends or fails before the pause point fails the
test with its output. `child_database` makes a new database for the child processes: PostgreSQL
when the test suite itself runs on PostgreSQL (a throwaway database on the same server, dropped
afterwards), otherwise a SQLite file; `clone` copies one (a file copy, or `CREATE DATABASE …
TEMPLATE`) so a prepared database can be reused by several tests. `dump` reads every row of
every table, so two equal dumps mean equal contents.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vivera.core.pause import PAUSE_AT, PAUSED_FILE

VIVERA = str(Path(sys.executable).with_name("vivera"))


class ChildFailed(AssertionError):
    pass


def environment(database_url: str, **extra: str) -> dict[str, str]:
    """This process's environment for a child on another database (and other settings)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", PAUSE_AT, PAUSED_FILE)
    }
    env.update(DATABASE_URL=database_url, **extra)
    return env


def run(env: dict[str, str], *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [VIVERA, *args], env=env, capture_output=True, text=True, check=False, timeout=timeout
    )


def ok(env: dict[str, str], *args: str, timeout: float = 180) -> str:
    done = run(env, *args, timeout=timeout)
    if done.returncode != 0:
        raise ChildFailed(
            f"vivera {' '.join(args)} faalde ({done.returncode}):\n{done.stderr}{done.stdout}"
        )
    return done.stdout


@dataclass
class Killed:
    pid: int
    output: str  # what it printed before it was killed


def kill_at(env: dict[str, str], *args: str, at: str, timeout: float = 120) -> Killed:
    """Run `vivera <args>` until it reaches pause point `at`, then SIGKILL it."""
    with tempfile.TemporaryDirectory(prefix="vivera-kill-") as folder:
        flag = Path(folder) / "paused"
        return kill_when(
            {**env, PAUSE_AT: at, PAUSED_FILE: str(flag)},
            *args,
            ready=flag.exists,
            what=f"pause point {at!r}",
            timeout=timeout,
        )


def kill_when(
    env: dict[str, str], *args: str, ready: Callable[[], bool], what: str, timeout: float = 120
) -> Killed:
    """Run `vivera <args>` until `ready()` says it is half-way (polled every 50 ms), then
    SIGKILL its whole process group: also what it started (pg_restore, pg_dump)."""
    with tempfile.TemporaryDirectory(prefix="vivera-kill-") as folder:
        output = Path(folder) / "output"
        with output.open("w+") as out:
            child = subprocess.Popen(
                [VIVERA, *args],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                deadline = time.monotonic() + timeout
                while not ready():
                    if child.poll() is not None:
                        raise ChildFailed(
                            f"vivera {' '.join(args)} ended ({child.returncode}) "
                            f"before {what}:\n{output.read_text()}"
                        )
                    if time.monotonic() > deadline:
                        raise ChildFailed(
                            f"{what} not reached in {timeout:.0f} s:\n{output.read_text()}"
                        )
                    time.sleep(0.05)
            finally:
                with suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGKILL)
                child.wait(timeout=30)
            assert child.returncode == -signal.SIGKILL, child.returncode
            return Killed(child.pid, output.read_text())


# --- Databases for child processes --------------------------------------------------------------


@dataclass
class ChildDatabase:
    vendor: str  # "sqlite" or "postgresql"
    url: str
    path: Path | None = None  # SQLite
    name: str = ""  # PostgreSQL
    server: dict[str, Any] = field(default_factory=dict)

    def env(self, **extra: str) -> dict[str, str]:
        return environment(self.url, **extra)

    def dump(self) -> dict[str, list[str]]:
        """Every row of every table, sorted per table, and under "(schema)" the tables,
        indexes and constraints themselves (a half-finished restore may have dropped some)."""
        if self.vendor == "sqlite":
            assert self.path is not None
            # Opening the file also rolls back what a killed writer left in its journal, as
            # the next real connection would.
            with sqlite3.connect(self.path) as db:
                tables = [
                    row[0]
                    for row in db.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'table' "
                        "AND name NOT LIKE 'sqlite_%'"
                    )
                ]
                schema = [
                    repr(row)
                    for row in db.execute(
                        "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
                    )
                ]
                return {**table_dump(db.cursor(), sorted(tables)), "(schema)": schema}
        import psycopg

        with psycopg.connect(dbname=self.name, **self.server) as pg, pg.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            tables = sorted(row[0] for row in cursor.fetchall())
            cursor.execute(
                "SELECT c.relkind, c.relname FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
                "UNION ALL SELECT 'constraint', conname || ' on ' || conrelid::regclass::text "
                "FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
            )
            schema = sorted(repr(row) for row in cursor.fetchall())
            return {**table_dump(cursor, tables), "(schema)": schema}

    def clone(self, folder: Path) -> ChildDatabase:
        """A copy to change: of the file, or of the PostgreSQL database (as a template)."""
        if self.vendor == "sqlite":
            assert self.path is not None
            copy = folder / self.path.name
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.path, copy)
            return sqlite_database(copy)
        name = f"{self.name.rsplit('_', 1)[0]}_{secrets.token_hex(4)}"
        with _admin(self.server) as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"')
        return _postgres(name, self.server)

    def drop(self) -> None:
        if self.vendor == "postgresql":
            with _admin(self.server) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def table_dump(cursor: Any, tables: list[str]) -> dict[str, list[str]]:
    dump = {}
    for table in tables:
        cursor.execute(f'SELECT * FROM "{table}"')  # names from the catalogue
        dump[table] = sorted(repr(row) for row in cursor.fetchall())
    return dump


def sqlite_database(path: Path) -> ChildDatabase:
    return ChildDatabase("sqlite", f"sqlite:///{path}", path=path)


def postgres_server() -> dict[str, Any] | None:
    """The PostgreSQL server the test suite runs on, or None when it runs on SQLite."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("postgresql"):
        return None
    return {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or "postgres",
        "password": db.get("PASSWORD") or "",
    }


@contextmanager
def _admin(server: dict[str, Any]) -> Iterator[Any]:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **server) as admin:
        yield admin


def _postgres(name: str, server: dict[str, Any]) -> ChildDatabase:
    password = f":{server['password']}" if server["password"] else ""
    url = f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
    return ChildDatabase("postgresql", url, name=name, server=server)


@contextmanager
def child_database(folder: Path, prefix: str = "vivera_child") -> Iterator[ChildDatabase]:
    """A new, empty database for child processes, removed afterwards: on the suite's
    PostgreSQL server when the suite runs on PostgreSQL, else a SQLite file in `folder`."""
    server = postgres_server()
    if server is None:
        folder.mkdir(parents=True, exist_ok=True)
        yield sqlite_database(folder / "vivera.sqlite3")
        return
    database = _postgres(f"{prefix}_{secrets.token_hex(4)}", server)
    with _admin(server) as admin:
        admin.execute(f'CREATE DATABASE "{database.name}"')
    try:
        yield database
    finally:
        database.drop()
