"""The survey's figures as monitor indicators: computed by hand here from the answers written,
exact for an exact scope, perturbed and suppressed like every monitor figure otherwise."""

from __future__ import annotations

import datetime as dt

import pytest

from vivera.accounts.models import User
from vivera.monitor.indicators import BY_CODE, compute_all
from vivera.monitor.scope import Scope
from vivera.organisation.models import Location, Municipality, Neighbourhood, Team
from vivera.survey import services
from vivera.survey.models import Answer, Invitation, QuestionKind, Response, Survey

pytestmark = pytest.mark.django_db


def _respond(survey: Survey, team: Team, day: dt.date, **values: int | list[int]) -> Response:
    """One submitted response with these values per question code (a list for a multiple
    choice); `walk_in_pleasant` is a rating of the fixture's one location."""
    version = services.current_version(survey)
    response = Response.objects.create(
        survey=survey, version=version, team=team, channel="online", submitted_on=day
    )
    for code, value in values.items():
        question = version.questions.get(code=code.replace("_", "-"))
        location = Location.objects.first() if question.kind == QuestionKind.LOCATION else None
        for v in value if isinstance(value, list) else [value]:
            Answer.objects.create(response=response, question=question, value=v, location=location)
    return response


@pytest.fixture
def answered(
    survey: Survey, policy: User, team_oost: Team, team_west: Team, location: Location, today
) -> Survey:
    services.question_add(survey=survey, user=policy, bank_code="help-topics")
    # "I knew where to go": 4 strongly agree, 2 agree, 2 neutral, 1 disagree, 1 strongly
    # disagree, 3 don't know; marks 8, 7, 6, 5 and 9 for the rest.
    scale = [5, 5, 5, 5, 4, 4, 3, 3, 2, 1, 0, 0, 0]
    marks = [8, 7, 6, 5] + [9] * 9
    for n, (value, mark) in enumerate(zip(scale, marks, strict=True)):
        _respond(
            survey,
            team_oost if n < 9 else team_west,
            today,
            ceo_knew_where=value,
            team_mark=mark,
            walk_in_pleasant=4 if n < 10 else 1,
            help_topics=[0, 2] if n < 6 else [2],
        )
    return survey


def _exact(municipality: Municipality, today: dt.date, **kw) -> Scope:
    return Scope((municipality,), today.replace(day=1), today, suppress=False, **kw)


def _row(table, key: str) -> list:
    return next(r for r in table.rows if r.key == key).cells


def test_statement_shares_of_the_valid_answers(
    answered: Survey, municipality: Municipality, today
) -> None:
    table = BY_CODE["survey_statements"].compute(_exact(municipality, today))
    cells = _row(table, "ceo-knew-where")
    # 6 of 10 valid agree, 2 neutral, 2 disagree; 3 of 13 don't know.
    assert [c.value for c in cells] == [60.0, 20.0, 20.0, 10, 23.1, 3]
    assert table.columns[0] == "(Zeer) mee eens (%)"
    # A statement nobody answered is a row without figures.
    assert _row(table, "ceo-quickly")[3].value == 0


def test_marks_mean_and_sufficient(answered: Survey, municipality: Municipality, today) -> None:
    cells = _row(BY_CODE["survey_marks"].compute(_exact(municipality, today)), "team-mark")
    # (8 + 7 + 6 + 5 + 9·9) / 13 = 107 / 13 = 8.2; 12 of 13 are 6 or higher.
    assert [c.value for c in cells] == [8.2, 92.3, 13]


def test_choices_share_of_respondents(answered: Survey, municipality: Municipality, today) -> None:
    table = BY_CODE["survey_choices"].compute(_exact(municipality, today))
    assert [c.value for c in _row(table, "help-topics:0")] == [46.2, 6]  # 6 of 13
    assert [c.value for c in _row(table, "help-topics:2")] == [100.0, 13]
    assert _row(table, "help-topics:n")[1].value == 13


def test_walk_in_points_beside_short_contacts(
    answered: Survey, municipality: Municipality, location: Location, today
) -> None:
    table = BY_CODE["survey_walk_in_points"].compute(_exact(municipality, today))
    cells = _row(table, str(location.pk))
    # No short contacts registered; 10 of 13 found it pleasant, 3 did not.
    assert [c.value for c in cells] == [0, 76.9, 0.0, 23.1, 13]


def test_a_team_narrows_the_answers(
    answered: Survey, municipality: Municipality, team_west: Team, today
) -> None:
    table = BY_CODE["survey_statements"].compute(_exact(municipality, today, team=team_west))
    # West has the last four: one strongly disagree and three don't know.
    assert [c.value for c in _row(table, "ceo-knew-where")] == [0.0, 0.0, 100.0, 1, 75.0, 3]


def test_the_response_rate_per_team_and_age_band(
    survey: Survey, municipality: Municipality, team_oost: Team, team_west: Team, today
) -> None:
    for n in range(10):
        Invitation.objects.create(
            survey=survey,
            team=team_oost if n < 8 else team_west,
            age_band="65-74" if n % 2 else "27-44",
            invited_on=today,
            answered=n < 3,
        )
    scope = _exact(municipality, today)
    by_team = BY_CODE["survey_response"].compute(scope)
    assert [c.value for c in _row(by_team, str(team_oost.pk))] == [8, 3, 37.5]
    assert [c.value for c in _row(by_team, str(team_west.pk))] == [2, 0, 0.0]
    assert [c.value for c in _row(by_team, "total")] == [10, 3, 30.0]
    by_age = BY_CODE["survey_response_by_age"].compute(scope)
    assert [c.value for c in _row(by_age, "65-74")] == [5, 1, 20.0]
    assert [c.value for c in _row(by_age, "27-44")] == [5, 2, 40.0]


def test_protected_figures_are_perturbed_consistently_and_small_ones_hidden(
    answered: Survey, municipality: Municipality, neighbourhood: Neighbourhood, today
) -> None:
    scope = Scope((municipality,), today.replace(day=1), today)
    first = dict(compute_all(scope, ["survey_statements", "survey_marks"]))
    again = dict(compute_all(scope, ["survey_statements", "survey_marks"]))
    statements = first[BY_CODE["survey_statements"]]
    cells = _row(statements, "ceo-knew-where")
    assert abs(cells[3].value - 10) <= 4 and cells[3].perturbed
    assert [c.display for c in cells] == [
        c.display for c in _row(again[BY_CODE["survey_statements"]], "ceo-knew-where")
    ]
    # Two neutral answers: a share resting on fewer than 5 hides the whole row.
    assert all(c.suppressed for c in cells)
    # A walk-in point rated not pleasant by 3 of 13: every share of that rating (and their
    # number) hidden, so 100 minus the others gives nothing; the short contacts stay.
    [walk_in] = compute_all(scope, ["survey_walk_in_points"])
    point = walk_in[1].rows[0].cells
    assert not point[0].suppressed
    assert all(c.suppressed for c in point[1:])
    # 13 marks: the mean exact and shown, whatever the share of 6 or higher (one mark below
    # 6: that share may be hidden, the mean stays).
    marks = _row(first[BY_CODE["survey_marks"]], "team-mark")
    assert marks[0].value == 8.2 and not marks[0].suppressed
    assert not marks[2].suppressed


def test_answers_outside_the_period_do_not_count(
    answered: Survey, municipality: Municipality, today
) -> None:
    earlier = today.replace(day=1) - dt.timedelta(days=40)
    table = BY_CODE["survey_statements"].compute(
        Scope((municipality,), earlier, earlier, suppress=False)
    )
    assert _row(table, "ceo-knew-where")[3].value == 0


def test_every_place_of_the_monitor_gives_the_same_survey_figures(
    answered: Survey, municipality: Municipality, policy: User, coordinator: User, today, tmp_path
) -> None:
    """The dashboard, the JSON API, the CSV export and `vivera monitor` read one table."""
    import json

    from django.core.management import call_command
    from django.urls import reverse

    from vivera.conftest import login

    period = {"van": today.replace(day=1).isoformat(), "tot": today.isoformat()}
    api = login(policy).get(reverse("v1:monitor"), {**period, "indicator": "survey_marks"}).json()
    [figure] = [i for i in api["indicators"] if i["code"] == "survey_marks"]
    out = tmp_path / "monitor.json"
    call_command(
        "monitor",
        "--gemeente",
        municipality.name,
        "--van",
        period["van"],
        "--tot",
        period["tot"],
        "--indicator",
        "survey_marks",
        "--uitvoer",
        str(out),
    )
    command = json.loads(out.read_text(encoding="utf-8"))
    [same] = [i for i in command["indicators"] if i["code"] == "survey_marks"]
    assert figure["rows"] == same["rows"]
    mean = next(r for r in figure["rows"] if r["key"] == "team-mark")["values"][0]
    assert mean == 8.2
    # Exact for the command with --exact: the figures worked out by hand above.
    call_command(
        "monitor",
        "--gemeente",
        municipality.name,
        "--van",
        period["van"],
        "--tot",
        period["tot"],
        "--indicator",
        "survey_statements",
        "--exact",
        "--uitvoer",
        str(out),
    )
    exact = json.loads(out.read_text(encoding="utf-8"))
    [statements] = exact["indicators"]
    row = next(r for r in statements["rows"] if r["key"] == "ceo-knew-where")
    assert row["values"] == [60.0, 20.0, 20.0, 10, 23.1, 3]
    dashboard = login(policy).get(reverse("monitor:dashboard"), period).content.decode()
    assert "Enquête: stellingen" in dashboard and "Ervaring per inlooppunt (enquête)" in dashboard
