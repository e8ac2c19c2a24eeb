"""Who may reach which survey object (docs/survey.md, "Who sees what"):

- the policy advisor composes, samples and reads the results of its municipality's surveys:
  counts and screened open answers, never a person or an answer's resident;
- the coordinator prints the letters of its own teams' invitations (names and addresses: the
  access log records every print) and screens its own teams' open answers;
- the administrator types in paper forms and imports a bureau's file (intake_views.py).

Each helper refuses with a 404 for an object of another municipality or team, so an id does
not reveal that something exists.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from vivera.accounts.access import municipality_id_of
from vivera.accounts.models import User

from .models import Answer, Invitation, Objection, Question, QuestionKind, Survey


def surveys_for(user: User) -> QuerySet[Survey]:
    if user.municipality_id is None:
        return Survey.objects.none()
    return Survey.objects.filter(municipality_id=user.municipality_id)


def get_survey_for_user(*, user: User, pk: int) -> Survey:
    survey = surveys_for(user).filter(pk=pk).first()
    if survey is None:
        raise Http404
    return survey


def get_question_for_user(*, user: User, survey: Survey, pk: int) -> Question:
    question = Question.objects.filter(version__survey=survey, pk=pk).first()
    if question is None:
        raise Http404
    return question


def letters_for(user: User, survey: Survey) -> QuerySet[Invitation]:
    """The invitations of the coordinator's teams that a letter can still go to: the survey is
    open, and the resident has neither answered, declined nor objected to surveys since."""
    objected = Objection.objects.filter(client_id=OuterRef("client_id"))
    return Invitation.objects.filter(
        ~Exists(objected),
        survey=survey,
        survey__municipality_id=municipality_id_of(user),
        team_id__in=user.team_ids(),
        answered=False,
        declined=False,
        client__isnull=False,
    ).exclude(nonce="")


def open_answers_for(user: User) -> QuerySet[Answer]:
    """The open answers of the coordinator's teams, for screening."""
    return Answer.objects.filter(
        question__kind=QuestionKind.OPEN,
        response__survey__municipality_id=municipality_id_of(user),
        response__team_id__in=user.team_ids(),
        response__submitted_on__isnull=False,
    )


def get_open_answer_for_user(*, user: User, pk: int) -> Answer:
    answer = open_answers_for(user).select_related("question").filter(pk=pk).first()
    if answer is None:
        raise Http404
    return answer
