"""The access log for the functional administrator: a filtered list and its CSV export."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vivera.accounts.access import AuthenticatedHttpRequest, municipality_id_of, role_required
from vivera.accounts.models import Role
from vivera.core.spreadsheets import CSV_CONTENT_TYPE, csv_lines

from .forms import AccessLogFilterForm
from .labels import OBJECT_TYPE_LABELS, detail_text, object_text, object_type_label
from .models import AccessLogEntry, Action, Result
from .selectors import access_log_for_municipality
from .services import log_access

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PAGE_SIZE = 50
ROLE_LABELS = dict(Role.choices)


@dataclass(frozen=True)
class LogRow:
    """A line of the log as the administrator reads it."""

    entry: AccessLogEntry
    role_label: StrOrPromise
    object_type_label: str
    object_text: str
    detail_text: str

    @classmethod
    def of(cls, entry: AccessLogEntry) -> LogRow:
        return cls(
            entry,
            role_label=ROLE_LABELS.get(entry.role, entry.role),
            object_type_label=object_type_label(entry.object_type),
            object_text=object_text(entry),
            detail_text=detail_text(entry.object_type, entry.detail),
        )


@require_GET
@role_required(Role.ADMIN)
def access_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who did what to whose record, in the administrator's own municipality, newest first."""
    form = AccessLogFilterForm(request.GET)
    if form.is_valid():
        entries = access_log_for_municipality(
            municipality_id=municipality_id_of(request.user), filters=form.filters()
        )
    else:
        entries = AccessLogEntry.objects.none()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [LogRow.of(entry) for entry in page.object_list]
    return render(request, "audit/access_log.html", {"form": form, "page_obj": page, "rows": rows})


@require_GET
@role_required(Role.ADMIN)
def access_log_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The filtered list as CSV, in the Dutch Excel dialect of every spreadsheet export
    (`core/spreadsheets.py`). The export is itself a line in the log (action `export`)."""
    form = AccessLogFilterForm(request.GET)
    if not form.is_valid():
        return redirect(f"{reverse('audit:access_log')}?{request.GET.urlencode()}")
    filters = form.filters()
    entries = access_log_for_municipality(
        municipality_id=municipality_id_of(request.user), filters=filters
    )
    line = log_access(
        user=request.user,
        action=Action.EXPORT,
        object_type="access_log",
        client_id=filters.client_id,
        request=request,
        detail={"filters": filters.as_detail(), "rows": entries.count()},
        immediate=True,  # its pk bounds the rows
    )
    # The file holds what there was when the export was asked for, not its own line.
    rows = entries.filter(pk__lt=line.pk).iterator(chunk_size=2000)
    filename = f"toegangslog-{timezone.localdate():%Y-%m-%d}.csv"
    labels = _ExportLabels.in_active_language()
    response = StreamingHttpResponse(
        csv_lines(_csv_rows(rows, labels)), content_type=CSV_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dataclass(frozen=True)
class _ExportLabels:
    """Translated while the request's language is active: the file is written after the view
    has returned."""

    header: list[str]
    roles: dict[str, str]
    actions: dict[str, str]
    results: dict[str, str]
    object_types: dict[str, str]

    @classmethod
    def in_active_language(cls) -> _ExportLabels:
        return cls(
            header=[
                _("Time"),
                _("User"),
                _("On behalf of"),
                _("Role"),
                _("Action"),
                _("Result"),
                _("Object type"),
                _("Object id"),
                _("Client number"),
                _("IP address"),
                _("Device"),
                _("Page"),
            ],
            roles={code: str(label) for code, label in Role.choices},
            actions={code: str(label) for code, label in Action.choices},
            results={code: str(label) for code, label in Result.choices},
            object_types={code: str(label) for code, label in OBJECT_TYPE_LABELS.items()},
        )


def _csv_rows(
    entries: Iterable[AccessLogEntry], labels: _ExportLabels
) -> Iterator[Sequence[object]]:
    yield labels.header
    for entry in entries:
        yield [
            entry.timestamp,
            entry.username,
            entry.on_behalf_of,
            labels.roles.get(entry.role, entry.role),
            labels.actions.get(entry.action, entry.action),
            labels.results.get(entry.result, entry.result),
            labels.object_types.get(entry.object_type, entry.object_type),
            entry.object_id,
            entry.client_id,
            entry.ip_address,
            entry.user_agent,
            entry.path,
        ]
