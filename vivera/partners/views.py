"""The team's triage queue of partner submissions: thin views over access, forms and services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vivera.accounts.access import AuthenticatedHttpRequest, role_required
from vivera.accounts.models import Role
from vivera.audit.models import Action
from vivera.audit.services import log_access
from vivera.core.errors import show_in_form
from vivera.organisation.selectors import teams_for_user
from vivera.registration.access import check_bsn
from vivera.registration.forms import refuse_bsn_clash

from . import selectors, services
from .access import get_submission_for_user
from .forms import (
    AttemptForm,
    PartnerSubmissionForm,
    SubmissionStatusForm,
    TakeForm,
    ToDossierForm,
)
from .models import Submission, SubmissionKind

if TYPE_CHECKING:
    from .selectors import SubmissionForPartner

TEAM_ROLES = (Role.PROFESSIONAL, Role.COORDINATOR)


@dataclass(frozen=True)
class SentRow:
    """A submission on the partner's own page, with its status as the partner sees it."""

    submission: SubmissionForPartner
    status_label: str


@require_GET
@role_required(*TEAM_ROLES)
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    show_all = request.GET.get("alle") == "1"
    submissions = list(selectors.triage_queue(user=request.user, show_all=show_all))
    if submissions:
        # The list shows names: one log line naming every submission shown.
        log_access(
            user=request.user,
            action=Action.READ,
            object_type="list",
            object_id="submission_queue",
            request=request,
            detail={"submissions": [s.pk for s in submissions]},
        )
    return render(
        request,
        "partners/queue.html",
        {
            "submissions": submissions,
            "show_all": show_all,
            "today": timezone.localdate(),
            "overdue": sum(1 for s in submissions if s.overdue),
        },
    )


def _detail(
    request: AuthenticatedHttpRequest, submission: Submission, *, status: int = 200, **forms: Form
) -> HttpResponse:
    """The submission's page, also after a refused POST: every time it shows the person, the
    read is logged (NEN 7513)."""
    log_access(
        user=request.user,
        action=Action.READ,
        object_type="submission",
        object_id=submission.pk,
        client_id=submission.dossier.client_id if submission.dossier is not None else None,
        request=request,
    )
    teams = teams_for_user(user=request.user)
    seen = selectors.with_partner_view(Submission.objects.filter(pk=submission.pk)).get()
    context: dict[str, Any] = {
        "submission": submission,
        "partner_history": selectors.partner_history(seen),
        "shared": seen.shared,
        "attempts": submission.attempts.select_related("recorded_by"),
        "overdue": Submission.objects.filter(pk=submission.pk)
        .filter(selectors.overdue_q(timezone.localdate()))
        .exists(),
        "attempt_form": forms.get("attempt_form") or AttemptForm(),
        "status_form": forms.get("status_form") or SubmissionStatusForm(submission=submission),
        "dossier_form": forms.get("dossier_form")
        or ToDossierForm(submission=submission, teams=teams),
        "take_form": forms.get("take_form") or TakeForm(teams=teams),
    }
    return render(request, "partners/detail.html", context, status=status)


@require_GET
@role_required(*TEAM_ROLES)
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    submission = get_submission_for_user(user=request.user, pk=pk, request=request, log_read=False)
    return _detail(request, submission)


@require_POST
@role_required(*TEAM_ROLES)
def attempt_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    submission = get_submission_for_user(user=request.user, pk=pk, request=request, log_read=False)
    form = AttemptForm(request.POST)
    if form.is_valid():
        try:
            services.attempt_add(
                user=request.user, submission=submission, **form.cleaned_data, request=request
            )
        except ValidationError as exc:
            show_in_form(form, exc)
        else:
            messages.success(request, _("The attempt was recorded."))
            return redirect("partners:detail", pk=submission.pk)
    return _detail(request, submission, status=400, attempt_form=form)


@require_POST
@role_required(*TEAM_ROLES)
def change_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    submission = get_submission_for_user(user=request.user, pk=pk, request=request, log_read=False)
    form = SubmissionStatusForm(request.POST, submission=submission)
    if form.is_valid():
        try:
            services.submission_change_status(
                user=request.user,
                submission=submission,
                to_status=form.cleaned_data["to_status"],
                date=form.cleaned_data["date"],
                version=form.cleaned_data["version"],
                request=request,
            )
        except ValidationError as exc:
            show_in_form(form, exc)
        else:
            messages.success(request, _("The status was changed."))
            return redirect("partners:detail", pk=submission.pk)
    return _detail(request, submission, status=400, status_form=form)


@require_POST
@role_required(*TEAM_ROLES)
def to_dossier(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    submission = get_submission_for_user(user=request.user, pk=pk, request=request, log_read=False)
    form = ToDossierForm(
        request.POST, submission=submission, teams=teams_for_user(user=request.user)
    )
    if form.is_valid():
        try:
            if submission.bsn:  # the duplicate check, logged before the write (issue 11)
                check = check_bsn(
                    user=request.user,
                    bsn=submission.bsn,
                    request=request,
                    purpose="submission_to_dossier",
                )
                if check.elsewhere:  # a client within reach is reused by the service
                    refuse_bsn_clash(form, check=check, user=request.user, bsn=submission.bsn)
            dossier = services.submission_to_dossier(
                user=request.user,
                submission=submission,
                team=form.cleaned_data["team"],
                referrer=form.cleaned_data["referrer"],
                version=form.cleaned_data["version"],
                request=request,
            )
        except ValidationError as exc:
            show_in_form(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Dossier %(dossier)s was opened. The partner sees 'handed over' only when the "
                    "resident consents to status feedback to the partner; record that on the "
                    "dossier page. Until then the partner sees 'finished'."
                )
                % {"dossier": dossier},
            )
            return redirect("registration:dossier_detail", pk=dossier.pk)
    return _detail(request, submission, status=400, dossier_form=form)


@require_POST
@role_required(*TEAM_ROLES)
def take(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    submission = get_submission_for_user(user=request.user, pk=pk, request=request, log_read=False)
    form = TakeForm(request.POST, teams=teams_for_user(user=request.user))
    if form.is_valid():
        try:
            services.submission_take(
                user=request.user,
                submission=submission,
                team=form.cleaned_data["team"],
                request=request,
            )
        except ValidationError as exc:
            show_in_form(form, exc)
        else:
            messages.success(request, _("Your team has taken this submission on."))
            return redirect("partners:detail", pk=submission.pk)
    return _detail(request, submission, status=400, take_form=form)


# --- The partner's own pages: send, and follow the status of what was sent ----------------------


@require_GET
@role_required(Role.PARTNER)
def portal(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Status only: the partner's reference, dates and status, never what the team records."""
    services.partner_of(request.user)  # an active partner organisation, or 403
    submissions = (
        selectors.partner_submissions(request.user)
        .order_by("-received_at", "-pk")
        .only(
            "reference",
            "kind",
            "received_at",
            "respond_by",
            "status",
            "status_since",
            "partner_id",
            "dossier_id",
        )[:200]
    )
    rows = [
        SentRow(submission, selectors.partner_status_label(submission.partner_status))
        for submission in submissions
    ]
    return render(
        request,
        "partners/portal.html",
        {"submissions": submissions, "rows": rows, "partner": request.user.partner},
    )


def _send(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    services.partner_of(request.user)  # an active partner organisation, or 403
    form = PartnerSubmissionForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            submission = services.submission_receive(
                user=request.user, kind=kind, **form.cleaned_data, request=request
            )
        except ValidationError as exc:
            show_in_form(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Received under your reference %(reference)s. The team makes a first attempt "
                    "to reach the resident by %(date)s."
                )
                % {
                    "reference": submission.reference,
                    "date": submission.respond_by.strftime("%d-%m-%Y"),
                },
            )
            return redirect("portal:home")
    return render(
        request,
        "partners/send.html",
        {"form": form, "kind": kind},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.PARTNER)
def send_referral(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _send(request, SubmissionKind.REFERRAL)


@require_http_methods(["GET", "POST"])
@role_required(Role.PARTNER)
def send_signal(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _send(request, SubmissionKind.SIGNAL)
