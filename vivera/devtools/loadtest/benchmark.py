"""One run of the load test, from an empty database to the verdict (`vivera load_benchmark`).

1. The database: a new SQLite file in a temporary folder, or the PostgreSQL database given
   (created when it does not exist); `vivera migrate`; the demo municipality and the load-test
   professionals (`prepare.load_test_prepare`, in a child process like every step that touches
   the database, so this process never holds a connection to it).
2. The production server as deployed (docs/deploy.md): gunicorn with sync workers and
   production settings (`VIVERA_PRODUCTION=1`, two-factor login, static files collected and
   served by WhiteNoise), bound to 127.0.0.1 on a free port. Only TLS is left out
   (`VIVERA_HTTPS=0`): nginx would terminate it in front.
3. locust, headless, in its own process: `locustfile.py`, with the number of users, the spawn
   rate and the duration given; its statistics are read from its CSV files.
4. The count: every marker the server accepted must be in the database exactly once, and no
   marker may be there that it did not accept — clients, dossiers, questions, contacts, and the
   partners' submissions, the outreach attempts on them and the dossiers opened for them; the
   short contacts are counted per account, the status changes on the run's submissions in all.

The load goes to 127.0.0.1 only, is bounded by the number of users and the duration, and
stops by itself: locust stops at the end of the duration, gunicorn is stopped afterwards.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dj_database_url

from vivera.core.formatting import number

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
KINDS = {
    "client": "cliënten",
    "dossier": "dossiers",
    "question": "vragen",
    "contact": "contactmomenten",
    "submission": "meldingen",
    "attempt": "contactpogingen",
    "submission_dossier": "dossiers uit melding",
}
# Counted as a number, not per marker.
TOTALS = {"short_contact": "korte contacten", "status_change": "statuswijzigingen melding"}
STOP_TIMEOUT = 60  # seconds a simulated user may take to finish its step at the end
MANAGE = [sys.executable, "-m", "vivera.manage"]
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Deadlock\w*):")


class LoadTestFailed(Exception):
    pass


@dataclass
class Options:
    users: int = 50
    partners: int = 0  # of the users, how many are partner systems (the rest professionals)
    seconds: int = 300
    spawn_rate: float = 2.0
    workers: int = 5
    database: str | None = None  # a DATABASE_URL; None: a throwaway SQLite database
    demo_scale: float = 1.0
    think: str = "1-3"
    collect_static: bool = True


@dataclass
class Row:
    """One line of locust's statistics."""

    kind: str
    name: str
    requests: int
    failures: int
    median: float
    p95: float
    p99: float
    average: float
    per_second: float


@dataclass
class Count:
    kind: str
    accepted: int
    in_database: int
    lost: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.lost or self.extra or self.duplicated)


@dataclass
class Outcome:
    rows: list[Row]
    counts: list[Count]
    failures: list[str]
    lines: list[str]

    @property
    def ok(self) -> bool:
        return (
            bool(self.rows)
            and not self.failures
            and all(c.ok for c in self.counts)
            and not any(r.failures for r in self.rows)
        )


# --- Comparing ---------------------------------------------------------------------------------


def compare(results: dict[str, Any], counted: dict[str, Any]) -> list[Count]:
    """The markers the server accepted (locust's `results`) against the records in the database
    (`prepare.load_test_count`)."""
    counts = []
    for kind in KINDS:
        accepted = Counter(results["saved"].get(kind, []))
        found = Counter(counted[kind])
        counts.append(
            Count(
                kind=kind,
                accepted=sum(accepted.values()),
                in_database=sum(found.values()),
                lost=sorted((accepted - found).elements()),
                extra=sorted(set(found) - set(accepted)),
                duplicated=sorted(marker for marker, n in found.items() if n > 1),
            )
        )
    for kind, label in TOTALS.items():
        total = Count(kind, results.get(kind, 0), counted.get(kind, 0))
        if total.accepted > total.in_database:
            total.lost = [f"{total.accepted - total.in_database} {label}"]
        elif total.in_database > total.accepted:
            total.extra = [f"{total.in_database - total.accepted} {label}"]
        counts.append(total)
    return counts


def read_stats(path: Path) -> list[Row]:
    """locust's `<prefix>_stats.csv`: one row per request kind and the aggregate."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in csv.DictReader(handle):
            rows.append(
                Row(
                    kind=line["Type"],
                    name=line["Name"],
                    requests=int(line["Request Count"]),
                    failures=int(line["Failure Count"]),
                    median=_float(line["50%"]),
                    p95=_float(line["95%"]),
                    p99=_float(line["99%"]),
                    average=_float(line["Average Response Time"]),
                    per_second=_float(line["Requests/s"]),
                )
            )
    return rows


def read_failures(path: Path) -> list[str]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [
            f"{line['Name']}: {line['Error']} ({line['Occurrences']}×)"
            for line in csv.DictReader(handle)
        ]


def server_errors(log: str) -> list[str]:
    """The exceptions in gunicorn's log (the last line of each traceback), counted, and the
    last traceback in full."""
    lines = log.splitlines()
    ends = [line for line in lines if EXCEPTION_LINE.match(line)]
    if not ends:
        return []
    starts = [i for i, line in enumerate(lines) if line.startswith("Traceback")]
    last = starts[-1] if starts else max(len(lines) - 40, 0)
    return [
        "",
        "Uitzonderingen in het logboek van de server:",
        *(f"  {n}× {line}" for line, n in Counter(ends).most_common(10)),
        "",
        "De laatste:",
        *lines[last : last + 80],
    ]


def _float(value: str) -> float:
    try:
        return float(value)
    except ValueError:  # "N/A" when there were no requests
        return 0.0


# --- Running -----------------------------------------------------------------------------------


def run(options: Options, write: Callable[[str], None]) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="vivera-load-") as name:
        folder = Path(name)
        url = options.database or f"sqlite:///{folder / 'belasting.sqlite3'}"
        env = _environment(url, folder)
        if url.startswith(("postgres://", "postgresql://")):
            _create_postgres_database(url)
        write(
            f"Database voorbereiden: {_safe(url)} (migrate, demogemeente, "
            f"{options.users} accounts) …"
        )
        _call([*MANAGE, "migrate", "--no-input", "-v", "0"], env)
        prepared = json.loads(
            _call(
                [
                    *MANAGE,
                    "load_benchmark",
                    "--voorbereiden",
                    "--gebruikers",
                    str(options.users - options.partners),
                    "--partners",
                    str(options.partners),
                    "--demo-schaal",
                    str(options.demo_scale),
                ],
                env,
            )
        )
        server_env = _server_environment(env, folder)
        if options.collect_static:
            write("Statische bestanden verzamelen (collectstatic, productie-instellingen) …")
            _call([*MANAGE, "collectstatic", "--no-input", "-v", "0"], server_env)
        else:
            server_env.pop("VIVERA_PRODUCTION")  # static files from the finders, DEBUG off
        port = _free_port()
        run_id = secrets.token_hex(3)
        since = dt.datetime.now(dt.UTC)
        load_before = os.getloadavg()
        log = folder / "gunicorn.log"
        with _server(port, options.workers, server_env, log):
            write(
                f"Server: gunicorn, {options.workers} workers, http://127.0.0.1:{port} — "
                f"locust: {options.users} gebruikers (partnersystemen: {options.partners}), "
                f"{options.spawn_rate:g} per seconde erbij, "
                f"{options.seconds} s …"
            )
            started = time.perf_counter()
            locust = _locust(options, port, run_id, prepared, folder)
            elapsed = time.perf_counter() - started
        load_after = os.getloadavg()
        counted = json.loads(
            _call(
                [
                    *MANAGE,
                    "load_benchmark",
                    "--tellen",
                    "--run",
                    run_id,
                    "--sinds",
                    since.isoformat(),
                    "--accounts",
                    ",".join(prepared["usernames"]),
                ],
                env,
            )
        )
        results_path = folder / "results.json"
        results: dict[str, Any] = (
            json.loads(results_path.read_text())
            if results_path.exists()
            else {"saved": {}, "short_contact": 0, "status_change": 0}
        )
        rows = read_stats(folder / "locust_stats.csv")
        failures = read_failures(folder / "locust_failures.csv") + results.get("failed", [])
        if not rows:
            failures.append("locust gaf geen statistieken: " + locust[-2000:])
        counts = compare(results, counted)
        lines = _report(
            options,
            prepared,
            rows,
            counts,
            failures,
            elapsed,
            load_before,
            load_after,
            results.get("refused_concurrently", 0),
        )
        outcome = Outcome(rows, counts, failures, lines)
        if not outcome.ok:
            outcome.lines += server_errors(log.read_text(errors="replace"))
        return outcome


def _environment(url: str, folder: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "VIVERA_PRODUCTION", "STATIC_ROOT", "DJANGO_SETTINGS_MODULE")
    }
    env.update(DATABASE_URL=url, VIVERA_IMPORT_DIR=str(folder / "import"))
    return env


def _server_environment(env: dict[str, str], folder: Path) -> dict[str, str]:
    """Production settings (docs/deploy.md, section 4) with fresh keys, for 127.0.0.1 only."""
    server = {key: value for key, value in env.items() if key != "DEBUG"}
    server.update(
        VIVERA_PRODUCTION="1",
        VIVERA_HTTPS="0",
        ALLOWED_HOSTS="127.0.0.1",
        SECRET_KEY=secrets.token_urlsafe(60),
        VIVERA_PSEUDONYM_KEY=secrets.token_urlsafe(48),
        # The partner API's rate limit (120/min per partner user) has its own test; here the
        # partner systems send as fast as the load asks.
        VIVERA_PARTNER_API_RATE="100000/min",
        VIVERA_CELL_KEY_SECRET=secrets.token_urlsafe(48),
        DATABASE_CONN_MAX_AGE="60",
        STATIC_ROOT=str(folder / "static"),
        VIVERA_VAR_DIR=str(folder / "var"),
        LOG_LEVEL="WARNING",
    )
    return server


def _call(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise LoadTestFailed(
            f"{' '.join(command[2:5])} faalde:\n{done.stderr.strip()[-3000:]}"
            f"\n{done.stdout.strip()[-1000:]}"
        )
    return done.stdout


def _safe(url: str) -> str:
    """The database URL without its password."""
    config = dj_database_url.parse(url)
    if config["ENGINE"].endswith("sqlite3"):
        return f"SQLite {config['NAME']}"
    return f"PostgreSQL {config['HOST'] or 'socket'}:{config['PORT'] or 5432}/{config['NAME']}"


def _create_postgres_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    with psycopg.connect(
        dbname="postgres",
        autocommit=True,
        connect_timeout=5,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
    ) as admin:
        if not admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone():
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _server(port: int, workers: int, env: dict[str, str], log: Path) -> Iterator[None]:
    with log.open("wb") as output:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "vivera.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--timeout",
                "30",
                "--graceful-timeout",
                "30",
            ],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_for(port, server, log)
            yield
        finally:
            _stop(server)


def _wait_for(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise LoadTestFailed(
                "gunicorn stopte bij het starten:\n" + log.read_text(errors="replace")[-3000:]
            )
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/inloggen/", timeout=5) as page:
                if page.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise LoadTestFailed("gunicorn antwoordde niet binnen 60 seconden.")


def _stop(process: subprocess.Popen[Any]) -> None:
    """Stop a child and everything it started (its own process group), gently, then not."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def _locust(
    options: Options, port: int, run_id: str, prepared: dict[str, Any], folder: Path
) -> str:
    env = {
        **os.environ,
        "VIVERA_LOAD_ACCOUNTS": ",".join(prepared["usernames"]),
        "VIVERA_LOAD_PASSWORD": prepared["password"],
        "VIVERA_LOAD_TOTP_KEY": prepared["totp_key"],
        "VIVERA_LOAD_PARTNER_KEYS": ",".join(prepared["partner_keys"]),
        "VIVERA_LOAD_PARTNERS": str(options.partners),
        "VIVERA_LOAD_RUN": run_id,
        "VIVERA_LOAD_RESULTS": str(folder / "results.json"),
        "VIVERA_LOAD_THINK": options.think,
    }
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(options.users),
        "--spawn-rate",
        str(options.spawn_rate),
        "--run-time",
        f"{options.seconds}s",
        "--stop-timeout",
        str(STOP_TIMEOUT),
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(folder / "locust"),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--skip-log-setup",
        "Professional",
        *(["Partner"] if options.partners else []),
    ]
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=options.seconds + STOP_TIMEOUT + 120)
    except subprocess.TimeoutExpired:
        _stop(process)
        raise LoadTestFailed("locust stopte niet op tijd.") from None
    return output or ""


# --- Reporting ---------------------------------------------------------------------------------


def _ms(value: float) -> str:
    return number(value, 0)


def _report(
    options: Options,
    prepared: dict[str, Any],
    rows: list[Row],
    counts: list[Count],
    failures: list[str],
    elapsed: float,
    load_before: tuple[float, ...],
    load_after: tuple[float, ...],
    refused_concurrently: int = 0,
) -> list[str]:
    size = prepared["size"]
    lines = [
        *prepared["machine"],
        f"Belasting van de machine (1/5/15 min) vooraf "
        f"{' / '.join(f'{x:.1f}' for x in load_before)}, achteraf "
        f"{' / '.join(f'{x:.1f}' for x in load_after)}",
        f"Gegevens vooraf ({prepared['municipality']}): {size['clients']} cliënten, "
        f"{size['dossiers']} dossiers, {size['questions']} vragen, {size['contacts']} "
        f"contactmomenten, {size['short_contacts']} korte contacten, "
        f"{size['professionals']} actieve wijkteamleden",
        f"Belasting: {options.users} gebruikers tegelijk (partnersystemen: "
        f"{options.partners}), {options.seconds} s "
        f"(gemeten {elapsed:.0f} s incl. afronden), denktijd {options.think} s, "
        f"{options.workers} gunicorn-workers",
        "",
        f"{'verzoek':<52} {'aantal':>7} {'fout':>5} {'p50':>6} {'p95':>6} {'p99':>6}  ms",
    ]
    for row in rows:
        label = "alle verzoeken" if row.name == "Aggregated" else row.name
        lines.append(
            f"{label[:52]:<52} {row.requests:>7} {row.failures:>5} "
            f"{_ms(row.median):>6} {_ms(row.p95):>6} {_ms(row.p99):>6}"
        )
    lines += [
        "",
        f"{'geteld':<26} {'geaccepteerd':>12} {'in database':>12} {'kwijt':>6} "
        f"{'dubbel':>7} {'extra':>6}",
    ]
    for count in counts:
        label = KINDS.get(count.kind) or TOTALS[count.kind]
        lines.append(
            f"{label:<26} {count.accepted:>12} {count.in_database:>12} "
            f"{len(count.lost):>6} {len(count.duplicated):>7} {len(count.extra):>6}"
        )
        for what, markers in (
            ("kwijt", count.lost),
            ("dubbel", count.duplicated),
            ("extra", count.extra),
        ):
            if markers:
                lines.append(f"  {what}: {', '.join(markers[:10])}")
    if options.partners:
        lines.append(
            f"Geweigerd omdat een collega de melding net had gewijzigd of afgerond "
            f"(400, geen fout): {refused_concurrently}"
        )
    if failures:
        lines += ["", "Fouten:", *(f"  {failure}" for failure in failures[:30])]
    return lines
