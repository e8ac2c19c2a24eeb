"""The resident's pages (docs/survey.md, "De pagina's van de inwoner"): open without login. A
resident comes in with the code from its letter (typed on /enquete/) or its personal link
(/enquete/<token>/), answers one question per screen, may stop and come back with the same
link or code until the survey closes, and sends its answers once.

Guessing: every unknown code or link is a refused line in the access log, and an address with
VIVERA_SURVEY_CODE_FAILURE_LIMIT of them in the lockout period gets 429 on every page here.
The code form is a `core.botguard.BotGuardForm`: a honeypot field and a signed start time; sent
back too fast, or with the hidden field filled in, it is refused and changes nothing. No
tracking, no external resources (the site's own CSS only), no cookies beyond the CSRF cookie.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from vivera.core.botguard import BotGuardForm

from . import services
from .answers import AnswerForm, answers_from, initial_from, locations_for
from .models import Answer, Invitation, Question, Response

InvitationView = Callable[..., HttpResponse]
SALT = "vivera-survey-code-form"


class CodeForm(BotGuardForm):
    salt = SALT
    refusal = gettext_lazy("Something went wrong. Wait a moment and type the code again.")
    code = forms.CharField(
        label=gettext_lazy("Code from your letter"),
        max_length=30,
        help_text=gettext_lazy("Ten letters and digits, for example ABCDE-23456."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        error_messages={"required": gettext_lazy("Type the code from your letter.")},
    )


def _too_many(request: HttpRequest) -> HttpResponse | None:
    if services.code_refusals_from(request) >= settings.VIVERA_SURVEY_CODE_FAILURE_LIMIT:
        return render(request, "survey/public/refused.html", {"reason": "too_many"}, status=429)
    return None


def _refused(request: HttpRequest, refused: services.SurveyRefused) -> HttpResponse:
    status = 404 if refused.reason == "unknown" else 410
    return render(request, "survey/public/refused.html", {"reason": refused.reason}, status=status)


@login_not_required
@require_http_methods(["GET", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    if (blocked := _too_many(request)) is not None:
        return blocked
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_find(code=form.cleaned_data["code"], request=request)
        except services.SurveyRefused as refused:
            if refused.reason != "unknown":
                return _refused(request, refused)
            form.add_error(
                "code", _("We do not know this code. Check the code on your letter and try again.")
            )
        else:
            return redirect("survey_public:start", token=invitation.token)
    form.restamp()  # a new start time for the next try
    return render(
        request, "survey/public/code.html", {"form": form}, status=400 if form.errors else 200
    )


def _with_invitation(view: InvitationView) -> Callable[..., HttpResponse]:
    """The start of every page under a personal link: refuse an address that guessed too
    often, then find the link's invitation (an unknown one is a refused access-log line) or
    answer why it no longer works."""

    @wraps(view)
    def page(request: HttpRequest, token: str, **kwargs: Any) -> HttpResponse:
        if (blocked := _too_many(request)) is not None:
            return blocked
        try:
            invitation = services.invitation_find(token=token, request=request)
        except services.SurveyRefused as refused:
            return _refused(request, refused)
        return view(request, invitation, token, **kwargs)

    return page


def _questions(response: Response) -> list[Question]:
    return list(response.version.questions.order_by("position"))


@login_not_required
@require_http_methods(["GET", "POST"])
@_with_invitation
def start(request: HttpRequest, invitation: Invitation, token: str) -> HttpResponse:
    if request.method == "POST":
        response = services.response_start(token=token)
        total = response.version.questions.count()
        return redirect(
            "survey_public:question", token=token, number=min(response.position + 1, total)
        )
    version = services.current_version(invitation.survey)
    resumed = invitation.response is not None
    count = (
        invitation.response.version.questions.count()
        if invitation.response is not None
        else version.questions.count()
    )
    return render(
        request,
        "survey/public/start.html",
        {"survey": invitation.survey, "token": token, "count": count, "resumed": resumed},
    )


@login_not_required
@require_http_methods(["GET", "POST"])
@_with_invitation
def question(request: HttpRequest, invitation: Invitation, token: str, number: int) -> HttpResponse:
    response = services.response_start(token=token)
    questions = _questions(response)
    if not 1 <= number <= len(questions):
        raise Http404
    current = questions[number - 1]
    locations = locations_for(invitation.survey)
    saved = Answer.objects.filter(response=response, question=current).select_related(
        "question", "location"
    )
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        questions=[current],
        locations=locations,
        initial=initial_from(saved),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.answers_save(token=token, answers=answers_from(form), position=number)
        except services.SurveyRefused as refused:
            return _refused(request, refused)
        action = request.POST.get("actie", "volgende")
        if action == "vorige" and number > 1:
            return redirect("survey_public:question", token=token, number=number - 1)
        if action == "later":
            return redirect("survey_public:later", token=token)
        if number < len(questions):
            return redirect("survey_public:question", token=token, number=number + 1)
        return redirect("survey_public:submit", token=token)
    return render(
        request,
        "survey/public/question.html",
        {
            "survey": invitation.survey,
            "form": form,
            "question": current,
            "fields": form.groups()[0][1],
            "number": number,
            "total": len(questions),
            "token": token,
        },
        status=400 if form.errors else 200,
    )


@login_not_required
@require_GET
@_with_invitation
def later(request: HttpRequest, invitation: Invitation, token: str) -> HttpResponse:
    return render(
        request, "survey/public/later.html", {"survey": invitation.survey, "token": token}
    )


@login_not_required
@require_http_methods(["GET", "POST"])
@_with_invitation
def submit(request: HttpRequest, invitation: Invitation, token: str) -> HttpResponse:
    response = services.response_start(token=token)
    if request.method == "POST":
        try:
            services.response_submit(token=token, today=timezone.localdate())
        except services.SurveyRefused as refused:
            return _refused(request, refused)
        return redirect("survey_public:thanks")
    answered = Answer.objects.filter(response=response).values("question_id").distinct().count()
    return render(
        request,
        "survey/public/submit.html",
        {
            "survey": invitation.survey,
            "token": token,
            "answered": answered,
            "total": len(_questions(response)),
        },
    )


class DeclineForm(forms.Form):
    never_again = forms.BooleanField(
        label=gettext_lazy("Do not ask me for surveys later either"), required=False
    )


@login_not_required
@require_http_methods(["GET", "POST"])
@_with_invitation
def decline(request: HttpRequest, invitation: Invitation, token: str) -> HttpResponse:
    form = DeclineForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.invitation_decline(
            token=token,
            today=timezone.localdate(),
            never_again=form.cleaned_data["never_again"],
        )
        return redirect("survey_public:declined")
    return render(
        request,
        "survey/public/decline.html",
        {"survey": invitation.survey, "form": form, "token": token},
    )


@login_not_required
@require_GET
def declined(request: HttpRequest) -> HttpResponse:
    return render(request, "survey/public/declined.html")


@login_not_required
@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "survey/public/thanks.html")
