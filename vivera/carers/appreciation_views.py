"""The consultant's pages for the yearly appreciation (docs/carers.md): the schemes, a scheme's
applications with the budget used and left, entering a paper application, the decision, and
the payout list for the finance department (CSV in the Dutch Excel dialect, or XLSX)."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vivera.accounts.access import AuthenticatedHttpRequest, role_required
from vivera.accounts.models import Role
from vivera.audit.models import Action, ObjectType
from vivera.audit.services import log_access
from vivera.core.errors import show_in_form, submit
from vivera.core.spreadsheets import csv_text, sheet_title, spreadsheet_value

from . import access, appreciation, selectors
from .forms import DecisionForm, SchemeForm, StaffApplicationForm
from .models import ApplicationStatus, Scheme

CONSULTANT = Role.CARER_CONSULTANT
SCHEME_FIELDS = (
    "year",
    "form",
    "amount",
    "budget",
    "opens_on",
    "closes_on",
    "one_per",
    "min_hours",
    "min_months",
)


def _scheme_fields(data: dict) -> appreciation.SchemeFields:
    return {
        "year": data.get("year"),
        "form": data.get("form") or "",
        "amount": data.get("amount"),
        "budget": data.get("budget"),
        "opens_on": data.get("opens_on"),
        "closes_on": data.get("closes_on"),
        "one_per": data.get("one_per") or "",
        "min_hours": data.get("min_hours"),
        "min_months": data.get("min_months"),
    }


@require_http_methods(["GET", "POST"])
@role_required(CONSULTANT)
def schemes(request: AuthenticatedHttpRequest) -> HttpResponse:
    # The first year without a scheme from this year on: this year's usually exists already.
    taken = set(access.schemes_for(request.user).values_list("year", flat=True))
    year = timezone.localdate().year
    while year in taken:
        year += 1
    form = SchemeForm(
        request.POST or None,
        initial={"year": year, "one_per": "carer", "min_hours": 8, "min_months": 3},
    )
    saved, scheme = submit(
        request,
        form,
        lambda data: appreciation.scheme_save(user=request.user, **_scheme_fields(data)),
        _("Saved."),
    )
    if saved:
        return redirect("carers:scheme", scheme.pk)
    rows = [(s, appreciation.budget_of(s)) for s in access.schemes_for(request.user)]
    return render(
        request,
        "carers/schemes.html",
        {"form": form, "rows": rows},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(CONSULTANT)
def scheme_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scheme = access.get_scheme_for_user(user=request.user, pk=pk, request=request)
    form = SchemeForm(
        request.POST or None, initial={name: getattr(scheme, name) for name in SCHEME_FIELDS}
    )
    saved, _result = submit(
        request,
        form,
        lambda data: appreciation.scheme_save(
            user=request.user, scheme=scheme, **_scheme_fields(data)
        ),
        _("Saved."),
    )
    if saved:
        return redirect("carers:scheme", scheme.pk)
    return render(
        request,
        "carers/scheme_edit.html",
        {"form": form, "scheme": scheme},
        status=400 if form.errors else 200,
    )


@require_GET
@role_required(CONSULTANT)
def scheme_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scheme = access.get_scheme_for_user(user=request.user, pk=pk, request=request)
    applications = list(
        scheme.applications.select_related("carer", "relation", "decided_by").order_by(
            "status", "-received_on", "-pk"
        )
    )
    access.log_list_read(
        user=request.user,
        carers=[a.carer for a in applications],
        request=request,
        what="carers:scheme",
    )
    return render(
        request,
        "carers/scheme.html",
        {
            "scheme": scheme,
            "budget": appreciation.budget_of(scheme),
            "waiting": [
                (a, DecisionForm(prefix=f"a{a.pk}"))
                for a in applications
                if a.status == ApplicationStatus.SUBMITTED
            ],
            "decided": [a for a in applications if a.status != ApplicationStatus.SUBMITTED],
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(CONSULTANT)
def application_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The consultant enters a paper application for a carer."""
    carer = access.get_carer_for_user(
        user=request.user, pk=pk, request=request, log_read=request.method == "GET"
    )
    schemes = list(access.schemes_for(request.user).order_by("-year"))
    if not schemes:
        messages.info(request, _("There is no appreciation scheme yet."))
        return redirect("carers:schemes")
    chosen = next((s for s in schemes if str(s.pk) == request.GET.get("regeling", "")), schemes[0])
    relations = carer.relations.all()
    form = StaffApplicationForm(
        request.POST or None,
        relations=relations,
        pays_money=chosen.pays_money,
        initial={"received_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appreciation.application_submit(
                user=request.user,
                scheme=chosen,
                carer=carer,
                relation=relations.filter(pk=data["relation"]).first()
                if data["relation"]
                else None,
                iban=data.get("iban", ""),
                account_holder=data.get("account_holder", ""),
                received_on=data["received_on"],
                request=request,
            )
        except ValidationError as error:
            show_in_form(form, error)
        else:
            messages.success(request, _("The application is entered."))
            return redirect("carers:detail", carer.pk)
    return render(
        request,
        "carers/application_add.html",
        {"form": form, "carer": carer, "scheme": chosen, "schemes": schemes},
        status=400 if form.errors else 200,
    )


@require_POST
@role_required(CONSULTANT)
def decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = access.get_application_for_user(user=request.user, pk=pk, request=request)
    form = DecisionForm(request.POST, prefix=f"a{pk}")
    form.is_valid()
    approve = request.POST.get("decision") == "approve"
    try:
        appreciation.application_decide(
            user=request.user,
            application=application,
            approve=approve,
            reason=form.cleaned_data.get("reason", ""),
            request=request,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Approved.") if approve else _("Refused."))
    return redirect("carers:scheme", application.scheme_id)


PAYOUT_COLUMNS = (
    "number",
    "name",
    "iban",
    "account_holder",
    "amount",
    "approved_on",
    "form",
)


def _payout_header() -> list[str]:
    return [
        _("Application"),
        _("Name"),
        _("IBAN"),
        _("Account holder"),
        _("Amount (euro)"),
        _("Approved on"),
        _("Form"),
    ]


@require_GET
@role_required(CONSULTANT)
def payout(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The approved applications for the finance department; the export is logged, naming
    the carers."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    scheme = access.get_scheme_for_user(user=request.user, pk=pk, request=request)
    rows = selectors.payout_rows(scheme)
    values = [[getattr(r, c) for c in PAYOUT_COLUMNS] for r in rows]
    log_access(
        user=request.user,
        action=Action.EXPORT,
        object_type=ObjectType.CARER_APPLICATION,
        object_id=f"payout {scheme.year}",
        request=request,
        detail={"scheme": scheme.year, "applications": [r.number for r in rows], "format": fmt},
    )
    name = f"uitbetaling-mantelzorgwaardering-{scheme.year}"
    if fmt == "csv":
        response = HttpResponse(
            csv_text([_payout_header(), *values]), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            _xlsx(scheme, values),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _xlsx(scheme: Scheme, values: list[list[object]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(_("Payout %(year)s") % {"year": scheme.year}, set())
    sheet.append(_payout_header())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in values:
        sheet.append([spreadsheet_value(v) if not hasattr(v, "isoformat") else v for v in row])
    for column, width in zip("ABCDEFG", (12, 30, 26, 30, 14, 14, 14), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
