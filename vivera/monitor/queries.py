"""The registered records a Scope covers, as querysets. Indicators aggregate over these.

Which filter applies to what:
- municipalities: everything.
- team: dossiers (and all below them) by the dossier's team; short contacts, outreach by team.
- neighbourhood: dossiers by the client's neighbourhood; short contacts by the location's
  neighbourhood; outreach by its neighbourhood.
- location: short contacts and consultation hours only (a dossier has no location).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from vivera.organisation.models import ConsultationHour, TeamMembership
from vivera.registration.models import (
    Client,
    ContactMoment,
    Dossier,
    DossierStatusChange,
    OutreachActivity,
    Question,
    Referral,
    ShortContact,
    ZrmAssessment,
    ZrmScore,
)

from .scope import Scope


def dossiers(scope: Scope) -> QuerySet[Dossier]:
    qs = Dossier.objects.filter(municipality_id__in=scope.municipality_ids)
    if scope.team_ids is not None:
        qs = qs.filter(team_id__in=scope.team_ids)
    if scope.neighbourhood is not None:
        qs = qs.filter(client__neighbourhood=scope.neighbourhood)
    return qs


def _below_dossier(qs: QuerySet, scope: Scope, prefix: str = "dossier__") -> QuerySet:
    qs = qs.filter(**{f"{prefix}municipality_id__in": scope.municipality_ids})
    if scope.team_ids is not None:
        qs = qs.filter(**{f"{prefix}team_id__in": scope.team_ids})
    if scope.neighbourhood is not None:
        qs = qs.filter(**{f"{prefix}client__neighbourhood": scope.neighbourhood})
    return qs


def questions(scope: Scope) -> QuerySet[Question]:
    return _below_dossier(Question.objects.all(), scope)


def status_changes(scope: Scope) -> QuerySet[DossierStatusChange]:
    return _below_dossier(DossierStatusChange.objects.all(), scope)


def contacts(scope: Scope) -> QuerySet[ContactMoment]:
    return _below_dossier(ContactMoment.objects.all(), scope)


def referrals(scope: Scope) -> QuerySet[Referral]:
    return _below_dossier(Referral.objects.all(), scope)


def zrm_assessments(scope: Scope) -> QuerySet[ZrmAssessment]:
    return _below_dossier(ZrmAssessment.objects.all(), scope)


def short_contacts(scope: Scope) -> QuerySet[ShortContact]:
    qs = ShortContact.objects.filter(municipality_id__in=scope.municipality_ids,
                                     date__gte=scope.start, date__lte=scope.end)
    if scope.team_ids is not None:
        qs = qs.filter(team_id__in=scope.team_ids)
    if scope.neighbourhood is not None:
        qs = qs.filter(location__neighbourhood=scope.neighbourhood)
    if scope.location is not None:
        qs = qs.filter(location=scope.location)
    return qs


def outreach(scope: Scope) -> QuerySet[OutreachActivity]:
    qs = OutreachActivity.objects.filter(municipality_id__in=scope.municipality_ids,
                                         date__gte=scope.start, date__lte=scope.end)
    if scope.team_ids is not None:
        qs = qs.filter(team_id__in=scope.team_ids)
    if scope.neighbourhood is not None:
        qs = qs.filter(neighbourhood=scope.neighbourhood)
    return qs


def consultation_hours(scope: Scope) -> QuerySet[ConsultationHour]:
    qs = ConsultationHour.objects.filter(location__municipality_id__in=scope.municipality_ids,
                                         valid_from__lte=scope.end)
    if scope.team_ids is not None:
        qs = qs.filter(location__team_id__in=scope.team_ids)
    if scope.neighbourhood is not None:
        qs = qs.filter(location__neighbourhood=scope.neighbourhood)
    if scope.location is not None:
        qs = qs.filter(location=scope.location)
    return qs.exclude(valid_until__lt=scope.start)


def memberships(scope: Scope) -> QuerySet[TeamMembership]:
    qs = TeamMembership.objects.filter(team__municipality_id__in=scope.municipality_ids,
                                       start_date__lte=scope.end)
    if scope.team_ids is not None:
        qs = qs.filter(team_id__in=scope.team_ids)
    return qs.exclude(end_date__lt=scope.start)


# --- status history in SQL ---------------------------------------------------------------------
# The waiting list and the caseload on each month end follow from the dated status history. A
# region has millions of status changes, so they are not read into Python one by one: the
# database turns each change into a span [its date, the next change's date) with a window
# function and counts the spans per team, status and month of start and end. Both SQLite (3.25+)
# and PostgreSQL run the same statement; only the month expression differs.


def _month_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"to_char({column}, 'YYYY-MM')"
    return f"strftime('%%Y-%%m', {column})"


def _days_sql(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _dossier_filter(scope: Scope) -> tuple[str, list[object]]:
    clauses = [f"d.municipality_id IN ({', '.join(['%s'] * len(scope.municipality_ids))})"]
    params: list[object] = list(scope.municipality_ids)
    if scope.team_ids is not None:
        clauses.append(f"d.team_id IN ({', '.join(['%s'] * len(scope.team_ids))})")
        params.extend(scope.team_ids)
    if scope.neighbourhood is not None:
        clauses.append(f"d.client_id IN (SELECT id FROM {Client._meta.db_table} "
                       "WHERE neighbourhood_id = %s)")
        params.append(scope.neighbourhood.pk)
    return " AND ".join(clauses), params


def status_spans(scope: Scope,
                 statuses: frozenset[str]) -> list[tuple[int, str, str, str | None, bool, int]]:
    """(team id, status, month of start 'YYYY-MM', month of end or None, ends after the
    period's last day, number of spans) for status spans that reach into the period."""
    where, params = _dossier_filter(scope)
    placeholders = ", ".join(["%s"] * len(statuses))
    sql = f"""
        SELECT team_id, to_status, {_month_sql("start")}, {_month_sql("stop")},
               CASE WHEN stop IS NULL OR stop > %s THEN 1 ELSE 0 END, COUNT(*)
        FROM (
            SELECT d.team_id AS team_id, c.to_status AS to_status, c.date AS start,
                   LEAD(c.date) OVER (PARTITION BY c.dossier_id
                                      ORDER BY c.date, c.changed_at, c.id) AS stop
            FROM {DossierStatusChange._meta.db_table} c
            JOIN {Dossier._meta.db_table} d ON d.id = c.dossier_id
            WHERE {where} AND d.registered_on <= %s
        ) spans
        WHERE start <= %s AND (stop IS NULL OR stop > %s) AND to_status IN ({placeholders})
        GROUP BY 1, 2, 3, 4, 5
    """
    args = [scope.end, *params, scope.end, scope.end, scope.start, *sorted(statuses)]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return [(t, s, a, b, bool(after), n) for t, s, a, b, after, n in cursor.fetchall()]


def first_care_days(scope: Scope, statuses: frozenset[str]) -> list[tuple[str, int, int]]:
    """(month 'YYYY-MM' of the first day in one of `statuses`, days since registration, number
    of dossiers) for dossiers whose first such day lies in the period."""
    where, params = _dossier_filter(scope)
    placeholders = ", ".join(["%s"] * len(statuses))
    sql = f"""
        SELECT {_month_sql("first_day")}, {_days_sql("first_day", "registered_on")}, COUNT(*)
        FROM (
            SELECT d.registered_on AS registered_on, MIN(c.date) AS first_day
            FROM {DossierStatusChange._meta.db_table} c
            JOIN {Dossier._meta.db_table} d ON d.id = c.dossier_id
            WHERE {where} AND c.to_status IN ({placeholders})
            GROUP BY d.id, d.registered_on
        ) firsts
        WHERE first_day >= %s AND first_day <= %s
        GROUP BY 1, 2
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *sorted(statuses), scope.start, scope.end])
        return [(m, int(days), n) for m, days, n in cursor.fetchall()]


def zrm_pairs(scope: Scope) -> list[tuple[int, int, int, int]]:
    """(domain id, score at intake, latest later score, number of dossiers): per dossier and
    domain, the first intake score against the latest evaluation or closure score that is dated
    in the period and comes after that intake."""
    where, params = _dossier_filter(scope)
    # The latest evaluation or closure in the period counts only if it came after the first
    # intake; if the latest one did not, none did.
    sql = f"""
        WITH s AS (
            SELECT a.dossier_id AS dossier_id, sc.domain_id AS domain_id, a.moment AS moment,
                   a.assessed_on AS day, a.id AS aid, sc.score AS score
            FROM {ZrmScore._meta.db_table} sc
            JOIN {ZrmAssessment._meta.db_table} a ON a.id = sc.assessment_id
            JOIN {Dossier._meta.db_table} d ON d.id = a.dossier_id
            WHERE {where} AND a.assessed_on <= %s
        ), ranked AS (
            SELECT dossier_id, domain_id, moment, day, aid, score,
                   ROW_NUMBER() OVER (PARTITION BY dossier_id, domain_id, moment = 'intake'
                                      ORDER BY day, aid) AS first_rank,
                   ROW_NUMBER() OVER (PARTITION BY dossier_id, domain_id, moment = 'intake'
                                      ORDER BY day DESC, aid DESC) AS last_rank
            FROM s
        )
        SELECT domain_id, intake_score, later_score, COUNT(*) FROM (
            SELECT dossier_id, domain_id,
                   MAX(CASE WHEN moment = 'intake' AND first_rank = 1 THEN score END)
                       AS intake_score,
                   MAX(CASE WHEN moment = 'intake' AND first_rank = 1 THEN day END)
                       AS intake_day,
                   MAX(CASE WHEN moment = 'intake' AND first_rank = 1 THEN aid END)
                       AS intake_aid,
                   MAX(CASE WHEN moment <> 'intake' AND last_rank = 1 THEN score END)
                       AS later_score,
                   MAX(CASE WHEN moment <> 'intake' AND last_rank = 1 THEN day END)
                       AS later_day,
                   MAX(CASE WHEN moment <> 'intake' AND last_rank = 1 THEN aid END)
                       AS later_aid
            FROM ranked
            WHERE first_rank = 1 OR last_rank = 1
            GROUP BY dossier_id, domain_id
        ) pairs
        WHERE intake_score IS NOT NULL AND later_score IS NOT NULL AND later_day >= %s
          AND (later_day > intake_day OR (later_day = intake_day AND later_aid > intake_aid))
        GROUP BY 1, 2, 3
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, scope.end, scope.start])
        return cursor.fetchall()
