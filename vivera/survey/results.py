"""The survey's figures, as monitor indicators (docs/monitor.md, docs/survey.md): every function
takes the monitor's `Scope` and returns its `Table`, so the dashboard, the effect report, the
CSV/XLSX exports, the JSON API and `vivera monitor` show them like every other figure, with the
same perturbation and suppression. The survey's own results page calls the same functions for
one survey or one version (`Filter`).

What counts: submitted responses (`submitted_on` in the period) of the scope's municipalities,
narrowed to a team or neighbourhood by what the response carries from its invitation. Answers to
the same question code add up over surveys and versions. Invitations count by the day they were
made. Percentages are of the valid answers, "don't know" left out and shown beside them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import BigIntegerField, Count, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from vivera.monitor.cellkey import P, Tally, key_sql, perturb, record_key
from vivera.monitor.cellkey import total as tally_total
from vivera.monitor.privacy import count_cell, published, share_cell, threshold
from vivera.monitor.scope import Scope
from vivera.monitor.tables import Cell, Row, Table, Unit
from vivera.organisation.models import Location, Team
from vivera.research.codebook import AGE_BANDS

from .models import Agreement, Answer, Invitation, Question, QuestionKind

AGREE = (Agreement.AGREE, Agreement.STRONGLY_AGREE)
DISAGREE = (Agreement.DISAGREE, Agreement.STRONGLY_DISAGREE)


def protected_count(tally: Tally) -> str:
    """A count outside a table (the sample's report, the survey list), protected like a
    monitor cell: perturbed by its cell key, and below the threshold shown as "<5"."""
    limit = threshold()
    n = perturb(tally.n, tally.key, limit)
    return f"<{limit}" if 0 < n < limit else str(n)


@dataclass(frozen=True)
class Filter:
    """One survey, or one version of it: the results page's choice. None: every survey."""

    survey_id: int | None = None
    version_id: int | None = None


EVERYTHING = Filter()


def key_sum(table: str, kind: str) -> Sum:
    """The sum of the record keys of a group of rows of `table`, for a `Tally`."""
    return Sum(RawSQL(key_sql(f'"{table}"."id"', kind), ()), output_field=BigIntegerField())


def _answers(scope: Scope, only: Filter) -> QuerySet[Answer]:
    answers = Answer.objects.filter(
        response__survey__municipality_id__in=scope.municipality_ids,
        response__submitted_on__gte=scope.start,
        response__submitted_on__lte=scope.end,
    )
    if scope.team_ids is not None:
        answers = answers.filter(response__team_id__in=scope.team_ids)
    if scope.neighbourhood is not None:
        answers = answers.filter(response__neighbourhood=scope.neighbourhood)
    if only.survey_id is not None:
        answers = answers.filter(response__survey_id=only.survey_id)
    if only.version_id is not None:
        answers = answers.filter(response__version_id=only.version_id)
    return answers


def _questions(scope: Scope, only: Filter, kinds: tuple[str, ...]) -> list[tuple[str, str]]:
    """(code, text) of the questions of these kinds, in questionnaire order, the newest wording
    of each code."""
    questions = Question.objects.filter(
        version__survey__municipality_id__in=scope.municipality_ids, kind__in=kinds
    )
    if only.survey_id is not None:
        questions = questions.filter(version__survey_id=only.survey_id)
    if only.version_id is not None:
        questions = questions.filter(version_id=only.version_id)
    seen: dict[str, tuple[int, str]] = {}
    for code, text in questions.order_by(
        "version__survey__created_at", "version__number", "position"
    ).values_list("code", "text"):
        order = seen[code][0] if code in seen else len(seen)
        seen[code] = (order, text)
    return [(code, text) for code, (_order, text) in sorted(seen.items(), key=lambda i: i[1][0])]


def _tallies(answers: QuerySet[Answer], *keys: str) -> dict[tuple, Tally]:
    table = Answer._meta.db_table
    return {
        tuple(row[:-2]): Tally(int(row[-2]), int(row[-1] or 0) % P)
        for row in answers.values_list(*keys)
        .annotate(n=Count("id"), k=key_sum(table, "survey_answer"))
        .order_by()
        .values_list(*keys, "n", "k")
    }


def _per_value(counts: dict[tuple, Tally]) -> dict[Any, dict[int, Tally]]:
    """(group, value) → tally as group → value → tally."""
    grouped: dict[Any, dict[int, Tally]] = defaultdict(dict)
    for (group, value), tally in counts.items():
        grouped[group][value] = tally
    return grouped


def _agreement_cells(groups: dict[int, Tally], scope: Scope) -> list[Cell]:
    """% agree, % neutral, % disagree of the valid answers, their number, and % don't know of
    all answers with its number."""
    agree = tally_total(groups.get(v, Tally()) for v in AGREE)
    neutral = groups.get(Agreement.NEUTRAL, Tally())
    disagree = tally_total(groups.get(v, Tally()) for v in DISAGREE)
    dont_know = groups.get(Agreement.DONT_KNOW, Tally())
    valid = agree + neutral + disagree
    valid_n = published(valid, scope)
    everyone = published(valid + dont_know, scope)
    shares = [share_cell(published(part, scope), valid_n) for part in (agree, neutral, disagree)]
    unknown = share_cell(published(dont_know, scope), everyone)
    for cell in [*shares, unknown]:
        cell.perturbed = scope.suppress
    return [*shares, count_cell(valid, scope), unknown, count_cell(dont_know, scope)]


AGREEMENT_COLUMNS = ["agree", "neutral", "disagree", "valid", "dont_know_share", "dont_know"]
AGREEMENT_UNITS = [Unit.PERCENT] * 3 + [Unit.COUNT, Unit.PERCENT, Unit.COUNT]


def _agreement_labels() -> list[str]:
    return [
        _("(Strongly) agree (%)"),
        _("Neutral (%)"),
        _("(Strongly) disagree (%)"),
        _("Valid answers"),
        _("Don't know (%)"),
        _("Don't know"),
    ]


def statements(scope: Scope, only: Filter = EVERYTHING) -> Table:
    """Per statement: the shares agree / neutral / disagree of the valid answers, as the CEO
    Wmo and the effect study report them."""
    counts = _tallies(
        _answers(scope, only).filter(question__kind=QuestionKind.STATEMENT),
        "question__code",
        "value",
    )
    by_code = _per_value(counts)
    rows = [
        Row(text, _agreement_cells(by_code.get(code, {}), scope), key=code)
        for code, text in _questions(scope, only, (QuestionKind.STATEMENT,))
    ]
    return Table(
        _agreement_labels(),
        rows,
        Unit.PERCENT,
        row_header=_("Statement"),
        column_keys=AGREEMENT_COLUMNS,
        column_units=AGREEMENT_UNITS,
        chart="bar",
        suppress_whole_rows=True,
    )


def marks(scope: Scope, only: Filter = EVERYTHING) -> Table:
    """Per mark question: the mean mark, the share of 6 or higher, and the number of marks."""
    answers = _answers(scope, only).filter(question__kind=QuestionKind.MARK)
    counts = _tallies(answers, "question__code", "value")
    per_code = _per_value(counts)
    rows = []
    for code, text in _questions(scope, only, (QuestionKind.MARK,)):
        groups = per_code.get(code, {})
        every = tally_total(groups.values())
        n = published(every, scope)
        mean = round(sum(v * t.n for v, t in groups.items()) / every.n, 1) if every.n else None
        sufficient = share_cell(
            published(tally_total(t for v, t in groups.items() if v >= 6), scope), n
        )
        sufficient.perturbed = scope.suppress
        rows.append(
            Row(text, [Cell(mean, basis=n), sufficient, count_cell(every, scope)], key=code)
        )
    return Table(
        [_("Mean mark"), _("6 or higher (%)"), _("Marks")],
        rows,
        Unit.SCORE,
        row_header=_("Question"),
        column_keys=["mean", "sufficient", "n"],
        column_units=[Unit.RATIO, Unit.PERCENT, Unit.COUNT],
        chart="bar",
        # The mean and the number do not give away a hidden share of 6 or higher (often a
        # small "below 6" group): only that cell goes.
        suppress_whole_rows=False,
    )


def choices(scope: Scope, only: Filter = EVERYTHING) -> Table:
    """Per option of a choice question: how many respondents chose it, and their share of the
    respondents who answered that question (with several choices the shares add up to more
    than 100)."""
    answers = _answers(scope, only).filter(
        question__kind__in=(QuestionKind.SINGLE, QuestionKind.MULTIPLE)
    )
    counts = _tallies(answers, "question__code", "value")
    respondents: dict[str, Tally] = defaultdict(Tally)
    for code, response_id in (
        answers.order_by().values_list("question__code", "response_id").distinct()
    ):
        respondents[code] += Tally(1, record_key(response_id, "survey_response"))
    rows = []
    options: dict[str, list[str]] = {}
    for question in Question.objects.filter(
        version__survey__municipality_id__in=scope.municipality_ids,
        kind__in=(QuestionKind.SINGLE, QuestionKind.MULTIPLE),
    ).order_by("version__number"):
        options[question.code] = list(question.options)
    for code, text in _questions(scope, only, (QuestionKind.SINGLE, QuestionKind.MULTIPLE)):
        whole = published(respondents.get(code, Tally()), scope)
        for index, option in enumerate(options.get(code, [])):
            part = counts.get((code, index), Tally())
            share = share_cell(published(part, scope), whole)
            share.perturbed = scope.suppress
            rows.append(
                Row(f"{text} – {option}", [share, count_cell(part, scope)], key=f"{code}:{index}")
            )
        rows.append(
            Row(
                f"{text} – {_('answered')}",
                [Cell(None), count_cell(respondents.get(code, Tally()), scope)],
                key=f"{code}:n",
                is_total=True,
            )
        )
    return Table(
        [_("Share of respondents (%)"), _("Respondents")],
        rows,
        Unit.PERCENT,
        row_header=_("Question and answer"),
        column_keys=["share", "n"],
        column_units=[Unit.PERCENT, Unit.COUNT],
        chart="",
        suppress_whole_rows=True,
    )


def _invitations(scope: Scope, only: Filter) -> QuerySet[Invitation]:
    invitations = Invitation.objects.filter(
        survey__municipality_id__in=scope.municipality_ids,
        invited_on__gte=scope.start,
        invited_on__lte=scope.end,
    )
    if scope.team_ids is not None:
        invitations = invitations.filter(team_id__in=scope.team_ids)
    if scope.neighbourhood is not None:
        invitations = invitations.filter(neighbourhood=scope.neighbourhood)
    if only.survey_id is not None:
        invitations = invitations.filter(survey_id=only.survey_id)
    return invitations


def _response_table(
    scope: Scope, only: Filter, key: str, groups: list[tuple[str, str]], header: str
) -> Table:
    table = Invitation._meta.db_table
    sums = {
        (row[0], row[1]): Tally(int(row[2]), int(row[3] or 0) % P)
        for row in _invitations(scope, only)
        .values_list(key, "answered")
        .annotate(n=Count("id"), k=key_sum(table, "survey_invitation"))
        .order_by()
        .values_list(key, "answered", "n", "k")
    }

    def cells(invited: Tally, answered: Tally) -> list[Cell]:
        n_invited = published(invited, scope)
        rate = share_cell(published(answered, scope), n_invited)
        rate.perturbed = scope.suppress
        return [count_cell(invited, scope), count_cell(answered, scope), rate]

    rows = []
    all_invited, all_answered = Tally(), Tally()
    for group_key, label in groups:
        answered = sums.get((group_key, True), Tally())
        invited = answered + sums.get((group_key, False), Tally())
        all_invited, all_answered = all_invited + invited, all_answered + answered
        rows.append(Row(label, cells(invited, answered), key=str(group_key)))
    rows.append(Row(_("Total"), cells(all_invited, all_answered), key="total", is_total=True))
    return Table(
        [_("Invited"), _("Answered"), _("Response (%)")],
        rows,
        Unit.PERCENT,
        row_header=header,
        column_keys=["invited", "answered", "rate"],
        column_units=[Unit.COUNT, Unit.COUNT, Unit.PERCENT],
        chart="",
        suppress_whole_rows=True,
    )


def response_by_team(scope: Scope, only: Filter = EVERYTHING) -> Table:
    """Invited residents, how many answered (online, on paper or through the bureau) and the
    response rate, per team."""
    teams = Team.objects.filter(municipality_id__in=scope.municipality_ids)
    if scope.team_ids is not None:
        teams = teams.filter(pk__in=scope.team_ids)
    groups = [(t.pk, t.name) for t in teams.order_by("name")]
    return _response_table(scope, only, "team_id", groups, _("Team"))  # type: ignore[arg-type]


def response_by_age(scope: Scope, only: Filter = EVERYTHING) -> Table:
    """The same per age band on the day of invitation: who does not answer."""
    groups = [(band, band) for _low, band in AGE_BANDS if band != "0-17"]
    groups.append(("", _("Unknown")))
    return _response_table(scope, only, "age_band", groups, _("Age band"))


def walk_in_points(scope: Scope, only: Filter = EVERYTHING) -> Table:
    """Per walk-in point: the short contacts registered there (the monitor's own cell) beside
    how residents rated talking there: % agree / neutral / disagree of the valid ratings."""
    from vivera.monitor.indicators import short_contacts_by_location

    contacts = {row.key: row.cells[-1] for row in short_contacts_by_location(scope).rows}
    counts = _tallies(
        _answers(scope, only).filter(question__kind=QuestionKind.LOCATION, location__isnull=False),
        "location_id",
        "value",
    )
    per_location = _per_value(counts)
    locations = Location.objects.filter(municipality_id__in=scope.municipality_ids)
    if scope.location is not None:
        locations = locations.filter(pk=scope.location.pk)
    rows = []
    for location in locations.order_by("name"):
        ratings = _agreement_cells(per_location.get(location.pk, {}), scope)
        short = contacts.get(f"location-{location.pk}", Cell(0))
        rows.append(
            Row(
                location.name,
                [Cell(short.value, perturbed=short.perturbed), *ratings[:4]],
                key=str(location.pk),
            )
        )
    return Table(
        [
            _("Short contacts"),
            _("Pleasant (%)"),
            _("Neutral (%)"),
            _("Not pleasant (%)"),
            _("Ratings"),
        ],
        rows,
        Unit.PERCENT,
        row_header=_("Walk-in location"),
        column_keys=["short_contacts", "pleasant", "neutral", "unpleasant", "ratings"],
        column_units=[Unit.COUNT, Unit.PERCENT, Unit.PERCENT, Unit.PERCENT, Unit.COUNT],
        chart="bar",
        bar_column=1,
        # The three shares of one rating add up to 100: one hidden hides the others (and their
        # number); the short contacts are another group, protected on their own.
        suppress_whole_rows=True,
        row_group=[1, 2, 3, 4],
    )
