"""Reads for the survey's pages: the list with its counts, the results of one survey, the
screened open answers, the letters and the reminders due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone

from vivera.monitor.cellkey import P, Tally
from vivera.monitor.privacy import suppress_table, threshold
from vivera.monitor.scope import Scope
from vivera.monitor.tables import Table
from vivera.organisation.models import Municipality, Neighbourhood, Team

from . import results
from .models import Answer, Invitation, QuestionKind, Screening, Survey, SurveyVersion


@dataclass(frozen=True)
class SurveyRow:
    survey: Survey
    version: int
    invited: str  # protected counts, as results.protected_count shows them
    answered: str


def invitation_tallies(surveys: QuerySet[Survey]) -> dict[tuple[int, bool], Tally]:
    """Per survey and answered yes/no: the invitations with their cell key."""
    table = Invitation._meta.db_table
    return {
        (survey_id, answered): Tally(int(n), int(k or 0) % P)
        for survey_id, answered, n, k in Invitation.objects.filter(survey__in=surveys)
        .values_list("survey_id", "answered")
        .annotate(n=Count("id"), k=results.key_sum(table, "survey_invitation"))
        .order_by()
        .values_list("survey_id", "answered", "n", "k")
    }


def survey_rows(surveys: QuerySet[Survey]) -> list[SurveyRow]:
    """Each survey with its current version and how many were invited and answered, protected
    like the monitor's counts (the policy advisor may not see exact small counts)."""
    tallies = invitation_tallies(surveys)
    versions = dict(
        SurveyVersion.objects.filter(survey__in=surveys)
        .values_list("survey_id")
        .annotate(n=Count("id"))
        .values_list("survey_id", "n")
    )
    rows = []
    for survey in surveys:
        answered = tallies.get((survey.pk, True), Tally())
        invited = answered + tallies.get((survey.pk, False), Tally())
        rows.append(
            SurveyRow(
                survey,
                versions.get(survey.pk, 1),
                results.protected_count(invited),
                results.protected_count(answered),
            )
        )
    return rows


def survey_period(survey: Survey, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    start = survey.opened_on or survey.created_at.date()
    end = survey.closed_on or today
    return start, max(start, end)


@dataclass(frozen=True)
class Result:
    code: str
    title: str
    table: Table


def survey_results(
    survey: Survey,
    *,
    version: SurveyVersion | None = None,
    team: Team | None = None,
    neighbourhood: Neighbourhood | None = None,
    suppress: bool = True,
) -> list[Result]:
    """The survey's tables, computed by the monitor's own indicator functions for this one
    survey (and version), protected as the monitor protects them."""
    start, end = survey_period(survey)
    municipality = Municipality.objects.get(pk=survey.municipality_id)
    scope = Scope(
        (municipality,),
        start,
        end,
        team=team,
        neighbourhood=neighbourhood,
        suppress=suppress,
    )
    only = results.Filter(survey.pk, version.pk if version else None)
    tables = [
        ("survey_statements", results.statements(scope, only)),
        ("survey_marks", results.marks(scope, only)),
        ("survey_choices", results.choices(scope, only)),
        ("survey_walk_in_points", results.walk_in_points(scope, only)),
        ("survey_response", results.response_by_team(scope, only)),
        ("survey_response_by_age", results.response_by_age(scope, only)),
    ]
    from vivera.monitor.indicators import BY_CODE

    shown = []
    for code, table in tables:
        if suppress:
            suppress_table(table)
        if table.rows:
            shown.append(Result(code, str(BY_CODE[code].name), table))
    return shown


@dataclass(frozen=True)
class OpenAnswers:
    question: str
    texts: list[str]
    pending: int


def screened_texts(survey: Survey, version: SurveyVersion | None = None) -> list[OpenAnswers]:
    """The open answers a coordinator approved (as screened), per question, in random order
    and without anything about who wrote them; shown only once at least the suppression
    threshold of answers to the question were screened, so one text cannot be tied to the
    one resident of a small group."""
    answers = Answer.objects.filter(
        response__survey=survey,
        response__submitted_on__isnull=False,
        question__kind=QuestionKind.OPEN,
    )
    if version is not None:
        answers = answers.filter(response__version=version)
    grouped: dict[str, OpenAnswers] = {}
    for text, screening, screened in answers.order_by("?").values_list(
        "question__text", "screening", "screened_text"
    ):
        group = grouped.setdefault(text, OpenAnswers(text, [], 0))
        if screening in (Screening.APPROVED, Screening.EDITED):
            group.texts.append(screened)
        elif screening == Screening.PENDING:
            grouped[text] = OpenAnswers(text, group.texts, group.pending + 1)
    return [
        g if len(g.texts) >= threshold() else OpenAnswers(g.question, [], g.pending)
        for g in grouped.values()
    ]


def reminders_due(
    invitations: QuerySet[Invitation], survey: Survey, today: dt.date
) -> QuerySet[Invitation]:
    return invitations.filter(
        reminded_on__isnull=True,
        invited_on__lte=today - dt.timedelta(days=survey.reminder_days),
    )
