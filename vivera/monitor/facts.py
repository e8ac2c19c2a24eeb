"""Building the monitor's facts (`vivera.monitor.models`) from the registration, and keeping
them current.

One `INSERT … SELECT … GROUP BY` per fact table and municipality: the database does the
counting, the same statement runs on SQLite and PostgreSQL (only the month and day-difference
expressions differ). Rebuilding a municipality replaces all its facts in one transaction.

Keeping them current: every write to the registration marks the municipality's facts stale
(`mark_stale`, called by the signal receivers in `vivera.monitor.signals` and by the bulk
writers). Reading the monitor calls `ensure_current`, which rebuilds stale facts first, unless
`VIVERA_MONITOR_REFRESH` is `scheduled`: then they are rebuilt by `vivera monitor_facts` (for
instance every night) and the pages say how old the figures are.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from vivera.organisation.models import Location, Municipality, Outcome, TeamMembership
from vivera.registration.models import (
    Client,
    ContactMoment,
    Dossier,
    DossierStatus,
    DossierStatusChange,
    Question,
    Referral,
    ShortContact,
    ZrmAssessment,
    ZrmScore,
)

from .cellkey import MOD, P, key_sql, sum_sql
from .models import (
    FACT_MODELS,
    Closure,
    ContactTime,
    DossierInflow,
    Fact,
    FactState,
    FirstCare,
    LeadTime,
    QuestionInflow,
    QuestionOutcome,
    QuestionSpan,
    ReferralFlow,
    ShortContactDay,
    StatusFlow,
    ZrmChange,
)

WAITING = frozenset({DossierStatus.REGISTERED, DossierStatus.WAITING})
IN_CARE = frozenset({DossierStatus.INTAKE, DossierStatus.ACTIVE, DossierStatus.WATCHING})
LOCK_NAMESPACE = 7513  # pg_advisory_xact_lock(namespace, municipality id) around a rebuild


def _t(model: type[models.Model]) -> str:
    return model._meta.db_table


def _month(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', CAST({column} AS timestamp)) AS date)"
    return f"date({column}, 'start of month')"


def _days(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _dossiers() -> str:
    """Dossiers (d) with their client (cl), whose neighbourhood the facts carry."""
    return f"{_t(Dossier)} d JOIN {_t(Client)} cl ON cl.id = d.client_id"


def _join_dossier(column: str) -> str:
    return f"JOIN {_t(Dossier)} d ON d.id = {column} JOIN {_t(Client)} cl ON cl.id = d.client_id"


DIMS = "d.municipality_id, d.team_id, cl.neighbourhood_id"
# The same, named, for subqueries whose columns are read by name.
DIMS_AS = (
    "d.municipality_id AS municipality_id, d.team_id AS team_id, "
    "cl.neighbourhood_id AS neighbourhood_id"
)
DIM_COLUMNS = "municipality_id, team_id, neighbourhood_id"


def _statements() -> list[tuple[type[Fact], str, str]]:
    """(fact model, its columns after the dimensions, the SELECT that fills them). Each SELECT
    takes the municipality id as its only parameter, as often as it has %s."""
    t = _t
    in_care = ", ".join(f"'{status}'" for status in sorted(IN_CARE))  # constants, not input
    return [
        (
            DossierInflow,
            "month, referrer_id, complexity, n, ck",
            f"""
            SELECT {DIMS}, {_month("d.registered_on")}, d.referrer_id, d.complexity, COUNT(*),
                   {sum_sql("d.id", "dossier")}
            FROM {_dossiers()} WHERE d.municipality_id = %s
            GROUP BY {DIMS}, {_month("d.registered_on")}, d.referrer_id, d.complexity""",
        ),
        (
            QuestionInflow,
            "month, domain_id, n, ck",
            f"""
            SELECT {DIMS}, {_month("q.opened_on")}, q.domain_id, COUNT(*),
                   {sum_sql("q.id", "question")}
            FROM {t(Question)} q {_join_dossier("q.dossier_id")}
            WHERE d.municipality_id = %s
            GROUP BY {DIMS}, {_month("q.opened_on")}, q.domain_id""",
        ),
        (
            QuestionSpan,
            "month, closed_month, n, ck",
            f"""
            SELECT {DIMS}, {_month("q.opened_on")}, {_month("q.closed_on")}, COUNT(*),
                   {sum_sql("q.id", "question")}
            FROM {t(Question)} q {_join_dossier("q.dossier_id")}
            WHERE d.municipality_id = %s
            GROUP BY {DIMS}, {_month("q.opened_on")}, {_month("q.closed_on")}""",
        ),
        (
            LeadTime,
            "month, domain_id, days, n, ck",
            f"""
            SELECT {DIMS}, {_month("q.closed_on")}, q.domain_id,
                   {_days("q.closed_on", "q.opened_on")}, COUNT(*), {sum_sql("q.id", "question")}
            FROM {t(Question)} q {_join_dossier("q.dossier_id")}
            WHERE d.municipality_id = %s AND q.closed_on IS NOT NULL
            GROUP BY {DIMS}, {_month("q.closed_on")}, q.domain_id,
                     {_days("q.closed_on", "q.opened_on")}""",
        ),
        (
            QuestionOutcome,
            "month, outcome_kind, n, ck",
            f"""
            SELECT {DIMS}, {_month("q.closed_on")}, o.kind, COUNT(*), {sum_sql("q.id", "question")}
            FROM {t(Question)} q {_join_dossier("q.dossier_id")}
            JOIN {t(Outcome)} o ON o.id = q.outcome_id
            WHERE d.municipality_id = %s AND q.closed_on IS NOT NULL
            GROUP BY {DIMS}, {_month("q.closed_on")}, o.kind""",
        ),
        # Each status change starts a span that the dossier's next change (in the order of
        # date, time of entry and id) ends; the history may have been entered out of order.
        # A span's record key is its dossier's: the dossiers in a status on a month end have
        # the key sum of the spans started minus those ended.
        (
            StatusFlow,
            "month, status, started, ended, started_ck, ended_ck, n, ck",
            f"""
            SELECT municipality_id, team_id, neighbourhood_id, month, status,
                   SUM(started), SUM(ended), SUM(started_ck) {MOD} {P},
                   SUM(ended_ck) {MOD} {P}, 0, 0
            FROM (
                SELECT municipality_id, team_id, neighbourhood_id, {_month("start")} AS month,
                       status, COUNT(*) AS started, 0 AS ended,
                       {sum_sql("dossier_id", "dossier")} AS started_ck, 0 AS ended_ck
                FROM spans GROUP BY municipality_id, team_id, neighbourhood_id,
                                    {_month("start")}, status
                UNION ALL
                SELECT municipality_id, team_id, neighbourhood_id, {_month("stop")}, status,
                       0, COUNT(*), 0, {sum_sql("dossier_id", "dossier")}
                FROM spans WHERE stop IS NOT NULL
                GROUP BY municipality_id, team_id, neighbourhood_id, {_month("stop")}, status
            ) flows
            GROUP BY municipality_id, team_id, neighbourhood_id, month, status""",
        ),
        (
            FirstCare,
            "month, days, n, ck",
            f"""
            SELECT municipality_id, team_id, neighbourhood_id, {_month("first_day")},
                   {_days("first_day", "registered_on")}, COUNT(*),
                   {sum_sql("dossier_id", "dossier")}
            FROM (
                SELECT {DIMS_AS}, d.id AS dossier_id, d.registered_on AS registered_on,
                       MIN(c.date) AS first_day
                FROM {t(DossierStatusChange)} c {_join_dossier("c.dossier_id")}
                WHERE d.municipality_id = %s AND c.to_status IN ({in_care})
                GROUP BY d.id, {DIMS}, d.registered_on
            ) firsts
            GROUP BY municipality_id, team_id, neighbourhood_id, {_month("first_day")},
                     {_days("first_day", "registered_on")}""",
        ),
        (
            ContactTime,
            "month, core_task, n, minutes, ck",
            f"""
            SELECT {DIMS}, {_month("c.date")}, c.core_task, COUNT(*), SUM(c.minutes),
                   {sum_sql("c.id", "contact")}
            FROM {t(ContactMoment)} c {_join_dossier("c.dossier_id")}
            WHERE d.municipality_id = %s
            GROUP BY {DIMS}, {_month("c.date")}, c.core_task""",
        ),
        # Integral work: the closed dossier's questions cover more than one life domain; the
        # professionals of its contacts had more than one specialism (by their membership of
        # the dossier's team on the contact's date).
        (
            Closure,
            "month, network_mapped, carer_involved, volunteer_deployed, "
            "resident_contact, several_domains, several_disciplines, n, ck",
            f"""
            SELECT municipality_id, team_id, neighbourhood_id, month, network_mapped,
                   carer_involved, volunteer_deployed, resident_contact, several_domains,
                   several_disciplines, COUNT(*), {sum_sql("dossier_id", "dossier")}
            FROM (
                SELECT {DIMS_AS}, d.id AS dossier_id, {_month("d.closed_on")} AS month,
                       d.network_mapped AS network_mapped, d.carer_involved AS carer_involved,
                       d.volunteer_deployed AS volunteer_deployed,
                       d.resident_contact AS resident_contact,
                       COALESCE(qd.domains, 0) > 1 AS several_domains,
                       COALESCE(cs.specialisms, 0) > 1 AS several_disciplines
                FROM {_dossiers()}
                LEFT JOIN (
                    SELECT q.dossier_id AS dossier_id, COUNT(DISTINCT q.domain_id) AS domains
                    FROM {t(Question)} q JOIN {t(Dossier)} qdossier ON qdossier.id = q.dossier_id
                    WHERE qdossier.municipality_id = %s AND qdossier.closed_on IS NOT NULL
                    GROUP BY q.dossier_id
                ) qd ON qd.dossier_id = d.id
                LEFT JOIN (
                    SELECT c.dossier_id AS dossier_id,
                           COUNT(DISTINCT m.specialism) AS specialisms
                    FROM {t(ContactMoment)} c
                    JOIN {t(Dossier)} cdossier ON cdossier.id = c.dossier_id
                    JOIN {ContactMoment.professionals.through._meta.db_table} cp
                      ON cp.contactmoment_id = c.id
                    JOIN {t(TeamMembership)} m
                      ON m.user_id = cp.user_id AND m.team_id = cdossier.team_id
                     AND m.start_date <= c.date AND (m.end_date IS NULL OR m.end_date >= c.date)
                    WHERE cdossier.municipality_id = %s AND cdossier.closed_on IS NOT NULL
                    GROUP BY c.dossier_id
                ) cs ON cs.dossier_id = d.id
                WHERE d.municipality_id = %s AND d.closed_on IS NOT NULL
            ) closed
            GROUP BY municipality_id, team_id, neighbourhood_id, month, network_mapped,
                     carer_involved, volunteer_deployed, resident_contact, several_domains,
                     several_disciplines""",
        ),
        # Every evaluation or closure score against the first intake score of the dossier on
        # the same domain, if it came after that intake (by date, then by order of entry).
        (
            ZrmChange,
            "month, moment, domain_id, n, intake_total, later_total, improved, ck, improved_ck",
            f"""
            SELECT {DIMS}, {_month("a.assessed_on")}, a.moment, s.domain_id, COUNT(*),
                   SUM(i.score), SUM(s.score), SUM(CASE WHEN s.score > i.score THEN 1 ELSE 0 END),
                   {sum_sql("s.id", "zrm_score")},
                   SUM(CASE WHEN s.score > i.score THEN {key_sql("s.id", "zrm_score")} ELSE 0
                       END) {MOD} {P}
            FROM {t(ZrmScore)} s
            JOIN {t(ZrmAssessment)} a ON a.id = s.assessment_id
            {_join_dossier("a.dossier_id")}
            JOIN (
                SELECT dossier_id, domain_id, score, day, aid FROM (
                    SELECT ia.dossier_id AS dossier_id, iscore.domain_id AS domain_id,
                           iscore.score AS score, ia.assessed_on AS day, ia.id AS aid,
                           ROW_NUMBER() OVER (PARTITION BY ia.dossier_id, iscore.domain_id
                                              ORDER BY ia.assessed_on, ia.id) AS first_rank
                    FROM {t(ZrmScore)} iscore
                    JOIN {t(ZrmAssessment)} ia ON ia.id = iscore.assessment_id
                    JOIN {t(Dossier)} idossier ON idossier.id = ia.dossier_id
                    WHERE idossier.municipality_id = %s AND ia.moment = 'intake'
                ) ranked WHERE first_rank = 1
            ) i ON i.dossier_id = a.dossier_id AND i.domain_id = s.domain_id
            WHERE d.municipality_id = %s AND a.moment <> 'intake'
              AND (a.assessed_on > i.day OR (a.assessed_on = i.day AND a.id > i.aid))
            GROUP BY {DIMS}, {_month("a.assessed_on")}, a.moment, s.domain_id""",
        ),
        (
            ReferralFlow,
            "month, provision_kind, n, ck",
            f"""
            SELECT {DIMS}, {_month("r.referred_on")}, r.provision_kind, COUNT(*),
                   {sum_sql("r.id", "referral")}
            FROM {t(Referral)} r {_join_dossier("r.dossier_id")}
            WHERE d.municipality_id = %s
            GROUP BY {DIMS}, {_month("r.referred_on")}, r.provision_kind""",
        ),
        (
            ShortContactDay,
            "month, day, location_id, channel, part_of_day, n, ck",
            f"""
            SELECT s.municipality_id, s.team_id, loc.neighbourhood_id, {_month("s.date")},
                   s.date, s.location_id, s.channel, s.part_of_day, COUNT(*),
                   {sum_sql("s.id", "short_contact")}
            FROM {t(ShortContact)} s
            LEFT JOIN {t(Location)} loc ON loc.id = s.location_id
            WHERE s.municipality_id = %s
            GROUP BY s.municipality_id, s.team_id, loc.neighbourhood_id, {_month("s.date")},
                     s.date, s.location_id, s.channel, s.part_of_day""",
        ),
    ]


def _spans_cte() -> str:
    return f"""
        WITH spans AS (
            SELECT {DIMS_AS}, d.id AS dossier_id, c.to_status AS status, c.date AS start,
                   LEAD(c.date) OVER (PARTITION BY c.dossier_id
                                      ORDER BY c.date, c.changed_at, c.id) AS stop
            FROM {_t(DossierStatusChange)} c {_join_dossier("c.dossier_id")}
            WHERE d.municipality_id = %s
        )"""


def rebuild(municipality: Municipality, timings: dict[str, float] | None = None) -> float:
    """Replace the municipality's facts by what its registration holds now. Returns the
    seconds it took; `timings`, if given, receives the seconds per fact table."""
    started = time.monotonic()
    begun = timezone.now()
    FactState.objects.get_or_create(municipality=municipality)
    postgres = connection.vendor == "postgresql"
    lock = [LOCK_NAMESPACE, municipality.pk]
    if postgres:
        # One rebuild per municipality at a time (a session lock: it spans the moment the
        # state is cleared and the transaction that builds).
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", lock)
    try:
        state = FactState.objects.get(municipality=municipality)
        if postgres and not state.stale and state.built_at is not None and state.built_at >= begun:
            return 0.0  # built by another process while this one waited; nothing changed since
        # Cleared before reading: a write that commits while the facts are built marks them
        # stale again (after its commit), so the next read rebuilds instead of missing it.
        FactState.objects.filter(pk=state.pk).update(stale=False)
        try:
            _build(municipality, timings)
        except BaseException:
            mark_stale([municipality.pk])  # the old facts stay, and stay marked out of date
            raise
    finally:
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", lock)
    seconds = time.monotonic() - started
    FactState.objects.filter(municipality=municipality).update(
        built_at=timezone.now(), build_seconds=seconds
    )
    return seconds


def _build(municipality: Municipality, timings: dict[str, float] | None) -> None:
    own_transaction = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if own_transaction:
                # Every statement below reads the same snapshot, so the tables agree.
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SET LOCAL work_mem = '64MB'")
        for model in FACT_MODELS:
            model._default_manager.filter(municipality=municipality).delete()
        for model, columns, select in _statements():
            prefix = _spans_cte() if model is StatusFlow else ""
            sql = f"{prefix} INSERT INTO {_t(model)} ({DIM_COLUMNS}, {columns}) {select}"
            step = time.monotonic()
            cursor.execute(sql, [municipality.pk] * sql.count("%s"))
            if timings is not None:
                timings[model.__name__] = time.monotonic() - step


def _refresh_on_read() -> bool:
    return getattr(settings, "VIVERA_MONITOR_REFRESH", "on-read") != "scheduled"


# The municipalities whose facts were checked during the current read (`once_per_read`).
_checked: ContextVar[set[int] | None] = ContextVar("vivera_monitor_facts_checked", default=None)


def once_per_read[**Params, Result](func: Callable[Params, Result]) -> Callable[Params, Result]:
    """For a view, an API call or a command: the facts are checked (and brought up to date) at
    most once during the call, however many indicators, readings and default periods read
    them."""

    @wraps(func)
    def wrapper(*args: Params.args, **kwargs: Params.kwargs) -> Result:
        token = _checked.set(set())
        try:
            return func(*args, **kwargs)
        finally:
            _checked.reset(token)

    return wrapper


def ensure_current(municipalities: Iterable[Municipality]) -> None:
    """Rebuild the facts of each municipality that has none, and stale ones when the monitor
    refreshes on read and the last rebuild took no longer than
    VIVERA_MONITOR_REBUILD_ON_READ_SECONDS (a reader does not wait a minute for a large
    municipality: its facts follow with `vivera monitor_facts`)."""
    chosen = list(municipalities)
    checked = _checked.get()
    if checked is not None:
        chosen = [m for m in chosen if m.pk not in checked]
        checked.update(m.pk for m in chosen)
        if not chosen:
            return
    states = {s.municipality_id: s for s in FactState.objects.filter(municipality__in=chosen)}
    limit = getattr(settings, "VIVERA_MONITOR_REBUILD_ON_READ_SECONDS", 10)
    for municipality in chosen:
        state = states.get(municipality.pk)
        if (
            state is None
            or state.built_at is None
            or (state.stale and _refresh_on_read() and (state.build_seconds or 0) <= limit)
        ):
            rebuild(municipality)


def mark_stale(municipality_ids: Iterable[int] | None = None) -> None:
    """The registration of these municipalities (None: of all) changed. Marked at once, so the
    same transaction reads its own writes, and again after the commit, so a rebuild that began
    in between does not leave the change out. Only rows not yet stale are updated, so
    concurrent writers do not queue on one row."""
    ids = None if municipality_ids is None else list(municipality_ids)

    def mark() -> None:
        qs = FactState.objects.filter(stale=False)
        if ids is not None:
            qs = qs.filter(municipality_id__in=ids)
        qs.update(stale=True)

    mark()
    transaction.on_commit(mark)


def status(municipalities: Iterable[Municipality]) -> tuple[dt.datetime | None, bool]:
    """When the oldest of these municipalities' facts were built (None if never), and whether
    any of them is stale (the registration changed since)."""
    states = list(
        FactState.objects.filter(municipality__in=list(municipalities)).values_list(
            "built_at", "stale"
        )
    )
    known = [when for when, _stale in states if when is not None]
    return (min(known) if known else None), any(stale for _when, stale in states)
