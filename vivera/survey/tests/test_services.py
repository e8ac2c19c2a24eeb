"""The survey's rules: composing and versions, the sample and who is left out, answering once,
closing (the link cut), screening."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from vivera.accounts.models import User
from vivera.organisation.models import Location, Team
from vivera.survey import services
from vivera.survey.answers import AnswerForm, answers_from, field_name
from vivera.survey.models import (
    Answer,
    Invitation,
    Objection,
    QuestionKind,
    Response,
    ResponseChannel,
    Screening,
    Survey,
    SurveyStatus,
)

from .conftest import Sample, make_closed_dossier

pytestmark = pytest.mark.django_db


def _answer_all(
    survey: Survey, locations: list[Location], values: dict[str, str] | None = None
) -> dict[int, list[Answer]]:
    questions = list(services.current_version(survey).questions.all())
    data: dict[str, Any] = {}
    for q in questions:
        if q.kind == QuestionKind.STATEMENT:
            data[field_name(q)] = "4"
        elif q.kind == QuestionKind.MARK:
            data[field_name(q)] = "8"
        elif q.kind == QuestionKind.OPEN:
            data[field_name(q)] = "Fijn geholpen door Jan"
        elif q.kind == QuestionKind.LOCATION:
            for loc in locations:
                data[field_name(q, loc)] = "5"
    data.update(values or {})
    form = AnswerForm(data, questions=questions, locations=locations)
    assert form.is_valid(), form.errors
    return answers_from(form)


def test_a_ready_set_fills_the_first_version(policy: User) -> None:
    survey = services.survey_create(user=policy, title="CEO", question_set="ceo")
    version = services.current_version(survey)
    assert version.number == 1
    codes = list(version.questions.values_list("code", flat=True))
    assert codes[0] == "ceo-knew-where" and "open-better" in codes
    texts = list(version.questions.values_list("text", flat=True))
    assert "Ik wist waar ik moest zijn met mijn vraag." in texts  # stored in Dutch


def test_a_change_after_the_first_answer_makes_a_new_version(
    sample: Sample, policy: User, location: Location, today: dt.date
) -> None:
    survey = sample.survey
    first = services.current_version(survey)
    # Before any answer the version itself changes.
    question = first.questions.get(code="ceo-quickly")
    services.question_change(question=question, user=policy, text="Ik kreeg snel hulp.")
    assert services.current_version(survey).pk == first.pk
    invitation = sample.invitations[0]
    services.response_enter(
        code=invitation.code,
        answers=_answer_all(survey, [location]),
        channel=ResponseChannel.PAPER,
        today=today,
        user=None,
        survey=survey,
    )
    first.refresh_from_db()
    assert first.frozen_at is not None
    services.question_change(
        question=first.questions.get(code="ceo-quickly"), user=policy, text="Ik was snel geholpen."
    )
    second = services.current_version(survey)
    assert second.number == 2
    assert first.questions.get(code="ceo-quickly").text == "Ik kreeg snel hulp."
    assert second.questions.get(code="ceo-quickly").text == "Ik was snel geholpen."
    assert second.questions.count() == first.questions.count()


def test_the_sample_leaves_out_and_counts(
    survey: Survey, policy: User, pro: User, team_oost: Team, codes: dict[str, Any], today: dt.date
) -> None:
    closed = today - dt.timedelta(days=3)
    kw = {"user": pro, "team": team_oost, "referrer": codes["gp"]}
    make_closed_dossier(**kw, closed_on=closed, first_name="Mag")
    objector = make_closed_dossier(**kw, closed_on=closed, first_name="Liever niet")
    Objection.objects.create(client=objector.client, recorded_on=today)
    make_closed_dossier(
        **kw, closed_on=closed, first_name="Kind", birth_date=today - dt.timedelta(days=3000)
    )
    make_closed_dossier(**kw, closed_on=closed, first_name="Zonder adres", postcode="")
    make_closed_dossier(**kw, first_name="Te vroeg", closed_on=today - dt.timedelta(days=90))
    report = services.sample_draw(
        survey=survey,
        user=policy,
        basis=services.Basis.DOSSIER,
        start=today - dt.timedelta(days=30),
        end=today,
        today=today,
    )
    assert report.candidates.n == 4
    assert report.invited.n == 1
    assert {reason: t.n for reason, t in report.excluded.items()} == {
        "objection": 1,
        "under_18": 1,
        "no_address": 1,
    }
    again = services.sample_draw(
        survey=survey,
        user=policy,
        basis=services.Basis.DOSSIER,
        start=today - dt.timedelta(days=30),
        end=today,
        today=today,
    )
    assert again.invited.n == 0 and again.excluded["already_invited"].n == 1


def test_a_sample_size_per_team(sample: Sample, today: dt.date) -> None:
    # The fixture invited everyone; a size draws that many per team from a new survey.
    per_team: dict[int, int] = {}
    for invitation in sample.invitations:
        per_team[invitation.team_id] = per_team.get(invitation.team_id, 0) + 1
    assert sorted(per_team.values()) == [2, 6]


def test_sample_refuses_everything_at_once(survey: Survey, policy: User, today: dt.date) -> None:
    with pytest.raises(ValidationError) as refused:
        services.sample_draw(
            survey=survey,
            user=policy,
            basis="whatever",
            start=today,
            end=today + dt.timedelta(days=1),
            size=0,
            today=today,
        )
    assert set(refused.value.message_dict) == {"basis", "end", "size"}


def test_a_code_answers_once(sample: Sample, location: Location, today: dt.date) -> None:
    invitation = sample.invitations[0]
    answers = _answer_all(sample.survey, [location])
    services.response_enter(
        code=invitation.code.lower().replace("-", " "),
        answers=answers,
        channel=ResponseChannel.BUREAU,
        today=today,
        user=None,
    )
    with pytest.raises(ValidationError) as refused:
        services.response_enter(
            code=invitation.code,
            answers=_answer_all(sample.survey, [location]),
            channel=ResponseChannel.BUREAU,
            today=today,
            user=None,
        )
    assert refused.value.message_dict["code"] == [
        "Deze code is al gebruikt: de antwoorden zijn binnen."
    ]
    assert Response.objects.count() == 1


def test_online_answers_resume_and_submit(
    sample: Sample, location: Location, today: dt.date
) -> None:
    token = sample.invitations[1].token
    survey = sample.survey
    first = services.current_version(survey).questions.order_by("position").first()
    assert first is not None
    form = AnswerForm({field_name(first): "5"}, questions=[first], locations=[location])
    assert form.is_valid()
    services.answers_save(token=token, answers=answers_from(form), position=1)
    # Sent twice: stored once.
    services.answers_save(token=token, answers=answers_from(form), position=1)
    response = services.response_start(token=token)
    assert response.answers.count() == 1 and response.position == 1
    assert response.submitted_on is None
    services.response_submit(token=token, today=today)
    with pytest.raises(services.SurveyRefused) as refused:
        services.response_start(token=token)
    assert refused.value.reason == "answered"


def test_an_answer_out_of_range_is_refused(
    sample: Sample, policy: User, location: Location
) -> None:
    services.question_add(survey=sample.survey, user=policy, bank_code="how-in-contact")
    questions = list(services.current_version(sample.survey).questions.all())
    single = next(q for q in questions if q.kind == QuestionKind.SINGLE)
    mark = next(q for q in questions if q.kind == QuestionKind.MARK)
    form = AnswerForm(
        {field_name(single): "99", field_name(mark): "11"},
        questions=questions,
        locations=[location],
    )
    assert not form.is_valid()
    assert form.errors[field_name(single)] == ["Kies een van de antwoorden die er staan."]
    assert field_name(mark) in form.errors


def test_closing_cuts_the_link_and_keeps_unfinished_answers(
    sample: Sample, policy: User, location: Location, today: dt.date
) -> None:
    survey = sample.survey
    done, busy, silent = sample.invitations[:3]
    services.response_enter(
        code=done.code,
        answers=_answer_all(survey, [location]),
        channel=ResponseChannel.PAPER,
        today=today,
        user=None,
    )
    first = services.current_version(survey).questions.order_by("position").first()
    assert first is not None
    form = AnswerForm({field_name(first): "2"}, questions=[first], locations=[location])
    assert form.is_valid()
    services.answers_save(token=busy.token, answers=answers_from(form), position=1)
    services.response_start(token=silent.token)  # opened, nothing answered
    services.survey_close(survey=survey, user=policy, today=today)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED
    assert not Invitation.objects.filter(survey=survey, response__isnull=False).exists()
    assert not Invitation.objects.filter(survey=survey).exclude(nonce="").exists()
    assert Invitation.objects.get(pk=done.pk).code == ""
    # The unfinished response counts with what it had; the empty one is gone.
    assert Response.objects.filter(survey=survey, submitted_on=today).count() == 2
    with pytest.raises(services.SurveyRefused):
        services.invitation_find(code=done.code)
    with pytest.raises(ValidationError):
        services.question_add(survey=survey, user=policy, bank_code="team-mark")


def test_declining_removes_answers_and_can_object(sample: Sample, today: dt.date) -> None:
    invitation = sample.invitations[0]
    services.response_start(token=invitation.token)
    services.invitation_decline(token=invitation.token, today=today, never_again=True)
    invitation.refresh_from_db()
    assert invitation.declined and invitation.response is None
    assert Objection.objects.filter(client=invitation.client).exists()
    assert not Response.objects.exists()


def test_screening_an_open_answer(
    sample: Sample, coordinator: User, location: Location, today: dt.date
) -> None:
    invitation = sample.invitations[0]
    services.response_enter(
        code=invitation.code,
        answers=_answer_all(sample.survey, [location]),
        channel=ResponseChannel.PAPER,
        today=today,
        user=None,
    )
    answer = Answer.objects.get(question__kind=QuestionKind.OPEN)
    assert answer.screening == Screening.PENDING
    with pytest.raises(ValidationError) as refused:
        services.answer_screen(answer=answer, user=coordinator, decision="edited", text=" ")
    assert "text" in refused.value.message_dict
    services.answer_screen(
        answer=answer, user=coordinator, decision="edited", text="Fijn geholpen door [naam]"
    )
    answer.refresh_from_db()
    assert answer.screened_text == "Fijn geholpen door [naam]"
    assert answer.text == "Fijn geholpen door Jan"


def test_a_paper_form_replaces_an_answer_begun_online_on_an_older_version(
    sample: Sample, policy: User, location: Location, today: dt.date
) -> None:
    invitation = sample.invitations[0]
    first = services.current_version(sample.survey).questions.order_by("position").first()
    assert first is not None
    form = AnswerForm({field_name(first): "5"}, questions=[first], locations=[location])
    assert form.is_valid()
    services.answers_save(token=invitation.token, answers=answers_from(form), position=1)
    services.question_add(survey=sample.survey, user=policy, bank_code="how-in-contact")
    assert services.current_version(sample.survey).number == 2
    services.response_enter(
        code=invitation.code,
        answers=_answer_all(sample.survey, [location]),
        channel=ResponseChannel.PAPER,
        today=today,
        user=None,
    )
    [response] = Response.objects.all()
    assert response.version.number == 2 and response.channel == "paper"
