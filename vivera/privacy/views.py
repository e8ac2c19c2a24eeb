"""The administrator's pages for a person's right of access (AVG art. 15): find the person (a
client, or an informal carer of the carers' register), record the request, download the export
(PDF or JSON). Every page that shows a person is
logged; every download is a new export, recorded and logged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vivera.accounts.access import AuthenticatedHttpRequest, municipality_id_of, role_required
from vivera.accounts.models import Role
from vivera.audit.models import AccessLogEntry, Action, ObjectType
from vivera.audit.services import log_access
from vivera.carers.models import Carer
from vivera.core.errors import show_in_form
from vivera.monitor.pdf import PdfUnavailable
from vivera.registration.models import Client

from . import selectors, services
from .access import (
    get_carer_for_access_request,
    get_client_for_access_request,
    log_carer_read,
    log_client_read,
)
from .forms import AccessRequestForm, ExportForm, PersonSearchForm
from .models import AccessRequest

PAGE_SIZE = 50


@dataclass(frozen=True)
class RequestRow:
    """A request on the person's page, with the exports made for it."""

    access_request: AccessRequest
    exports: list[AccessLogEntry]


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The municipality's requests, and the search for a person (by POST, so names, dates of
    birth and BSNs stay out of addresses and server logs)."""
    user = request.user
    form = PersonSearchForm(request.POST or None)
    results = carers = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        results = selectors.client_search(
            municipality_id=municipality_id_of(user),
            name=data["q"],
            birth_date=data["birth_date"],
            bsn=data["bsn"],
        )
        log_access(
            user=user,
            action=Action.SEARCH,
            object_type="client",
            request=request,
            detail={
                "criteria": form.criteria(),
                "results": [c.pk for c in results],
                "for": "access_request",
            },
        )
        # The carers' register has no BSN: a carer is found by name and date of birth.
        carers = selectors.carer_search(
            municipality_id=municipality_id_of(user), name=data["q"], birth_date=data["birth_date"]
        )
        if data["q"].split() and data["birth_date"]:  # the search ran
            log_access(
                user=user,
                action=Action.SEARCH,
                object_type=ObjectType.CARER,
                request=request,
                detail={
                    "criteria": form.criteria(),
                    "carers": [c.pk for c in carers],
                    "for": "access_request",
                },
            )
    page = Paginator(
        selectors.requests_for(municipality_id=municipality_id_of(user)), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    shown = sorted({r.client_id for r in page.object_list if r.client_id})
    shown_carers = sorted({r.carer_id for r in page.object_list if r.carer_id})
    if shown or shown_carers:  # the list shows names
        log_access(
            user=user,
            action=Action.READ,
            object_type="list",
            object_id="access_requests",
            request=request,
            detail={
                **({"clients": shown} if shown else {}),
                **({"carers": shown_carers} if shown_carers else {}),
            },
        )
    return render(
        request,
        "privacy/index.html",
        {
            "form": form,
            "results": results,
            "carers": carers,
            "page_obj": page,
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def person(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The client, their requests with the downloads, and the form for a new request."""
    client = get_client_for_access_request(user=request.user, pk=pk, request=request)
    return _record_request(request, client)


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def carer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The informal carer, their requests with the downloads, and the form for a new request."""
    carer = get_carer_for_access_request(user=request.user, pk=pk, request=request)
    return _record_request(request, carer)


@require_POST
@role_required(Role.ADMIN)
def export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The client's export as a file."""
    client = get_client_for_access_request(
        user=request.user, pk=pk, request=request, log_read=False
    )
    return _export(request, client)


@require_POST
@role_required(Role.ADMIN)
def carer_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The informal carer's export as a file."""
    carer = get_carer_for_access_request(user=request.user, pk=pk, request=request, log_read=False)
    return _export(request, carer)


def _record_request(request: AuthenticatedHttpRequest, person: Client | Carer) -> HttpResponse:
    form = AccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.access_request_create(
                user=request.user, person=person, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            show_in_form(form, error)
        else:
            messages.success(request, _("Access request recorded. Download the export below."))
            return redirect(_page_of(person))
    return _person_page(request, person, request_form=form, status=400 if form.errors else 200)


def _export(request: AuthenticatedHttpRequest, person: Client | Carer) -> HttpResponse:
    """The export as a file: made now, recorded and logged; nothing is recorded if it fails."""
    form = ExportForm(request.POST, requests=_requests_of(request, person))
    if not form.is_valid():
        messages.error(request, _("Choose a request of this person and PDF or JSON."))
        return _person_page(request, person, status=400, log_read=True)
    try:
        produced = services.access_export_make(
            access_request=form.cleaned_data["access_request"],
            fmt=form.cleaned_data["format"],
            user=request.user,
            request=request,
        )
    except PdfUnavailable:
        messages.error(
            request,
            _(
                "This server cannot make PDF files (the system library "
                "Pango is missing). Nothing was recorded. Download the JSON "
                "file, or ask the application administrator to install "
                "Pango."
            ),
        )
        return _person_page(request, person, status=503, log_read=True)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _person_page(request, person, status=400, log_read=True)
    response = HttpResponse(produced.content, content_type=produced.content_type)
    response["Content-Disposition"] = f'attachment; filename="{produced.filename}"'
    return response


def _page_of(person: Client | Carer) -> str:
    if isinstance(person, Carer):
        return reverse("privacy:carer", args=[person.pk])
    return reverse("privacy:person", args=[person.pk])


def _export_url_of(person: Client | Carer) -> str:
    if isinstance(person, Carer):
        return reverse("privacy:carer_export", args=[person.pk])
    return reverse("privacy:export", args=[person.pk])


def _requests_of(request: AuthenticatedHttpRequest, person: Client | Carer) -> Any:
    requests = selectors.requests_for(municipality_id=municipality_id_of(request.user))
    if isinstance(person, Carer):
        return requests.filter(carer=person)
    return requests.filter(client=person)


def _person_page(
    request: AuthenticatedHttpRequest,
    person: Client | Carer,
    *,
    request_form: AccessRequestForm | None = None,
    status: int = 200,
    log_read: bool = False,
) -> HttpResponse:
    """The person's page. `log_read`: the page is shown after an export that was not made, whose
    fetch of the person was not logged as a read."""
    is_carer = isinstance(person, Carer)
    if log_read:
        if isinstance(person, Carer):
            log_carer_read(user=request.user, carer=person, request=request)
        else:
            log_client_read(user=request.user, client=person, request=request)
    access_requests = [
        RequestRow(access_request, list(selectors.exports_of(access_request=access_request)))
        for access_request in _requests_of(request, person)
    ]
    context: dict[str, Any] = {
        "person": person,
        "is_carer": is_carer,
        "page_url": _page_of(person),
        "export_url": _export_url_of(person),
        "access_requests": access_requests,
        "request_form": request_form or AccessRequestForm(),
        "namesakes": (
            0 if isinstance(person, Carer) else selectors.unlinked_namesakes(client=person)
        ),
        "formats": [("pdf", _("Download the PDF")), ("json", _("Download the JSON file"))],
        "today": timezone.localdate(),
    }
    return render(request, "privacy/person.html", context, status=status)
