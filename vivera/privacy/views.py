"""The administrator's pages for a person's right of access (AVG art. 15): find the person,
record the request, download the export (PDF or JSON). Every page that shows a person is
logged; every download is a new export, recorded and logged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vivera.accounts.access import AuthenticatedHttpRequest, municipality_id_of, role_required
from vivera.accounts.models import Role
from vivera.audit.models import AccessLogEntry, Action
from vivera.audit.services import log_access
from vivera.core.errors import show_in_form
from vivera.monitor.pdf import PdfUnavailable
from vivera.registration.models import Client

from . import selectors, services
from .access import get_client_for_access_request, log_client_read
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
    results = None
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
    page = Paginator(
        selectors.requests_for(municipality_id=municipality_id_of(user)), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    shown = sorted({r.client_id for r in page.object_list if r.client_id})
    if shown:  # the list shows names
        log_access(
            user=user,
            action=Action.READ,
            object_type="list",
            object_id="access_requests",
            request=request,
            detail={"clients": shown},
        )
    return render(
        request,
        "privacy/index.html",
        {
            "form": form,
            "results": results,
            "page_obj": page,
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def person(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The person, their requests with the downloads, and the form for a new request."""
    client = get_client_for_access_request(user=request.user, pk=pk, request=request)
    form = AccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.access_request_create(
                user=request.user, client=client, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            show_in_form(form, error)
        else:
            messages.success(request, _("Access request recorded. Download the export below."))
            return redirect("privacy:person", pk=client.pk)
    return _person_page(request, client, request_form=form, status=400 if form.errors else 200)


@require_POST
@role_required(Role.ADMIN)
def export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The export as a file: made now, recorded and logged; nothing is recorded if it fails."""
    client = get_client_for_access_request(
        user=request.user, pk=pk, request=request, log_read=False
    )
    form = ExportForm(request.POST, client_id=client.pk)
    if not form.is_valid():
        messages.error(request, _("Choose a request of this person and PDF or JSON."))
        return _person_page(request, client, status=400, log_read=True)
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
        return _person_page(request, client, status=503, log_read=True)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _person_page(request, client, status=400, log_read=True)
    response = HttpResponse(produced.content, content_type=produced.content_type)
    response["Content-Disposition"] = f'attachment; filename="{produced.filename}"'
    return response


def _person_page(
    request: AuthenticatedHttpRequest,
    client: Client,
    *,
    request_form: AccessRequestForm | None = None,
    status: int = 200,
    log_read: bool = False,
) -> HttpResponse:
    """The person's page. `log_read`: the page is shown after an export that was not made, whose
    fetch of the client was not logged as a read."""
    if log_read:
        log_client_read(user=request.user, client=client, request=request)
    access_requests = [
        RequestRow(access_request, list(selectors.exports_of(access_request=access_request)))
        for access_request in selectors.requests_for(
            municipality_id=municipality_id_of(request.user)
        ).filter(client=client)
    ]
    context: dict[str, Any] = {
        "client": client,
        "access_requests": access_requests,
        "request_form": request_form or AccessRequestForm(),
        "namesakes": selectors.unlinked_namesakes(client=client),
        "formats": [("pdf", _("Download the PDF")), ("json", _("Download the JSON file"))],
        "today": timezone.localdate(),
    }
    return render(request, "privacy/person.html", context, status=status)
