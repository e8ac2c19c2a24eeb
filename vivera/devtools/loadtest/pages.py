"""The professional's pages under load (`vivera page_benchmark`, docs/benchmarks.md "The
professional's pages"; issue 19).

1. The database: the synthetic region of the monitor's benchmark (`benchmarks/region.py`:
   municipalities, teams, professionals, dossiers with their life cycle, questions, contacts,
   short contacts), made once and reused; or, with `--demo`, the demo municipality. Its
   professionals get the demo's public password and authenticator key, so the simulated users
   log in through both steps like people; that is why the database may hold nothing else.
   For each account the command picks what the account may see: an open dossier it directs
   (or one of its team), that dossier's client, and the client's last name to search for.
2. The production server as deployed (gunicorn, sync workers, production settings, on
   127.0.0.1), as the load test starts it (`benchmark._server`).
3. locust twice, headless (`pages_locustfile.py`): one user, then `--gebruikers` users at
   once, each for `--duur` seconds after all have logged in, without pause between requests.
   Per page its median and p95, and the requests per second of the whole mix, next to the
   targets.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vivera.core.formatting import number

from . import benchmark
from .benchmark import MANAGE, LoadTestFailed, Row, read_failures, read_stats

LOCUSTFILE = Path(__file__).with_name("pages_locustfile.py")
# Issue 19's targets, on this machine's 2 cores.
TARGET_MEDIAN_ONE_USER = 20.0  # ms, every page, one user
TARGET_P95_MANY_USERS = 60.0  # ms, every page, 16 users
TARGET_REQUESTS_PER_SECOND = 235.0  # the professional's mix
LOGIN_SECONDS_PER_USER = 1.5  # the slow password hash, on a busy machine
PAGES = (
    "mijn werk",
    "wachtlijst",
    "zoeken (formulier)",
    "zoeken op achternaam",
    "inwoner",
    "dossier",
    "kort contact (formulier)",
    "kort contact (POST)",
    "contactmoment (formulier)",
    "contactmoment (POST)",
)


@dataclass
class Options:
    dossiers: int = 1_000_000
    users: int = 16
    seconds: int = 60
    database: str | None = None  # a DATABASE_URL; None: a throwaway SQLite database
    demo: bool = False
    workers: int = 5
    collect_static: bool = True


@dataclass
class Phase:
    users: int
    rows: list[Row]
    failures: list[str]
    seconds: float
    client_cpu: float = 0.0  # CPU seconds locust (the simulated users) took, logins included

    def row(self, name: str) -> Row | None:
        return next((r for r in self.rows if r.name == name), None)

    @property
    def requests_per_second(self) -> float:
        return sum(r.requests for r in self.rows if r.name in PAGES) / self.seconds


def run(options: Options, write: Callable[[str], None]) -> list[str]:
    """Prepare, serve, measure; returns the report's lines (the last one: requests per
    second). Raises LoadTestFailed when a step fails or a request failed."""
    with tempfile.TemporaryDirectory(prefix="vivera-pages-") as name:
        folder = Path(name)
        url = options.database or f"sqlite:///{folder / 'paginas.sqlite3'}"
        env = benchmark._environment(url, folder)
        if url.startswith(("postgres://", "postgresql://")):
            benchmark._create_postgres_database(url)
        write(f"Database voorbereiden: {benchmark._safe(url)} …")
        benchmark._call([*MANAGE, "migrate", "--no-input", "-v", "0"], env)
        started = time.perf_counter()
        prepared = json.loads(
            benchmark._call(
                [
                    *MANAGE,
                    "page_benchmark",
                    "--voorbereiden",
                    "--dossiers",
                    str(options.dossiers),
                    "--gebruikers",
                    str(options.users),
                    *(["--demo"] if options.demo else []),
                ],
                env,
            )
        )
        write(f"  klaar in {number(time.perf_counter() - started, 0)} s.")
        server_env = benchmark._server_environment(env, folder)
        if options.collect_static:
            write("Statische bestanden verzamelen (collectstatic, productie-instellingen) …")
            benchmark._call([*MANAGE, "collectstatic", "--no-input", "-v", "0"], server_env)
        else:
            server_env.pop("VIVERA_PRODUCTION")
        port = benchmark._free_port()
        load_before = os.getloadavg()
        phases = []
        with benchmark._server(port, options.workers, server_env, folder / "gunicorn.log"):
            for users in (1, options.users):
                write(
                    f"Meten: {users} gebruiker(s), {options.seconds} s na het inloggen, "
                    f"gunicorn {options.workers} workers op http://127.0.0.1:{port} …"
                )
                phases.append(_phase(users, options, port, prepared, folder / f"u{users}"))
        load_after = os.getloadavg()
        failures = [f for phase in phases for f in phase.failures]
        if failures:
            log = (folder / "gunicorn.log").read_text(errors="replace")
            raise LoadTestFailed(
                "Verzoeken mislukten:\n"
                + "\n".join(failures[:20])
                + "\n".join(benchmark.server_errors(log))
            )
        return _report(options, prepared, phases, load_before, load_after)


def _phase(
    users: int, options: Options, port: int, prepared: dict[str, Any], folder: Path
) -> Phase:
    folder.mkdir()
    warm_up = 3 + LOGIN_SECONDS_PER_USER * users
    accounts = [prepared["accounts"][i % len(prepared["accounts"])] for i in range(users)]
    env = {
        **os.environ,
        "VIVERA_PAGES_ACCOUNTS": json.dumps(accounts),
        "VIVERA_PAGES_PASSWORD": prepared["password"],
        "VIVERA_PAGES_TOTP_KEY": prepared["totp_key"],
        "VIVERA_PAGES_START": str(time.time() + warm_up),
    }
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{int(warm_up + options.seconds)}s",
        "--stop-timeout",
        "10",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(folder / "locust"),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--skip-log-setup",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        command,
        env=env,
        capture_output=True,
        text=True,
        timeout=warm_up + options.seconds + 120,
        check=False,
    )
    stats = folder / "locust_stats.csv"
    if not stats.exists():
        raise LoadTestFailed(
            "locust gaf geen statistieken:\n" + (done.stdout + done.stderr)[-3000:]
        )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rows = read_stats(stats)
    failures = read_failures(folder / "locust_failures.csv")
    return Phase(users, rows, failures, float(options.seconds), cpu)


def _report(
    options: Options,
    prepared: dict[str, Any],
    phases: list[Phase],
    load_before: tuple[float, float, float],
    load_after: tuple[float, float, float],
) -> list[str]:
    one, many = phases
    lines = [
        "",
        *prepared["machine"],
        f"Gegevens: {prepared['description']}",
        "Server: gunicorn "
        f"{options.workers} sync workers, productie-instellingen, op dezelfde 2 kernen als "
        "PostgreSQL en locust.",
        f"Belasting van de machine (1 min): {number(load_before[0], 1)} vooraf, "
        f"{number(load_after[0], 1)} achteraf.",
        "",
        f"Per pagina: mediaan bij 1 gebruiker (doel ≤ {number(TARGET_MEDIAN_ONE_USER, 0)} ms) "
        f"en p95 bij {many.users} gebruikers (doel ≤ {number(TARGET_P95_MANY_USERS, 0)} ms), "
        "in ms:",
    ]
    for name in PAGES:
        alone, busy = one.row(name), many.row(name)
        if alone is None or busy is None:
            continue
        verdict = (
            "gehaald"
            if alone.median <= TARGET_MEDIAN_ONE_USER and busy.p95 <= TARGET_P95_MANY_USERS
            else "NIET gehaald"
        )
        lines.append(
            f"{name.replace(' ', '-')} median={number(alone.median, 0)} "
            f"p95={number(busy.p95, 0)} "
            f"(1 gebruiker: p95 {number(alone.p95, 0)}; {many.users} gebruikers: mediaan "
            f"{number(busy.median, 0)}; {alone.requests + busy.requests} verzoeken) {verdict}"
        )
    rate = many.requests_per_second
    available = (os.cpu_count() or 1) * (many.seconds + 3 + LOGIN_SECONDS_PER_USER * many.users)
    lines.append(
        f"locust zelf (de gesimuleerde gebruikers, op dezelfde kernen) gebruikte "
        f"{number(many.client_cpu, 0)} CPU-seconden van de "
        f"{number(available, 0)} "
        f"die de kernen in de meting met {many.users} gebruikers hadden."
    )
    lines.append(
        f"requests/s={number(rate, 1)} bij {many.users} gebruikers, de hele ronde "
        f"(1 gebruiker: {number(one.requests_per_second, 1)}; doel ≥ "
        f"{number(TARGET_REQUESTS_PER_SECOND, 0)}) "
        + ("gehaald" if rate >= TARGET_REQUESTS_PER_SECOND else "NIET gehaald")
    )
    return lines
