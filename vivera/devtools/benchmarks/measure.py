"""How the benchmarks measure, and on what: a timing of N runs after a warm-up, the number of
queries, and the machine and database the numbers were taken on (`vivera monitor_benchmark`,
`vivera import_benchmark`, `vivera load_benchmark`; docs/benchmarks.md)."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import django
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vivera.core.formatting import number


class BenchmarkError(Exception):
    """The benchmark cannot run here; the message says why (in Dutch, for the command)."""


@dataclass(frozen=True)
class Timing:
    runs: tuple[float, ...]  # seconds, the warm-up run not included

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def max(self) -> float:
        return max(self.runs)


def measure(call: Callable[[], object], repeats: int, *, warm_up: bool = True) -> Timing:
    """Run `call` once to warm caches (unless told not to), then `repeats` times on the clock."""
    if warm_up:
        call()
    runs = []
    for _i in range(max(repeats, 1)):
        started = time.perf_counter()
        call()
        runs.append(time.perf_counter() - started)
    return Timing(tuple(runs))


def count_queries(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


@dataclass(frozen=True)
class Machine:
    cpu: str
    cores: int
    memory_gb: float | None
    python: str
    django: str
    database: str  # vendor and server version
    database_name: str

    def lines(self) -> list[str]:
        memory = f", {number(self.memory_gb, 1)} GB geheugen" if self.memory_gb is not None else ""
        return [
            f"Machine:  {self.cpu}, {self.cores} kernen{memory}; Python {self.python}, "
            f"Django {self.django}",
            f"Database: {self.database} ({self.database_name})",
        ]


def _proc_value(path: str, key: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                name, _sep, value = line.partition(":")
                if name.strip() == key:
                    return value.strip()
    except OSError:
        pass
    return None


def database_description() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        return f"PostgreSQL {version.split()[0]}"
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    return connection.display_name


def machine() -> Machine:
    memory = _proc_value("/proc/meminfo", "MemTotal")  # "24576000 kB"
    name = str(connection.settings_dict.get("NAME") or "")
    if connection.vendor == "sqlite":
        name = os.path.basename(name) or name
    return Machine(
        cpu=_proc_value("/proc/cpuinfo", "model name") or platform.processor() or "onbekend",
        cores=os.cpu_count() or 1,
        memory_gb=int(memory.split()[0]) / 1024 / 1024 if memory else None,
        python=platform.python_version(),
        django=django.get_version(),
        database=database_description(),
        database_name=name,
    )
