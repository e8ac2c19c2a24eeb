"""Writes of the client-experience survey: composing and versioning the questionnaire, drawing
the sample, answering (online, on paper, by a survey bureau), screening open answers and
closing. See docs/survey.md. Every service checks all of its rules before it refuses."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from vivera.accounts.models import User
from vivera.audit.models import Action, ObjectType, Result
from vivera.audit.services import log_access
from vivera.core.errors import Refusals
from vivera.monitor.cellkey import Tally, record_key
from vivera.monitor.cellkey import total as tally_total
from vivera.organisation.models import Team
from vivera.registration.models import Dossier, DossierStatus
from vivera.registration.models import Question as DossierQuestion
from vivera.research.selectors import age_band

from . import bank
from .models import (
    Answer,
    Invitation,
    Objection,
    Question,
    QuestionKind,
    Response,
    ResponseChannel,
    Survey,
    SurveyStatus,
    SurveyVersion,
    digest,
    normalise_code,
)

MAX_OPTIONS = 12


# --- the questionnaire -------------------------------------------------------------------------


def current_version(survey: Survey) -> SurveyVersion:
    version = survey.versions.order_by("-number").first()
    assert version is not None, "every survey has a version from its creation"
    return version


@transaction.atomic
def survey_create(
    *,
    user: User,
    title: str,
    introduction: str = "",
    reminder_days: int = 14,
    question_set: str = "empty",
) -> Survey:
    refusals = Refusals()
    if not title.strip():
        refusals.add("title", _("Give the survey a title."), "required")
    if question_set not in bank.SETS_BY_CODE:
        refusals.add("question_set", _("Choose one of the ready sets."), "invalid")
    refusals.raise_if_any()
    assert user.municipality_id is not None
    survey = Survey(
        municipality_id=user.municipality_id,
        title=title.strip(),
        introduction=introduction.strip(),
        reminder_days=reminder_days,
        created_by=user,
    )
    survey.full_clean()
    survey.save()
    version = SurveyVersion.objects.create(survey=survey, number=1, created_by=user)
    for position, item in enumerate(bank.set_questions(question_set), start=1):
        _from_bank(version, item, position).save()
    log_access(user=user, action=Action.CREATE, object_type=ObjectType.SURVEY, object_id=survey.pk)
    return survey


def _from_bank(version: SurveyVersion, item: bank.BankQuestion, position: int) -> Question:
    return Question(
        version=version,
        position=position,
        code=item.code,
        kind=item.kind,
        theme=item.theme,
        text=str(item.text),
        help_text=str(item.help_text),
        options=[str(o) for o in item.options],
    )


def _locked(survey: Survey) -> Survey:
    return Survey.objects.select_for_update().get(pk=survey.pk)


def _editable_version(survey: Survey, user: User) -> SurveyVersion:
    """The version a change goes into: the current one while no answer came in, else a new
    copy of it (the answered version keeps its wording). The caller holds the survey's lock."""
    if survey.status == SurveyStatus.CLOSED:
        raise ValidationError(
            _("This survey is closed: its questions can no longer change."), code="closed"
        )
    version = current_version(survey)
    if version.frozen_at is None and not version.responses.exists():
        return version
    copy = SurveyVersion.objects.create(survey=survey, number=version.number + 1, created_by=user)
    Question.objects.bulk_create(
        Question(
            version=copy,
            position=q.position,
            code=q.code,
            kind=q.kind,
            theme=q.theme,
            text=q.text,
            help_text=q.help_text,
            options=q.options,
        )
        for q in version.questions.all()
    )
    return copy


def _check_question(
    refusals: Refusals, *, kind: str, text: str, options: Sequence[str]
) -> list[str]:
    if kind not in QuestionKind.values:
        refusals.add("kind", _("Choose the kind of question."), "invalid")
    if not text.strip():
        refusals.add("text", _("Write the question or statement."), "required")
    elif len(text.strip()) > 300:
        refusals.add("text", _("Keep the question under 300 characters."), "max_length")
    cleaned = [o.strip() for o in options if o.strip()]
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if len(cleaned) < 2:
            refusals.add("options", _("A choice needs at least two options."), "too_few")
        elif len(cleaned) > MAX_OPTIONS:
            refusals.add(
                "options",
                _("A choice has at most %(max)d options.") % {"max": MAX_OPTIONS},
                "too_many",
            )
        elif len(set(cleaned)) != len(cleaned):
            refusals.add("options", _("Two options are the same."), "duplicate")
    else:
        cleaned = []
    return cleaned


def _own_code(version: SurveyVersion, text: str) -> str:
    from django.utils.text import slugify

    base = ("own-" + slugify(text))[:50].rstrip("-")
    taken = set(version.questions.values_list("code", flat=True))
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    return code


@transaction.atomic
def question_add(
    *,
    survey: Survey,
    user: User,
    bank_code: str = "",
    kind: str = "",
    theme: str = "other",
    text: str = "",
    help_text: str = "",
    options: Sequence[str] = (),
) -> Question:
    """Add a question from the bank (`bank_code`) or an own one, at the end."""
    survey = _locked(survey)
    refusals = Refusals()
    item = bank.BY_CODE.get(bank_code) if bank_code else None
    if bank_code and item is None:
        refusals.add("bank_code", _("Choose a question from the bank."), "invalid")
    if item is None and not bank_code:
        options = _check_question(refusals, kind=kind, text=text, options=options)
    with refusals.check():
        version = _editable_version(survey, user)
    refusals.raise_if_any()
    position = (version.questions.aggregate(m=Max("position"))["m"] or 0) + 1
    if item is not None:
        if version.questions.filter(code=item.code).exists():
            raise ValidationError(
                {"bank_code": _("This question is already in the survey.")}, code="duplicate"
            )
        question = _from_bank(version, item, position)
    else:
        question = Question(
            version=version,
            position=position,
            code=_own_code(version, text),
            kind=kind,
            theme=theme if theme else "other",
            text=text.strip(),
            help_text=help_text.strip(),
            options=list(options),
        )
    question.full_clean()
    question.save()
    log_access(user=user, action=Action.UPDATE, object_type=ObjectType.SURVEY, object_id=survey.pk)
    return question


def _same_in(version: SurveyVersion, question: Question) -> Question:
    """The question in `version` (a fresh copy made by `_editable_version`, or its own)."""
    return version.questions.get(code=question.code)


@transaction.atomic
def question_change(
    *,
    question: Question,
    user: User,
    text: str,
    help_text: str = "",
    options: Sequence[str] = (),
) -> Question:
    survey = _locked(question.version.survey)
    refusals = Refusals()
    cleaned = _check_question(refusals, kind=question.kind, text=text, options=options)
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(cleaned) != len(
        question.options
    ):
        # An answer stores the option's number: a changed count would shift their meaning.
        refusals.add(
            "options",
            _("Keep the number of options; remove the question and add a new one instead."),
            "option_count",
        )
    with refusals.check():
        version = _editable_version(survey, user)
    refusals.raise_if_any()
    target = _same_in(version, question)
    target.text, target.help_text = text.strip(), help_text.strip()
    if cleaned:
        target.options = cleaned
    target.full_clean()
    target.save(update_fields=["text", "help_text", "options"])
    log_access(user=user, action=Action.UPDATE, object_type=ObjectType.SURVEY, object_id=survey.pk)
    return target


@transaction.atomic
def question_remove(*, question: Question, user: User) -> None:
    survey = _locked(question.version.survey)
    version = _editable_version(survey, user)
    target = _same_in(version, question)
    target.delete()
    _renumber(version)
    log_access(user=user, action=Action.UPDATE, object_type=ObjectType.SURVEY, object_id=survey.pk)


@transaction.atomic
def question_move(*, question: Question, user: User, up: bool) -> None:
    survey = _locked(question.version.survey)
    version = _editable_version(survey, user)
    order = list(version.questions.order_by("position"))
    codes = [q.code for q in order]
    i = codes.index(question.code)
    j = i - 1 if up else i + 1
    if 0 <= j < len(order):
        order[i], order[j] = order[j], order[i]
        _renumber(version, order)
    log_access(user=user, action=Action.UPDATE, object_type=ObjectType.SURVEY, object_id=survey.pk)


def _renumber(version: SurveyVersion, order: list[Question] | None = None) -> None:
    order = order if order is not None else list(version.questions.order_by("position"))
    # Two passes: the positions are unique per version at every moment.
    offset = 1000
    for n, q in enumerate(order, start=1):
        Question.objects.filter(pk=q.pk).update(position=offset + n)
    for n, q in enumerate(order, start=1):
        Question.objects.filter(pk=q.pk).update(position=n)


@transaction.atomic
def survey_open(*, survey: Survey, user: User, today: dt.date) -> Survey:
    survey = _locked(survey)
    refusals = Refusals()
    if survey.status != SurveyStatus.DRAFT:
        refusals.add(None, _("Only a survey being prepared can be opened."), "not_draft")
    elif not current_version(survey).questions.exists():
        refusals.add(None, _("Add at least one question before opening the survey."), "empty")
    refusals.raise_if_any()
    survey.status, survey.opened_on = SurveyStatus.OPEN, today
    survey.save(update_fields=["status", "opened_on"])
    log_access(user=user, action=Action.UPDATE, object_type=ObjectType.SURVEY, object_id=survey.pk)
    return survey


@transaction.atomic
def survey_close(*, survey: Survey, user: User | None, today: dt.date) -> Survey:
    """Close the survey: no more answers, every code and link stops working, and the link
    between an invitation and its response is cut for good. What a resident had answered
    without finishing counts, as given."""
    survey = _locked(survey)
    if survey.status != SurveyStatus.OPEN:
        raise ValidationError(_("Only an open survey can be closed."), code="not_open")
    Response.objects.filter(survey=survey, submitted_on__isnull=True, answers__isnull=False).update(
        submitted_on=today
    )
    Response.objects.filter(survey=survey, submitted_on__isnull=True).delete()
    survey.invitations.update(response=None, nonce="", code_hash="", token_hash="")
    survey.status, survey.closed_on = SurveyStatus.CLOSED, today
    survey.save(update_fields=["status", "closed_on"])
    log_access(
        user=user,
        action=Action.UPDATE,
        object_type=ObjectType.SURVEY,
        object_id=survey.pk,
        municipality_id=survey.municipality_id,
        detail={"closed": today.isoformat()},
    )
    return survey


# --- the sample --------------------------------------------------------------------------------


class Basis:
    DOSSIER = "dossier"
    QUESTION = "question"


# Why a candidate was left out, in the order they are checked (each is counted once).
EXCLUDED_INVITED = "already_invited"
EXCLUDED_OBJECTION = "objection"
EXCLUDED_MINOR = "under_18"
EXCLUDED_UNREACHABLE = "no_address"
EXCLUSION_REASONS = (EXCLUDED_INVITED, EXCLUDED_OBJECTION, EXCLUDED_MINOR, EXCLUDED_UNREACHABLE)


@dataclass
class SampleReport:
    """The counts of a sample, each with its cell key (record keys of the residents), so the
    page can show them protected like the monitor's figures: exact counts of residents whose
    dossier closed in a period chosen to the day would undo the monitor's perturbation."""

    candidates: Tally = field(default_factory=Tally)
    excluded: dict[str, Tally] = field(default_factory=dict)
    invited: Tally = field(default_factory=Tally)
    per_team: dict[int, Tally] = field(default_factory=dict)


def _one(client_id: int) -> Tally:
    return Tally(1, record_key(client_id, "survey_sample"))


def _candidates(
    survey: Survey, *, basis: str, start: dt.date, end: dt.date, teams: Sequence[Team]
) -> dict[int, Dossier]:
    """Per client, the dossier that makes it a candidate (its latest in the period)."""
    dossiers = Dossier.objects.filter(municipality_id=survey.municipality_id)
    if teams:
        dossiers = dossiers.filter(team__in=teams)
    if basis == Basis.DOSSIER:
        dossiers = dossiers.filter(
            status=DossierStatus.CLOSED, closed_on__gte=start, closed_on__lte=end
        )
    else:
        closed = DossierQuestion.objects.filter(closed_on__gte=start, closed_on__lte=end)
        dossiers = dossiers.filter(pk__in=closed.values("dossier_id"))
    chosen: dict[int, Dossier] = {}
    for dossier in dossiers.select_related("client").order_by("registered_on", "pk"):
        chosen[dossier.client_id] = dossier
    return chosen


@transaction.atomic
def sample_draw(
    *,
    survey: Survey,
    user: User,
    basis: str,
    start: dt.date,
    end: dt.date,
    teams: Sequence[Team] = (),
    size: int | None = None,
    today: dt.date,
    request: HttpRequest | None = None,
    seed: int | None = None,
) -> SampleReport:
    """Invite residents whose dossier (or a question) closed in [start, end], per team all of
    them or a random `size`. Left out, and counted: who was already invited to this survey,
    who objected to surveys, who is under 18, and who has neither an address nor an e-mail."""
    survey = _locked(survey)
    refusals = Refusals()
    if survey.status != SurveyStatus.OPEN:
        refusals.add(None, _("Open the survey before inviting residents."), "not_open")
    if basis not in (Basis.DOSSIER, Basis.QUESTION):
        refusals.add("basis", _("Choose whose dossier or whose question closed."), "invalid")
    if end < start:
        refusals.add("end", _("The period ends before it starts."), "period")
    if end > today:
        refusals.add("end", _("The period cannot end after today."), "future")
    if size is not None and size < 1:
        refusals.add(
            "size", _("Invite at least one resident per team, or leave it empty for all."), "size"
        )
    if any(t.municipality_id != survey.municipality_id for t in teams):
        refusals.add("teams", _("Choose teams of your own municipality."), "team")
    refusals.raise_if_any()

    report = SampleReport()
    candidates = _candidates(survey, basis=basis, start=start, end=end, teams=teams)
    report.candidates = tally_total(_one(c) for c in candidates)
    invited = set(survey.invitations.values_list("client_id", flat=True))
    objected = set(
        Objection.objects.filter(client_id__in=candidates).values_list("client_id", flat=True)
    )
    eligible: dict[int, list[Dossier]] = {}
    for client_id, dossier in candidates.items():
        client = dossier.client
        if client_id in invited:
            reason = EXCLUDED_INVITED
        elif client_id in objected:
            reason = EXCLUDED_OBJECTION
        elif client.birth_date is not None and age_band(client.birth_date, today) in ("", "0-17"):
            reason = EXCLUDED_MINOR
        elif not ((client.postcode and client.house_number) or client.email):
            reason = EXCLUDED_UNREACHABLE
        else:
            eligible.setdefault(dossier.team_id, []).append(dossier)
            continue
        report.excluded[reason] = report.excluded.get(reason, Tally()) + _one(client_id)
    chooser = random.Random(seed if seed is not None else secrets.randbits(64))
    chosen: list[Dossier] = []
    for team_id in sorted(eligible):
        group = eligible[team_id]
        picked = group if size is None or size >= len(group) else chooser.sample(group, size)
        chosen.extend(picked)
        report.per_team[team_id] = tally_total(_one(d.client_id) for d in picked)
    invitations = [
        Invitation(
            survey=survey,
            client_id=d.client_id,
            team_id=d.team_id,
            neighbourhood_id=d.client.neighbourhood_id,
            age_band=age_band(d.client.birth_date, today),
            invited_on=today,
            nonce=secrets.token_hex(16),
        )
        for d in chosen
    ]
    for invitation in invitations:
        invitation.code_hash = digest(normalise_code(invitation.code))
        invitation.token_hash = digest(invitation.token)
    Invitation.objects.bulk_create(invitations, batch_size=500)
    report.invited = tally_total(report.per_team.values())
    log_access(
        user=user,
        action=Action.CREATE,
        object_type=ObjectType.SURVEY_INVITATION,
        object_id=survey.pk,
        request=request,
        detail={
            "invited": report.invited.n,
            "clients": sorted(d.client_id for d in chosen),
            "excluded": {reason: tally.n for reason, tally in report.excluded.items()},
        },
    )
    return report


@transaction.atomic
def reminders_record(*, survey: Survey, invitations: Iterable[Invitation], today: dt.date) -> int:
    """Mark these invitations reminded today (their reminder letters were printed)."""
    ids = [i.pk for i in invitations]
    return Invitation.objects.filter(
        survey=survey, pk__in=ids, answered=False, reminded_on__isnull=True
    ).update(reminded_on=today)


@transaction.atomic
def objection_record(
    *, client_id: int, user: User | None, today: dt.date, request: HttpRequest | None = None
) -> Objection:
    objection, _created = Objection.objects.get_or_create(
        client_id=client_id, defaults={"recorded_on": today, "recorded_by": user}
    )
    log_access(
        user=user,
        action=Action.CREATE,
        object_type=ObjectType.CLIENT,
        object_id=client_id,
        client_id=client_id,
        request=request,
        detail={"survey_objection": True},
    )
    return objection


# --- answering ---------------------------------------------------------------------------------


class SurveyRefused(Exception):
    """A code or link that does not lead to a survey to answer. `reason`: unknown, closed,
    answered, declined."""

    def __init__(self, reason: str, invitation: Invitation | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation


def code_refusals_from(request: HttpRequest) -> int:
    """Wrong codes and links from this address in the lockout period: past
    VIVERA_SURVEY_CODE_FAILURE_LIMIT the public pages answer 429, so codes cannot be guessed."""
    from vivera.audit.models import AccessLogEntry
    from vivera.audit.services import client_address

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessLogEntry.objects.filter(
        object_type=ObjectType.SURVEY_INVITATION,
        result=Result.REFUSED,
        ip_address=client_address(request),
        timestamp__gte=since,
    ).count()


def invitation_find(
    *, code: str = "", token: str = "", request: HttpRequest | None = None, for_update: bool = False
) -> Invitation:
    """The invitation of a code (as typed) or a link's token, if it may still answer. A wrong
    one is one refused line in the access log (which `code_refusals_from` counts)."""
    lookup = Q(code_hash=digest(normalise_code(code))) if code else Q(token_hash=digest(token))
    queryset = Invitation.objects.select_related("survey")
    if for_update:
        queryset = queryset.select_for_update()
    invitation = queryset.filter(lookup).exclude(code_hash="").first() if (code or token) else None
    if invitation is None:
        log_access(
            user=None,
            action=Action.READ,
            object_type=ObjectType.SURVEY_INVITATION,
            request=request,
            result=Result.REFUSED,
            detail={"by": "code" if code else "link"},
        )
        raise SurveyRefused("unknown")
    if invitation.survey.status != SurveyStatus.OPEN:
        raise SurveyRefused("closed", invitation)
    if invitation.answered:
        raise SurveyRefused("answered", invitation)
    if invitation.declined:
        raise SurveyRefused("declined", invitation)
    return invitation


def _response_of(invitation: Invitation, channel: str) -> Response:
    if invitation.response_id is not None:
        response = Response.objects.get(pk=invitation.response_id)
        return response
    version = current_version(invitation.survey)
    response = Response.objects.create(
        survey=invitation.survey,
        version=version,
        team_id=invitation.team_id,
        neighbourhood_id=invitation.neighbourhood_id,
        age_band=invitation.age_band,
        channel=channel,
    )
    invitation.response = response
    invitation.save(update_fields=["response"])
    if version.frozen_at is None:
        SurveyVersion.objects.filter(pk=version.pk, frozen_at__isnull=True).update(
            frozen_at=timezone.now()
        )
    return response


@transaction.atomic
def response_start(*, token: str) -> Response:
    """The response the resident answers into: its own, started earlier, or a new one on the
    survey's current version (which is frozen from then on)."""
    invitation = invitation_find(token=token, for_update=True)
    return _response_of(invitation, ResponseChannel.ONLINE)


@transaction.atomic
def answers_save(*, token: str, answers: dict[int, list[Answer]], position: int) -> Response:
    """Replace the answers to these questions (a screen sent twice stores them once) and
    remember where the resident is."""
    invitation = invitation_find(token=token, for_update=True)
    response = _response_of(invitation, ResponseChannel.ONLINE)
    _replace(response, answers)
    if position > response.position:
        response.position = position
        response.save(update_fields=["position"])
    return response


def _replace(response: Response, answers: dict[int, list[Answer]]) -> None:
    allowed = set(response.version.questions.values_list("pk", flat=True))
    if not set(answers) <= allowed:
        raise ValidationError(_("These questions are not part of this survey."), code="question")
    Answer.objects.filter(response=response, question_id__in=list(answers)).delete()
    rows = [a for group in answers.values() for a in group]
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)


@transaction.atomic
def response_submit(*, token: str, today: dt.date) -> None:
    """The resident is done: its answers count from today, and the link answers no more."""
    invitation = invitation_find(token=token, for_update=True)
    response = _response_of(invitation, ResponseChannel.ONLINE)
    response.submitted_on = today
    response.save(update_fields=["submitted_on"])
    invitation.answered = True
    invitation.save(update_fields=["answered"])


@transaction.atomic
def invitation_decline(*, token: str, today: dt.date, never_again: bool) -> None:
    """The resident does not want to take part (and, with `never_again`, in no later survey
    either). What it had answered is removed."""
    invitation = invitation_find(token=token, for_update=True)
    if invitation.response_id is not None:
        Response.objects.filter(pk=invitation.response_id).delete()
    invitation.declined = True
    invitation.response = None
    invitation.save(update_fields=["declined", "response"])
    if never_again and invitation.client_id is not None:
        Objection.objects.get_or_create(
            client_id=invitation.client_id, defaults={"recorded_on": today}
        )


@transaction.atomic
def response_enter(
    *,
    code: str,
    answers: dict[int, list[Answer]],
    channel: str,
    today: dt.date,
    user: User | None,
    survey: Survey | None = None,
) -> Response:
    """A whole response at once, by the invitation's code: a paper form typed in by staff or a
    row of a survey bureau's file. Refused when the code is unknown (or of another survey),
    already answered or the survey closed."""
    try:
        invitation = invitation_find(code=code, for_update=True)
    except SurveyRefused as refused:
        raise ValidationError(
            {"code": _refusal_message(refused.reason)}, code=refused.reason
        ) from refused
    if survey is not None and invitation.survey_id != survey.pk:
        raise ValidationError({"code": _refusal_message("unknown")}, code="unknown")
    started = invitation.response
    if started is not None and started.version_id != current_version(invitation.survey).pk:
        # Begun online on an earlier version and never sent: the whole form on paper (or from
        # the bureau) replaces it.
        invitation.response = None
        invitation.save(update_fields=["response"])
        started.delete()
    response = _response_of(invitation, channel)
    response.channel = channel
    _replace(response, answers)
    response.submitted_on = today
    response.save(update_fields=["channel", "submitted_on"])
    invitation.answered = True
    invitation.save(update_fields=["answered"])
    return response


def _refusal_message(reason: str) -> str:
    return {
        "unknown": _("No invitation has this code. Check the code on the letter."),
        "closed": _("This survey is closed."),
        "answered": _("This code has already been used: the answers are in."),
        "declined": _("The resident with this code does not want to take part."),
    }[reason]


# --- screening open answers --------------------------------------------------------------------


@transaction.atomic
def answer_screen(*, answer: Answer, user: User, decision: str, text: str = "") -> Answer:
    """A coordinator's decision on an open answer: shown as it is, shown with names removed
    (`text` is what the policy advisor reads), or not shown."""
    from .models import Screening

    refusals = Refusals()
    if decision not in (Screening.APPROVED, Screening.EDITED, Screening.REJECTED):
        refusals.add("decision", _("Choose what happens with this answer."), "invalid")
    if decision == Screening.EDITED and not text.strip():
        refusals.add("text", _("Write the answer as it may be shown."), "required")
    refusals.raise_if_any()
    answer.screening = decision
    answer.screened_text = (
        text.strip()
        if decision == Screening.EDITED
        else answer.text
        if decision == Screening.APPROVED
        else ""
    )
    answer.screened_by, answer.screened_at = user, timezone.now()
    answer.save(update_fields=["screening", "screened_text", "screened_by", "screened_at"])
    return answer
