"""The import page for the functional administrator: upload, check, read the report, then
import everything or, explicitly, only the valid rows."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vivera.accounts.access import AuthenticatedHttpRequest, municipality_id_of, role_required
from vivera.accounts.models import Role

from .forms import ConfirmForm, UploadForm
from .models import ImportRun, Kind, Mode
from .services import (
    ImportRefused,
    ImportResult,
    import_cancel,
    import_check_upload,
    import_expire_pending,
    import_pending,
    pending_minutes,
    pending_run_for,
)

SHOWN_PROBLEMS = 1_000  # the page lists at most this many; `vivera import` lists them all
RECENT_RUNS = 10


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def import_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    import_expire_pending()
    posted = request.method == "POST"  # bound also when nothing at all was sent
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        uploads = [(f.name or "", f.read()) for f in form.cleaned_data["files"]]
        result = import_check_upload(user=request.user, uploads=uploads, request=request)
        return _report(request, result)
    runs = ImportRun.objects.filter(
        municipality_id=municipality_id_of(request.user)
    ).select_related("user")[:RECENT_RUNS]
    return render(request, "imports/import.html", {"form": form, "runs": runs})


@require_POST
@role_required(Role.ADMIN)
def import_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to import."))
        return redirect("imports:import")
    try:
        run = pending_run_for(user=request.user, run_id=form.cleaned_data["run"], request=request)
    except ImportRefused as exc:
        messages.error(request, str(exc))
        return redirect("imports:import")
    mode = Mode.VALID_ONLY if form.cleaned_data["mode"] == Mode.VALID_ONLY else Mode.ALL
    result = import_pending(user=request.user, run=run, mode=mode, request=request)
    return _report(request, result)


@require_POST
@role_required(Role.ADMIN)
def import_cancel_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            run = pending_run_for(
                user=request.user, run_id=form.cleaned_data["run"], request=request
            )
        except ImportRefused as exc:
            messages.error(request, str(exc))
        else:
            import_cancel(run=run)
            messages.success(
                request, _("The import was cancelled and the uploaded files were deleted.")
            )
    return redirect("imports:import")


def _report(request: HttpRequest, result: ImportResult) -> HttpResponse:
    plan = result.plan
    counts = [(Kind(kind).label, count) for kind, count in plan.counts.items() if count.rows]
    invalid = sum(c.invalid for c in plan.counts.values())
    return render(
        request,
        "imports/report.html",
        {
            "result": result,
            "run": result.run,
            "counts": counts,
            "invalid": invalid,
            "problems": plan.problems[:SHOWN_PROBLEMS],
            "problem_count": len(plan.problems),
            "shown": SHOWN_PROBLEMS,
            "pending": result.run.outcome == "pending",
            "minutes": pending_minutes(),
            "no_rows": not any(c.rows for c in plan.counts.values()),
        },
    )
