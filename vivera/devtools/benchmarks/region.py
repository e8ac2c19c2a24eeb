"""The synthetic region of `vivera monitor_benchmark --regio` (docs/benchmarks.md).

`region_generate` writes six municipalities "Benchmark-1" … "Benchmark-6" (CBS codes
GM8001–GM8006) with teams, locations, staff and any number of dossiers with their status history,
questions, contacts, referrals, ZRM scores, short contacts and outreach. The organisation (a few
hundred rows) goes through the ORM; the registrations are written set-based, one `INSERT …
SELECT` per table over a number series (`generate_series` on PostgreSQL, a recursive CTE on
SQLite), so a million dossiers take minutes rather than hours. `region_delete` removes the region
again, and nothing else.

The generated values are not random but a fixed hash of the row number (`_Sql.hash`): the same
size always gives the same data, and a value can be recomputed in another statement (a contact's
date from its dossier's dates) without being stored. Every row obeys the model's check
constraints and the life-cycle rules of `ALLOWED_STATUS_CHANGES`; the tests check this on a
small region.

Like the demo generator (see `vivera.devtools.demo.services`), this bypasses the registration
services: it writes history that nobody did through the application and must not fill the access
log.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Model

from vivera.accounts.models import Role, User
from vivera.core import formatting
from vivera.organisation.models import (
    CapacityIntervention,
    ConsultationHour,
    ContactKind,
    ExpectedEffect,
    InterventionAssumption,
    LifeDomain,
    Location,
    Municipality,
    Neighbourhood,
    Outcome,
    PartOfDay,
    Referrer,
    Specialism,
    Team,
    TeamMembership,
)
from vivera.registration.models import (
    Channel,
    Client,
    ContactMoment,
    ContactWith,
    CoreTask,
    Dossier,
    DossierStatusChange,
    HandoverStatus,
    OutreachActivity,
    OutreachKind,
    ProvisionKind,
    Question,
    Referral,
    SharingConsent,
    ShortContact,
    ShortContactResult,
    ZrmAssessment,
    ZrmMoment,
    ZrmScore,
)

from .measure import BenchmarkError

# Six municipalities, as a region like the Drechtsteden; more teams mean more dossiers.
REGION: tuple[tuple[str, str, int], ...] = (
    ("Benchmark-1", "GM8001", 4),
    ("Benchmark-2", "GM8002", 3),
    ("Benchmark-3", "GM8003", 3),
    ("Benchmark-4", "GM8004", 2),
    ("Benchmark-5", "GM8005", 2),
    ("Benchmark-6", "GM8006", 2),
)
REGION_CODES = tuple(code for _name, code, _teams in REGION)
USERNAME_PREFIX = "benchmark-"
NEIGHBOURHOODS = 6  # per municipality
LOCATIONS = 2  # per team
PROFESSIONALS = 8  # per team, besides the coordinator
SPECIALISMS = (
    Specialism.AMW,
    Specialism.DISTRICT_NURSE,
    Specialism.CARER_CONSULTANT,
    Specialism.ELDERLY_ADVISOR,
    Specialism.CLIENT_SUPPORT,
    Specialism.MENTAL_HEALTH,
    Specialism.YOUTH,
    Specialism.AMW,
)
SQLITE_MAX_DOSSIERS = 20_000

# Everything is dated as a day number from BASE; registrations fall from BASE to HORIZON, the
# last day with data (the end of the default benchmark period).
BASE = dt.date(2015, 1, 1)
HORIZON = dt.date(2017, 12, 31)
H = (HORIZON - BASE).days
PERIOD = (dt.date(2016, 1, 1), dt.date(2017, 12, 31))

# Hash multipliers: primes above 2**31, so the products are 64-bit on every database.
_PRIME = 2_147_483_647
_MULTIPLIERS = (
    2_654_435_761,
    2_246_822_519,
    3_266_489_917,
    2_870_177_441,
    3_735_928_559,
    2_654_435_789,
    3_141_592_661,
    2_718_281_831,
    4_093_082_899,
    2_971_215_073,
)


def region_municipalities() -> list[Municipality]:
    return list(Municipality.objects.filter(cbs_code__in=REGION_CODES).order_by("cbs_code"))


def region_exists() -> bool:
    return Dossier.objects.filter(municipality__cbs_code__in=REGION_CODES).exists()


@dataclass
class RegionSummary:
    dossiers: int
    contacts: int
    short_contacts: int
    seconds: float
    steps: list[tuple[str, int, float]] = field(default_factory=list)  # (table, rows, seconds)

    def lines(self) -> list[str]:
        lines = [f"Regio gemaakt in {formatting.number(self.seconds, 1)} s:"]
        width = max(len(label) for label, _n, _s in self.steps)
        lines += [
            f"  {label:<{width}}  {formatting.number(rows) + ' rijen' if rows else '':>18}  "
            f"{formatting.number(seconds, 1):>7} s"
            for label, rows, seconds in self.steps
        ]
        return lines


class _Sql:
    """The few places where PostgreSQL and SQLite differ, as SQL text."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        if self.vendor not in ("postgresql", "sqlite"):
            raise BenchmarkError(
                "De benchmarkregio kan alleen op PostgreSQL of SQLite worden gemaakt."
            )

    def series(self, name: str, count: int) -> str:
        """A CTE `name(i)` with the numbers 1 … count (after WITH RECURSIVE)."""
        if self.vendor == "postgresql":
            return f"{name}(i) AS (SELECT generate_series(1, {int(count)}))"
        return f"{name}(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM {name} WHERE i < {int(count)})"

    def day(self, offset: str) -> str:
        """The date `offset` days after BASE."""
        if self.vendor == "postgresql":
            return f"(DATE '{BASE.isoformat()}' + CAST({offset} AS INTEGER))"
        return f"date('{BASE.isoformat()}', '+' || CAST({offset} AS INTEGER) || ' days')"

    def least(self, *args: str) -> str:
        return f"{'LEAST' if self.vendor == 'postgresql' else 'MIN'}({', '.join(args)})"

    def greatest(self, *args: str) -> str:
        return f"{'GREATEST' if self.vendor == 'postgresql' else 'MAX'}({', '.join(args)})"

    @staticmethod
    def hash(expr: str, salt: int, modulo: int | str) -> str:
        """A pseudo-random whole number in [0, modulo) that depends only on `expr` and `salt`."""
        multiplier = _MULTIPLIERS[salt % len(_MULTIPLIERS)]
        return (
            f"(((CAST({expr} AS BIGINT) + {salt * 7919}) * {multiplier}) % {_PRIME} % ({modulo}))"
        )

    @classmethod
    def pick(cls, expr: str, salt: int, weighted: Sequence[tuple[object, int]]) -> str:
        """One of the values, chosen by weight, as a CASE expression."""
        total = sum(weight for _value, weight in weighted)
        choice = cls.hash(expr, salt, total)
        parts, upto = [], 0
        for value, weight in weighted[:-1]:
            upto += weight
            parts.append(f"WHEN {choice} < {upto} THEN {_literal(value)}")
        return f"(CASE {' '.join(parts)} ELSE {_literal(weighted[-1][0])} END)"


def _literal(value: object) -> str:
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if "'" in text:
        raise ValueError(text)
    return f"'{text}'"


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _check_region_free() -> None:
    names = [name for name, _code, _teams in REGION]
    taken = (
        Municipality.objects.filter(cbs_code__in=REGION_CODES)
        .exclude(name__in=names)
        .values_list("cbs_code", flat=True)
    )
    problems = []
    if taken:
        problems.append(f"CBS-codes zijn al van een andere gemeente: {', '.join(sorted(taken))}")
    taken = (
        Municipality.objects.filter(name__in=names)
        .exclude(cbs_code__in=REGION_CODES)
        .values_list("name", flat=True)
    )
    if taken:
        problems.append(f"namen zijn al van een andere gemeente: {', '.join(sorted(taken))}")
    codes = [f"WK{code[2:]}{k + 1:02d}" for _n, code, _t in REGION for k in range(NEIGHBOURHOODS)]
    if (
        Neighbourhood.objects.filter(cbs_code__in=codes)
        .exclude(municipality__cbs_code__in=REGION_CODES)
        .exists()
    ):
        problems.append("wijkcodes WK8001xx–WK8006xx zijn al in gebruik")
    if (
        User.objects.filter(username__startswith=USERNAME_PREFIX)
        .exclude(municipality__cbs_code__in=REGION_CODES)
        .exists()
    ):
        problems.append(
            f"gebruikersnamen die met '{USERNAME_PREFIX}' beginnen bestaan al buiten de regio"
        )
    if problems:
        raise BenchmarkError(
            "De benchmarkregio past niet in deze database: " + "; ".join(problems) + "."
        )


@dataclass
class _Organisation:
    teams: list[tuple[int, int]] = field(default_factory=list)  # (team id, municipality id)
    members: list[tuple[int, int, int]] = field(default_factory=list)  # (team k, j, user id)
    hoods: list[tuple[int, int, int]] = field(default_factory=list)  # (municipality id, k, id)
    locations: list[tuple[int, int, int]] = field(default_factory=list)  # (team k, j, id)


def _write_organisation() -> _Organisation:
    """Municipalities, neighbourhoods, teams, walk-in locations with consultation hours, staff
    with their memberships, one policy advisor per municipality and one capacity intervention
    each, through the ORM (a few hundred rows)."""
    org = _Organisation()
    password = make_password(None)  # nobody logs in with a password; the benchmark uses force_login
    since = dt.date(2014, 1, 1)
    for number, (name, code, team_count) in enumerate(REGION, start=1):
        municipality = Municipality.objects.create(name=name, cbs_code=code)
        hoods = Neighbourhood.objects.bulk_create(
            [
                Neighbourhood(
                    municipality=municipality,
                    name=f"{name} wijk {k + 1}",
                    cbs_code=f"WK{code[2:]}{k + 1:02d}",
                )
                for k in range(NEIGHBOURHOODS)
            ]
        )
        org.hoods += [(municipality.pk, k, hood.pk) for k, hood in enumerate(hoods)]
        User.objects.create(
            username=f"{USERNAME_PREFIX}{number}-beleid",
            password=password,
            first_name="Beleid",
            last_name=name,
            role=Role.POLICY,
            municipality=municipality,
        )
        for t in range(team_count):
            letter = "ABCDEFGH"[t]
            team = Team.objects.create(municipality=municipality, name=f"Team {letter}")
            team_k = len(org.teams)
            org.teams.append((team.pk, municipality.pk))
            team.neighbourhoods.set(hoods[t::team_count])
            locations = Location.objects.bulk_create(
                [
                    Location(
                        municipality=municipality,
                        team=team,
                        neighbourhood=hoods[(t + j * team_count) % NEIGHBOURHOODS],
                        name=f"Inloop {name} {letter}{j + 1}",
                    )
                    for j in range(LOCATIONS)
                ]
            )
            org.locations += [(team_k, j, loc.pk) for j, loc in enumerate(locations)]
            ConsultationHour.objects.bulk_create(
                [
                    ConsultationHour(
                        location=loc,
                        weekday=(j * 2 + s) % 5,
                        part_of_day=PartOfDay.MORNING if s < 2 else PartOfDay.AFTERNOON,
                        valid_from=since,
                    )
                    for j, loc in enumerate(locations)
                    for s in range(3)
                ]
            )
            staff = User.objects.bulk_create(
                [
                    User(
                        username=f"{USERNAME_PREFIX}{number}-{letter.lower()}-{j + 1}",
                        password=password,
                        first_name=f"Medewerker {j + 1}",
                        last_name=f"{name} {letter}",
                        role=Role.PROFESSIONAL,
                        municipality=municipality,
                    )
                    for j in range(PROFESSIONALS)
                ]
            )
            coordinator = User.objects.create(
                username=f"{USERNAME_PREFIX}{number}-{letter.lower()}-coordinator",
                password=password,
                first_name="Coördinator",
                last_name=f"{name} {letter}",
                role=Role.COORDINATOR,
                municipality=municipality,
            )
            TeamMembership.objects.bulk_create(
                [
                    *(
                        TeamMembership(
                            team=team,
                            user=user,
                            specialism=SPECIALISMS[j],
                            fte=Decimal("0.50") + Decimal("0.10") * (j % 5),
                            start_date=since,
                        )
                        for j, user in enumerate(staff)
                    ),
                    TeamMembership(
                        team=team,
                        user=coordinator,
                        specialism=Specialism.COORDINATION,
                        fte=Decimal("0.80"),
                        start_date=since,
                    ),
                ]
            )
            org.members += [(team_k, j, user.pk) for j, user in enumerate(staff)]
        intervention = CapacityIntervention.objects.create(
            municipality=municipality,
            date=dt.date(2016, 11, 1),
            name="Extra capaciteit",
            fte_added=Decimal("2.00"),
            assumptions="Benchmark: een kortere wachtlijst.",
        )
        InterventionAssumption.objects.bulk_create(
            [
                InterventionAssumption(
                    intervention=intervention, effect=ExpectedEffect.FEWER_WAITING
                ),
                InterventionAssumption(
                    intervention=intervention, effect=ExpectedEffect.SHORTER_WAIT
                ),
            ]
        )
    return org


def _code_weights[M: Model](
    model: type[M], weights: dict[str, int], default: int = 3
) -> list[tuple[object, int]]:
    """(id, weight) for every entry of a code list; unknown codes get `default`."""
    rows = list(model._default_manager.order_by("pk").values_list("pk", "code"))
    if not rows:
        raise BenchmarkError(
            f"De codelijst {model._meta.verbose_name_plural} is leeg; draai eerst 'vivera migrate'."
        )
    return [(pk, weights.get(code, default)) for pk, code in rows]


def _next_id(model: type[Model]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_table(model)}")
        return int(cursor.fetchone()[0])


TEMP_TABLES = ("bench_team", "bench_member", "bench_hood", "bench_location", "bench_zrm", "bench_d")


def region_generate(
    *,
    dossiers: int,
    contacts: int,
    short_contacts: int,
    progress: Callable[[str], None] | None = None,
) -> RegionSummary:
    """Write the synthetic region in one transaction. Refuses when it exists (call
    `region_delete` first). The time includes the commit, where PostgreSQL checks the
    (deferred) foreign keys of every row written."""
    started = time.perf_counter()
    with transaction.atomic():
        # PostgreSQL checks each foreign key of each row at commit (Django's keys are
        # deferred): for tens of millions of rows that takes longer than writing them. So the
        # keys of the tables written are dropped for the load and added again after it; adding
        # a key checks all rows at once, with one join. All in the same transaction: if
        # anything fails, the keys are back as they were.
        keys = _drop_foreign_keys() if connection.vendor == "postgresql" else []
        summary = _region_write(dossiers, contacts, short_contacts, progress)
        if keys:
            step = time.perf_counter()
            _add_foreign_keys(keys)
            summary.steps.append(
                ("verwijzende sleutels controleren", 0, time.perf_counter() - step)
            )
        step = time.perf_counter()
    if not connection.in_atomic_block:  # the commit happened here, not in a caller's block
        summary.steps.append(("COMMIT", 0, time.perf_counter() - step))
    summary.seconds = time.perf_counter() - started
    return summary


def _drop_foreign_keys() -> list[tuple[str, str, str]]:
    """Drop the foreign keys of the registration tables; returns (table, name, definition)."""
    tables = [model._meta.db_table for model in REGISTRATION_TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
            "JOIN pg_class c ON c.oid = k.conrelid "
            "WHERE k.contype = 'f' AND c.relname = ANY(%s) "
            "AND c.relnamespace = to_regnamespace(current_schema())::oid ORDER BY 1, 2",
            [tables],
        )
        keys = [(table, name, definition) for table, name, definition in cursor.fetchall()]
        # A table with pending (deferred) key checks cannot be altered: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _definition in keys:
            cursor.execute(
                f"ALTER TABLE {connection.ops.quote_name(table)} "
                f"DROP CONSTRAINT {connection.ops.quote_name(name)}"
            )
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
    return keys


def _add_foreign_keys(keys: list[tuple[str, str, str]]) -> None:
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(
                f"ALTER TABLE {connection.ops.quote_name(table)} "
                f"ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's keys are initially deferred


def _region_write(
    dossiers: int, contacts: int, short_contacts: int, progress: Callable[[str], None] | None
) -> RegionSummary:
    """Check the sizes and the database, then write the region step by step, each step one
    statement per table (or a few), reading the plan in the temporary table `bench_d`."""
    _check_sizes(dossiers, contacts, short_contacts)
    if Municipality.objects.filter(cbs_code__in=REGION_CODES).exists():
        raise BenchmarkError("De benchmarkregio bestaat al (gebruik --opnieuw).")
    _check_region_free()
    summary = RegionSummary(dossiers, contacts, short_contacts, 0.0)
    with connection.cursor() as cursor:
        w = _Writer(_Sql(), cursor, summary, progress or (lambda _line: None), dossiers)
        _write_organisation_tables(w)
        _write_plan(w)
        # Explicit ids (the current maximum + the dossier's number), so that every table can
        # name its parent rows without reading them back.
        w.base = {
            model: _next_id(model)
            for model in (Client, Dossier, Question, ContactMoment, ZrmAssessment)
        }
        _write_clients(w)
        _write_dossiers(w)
        _write_status_history(w)
        _write_questions(w)
        _write_referrals(w)
        _write_contacts(w, contacts)
        _write_zrm(w)
        _write_short_contacts(w, short_contacts)
        _write_outreach(w)
        for statement in connection.ops.sequence_reset_sql(
            no_style(), [Client, Dossier, Question, ContactMoment, ZrmAssessment]
        ):
            cursor.execute(statement)
        for name in TEMP_TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
    return summary


def _check_sizes(dossiers: int, contacts: int, short_contacts: int) -> None:
    if dossiers < 1:
        raise BenchmarkError("Het aantal dossiers moet minstens 1 zijn.")
    if contacts < 0 or short_contacts < 0:
        raise BenchmarkError("Aantallen kunnen niet negatief zijn.")
    if connection.vendor == "sqlite" and dossiers > SQLITE_MAX_DOSSIERS:
        raise BenchmarkError(
            f"Een regio van {formatting.number(dossiers)} dossiers is bedoeld voor PostgreSQL. Op "
            f"SQLite kan hoogstens --dossiers {SQLITE_MAX_DOSSIERS} (om te testen); gebruik "
            "DATABASE_URL=postgres://… voor de echte meting."
        )


@dataclass
class _Writer:
    """What the steps of `_region_write` share: the SQL dialect, the cursor, the summary each
    statement adds its rows and time to, the number of dossiers and teams, and the first ids."""

    sql: _Sql
    cursor: Any
    summary: RegionSummary
    say: Callable[[str], None]
    dossiers: int
    teams: int = 0
    base: dict[type[Model], int] = field(default_factory=dict)

    def run(self, label: str, statement: str, record: bool = True) -> tuple[int, float]:
        """Execute one statement; count its rows and time, and report them."""
        step = time.perf_counter()
        self.cursor.execute(statement)
        if connection.vendor == "sqlite":  # its rowcount misses INSERTs that start WITH
            self.cursor.execute("SELECT changes()")
            rows = int(self.cursor.fetchone()[0])
        else:
            rows = max(self.cursor.rowcount or 0, 0)
        seconds = time.perf_counter() - step
        if record:
            self.summary.steps.append((label, rows, seconds))
        self.say(f"  {label}: {formatting.number(rows)} rijen in {formatting.number(seconds, 1)} s")
        return rows, seconds

    @property
    def client_id(self) -> str:
        return f"({self.base[Client]} + d.n)"

    @property
    def dossier_id(self) -> str:
        return f"({self.base[Dossier]} + d.n)"

    def member(self, salt_expr: str, salt: int) -> str:
        """A join with one of the dossier's team's professionals, chosen by the hash."""
        return (
            f"JOIN bench_member m ON m.team_k = d.team_k "
            f"AND m.j = {self.sql.hash(salt_expr, salt, PROFESSIONALS)}"
        )


def _write_organisation_tables(w: _Writer) -> None:
    """The organisation through the ORM, then its ids in small temporary tables that the
    set-based statements join with."""
    cursor = w.cursor
    for name in TEMP_TABLES:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
    step = time.perf_counter()
    org = _write_organisation()
    w.summary.steps.append(
        (
            "teams (met gemeenten, wijken, inlooppunten, medewerkers)",
            len(org.teams),
            time.perf_counter() - step,
        )
    )
    cursor.execute(
        "CREATE TEMP TABLE bench_team (k INTEGER, team_id BIGINT, municipality_id BIGINT)"
    )
    cursor.executemany(
        "INSERT INTO bench_team VALUES (%s, %s, %s)",
        [(k, t, m) for k, (t, m) in enumerate(org.teams)],
    )
    cursor.execute("CREATE TEMP TABLE bench_member (team_k INTEGER, j INTEGER, user_id BIGINT)")
    cursor.executemany("INSERT INTO bench_member VALUES (%s, %s, %s)", org.members)
    cursor.execute(
        "CREATE TEMP TABLE bench_hood (municipality_id BIGINT, k INTEGER, hood_id BIGINT)"
    )
    cursor.executemany("INSERT INTO bench_hood VALUES (%s, %s, %s)", org.hoods)
    cursor.execute(
        "CREATE TEMP TABLE bench_location (team_k INTEGER, j INTEGER, location_id BIGINT)"
    )
    cursor.executemany("INSERT INTO bench_location VALUES (%s, %s, %s)", org.locations)
    zrm = list(
        LifeDomain.objects.filter(in_zrm=True).order_by("order", "pk").values_list("pk", flat=True)
    )
    cursor.execute("CREATE TEMP TABLE bench_zrm (k INTEGER, domain_id BIGINT)")
    cursor.executemany("INSERT INTO bench_zrm VALUES (%s, %s)", list(enumerate(zrm)))
    w.teams = len(org.teams)


def _write_plan(w: _Writer) -> None:
    """The plan of every dossier, as the temporary table `bench_d` the other steps read."""
    sql, h, dossiers, teams = w.sql, w.sql.hash, w.dossiers, w.teams
    # The plan of every dossier: team, day numbers of its status changes (NULL: never),
    # its status on the horizon. Paths: 5 % closed straight after registration, 25 % via
    # the waiting list, the rest straight to intake; 15 % watch before closing.
    intake_path = "CASE WHEN path < 30 THEN pre + waitlen ELSE intk END"
    active = f"(reg + {intake_path} + act)"
    w.run(
        "plan",
        record=False,
        statement=f"""
        CREATE TEMP TABLE bench_d AS
        WITH RECURSIVE {sql.series("g", dossiers)}
        SELECT x.*,
            CASE WHEN close_d <= {H} THEN 'closed' WHEN watch_d <= {H} THEN 'watching'
                 WHEN active_d <= {H} THEN 'active' WHEN intake_d <= {H} THEN 'intake'
                 WHEN wait_d <= {H} THEN 'waiting' ELSE 'registered' END AS status,
            CASE WHEN close_d <= {H} THEN close_d WHEN watch_d <= {H} THEN watch_d
                 WHEN active_d <= {H} THEN active_d WHEN intake_d <= {H} THEN intake_d
                 WHEN wait_d <= {H} THEN wait_d ELSE reg END AS since_d,
            CASE WHEN close_d <= {H} THEN 1 ELSE 0 END AS closed,
            {sql.least("close_d", str(H))} AS last_d,
            CASE WHEN intake_d <= {H} THEN intake_d ELSE reg END AS open_d
        FROM (
            SELECT p.*,
                CASE WHEN path >= 5 AND path < 30 THEN reg + pre END AS wait_d,
                CASE WHEN path >= 5 THEN reg + {intake_path} END AS intake_d,
                CASE WHEN path >= 5 THEN {active} END AS active_d,
                CASE WHEN path >= 5 AND watch < 15 THEN {active} + dur * 2 / 3 END
                    AS watch_d,
                CASE WHEN path < 5 THEN reg + intk ELSE {active} + dur END AS close_d
            FROM (
                SELECT g.i AS n, t.k AS team_k, t.team_id, t.municipality_id,
                    {h("g.i", 2, H + 1)} AS reg, {h("g.i", 3, 100)} AS path,
                    {h("g.i", 4, 4)} AS pre, 7 + {h("g.i", 5, 84)} AS waitlen,
                    {h("g.i", 6, 22)} AS intk, {h("g.i", 7, 15)} AS act,
                    30 + {h("g.i", 8, 370)} AS dur, {h("g.i", 9, 100)} AS watch
                FROM g JOIN bench_team t ON t.k = {h("g.i", 1, teams)}
            ) p
        ) x""",
    )


def _write_clients(w: _Writer) -> None:
    """One client per dossier, in a neighbourhood of its municipality (5 % without)."""
    h, n_, client_id = w.sql.hash, "d.n", w.client_id
    w.run(
        "cliënten",
        f"""
        INSERT INTO {_table(Client)} (id, municipality_id, household_id, first_name,
            name_prefix, last_name, birth_date, bsn, postcode, house_number,
            neighbourhood_id, phone, email, created_at, created_by_id, version)
        SELECT {client_id}, d.municipality_id, NULL, 'Inwoner', '', 'Benchmark ' || d.n,
            NULL, '', '', '', CASE WHEN {h(n_, 11, 100)} < 5 THEN NULL ELSE b.hood_id END,
            '', '', CURRENT_TIMESTAMP, m.user_id, 1
        FROM bench_d d {w.member(n_, 12)}
        LEFT JOIN bench_hood b ON b.municipality_id = d.municipality_id
            AND b.k = {h(n_, 13, NEIGHBOURHOODS)}""",
    )


def _write_dossiers(w: _Writer) -> None:
    """The dossiers, with their status on the horizon and the network facts."""
    sql, h, n_ = w.sql, w.sql.hash, "d.n"
    client_id, dossier_id = w.client_id, w.dossier_id
    referrers = sql.pick(
        n_,
        14,
        _code_weights(
            Referrer,
            {
                "zelf": 30,
                "netwerk": 8,
                "huisarts": 15,
                "woningcorporatie": 8,
                "politie": 5,
                "sdd": 6,
                "wijkverpleging": 5,
                "vroegsignaal": 7,
                "outreach": 5,
            },
        ),
    )
    complexity = sql.pick(n_, 15, [("single", 55), ("multiple", 35), ("complex", 10)])
    w.run(
        "dossiers",
        f"""
        INSERT INTO {_table(Dossier)} (id, municipality_id, team_id, client_id,
            case_director_id, referrer_id, complexity, registered_on, status, status_since,
            closed_on, network_mapped, carer_involved, volunteer_deployed, resident_contact,
            created_at, created_by_id, version)
        SELECT {dossier_id}, d.municipality_id, d.team_id, {client_id},
            CASE WHEN d.status IN ('registered', 'waiting') OR d.path < 5 THEN NULL
                 ELSE m.user_id END,
            {referrers}, {complexity}, {sql.day("d.reg")}, d.status, {sql.day("d.since_d")},
            CASE WHEN d.closed = 1 THEN {sql.day("d.close_d")} END,
            {h(n_, 16, 100)} < 40, {h(n_, 17, 100)} < 25, {h(n_, 18, 100)} < 10,
            {h(n_, 19, 100)} < 15, CURRENT_TIMESTAMP, m.user_id, 1
        FROM bench_d d {w.member(n_, 20)}""",
    )


def _write_status_history(w: _Writer) -> None:
    """The dated status changes along the plan's path."""
    sql, n_, dossier_id = w.sql, "d.n", w.dossier_id
    # The status history, one statement per step, in the order the steps follow each other
    # (so rows on the same day are read in the right order).
    steps = (
        ("''", "'registered'", "d.reg", "1 = 1"),
        ("'registered'", "'waiting'", "d.wait_d", f"d.wait_d <= {H}"),
        (
            "CASE WHEN d.wait_d IS NULL THEN 'registered' ELSE 'waiting' END",
            "'intake'",
            "d.intake_d",
            f"d.intake_d <= {H}",
        ),
        ("'intake'", "'active'", "d.active_d", f"d.active_d <= {H}"),
        ("'active'", "'watching'", "d.watch_d", f"d.watch_d <= {H}"),
        (
            "CASE WHEN d.path < 5 THEN 'registered' WHEN d.watch_d IS NULL THEN 'active' "
            "ELSE 'watching' END",
            "'closed'",
            "d.close_d",
            "d.closed = 1",
        ),
    )
    changes, seconds = 0, 0.0
    for number, (from_status, to_status, day, condition) in enumerate(steps):
        rows, took = w.run(
            f"statuswijzigingen ({to_status.strip(chr(39))})",
            f"""
            INSERT INTO {_table(DossierStatusChange)} (dossier_id, from_status, to_status,
                date, changed_by_id, changed_at)
            SELECT {dossier_id}, {from_status}, {to_status}, {sql.day(day)}, m.user_id,
                CURRENT_TIMESTAMP
            FROM bench_d d {w.member(n_, 21 + number)}
            WHERE {condition}""",
            record=False,
        )
        changes, seconds = changes + rows, seconds + took
    w.summary.steps.append(("statuswijzigingen", changes, seconds))


def _write_questions(w: _Writer) -> None:
    """Every dossier's questions with their life domain, dates and outcome."""
    sql, h, n_, dossiers, base = w.sql, w.sql.hash, "d.n", w.dossiers, w.base
    # Questions: every dossier one, 20 % a second. A question opens at the intake (or the
    # registration when there was none by the horizon); in a closed dossier it closes by
    # the dossier's closing, otherwise it may still be open. Outcome iff closed.
    outcome = sql.pick(
        "q.n * 2 + q.second",
        30,
        _code_weights(
            Outcome,
            {
                "opgelost-team": 35,
                "buurthuis": 6,
                "vrijwilliger": 5,
                "mantelzorgondersteuning": 5,
                "schuldhulpmaatje": 6,
                "algemene-voorziening": 10,
                "maatwerk-sdd": 15,
                "specialistisch": 10,
                "ingetrokken": 8,
            },
        ),
    )
    domain = sql.pick("q.n * 2 + q.second", 31, _code_weights(LifeDomain, {}))
    closes = (
        f"CASE WHEN q.closed = 1 THEN {sql.least('q.o + q.lead', 'q.close_d')} "
        f"WHEN q.o + q.lead <= {H} THEN q.o + q.lead END"
    )
    w.run(
        "vragen",
        f"""
        INSERT INTO {_table(Question)} (id, dossier_id, domain_id, description, opened_on,
            closed_on, outcome_id, created_at, created_by_id)
        SELECT {base[Question]} + q.n + q.second * {dossiers}, {base[Dossier]} + q.n,
            {domain}, '', {sql.day("q.o")},
            CASE WHEN ({closes}) IS NOT NULL THEN {sql.day(closes)} END,
            CASE WHEN ({closes}) IS NOT NULL THEN {outcome} END,
            CURRENT_TIMESTAMP, q.user_id
        FROM (
            SELECT d.n, 0 AS second, d.open_d AS o, 7 + {h(n_, 32, 240)} AS lead, d.closed,
                d.close_d, m.user_id
            FROM bench_d d {w.member(n_, 33)}
            UNION ALL
            SELECT d.n, 1, {sql.least(f"d.open_d + {h(n_, 34, 60)}", "d.last_d")},
                7 + {h(n_, 35, 240)}, d.closed, d.close_d, m.user_id
            FROM bench_d d {w.member(n_, 36)}
            WHERE {h(n_, 37, 100)} < 20
        ) q""",
    )


def _write_referrals(w: _Writer) -> None:
    """Referrals of 35 % of the dossiers, to a general, customised or specialist provision."""
    sql, h, n_, base, dossier_id = w.sql, w.sql.hash, "d.n", w.base, w.dossier_id
    provision = sql.pick(
        n_,
        40,
        [
            (ProvisionKind.GENERAL.value, 45),
            (ProvisionKind.CUSTOMISED.value, 35),
            (ProvisionKind.SPECIALIST.value, 20),
        ],
    )
    handover = sql.pick(
        n_,
        41,
        [
            (HandoverStatus.NOT_APPLICABLE.value, 50),
            (HandoverStatus.PLANNED.value, 10),
            (HandoverStatus.DONE.value, 35),
            (HandoverStatus.FAILED.value, 5),
        ],
    )
    w.run(
        "verwijzingen",
        f"""
        INSERT INTO {_table(Referral)} (dossier_id, question_id, referred_on, provision_kind,
            partner_id, description, handover, created_at, created_by_id)
        SELECT {dossier_id}, {base[Question]} + d.n,
            {sql.day(sql.least(f"d.open_d + {h(n_, 42, 30)}", "d.last_d"))},
            {provision}, NULL, '', {handover}, CURRENT_TIMESTAMP, m.user_id
        FROM bench_d d {w.member(n_, 43)}
        WHERE {h(n_, 44, 100)} < 35""",
    )


def _write_contacts(w: _Writer, contacts: int) -> None:
    """The contact moments and the professionals who took part."""
    sql, h, dossiers, base, dossier_id = w.sql, w.sql.hash, w.dossiers, w.base, w.dossier_id
    # Contacts: `per` for every dossier plus one for the first `extra`, dated between the
    # registration and the closing (or the horizon). Contact ids leave room for `most`.
    per, extra = divmod(contacts, dossiers)
    most = per + (1 if extra else 0)
    if most:
        contact_no = f"((d.n - 1) * {most} + c.i)"  # the contact's number, 1 … (what hashes)
        contact = f"({base[ContactMoment]} + {contact_no})"
        contacts_of = f"JOIN c ON c.i <= {per} + CASE WHEN d.n <= {extra} THEN 1 ELSE 0 END"
        kinds = sql.pick(
            contact_no,
            50,
            _code_weights(
                ContactKind,
                {
                    "huisbezoek": 30,
                    "kantoor": 15,
                    "inloop": 10,
                    "telefoon": 30,
                    "email": 8,
                    "video": 2,
                    "overleg": 5,
                },
            ),
        )
        with_whom = sql.pick(
            contact_no,
            51,
            [
                (ContactWith.CLIENT.value, 70),
                (ContactWith.NETWORK.value, 15),
                (ContactWith.PARTNER.value, 15),
            ],
        )
        core_task = sql.pick(
            contact_no,
            52,
            [
                (CoreTask.INFORMATION.value, 10),
                (CoreTask.SUPPORT.value, 45),
                (CoreTask.REFERRAL.value, 15),
                (CoreTask.HANDOVER.value, 8),
                (CoreTask.WATCHING.value, 10),
                (CoreTask.OUTREACH.value, 12),
            ],
        )
        first = h(contact_no, 53, PROFESSIONALS)
        w.run(
            "contactmomenten",
            f"""
            WITH RECURSIVE {sql.series("c", most)}
            INSERT INTO {_table(ContactMoment)} (id, dossier_id, date, kind_id, with_whom,
                core_task, minutes, note, created_at, created_by_id)
            SELECT {contact}, {dossier_id},
                {sql.day(f"d.reg + {h(contact_no, 54, 'd.last_d - d.reg + 1')}")},
                {kinds}, {with_whom}, {core_task}, 5 + {h(contact_no, 55, 116)}, '',
                CURRENT_TIMESTAMP, m.user_id
            FROM bench_d d {contacts_of}
            JOIN bench_member m ON m.team_k = d.team_k AND m.j = {first}""",
        )
        through = ContactMoment.professionals.through
        w.run(
            "professionals per contact",
            f"""
            WITH RECURSIVE {sql.series("c", most)}
            INSERT INTO {_table(through)} (contactmoment_id, user_id)
            SELECT {contact}, m.user_id
            FROM bench_d d {contacts_of}
            JOIN bench_member m ON m.team_k = d.team_k AND m.j = {first}""",
        )
        w.run(
            "tweede professional (15 %)",
            f"""
            WITH RECURSIVE {sql.series("c", most)}
            INSERT INTO {_table(through)} (contactmoment_id, user_id)
            SELECT {contact}, m.user_id
            FROM bench_d d {contacts_of}
            JOIN bench_member m ON m.team_k = d.team_k
                AND m.j = ({first} + 1 + {h(contact_no, 56, PROFESSIONALS - 1)})
                    % {PROFESSIONALS}
            WHERE {h(contact_no, 57, 100)} < 15""",
        )


def _write_zrm(w: _Writer) -> None:
    """ZRM assessments with a score on every domain."""
    sql, h, n_ = w.sql, w.sql.hash, "d.n"
    dossiers, base, dossier_id = w.dossiers, w.base, w.dossier_id
    # ZRM: 40 % of the dossiers with an intake are scored then, and again at closing or
    # (still open) half a year later; all 13 domains each time.
    zrm_dossier = f"d.intake_d <= {H} AND {h(n_, 60, 100)} < 40"
    later_day = "CASE WHEN d.closed = 1 THEN d.close_d ELSE d.intake_d + 180 END"
    later_when = f"(d.closed = 1 OR d.intake_d + 180 <= {H})"
    w.run(
        "ZRM-metingen (intake)",
        f"""
        INSERT INTO {_table(ZrmAssessment)} (id, dossier_id, assessed_on, moment,
            assessed_by_id, created_at)
        SELECT {base[ZrmAssessment]} + d.n, {dossier_id}, {sql.day("d.intake_d")},
            '{ZrmMoment.INTAKE.value}', m.user_id, CURRENT_TIMESTAMP
        FROM bench_d d {w.member(n_, 61)}
        WHERE {zrm_dossier}""",
    )
    w.run(
        "ZRM-metingen (later)",
        f"""
        INSERT INTO {_table(ZrmAssessment)} (id, dossier_id, assessed_on, moment,
            assessed_by_id, created_at)
        SELECT {base[ZrmAssessment]} + {dossiers} + d.n, {dossier_id}, {sql.day(later_day)},
            CASE WHEN d.closed = 1 THEN '{ZrmMoment.CLOSURE.value}'
                 ELSE '{ZrmMoment.EVALUATION.value}' END, m.user_id, CURRENT_TIMESTAMP
        FROM bench_d d {w.member(n_, 62)}
        WHERE {zrm_dossier} AND {later_when}""",
    )
    cell = "d.n * 16 + z.k"
    intake_score = f"(1 + {h(cell, 63, 4)})"
    later_score = sql.greatest("1", sql.least("5", f"{intake_score} - 1 + {h(cell, 64, 4)}"))
    w.run(
        "ZRM-scores",
        f"""
        INSERT INTO {_table(ZrmScore)} (assessment_id, domain_id, score)
        SELECT {base[ZrmAssessment]} + d.n, z.domain_id, {intake_score}
        FROM bench_d d CROSS JOIN bench_zrm z
        WHERE {zrm_dossier}
        UNION ALL
        SELECT {base[ZrmAssessment]} + {dossiers} + d.n, z.domain_id, {later_score}
        FROM bench_d d CROSS JOIN bench_zrm z
        WHERE {zrm_dossier} AND {later_when}""",
    )


def _write_short_contacts(w: _Writer, short_contacts: int) -> None:
    """The anonymous short contacts."""
    sql, h, teams = w.sql, w.sql.hash, w.teams
    if short_contacts:
        s = "g.i"
        channel = sql.pick(
            s,
            70,
            [
                (Channel.WALK_IN.value, 60),
                (Channel.PHONE.value, 20),
                (Channel.EMAIL.value, 13),
                (Channel.CHAT.value, 7),
            ],
        )
        part = sql.pick(
            s,
            71,
            [
                (PartOfDay.MORNING.value, 50),
                (PartOfDay.AFTERNOON.value, 40),
                (PartOfDay.EVENING.value, 10),
            ],
        )
        result = sql.pick(
            s,
            72,
            [(ShortContactResult.ANSWERED.value, 80), (ShortContactResult.REFERRED.value, 20)],
        )
        topic = sql.pick(s, 73, _code_weights(LifeDomain, {}))
        w.run(
            "korte contacten",
            f"""
            WITH RECURSIVE {sql.series("g", short_contacts)}
            INSERT INTO {_table(ShortContact)} (municipality_id, team_id, date, part_of_day,
                channel, location_id, domain_id, result, registered_by_id, created_at)
            SELECT t.municipality_id, t.team_id, {sql.day(h(s, 74, H + 1))}, {part},
                {channel}, CASE WHEN {channel} = 'walk_in' THEN l.location_id END, {topic},
                {result}, m.user_id, CURRENT_TIMESTAMP
            FROM g JOIN bench_team t ON t.k = {h(s, 75, teams)}
            JOIN bench_location l ON l.team_k = t.k AND l.j = {h(s, 76, LOCATIONS)}
            JOIN bench_member m ON m.team_k = t.k AND m.j = {h(s, 77, PROFESSIONALS)}""",
        )


def _write_outreach(w: _Writer) -> None:
    """Outreach activities of every team."""
    sql, h, teams = w.sql, w.sql.hash, w.teams
    # Outreach: two activities per team per week.
    activities = teams * 2 * (H + 1) // 7
    kind = sql.pick("g.i", 80, [(k, 1) for k in OutreachKind.values])
    w.run(
        "outreach-activiteiten",
        f"""
        WITH RECURSIVE {sql.series("g", activities)}
        INSERT INTO {_table(OutreachActivity)} (municipality_id, team_id, date, kind,
            neighbourhood_id, description, hours, registered_by_id, created_at)
        SELECT t.municipality_id, t.team_id, {sql.day(h("g.i", 81, H + 1))}, {kind},
            b.hood_id, 'Benchmark-activiteit', (2 + {h("g.i", 82, 16)}) * 0.25, m.user_id,
            CURRENT_TIMESTAMP
        FROM g JOIN bench_team t ON t.k = g.i % {teams}
        JOIN bench_hood b ON b.municipality_id = t.municipality_id
            AND b.k = {h("g.i", 83, NEIGHBOURHOODS)}
        JOIN bench_member m ON m.team_k = t.k AND m.j = {h("g.i", 84, PROFESSIONALS)}""",
    )


REGISTRATION_TABLES: tuple[type[Model], ...] = (
    Client,
    Dossier,
    DossierStatusChange,
    Question,
    ContactMoment,
    ContactMoment.professionals.through,
    Referral,
    ZrmAssessment,
    ZrmScore,
    ShortContact,
    OutreachActivity,
)


def analyze() -> float:
    """Refresh the planner's statistics after a bulk load (and, on PostgreSQL outside a
    transaction, the visibility map that index-only scans need). Returns the seconds taken."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            for model in REGISTRATION_TABLES:
                cursor.execute(f"{verb} {_table(model)}")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
    return time.perf_counter() - started


@transaction.atomic
def region_delete() -> int | None:
    """Delete the synthetic region and everything in it, and nothing else. Returns the number
    of dossiers deleted, or None when there was no region. Bottom-up with plain DELETE … WHERE,
    so nothing is read into Python; on PostgreSQL with the foreign keys dropped meanwhile, as
    in `region_generate`, and checked again over the rows that remain."""
    ids = list(Municipality.objects.filter(cbs_code__in=REGION_CODES).values_list("pk", flat=True))
    if not ids:
        return None
    keys = _drop_foreign_keys() if connection.vendor == "postgresql" else []
    count = _delete_registrations(ids)
    if keys:
        _add_foreign_keys(keys)
    InterventionAssumption.objects.filter(intervention__municipality_id__in=ids).delete()
    CapacityIntervention.objects.filter(municipality_id__in=ids).delete()
    TeamMembership.objects.filter(team__municipality_id__in=ids).delete()
    ConsultationHour.objects.filter(location__municipality_id__in=ids).delete()
    Location.objects.filter(municipality_id__in=ids).delete()
    Team.objects.filter(municipality_id__in=ids).delete()
    Neighbourhood.objects.filter(municipality_id__in=ids).delete()
    User.objects.filter(municipality_id__in=ids, username__startswith=USERNAME_PREFIX).delete()
    Municipality.objects.filter(pk__in=ids).delete()
    return count


def _delete_registrations(ids: list[int]) -> int:
    inside = ", ".join(str(int(pk)) for pk in ids)
    dossiers = f"SELECT id FROM {_table(Dossier)} WHERE municipality_id IN ({inside})"
    through = ContactMoment.professionals.through
    with connection.cursor() as cursor:
        count = _scalar(cursor, f"SELECT COUNT(*) FROM ({dossiers}) x")
        statements = [
            f"DELETE FROM {_table(ZrmScore)} WHERE assessment_id IN (SELECT id FROM "
            f"{_table(ZrmAssessment)} WHERE dossier_id IN ({dossiers}))",
            f"DELETE FROM {_table(ZrmAssessment)} WHERE dossier_id IN ({dossiers})",
            f"DELETE FROM {_table(Referral)} WHERE dossier_id IN ({dossiers})",
            f"DELETE FROM {_table(SharingConsent)} WHERE dossier_id IN ({dossiers})",
            f"DELETE FROM {_table(through)} WHERE contactmoment_id IN (SELECT id FROM "
            f"{_table(ContactMoment)} WHERE dossier_id IN ({dossiers}))",
            f"DELETE FROM {_table(ContactMoment)} WHERE dossier_id IN ({dossiers})",
            f"DELETE FROM {_table(Question)} WHERE dossier_id IN ({dossiers})",
            f"DELETE FROM {_table(DossierStatusChange)} WHERE dossier_id IN ({dossiers})",
            f"DELETE FROM {_table(Dossier)} WHERE municipality_id IN ({inside})",
            f"DELETE FROM {_table(Client)} WHERE municipality_id IN ({inside})",
            f"DELETE FROM {_table(ShortContact)} WHERE municipality_id IN ({inside})",
            f"DELETE FROM {_table(OutreachActivity)} WHERE municipality_id IN ({inside})",
        ]
        for statement in statements:
            cursor.execute(statement)
    return count


def _scalar(cursor: CursorWrapper, statement: str) -> int:
    cursor.execute(statement)
    row = cursor.fetchone()
    assert row is not None  # an aggregate answers one row
    return int(row[0])
