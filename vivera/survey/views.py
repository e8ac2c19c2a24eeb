"""The survey's staff pages (docs/survey.md, handleiding "Enquête"): the policy advisor composes,
opens, samples, closes and reads the results; the coordinator prints its teams' letters and
screens its teams' open answers. The resident's pages are public_views.py, the administrator's
paper entry and bureau import intake_views.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vivera.accounts.access import AuthenticatedHttpRequest, role_required
from vivera.accounts.models import Role
from vivera.audit.models import Action, ObjectType
from vivera.audit.services import log_access
from vivera.core.errors import show_in_form
from vivera.core.spreadsheets import csv_text
from vivera.monitor.cellkey import Tally
from vivera.monitor.privacy import threshold
from vivera.registration.access import get_client_for_user

from . import selectors, services
from .access import (
    get_open_answer_for_user,
    get_question_for_user,
    get_survey_for_user,
    letters_for,
    open_answers_for,
    surveys_for,
)
from .forms import (
    QuestionEditForm,
    QuestionForm,
    ResultsForm,
    SampleForm,
    ScreenForm,
    SurveyForm,
    lines,
)
from .models import Invitation, QuestionKind, Screening, SurveyStatus
from .results import protected_count

POLICY = Role.POLICY
COORDINATOR = Role.COORDINATOR


# --- the policy advisor ------------------------------------------------------------------------


@require_GET
@role_required(POLICY)
def survey_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = selectors.survey_rows(surveys_for(request.user))
    return render(request, "survey/list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@role_required(POLICY)
def survey_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = services.survey_create(
                user=request.user,
                title=data["title"],
                introduction=data["introduction"],
                reminder_days=data["reminder_days"],
                question_set=data["question_set"],
            )
        except ValidationError as error:
            show_in_form(form, error)
        else:
            messages.success(request, _("The survey has been created. Check its questions."))
            return redirect("survey:detail", survey.pk)
    return render(request, "survey/create.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
@role_required(POLICY)
def survey_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    survey = get_survey_for_user(user=request.user, pk=pk)
    version = services.current_version(survey)
    [row] = selectors.survey_rows(surveys_for(request.user).filter(pk=survey.pk))
    return render(
        request,
        "survey/detail.html",
        {
            "survey": survey,
            "version": version,
            "questions": version.questions.order_by("position"),
            "editable": survey.status != SurveyStatus.CLOSED,
            "answered": row.answered,
            "invited": row.invited,
            "threshold": threshold(),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(POLICY)
def question_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    survey = get_survey_for_user(user=request.user, pk=pk)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.question_add(
                survey=survey,
                user=request.user,
                bank_code=data["bank_code"],
                kind=data["kind"],
                theme=data["theme"],
                text=data["text"],
                help_text=data["help_text"],
                options=lines(data["options"]),
            )
        except ValidationError as error:
            show_in_form(form, error)
        else:
            messages.success(request, _("The question has been added."))
            return redirect("survey:detail", survey.pk)
    return render(
        request,
        "survey/question_form.html",
        {"form": form, "survey": survey, "adding": True},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(POLICY)
def question_edit(request: AuthenticatedHttpRequest, pk: int, question_pk: int) -> HttpResponse:
    survey = get_survey_for_user(user=request.user, pk=pk)
    question = get_question_for_user(user=request.user, survey=survey, pk=question_pk)
    initial = {
        "text": question.text,
        "help_text": question.help_text,
        "options": "\n".join(question.options),
    }
    form = QuestionEditForm(request.POST or None, initial=initial)
    if question.kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        del form.fields["options"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.question_change(
                question=question,
                user=request.user,
                text=data["text"],
                help_text=data["help_text"],
                options=lines(data.get("options", "")),
            )
        except ValidationError as error:
            show_in_form(form, error)
        else:
            messages.success(request, _("The question has been changed."))
            return redirect("survey:detail", survey.pk)
    return render(
        request,
        "survey/question_form.html",
        {
            "form": form,
            "survey": survey,
            "question": question,
            "frozen": services.current_version(survey).frozen_at is not None,
        },
        status=400 if form.errors else 200,
    )


def _refused(request: AuthenticatedHttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_POST
@role_required(POLICY)
def question_remove(request: AuthenticatedHttpRequest, pk: int, question_pk: int) -> HttpResponse:
    survey = get_survey_for_user(user=request.user, pk=pk)
    question = get_question_for_user(user=request.user, survey=survey, pk=question_pk)
    try:
        services.question_remove(question=question, user=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The question has been removed."))
    return redirect("survey:detail", survey.pk)


@require_POST
@role_required(POLICY)
def question_move(
    request: AuthenticatedHttpRequest, pk: int, question_pk: int, up: bool
) -> HttpResponse:
    survey = get_survey_for_user(user=request.user, pk=pk)
    question = get_question_for_user(user=request.user, survey=survey, pk=question_pk)
    try:
        services.question_move(question=question, user=request.user, up=up)
    except ValidationError as error:
        _refused(request, error)
    return redirect(reverse("survey:detail", args=[survey.pk]) + "#vragen")


@require_POST
@role_required(POLICY)
def survey_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    survey = get_survey_for_user(user=request.user, pk=pk)
    try:
        services.survey_open(survey=survey, user=request.user, today=timezone.localdate())
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The survey is open. Now invite residents."))
    return redirect("survey:detail", survey.pk)


@require_http_methods(["GET", "POST"])
@role_required(POLICY)
def survey_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    survey = get_survey_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            services.survey_close(survey=survey, user=request.user, today=timezone.localdate())
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("The survey is closed. The codes no longer work."))
        return redirect("survey:detail", survey.pk)
    return render(request, "survey/close.html", {"survey": survey})


@require_http_methods(["GET", "POST"])
@role_required(POLICY)
def sample(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    survey = get_survey_for_user(user=request.user, pk=pk)
    form = SampleForm(request.POST or None, user=request.user)
    report = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.sample_draw(
                survey=survey,
                user=request.user,
                basis=data["basis"],
                start=data["start"],
                end=data["end"],
                teams=list(data["teams"]),
                size=data["size"],
                today=timezone.localdate(),
                request=request,
            )
        except ValidationError as error:
            show_in_form(form, error)
    teams = {t.pk: t.name for t in form.fields["teams"].queryset}  # type: ignore[attr-defined]
    shown = None
    if report is not None:
        count = protected_count
        shown = {
            "candidates": count(report.candidates),
            "invited": count(report.invited),
            "per_team": [(teams.get(k, "?"), count(t)) for k, t in sorted(report.per_team.items())],
            "reasons": [
                (reason, count(report.excluded.get(reason, Tally())))
                for reason in services.EXCLUSION_REASONS
            ],
        }
    return render(
        request,
        "survey/sample.html",
        {"form": form, "survey": survey, "report": shown, "threshold": threshold()},
        status=400 if form.errors else 200,
    )


@require_GET
@role_required(POLICY)
def survey_results(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    survey = get_survey_for_user(user=request.user, pk=pk)
    form = ResultsForm(request.GET or None, survey=survey)
    choice = form.cleaned_data if form.is_valid() else {}
    version = choice.get("version")
    tables = selectors.survey_results(
        survey, version=version, team=choice.get("team"), neighbourhood=choice.get("neighbourhood")
    )
    return render(
        request,
        "survey/results.html",
        {
            "survey": survey,
            "form": form,
            "tables": tables,
            "open_answers": selectors.screened_texts(survey, version),
            "threshold": threshold(),
            "period": selectors.survey_period(survey),
        },
        status=400 if form.errors else 200,
    )


# --- the team: a resident who does not want surveys --------------------------------------------


@require_POST
@role_required(Role.PROFESSIONAL, COORDINATOR)
def objection(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The resident told the team it does not want to be asked for surveys: left out of every
    later sample (and of the letters of samples already drawn that it has not answered)."""
    client = get_client_for_user(user=request.user, pk=pk, request=request, log_read=False)
    services.objection_record(
        client_id=client.pk, user=request.user, today=timezone.localdate(), request=request
    )
    messages.success(request, _("Recorded: this resident is not asked for surveys any more."))
    return redirect("registration:client_detail", client.pk)


# --- the coordinator ---------------------------------------------------------------------------


@require_GET
@role_required(COORDINATOR)
def letters(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = []
    for survey in surveys_for(request.user).filter(status=SurveyStatus.OPEN):
        mine = letters_for(request.user, survey)
        rows.append((survey, mine.count(), selectors.reminders_due(mine, survey, today).count()))
    pending = open_answers_for(request.user).filter(screening=Screening.PENDING).count()
    return render(request, "survey/letters.html", {"rows": rows, "pending": pending})


@require_POST
@role_required(COORDINATOR)
def letters_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The letters of the coordinator's teams as PDF (one letter per page) or as a CSV for a
    mail merge. Reminders are the letters due a reminder; printing them marks them reminded."""
    survey = get_survey_for_user(user=request.user, pk=pk)
    kind = request.POST.get("soort", "uitnodiging")
    fmt = request.POST.get("formaat", "pdf")
    if kind not in ("uitnodiging", "herinnering") or fmt not in ("pdf", "csv"):
        messages.error(request, _("Choose invitation or reminder, as PDF or CSV."))
        return redirect("survey:letters")
    today = timezone.localdate()
    invitations = letters_for(request.user, survey).select_related("client", "team")
    if kind == "herinnering":
        invitations = selectors.reminders_due(invitations, survey, today)
    chosen: list[Invitation] = list(invitations.order_by("team__name", "client__last_name"))
    if not chosen:
        messages.info(request, _("There are no letters to print."))
        return redirect("survey:letters")
    log_access(
        user=request.user,
        action=Action.EXPORT,
        object_type=ObjectType.SURVEY_INVITATION,
        object_id=survey.pk,
        request=request,
        detail={"kind": kind, "format": fmt, "clients": sorted(i.client_id or 0 for i in chosen)},
    )
    if kind == "herinnering":
        services.reminders_record(survey=survey, invitations=chosen, today=today)
    address = request.build_absolute_uri("/enquete/")
    filename = f"enquete-{survey.pk}-{kind}en-{today:%Y%m%d}"
    if fmt == "csv":
        rows: list[list[object]] = [
            [
                "voornaam",
                "tussenvoegsel",
                "achternaam",
                "postcode",
                "huisnummer",
                "e-mail",
                "team",
                "code",
                "link",
                "soort",
            ]
        ]
        for i in chosen:
            client = i.client
            assert client is not None
            rows.append(
                [
                    client.first_name,
                    client.name_prefix,
                    client.last_name,
                    client.postcode,
                    client.house_number,
                    client.email,
                    i.team.name,
                    i.code,
                    f"{address}{i.token}/",
                    kind,
                ]
            )
        response = HttpResponse(csv_text(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    from vivera.monitor.pdf import PdfUnavailable, render_pdf

    html = render(
        request,
        "survey/letters_print.html",
        {
            "survey": survey,
            "letters": chosen,
            "address": address,
            "reminder": kind == "herinnering",
            "today": today,
            "municipality": request.user.municipality,
        },
    ).content.decode()
    try:
        pdf = render_pdf(html)
    except PdfUnavailable:
        return HttpResponse(html)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response


@require_GET
@role_required(COORDINATOR)
def screening(request: AuthenticatedHttpRequest) -> HttpResponse:
    pending = (
        open_answers_for(request.user)
        .filter(screening=Screening.PENDING)
        .select_related("question", "response__survey")
        .order_by("pk")[:50]
    )
    return render(
        request,
        "survey/screening.html",
        {"items": [(a, ScreenForm(prefix=f"a{a.pk}", initial={"text": a.text})) for a in pending]},
    )


@require_POST
@role_required(COORDINATOR)
def screen(request: AuthenticatedHttpRequest, answer_pk: int) -> HttpResponse:
    answer = get_open_answer_for_user(user=request.user, pk=answer_pk)
    form = ScreenForm(request.POST, prefix=f"a{answer.pk}")
    if form.is_valid():
        try:
            services.answer_screen(
                answer=answer,
                user=request.user,
                decision=form.cleaned_data["decision"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            show_in_form(form, error)
        else:
            messages.success(request, _("Your decision has been saved."))
            return redirect("survey:screening")
    return render(
        request, "survey/screening.html", {"items": [(answer, form)], "one": True}, status=400
    )
