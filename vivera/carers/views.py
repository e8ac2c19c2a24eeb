"""The carers' consultant's pages (docs/carers.md): the register, a carer's page with its care
relations, support and applications, and the professional's registration of a client's carer.
The appreciation's pages are in `appreciation_views.py`. Every carer is fetched through
`access.py`, which logs the read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vivera.accounts.access import AuthenticatedHttpRequest, municipality_of, role_required
from vivera.accounts.models import Role
from vivera.core.errors import submit
from vivera.registration.access import get_dossier_for_user

from . import access, selectors, services
from .forms import (
    CarerEditForm,
    ClientRegistrationForm,
    EndRelationForm,
    LeaveForm,
    RegisterFilterForm,
    RelationForm,
    StaffRegistrationForm,
    SupportForm,
)
from .models import Carer, CarerStatus
from .views_common import carer_fields, relation_fields

CONSULTANT = Role.CARER_CONSULTANT
PAGE_SIZE = 50  # carers a page of the register shows (only those are in the access log)


def _carer_form(
    request: AuthenticatedHttpRequest,
    pk: int,
    *,
    make_form: Callable[[Any, Carer], forms.Form],
    save: Callable[[Carer, dict[str, Any]], Any],
    success: str,
    template: str,
) -> HttpResponse:
    """The flow of the consultant's forms on one carer: fetch it, build the form, save through
    the service, back to the carer's page. One line in the access log per request: the
    service's change when saved, else the read of the page shown (a refused form too)."""
    posted = request.method == "POST"
    carer = access.get_carer_for_user(
        user=request.user, pk=pk, request=request, log_read=not posted
    )
    form = make_form(request.POST or None, carer)
    saved, _result = submit(request, form, lambda data: save(carer, data), success)
    if saved:
        return redirect("carers:detail", carer.pk)
    if posted:
        access.log_carer_read(user=request.user, carer=carer, request=request)
    return render(
        request, template, {"form": form, "carer": carer}, status=400 if form.errors else 200
    )


@require_GET
@role_required(CONSULTANT)
def register(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = RegisterFilterForm(request.GET or None)
    filters = selectors.RegisterFilter()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.RegisterFilter(data["q"], data["status"], data["group"])
    carers = access.carers_for(request.user)
    page = Paginator(selectors.register(carers, filters), PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    rows = list(page.object_list)
    due = list(selectors.follow_ups_due(carers, timezone.localdate()))
    query = request.GET.copy()
    query.pop("pagina", None)
    access.log_list_read(
        user=request.user,
        carers=[*rows, *(r.carer for r in due)],
        request=request,
        what="carers:register",
    )
    return render(
        request,
        "carers/register.html",
        {
            "form": form,
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "due": due,
            "waiting": carers.filter(status=CarerStatus.PENDING).count(),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(CONSULTANT)
def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = StaffRegistrationForm(request.POST or None)
    saved, carer = submit(
        request,
        form,
        lambda data: services.carer_register_staff(
            user=request.user,
            municipality=municipality_of(request.user),
            carer=carer_fields(data),
            relation=relation_fields(data),
            request=request,
        ),
        _("The carer is registered."),
    )
    if saved:
        return redirect("carers:detail", carer.pk)
    return render(request, "carers/create.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
@role_required(CONSULTANT)
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    carer = access.get_carer_for_user(user=request.user, pk=pk, request=request)
    relations = list(carer.relations.select_related("client"))
    return render(
        request,
        "carers/detail.html",
        {
            "carer": carer,
            "relations": relations,
            "groups": sorted(
                str(label)
                for code, label in selectors.Group.choices
                if code in selectors.groups_of(carer, relations, timezone.localdate())
            ),
            "support": carer.support.select_related("recorded_by"),
            "applications": carer.applications.select_related("scheme", "relation"),
            "support_form": SupportForm(initial={"date": timezone.localdate()}),
            "end_form": EndRelationForm(initial={"on": timezone.localdate()}),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(CONSULTANT)
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _carer_form(
        request,
        pk,
        make_form=lambda data, carer: CarerEditForm(
            data, initial={name: getattr(carer, name) for name in CarerEditForm.base_fields}
        ),
        save=lambda carer, data: services.carer_update(
            user=request.user, carer=carer, request=request, **carer_fields(data)
        ),
        success=_("Saved."),
        template="carers/edit.html",
    )


@require_POST
@role_required(CONSULTANT)
def confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    carer = access.get_carer_for_user(user=request.user, pk=pk, request=request, log_read=False)
    services.carer_confirm(user=request.user, carer=carer)
    messages.success(request, _("The registration is confirmed."))
    return redirect("carers:detail", carer.pk)


@require_http_methods(["GET", "POST"])
@role_required(CONSULTANT)
def leave(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _carer_form(
        request,
        pk,
        make_form=lambda data, _carer: LeaveForm(data, initial={"on": timezone.localdate()}),
        save=lambda carer, data: services.carer_leave(
            user=request.user, carer=carer, on=data["on"], reason=data["reason"], request=request
        ),
        success=_("The carer left the register."),
        template="carers/leave.html",
    )


@require_http_methods(["GET", "POST"])
@role_required(CONSULTANT)
def relation_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _carer_form(
        request,
        pk,
        make_form=lambda data, _carer: RelationForm(data),
        save=lambda carer, data: services.relation_add(
            user=request.user, carer=carer, request=request, **relation_fields(data)
        ),
        success=_("Saved."),
        template="carers/relation_add.html",
    )


@require_POST
@role_required(CONSULTANT)
def relation_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    relation = access.get_relation_for_user(user=request.user, pk=pk, request=request)
    form = EndRelationForm(request.POST)
    if form.is_valid():
        try:
            services.relation_end(
                user=request.user, relation=relation, on=form.cleaned_data["on"], request=request
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Write the date as dd-mm-yyyy."))
    return redirect("carers:detail", relation.carer_id)


@require_http_methods(["GET", "POST"])
@role_required(CONSULTANT)
def support_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _carer_form(
        request,
        pk,
        make_form=lambda data, _carer: SupportForm(data, initial={"date": timezone.localdate()}),
        save=lambda carer, data: services.support_add(
            user=request.user, carer=carer, request=request, **data
        ),
        success=_("Saved."),
        template="carers/support_add.html",
    )


@require_POST
@role_required(CONSULTANT)
def followed_up(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = access.get_support_for_user(user=request.user, pk=pk, request=request)
    services.follow_up_done(user=request.user, record=record, request=request)
    messages.success(request, _("Saved."))
    return redirect("carers:register")


# --- The professional: a client's carer -------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(Role.PROFESSIONAL, Role.COORDINATOR)
def for_client(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A professional registers the carer of the client of a dossier it may see."""
    dossier = get_dossier_for_user(user=request.user, pk=pk, request=request)
    if dossier.is_closed:  # as for every addition to a dossier: a closed one takes none
        messages.error(request, _("This dossier is closed. Re-open it first."))
        return redirect("registration:dossier_detail", dossier.pk)
    form = ClientRegistrationForm(
        request.POST or None, initial={"cared_for_name": dossier.client.full_name}
    )

    def save(data: dict[str, Any]) -> Any:
        relation = relation_fields(data)
        relation["client"] = dossier.client if data["client_consent_on"] else None
        relation["client_consent_on"] = data["client_consent_on"]
        return services.carer_register_staff(
            user=request.user,
            municipality=dossier.municipality,
            carer=carer_fields(data),
            relation=relation,
            request=request,
        )

    saved, _result = submit(request, form, save, _("The carer is registered."))
    if saved:
        return redirect("registration:dossier_detail", dossier.pk)
    return render(
        request,
        "carers/for_client.html",
        {"form": form, "dossier": dossier},
        status=400 if form.errors else 200,
    )
