"""The policy advisor's pages of the activity overview, and the partner's proposal page
(docs/plans.md). Thin: the rules are in `services.py`, the reads in `selectors.py`, access in
`access.py`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vivera.accounts.access import AuthenticatedHttpRequest, municipality_id_of, role_required
from vivera.accounts.models import Role
from vivera.core.errors import show_in_form
from vivera.imports import readers

from . import document, importing, selectors, services
from .access import (
    get_activity_for_user,
    get_cluster_for_user,
    get_note_for_user,
    get_plan_for_user,
    get_target_for_user,
)
from .forms import (
    ActivityForm,
    ClusterForm,
    DecideForm,
    ImportForm,
    MeasurementForm,
    MoveForm,
    NewActivityForm,
    NoteForm,
    OverviewDateForm,
    PlanForm,
    TargetForm,
)
from .models import Cluster

POLICY = Role.POLICY


def _version(request: HttpRequest) -> int:
    """The version the form was opened at; anything but a number is a version nobody saved
    (so the edit is refused as stale, never a server error)."""
    value = request.POST.get("version", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else 0


def _status(form: Any) -> int:
    return 400 if form.errors else 200


@require_http_methods(["GET", "POST"])
@role_required(POLICY)
def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_in_form(form, error)
        else:
            messages.success(request, _("The plan has been made. Add its clusters."))
            return redirect("plans:detail", plan.pk)
    plans = selectors.plans_for(request.user).select_related("created_by")
    proposals = selectors.proposals_for(request.user).count()
    return render(
        request,
        "plans/list.html",
        {"form": form, "plans": plans, "proposals": proposals},
        status=_status(form),
    )


def _day(request: AuthenticatedHttpRequest) -> tuple[OverviewDateForm, dt.date]:
    form = OverviewDateForm(request.GET or None)
    day = timezone.localdate()
    if form.is_bound and form.is_valid() and form.cleaned_data["datum"]:
        day = form.cleaned_data["datum"]
    return form, day


@require_GET
@role_required(POLICY)
def plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(user=request.user, pk=pk, request=request)
    form, day = _day(request)
    overview = selectors.overview(plan, day)
    return render(
        request,
        "plans/detail.html",
        {
            **document.context(overview),
            "date_form": form,
            "editable": True,
            "query": request.GET.urlencode(),
        },
        status=_status(form),
    )


@require_GET
@role_required(POLICY)
def plan_document(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in ("pdf", "docx"):
        raise Http404
    plan = get_plan_for_user(user=request.user, pk=pk, request=request)
    _form, day = _day(request)
    overview = selectors.overview(plan, day)
    name = f"activiteitenoverzicht-{plan.pk}-{day:%Y%m%d}"
    if fmt == "docx":
        response = HttpResponse(
            document.document_docx(overview),
            content_type=(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            ),
        )
    else:
        from vivera.monitor.pdf import PdfUnavailable

        try:
            response = HttpResponse(document.document_pdf(overview), content_type="application/pdf")
        except PdfUnavailable:
            return render(request, "monitor/pdf_unavailable.html", {}, status=503)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_http_methods(["GET", "POST"])
@role_required(POLICY)
def cluster_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(user=request.user, pk=pk, request=request)
    return _cluster_form(request, plan=plan, cluster=None)


@require_http_methods(["GET", "POST"])
@role_required(POLICY)
def cluster_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cluster = get_cluster_for_user(user=request.user, pk=pk, request=request)
    return _cluster_form(request, plan=cluster.plan, cluster=cluster)


def _cluster_form(
    request: AuthenticatedHttpRequest, *, plan: Any, cluster: Cluster | None
) -> HttpResponse:
    initial = {"title": cluster.title, "goal": cluster.goal} if cluster else None
    form = ClusterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.cluster_save(
                user=request.user, plan=plan, cluster=cluster, **form.cleaned_data
            )
        except ValidationError as error:
            show_in_form(form, error)
        else:
            return redirect(f"{plan_url(plan.pk)}#cluster-{saved.pk}")
    return render(
        request,
        "plans/form.html",
        {
            "form": form,
            "plan": plan,
            "title": _("Change cluster") if cluster else _("Add cluster"),
        },
        status=_status(form),
    )


def plan_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("plans:detail", args=[pk])


@require_http_methods(["GET", "POST"])
@role_required(POLICY)
def activity_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cluster = get_cluster_for_user(user=request.user, pk=pk, request=request)
    form = NewActivityForm(
        request.POST or None,
        municipality_id=municipality_id_of(request.user),
        initial={"date": timezone.localdate(), "status": "planned"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            activity = services.activity_add(
                user=request.user,
                cluster=cluster,
                description=data["description"],
                partners=data["partners"],
                status=data["status"],
                note=data["text"],
                date=data["date"],
            )
        except ValidationError as error:
            show_in_form(form, error)
        else:
            return redirect("plans:activity", activity.pk)
    return render(
        request,
        "plans/form.html",
        {"form": form, "plan": cluster.plan, "title": _("Add activity"), "subtitle": cluster},
        status=_status(form),
    )


@require_http_methods(["GET", "POST"])
@role_required(POLICY)
def activity_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(user=request.user, pk=pk, request=request)
    plan = activity.cluster.plan
    municipality_id = municipality_id_of(request.user)
    later = Cluster.objects.filter(
        plan__municipality_id=municipality_id, plan__start_date__gt=plan.start_date
    ).select_related("plan")
    note_form = NoteForm(initial={"date": timezone.localdate()}, prefix="note")
    edit_form = ActivityForm(
        initial={"description": activity.description, "partners": activity.partners.all()},
        municipality_id=municipality_id,
        prefix="edit",
    )
    move_form = MoveForm(clusters=later, prefix="move")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "note":
                note_form = NoteForm(request.POST, prefix="note")
                if note_form.is_valid():
                    services.note_add(
                        user=request.user, activity=activity, **note_form.cleaned_data
                    )
                    messages.success(request, _("The status note has been added."))
                    return redirect("plans:activity", activity.pk)
            elif action == "edit":
                edit_form = ActivityForm(
                    request.POST, municipality_id=municipality_id, prefix="edit"
                )
                if edit_form.is_valid():
                    services.activity_change(
                        user=request.user,
                        activity=activity,
                        description=edit_form.cleaned_data["description"],
                        partners=edit_form.cleaned_data["partners"],
                        version=_version(request),
                    )
                    messages.success(request, _("The activity has been saved."))
                    return redirect("plans:activity", activity.pk)
            elif action == "move":
                move_form = MoveForm(request.POST, clusters=later, prefix="move")
                if move_form.is_valid():
                    moved = services.activity_move(
                        user=request.user, activity=activity, to=move_form.cleaned_data["to"]
                    )
                    messages.success(request, _("The activity has been carried over."))
                    return redirect("plans:activity", moved.pk)
        except ValidationError as error:
            target = {"note": note_form, "edit": edit_form, "move": move_form}.get(action or "")
            if target is not None:
                show_in_form(target, error)
        except services.Stale:
            edit_form.add_error(
                None,
                _(
                    "Someone else saved this activity after you opened it. Nothing was "
                    "overwritten: see the activity as it is now and make your change again."
                ),
            )
    errors = note_form.errors or edit_form.errors or move_form.errors
    return render(
        request,
        "plans/activity.html",
        {
            "activity": activity,
            "plan": plan,
            "history": selectors._history(activity, dt.date.max),
            "current": selectors.current_note(activity, timezone.localdate()),
            "note_form": note_form,
            "edit_form": edit_form,
            "move_form": move_form if later.exists() else None,
        },
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(POLICY)
def target_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cluster = get_cluster_for_user(user=request.user, pk=pk, request=request)
    form = TargetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            target = services.target_save(user=request.user, cluster=cluster, **form.cleaned_data)
        except ValidationError as error:
            show_in_form(form, error)
        else:
            return redirect("plans:target", target.pk)
    return render(
        request,
        "plans/form.html",
        {"form": form, "plan": cluster.plan, "title": _("Add target"), "subtitle": cluster},
        status=_status(form),
    )


@require_http_methods(["GET", "POST"])
@role_required(POLICY)
def target_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = get_target_for_user(user=request.user, pk=pk, request=request)
    fields = [
        "description",
        "unit",
        "baseline_year",
        "baseline_value",
        "target_value",
        "target_date",
        "direction",
        "figure",
    ]
    form = TargetForm(initial={f: getattr(target, f) for f in fields}, prefix="target")
    measurement_form = MeasurementForm(initial={"date": timezone.localdate()}, prefix="measurement")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "target":
                form = TargetForm(request.POST, prefix="target")
                if form.is_valid():
                    services.target_save(
                        user=request.user,
                        cluster=target.cluster,
                        target=target,
                        version=_version(request),
                        **form.cleaned_data,
                    )
                    messages.success(request, _("The target has been saved."))
                    return redirect("plans:target", target.pk)
            elif action == "measurement":
                measurement_form = MeasurementForm(request.POST, prefix="measurement")
                if measurement_form.is_valid():
                    services.measurement_add(
                        user=request.user, target=target, **measurement_form.cleaned_data
                    )
                    messages.success(request, _("The measurement has been added."))
                    return redirect("plans:target", target.pk)
        except ValidationError as error:
            show_in_form(measurement_form if action == "measurement" else form, error)
        except services.Stale:
            form.add_error(
                None,
                _(
                    "Someone else saved this target after you opened it. Nothing was "
                    "overwritten: see the target as it is now and make your change again."
                ),
            )
    progress = selectors.progress(target, timezone.localdate())
    return render(
        request,
        "plans/target.html",
        {
            "target": target,
            "plan": target.cluster.plan,
            "progress": progress,
            "form": form,
            "measurement_form": None if target.figure else measurement_form,
            "measurements": target.measurements.select_related("entered_by"),
        },
        status=400 if form.errors or measurement_form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(POLICY)
def import_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            table = readers.read_bytes(data["file"].name or "", data["file"].read())
        except readers.ReadError as error:
            form.add_error("file", str(error))
        else:
            result = importing.import_overview(
                user=request.user,
                title=data["title"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                table=table,
                today=timezone.localdate(),
            )
            if result.plan is not None:
                messages.success(request, _("The overview has been imported."))
                return redirect("plans:detail", result.plan.pk)
    return render(
        request,
        "plans/import.html",
        {"form": form, "result": result},
        status=400 if form.errors or (result is not None and not result.ok) else 200,
    )


def _proposals_page(
    request: AuthenticatedHttpRequest, failed: DecideForm | None = None, failed_pk: int = 0
) -> HttpResponse:
    rows = [
        (note, failed if note.pk == failed_pk and failed else DecideForm(prefix=f"n{note.pk}"))
        for note in selectors.proposals_for(request.user)
    ]
    return render(request, "plans/proposals.html", {"rows": rows}, status=400 if failed else 200)


@require_GET
@role_required(POLICY)
def proposals(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _proposals_page(request)


@require_POST
@role_required(POLICY)
def decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    note = get_note_for_user(user=request.user, pk=pk, request=request)
    form = DecideForm(request.POST, prefix=f"n{note.pk}")
    form.is_valid()
    accept = request.POST.get("decision") == "accept"
    try:
        services.note_decide(
            user=request.user, note=note, accept=accept, reason=form.cleaned_data.get("reason", "")
        )
    except ValidationError as error:
        show_in_form(form, error)
        return _proposals_page(request, form, note.pk)
    messages.success(
        request,
        _("The proposal has been accepted.") if accept else _("The proposal has been sent back."),
    )
    return redirect("plans:proposals")


# --- The partner organisation ---------------------------------------------------------------------


@require_GET
@role_required(Role.PARTNER)
def partner_activities(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = [
        (
            a,
            selectors.current_note(a, today),
            a.notes.filter(partner_id=request.user.partner_id).order_by("-written_at").first(),
        )
        for a in selectors.activities_of_partner(request.user)
    ]
    return render(request, "plans/partner_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@role_required(Role.PARTNER)
def partner_propose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(user=request.user, pk=pk, request=request)
    form = NoteForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.note_add(user=request.user, activity=activity, **form.cleaned_data)
        except ValidationError as error:
            show_in_form(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your proposal has been sent. A policy advisor of the municipality decides "
                    "on it."
                ),
            )
            return redirect("plans_partner:list")
    history = [
        n
        for n in selectors._history(activity, dt.date.max)
        if n.state == "accepted" or n.partner_id == request.user.partner_id
    ]
    return render(
        request,
        "plans/partner_propose.html",
        {"activity": activity, "form": form, "history": history},
        status=_status(form),
    )
