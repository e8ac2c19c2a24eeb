"""The functional administrator's survey pages (docs/survey.md): typing in returned paper forms
by their code, and importing a survey bureau's file. The administrator sees which code answered
what, but never who has which code (the coordinators print the letters)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from vivera.accounts.access import AuthenticatedHttpRequest, role_required
from vivera.accounts.models import Role
from vivera.core.errors import show_in_form
from vivera.core.spreadsheets import csv_text
from vivera.imports import readers

from . import bureau, services
from .access import get_survey_for_user, surveys_for
from .answers import AnswerForm, answers_from, locations_for
from .models import ResponseChannel, SurveyStatus


@require_GET
@role_required(Role.ADMIN)
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    surveys = surveys_for(request.user).filter(status=SurveyStatus.OPEN)
    return render(request, "survey/intake/index.html", {"surveys": surveys})


class PaperForm(AnswerForm):
    code = forms.CharField(
        label=gettext_lazy("Code on the form"),
        max_length=30,
        error_messages={"required": gettext_lazy("Type the code printed on the form.")},
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def paper(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    survey = get_survey_for_user(user=request.user, pk=pk)
    questions = list(services.current_version(survey).questions.order_by("position"))
    form = PaperForm(
        request.POST if request.method == "POST" else None,
        questions=questions,
        locations=locations_for(survey),
    )
    form.order_fields(["code"])
    if request.method == "POST" and form.is_valid():
        try:
            services.response_enter(
                code=form.cleaned_data["code"],
                answers=answers_from(form),
                channel=ResponseChannel.PAPER,
                today=timezone.localdate(),
                user=request.user,
                survey=survey,
            )
        except ValidationError as error:
            show_in_form(form, error)
        else:
            messages.success(
                request,
                _("The answers of code %(code)s have been saved. Type in the next form.")
                % {"code": form.cleaned_data["code"].upper()},
            )
            return redirect("survey_intake:paper", survey.pk)
    return render(
        request,
        "survey/intake/paper.html",
        {"survey": survey, "form": form},
        status=400 if form.errors else 200,
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File from the survey bureau (CSV or XLSX)"),
        error_messages={"required": gettext_lazy("Choose the file.")},
    )
    only_check = forms.BooleanField(
        label=gettext_lazy("Only check, import nothing"), required=False
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def bureau_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    survey = get_survey_for_user(user=request.user, pk=pk)
    form = UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = readers.read_bytes(upload.name, upload.read())
        except readers.ReadError as error:
            form.add_error("file", str(error))
        else:
            result = bureau.bureau_import(
                survey=survey,
                table=table,
                user=request.user,
                today=timezone.localdate(),
                only_check=form.cleaned_data["only_check"],
            )
    return render(
        request,
        "survey/intake/bureau.html",
        {
            "survey": survey,
            "form": form,
            "result": result,
            "columns": [name for name, _q, _l in bureau.columns(survey)],
        },
        status=400 if form.errors or (result is not None and not result.ok) else 200,
    )


@require_GET
@role_required(Role.ADMIN)
def column_template(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An empty file with the survey's columns, for the bureau."""
    survey = get_survey_for_user(user=request.user, pk=pk)
    response = HttpResponse(
        csv_text([[name for name, _q, _l in bureau.columns(survey)]]),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="enquete-{survey.pk}-kolommen.csv"'
    return response
