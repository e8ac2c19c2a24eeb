"""The carer's public pages (no login): the registration form at `/mantelzorg/aanmelden/`, the
personal link, and the carer's own page where it sees and changes its registration, applies for
the yearly appreciation and leaves the register. The link signs the carer in for this browser
session (the session holds its id, like Voor elkaar's members)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vivera.audit.services import client_address
from vivera.core.errors import show_in_form, submit
from vivera.core.ratelimit import Limited, hourly_limit

from . import appreciation, services
from .forms import (
    ContactFieldsForm,
    LeaveForm,
    OwnRelationForm,
    PublicApplicationForm,
    PublicRegistrationForm,
    RequestLinkForm,
)
from .models import Carer, CarerStatus, Scheme
from .views_common import carer_fields, contact_fields, relation_fields

SESSION_KEY = "vivera_carer"


def _municipality() -> Any:
    municipality = services.public_municipality()
    if municipality is None:
        raise Http404
    return municipality


def _address(request: HttpRequest) -> str:
    """The visitor's address, as the access log takes it (behind the trusted proxy, the
    address the proxy saw): with REMOTE_ADDR alone every visitor is the proxy's 127.0.0.1, and
    ten attempts would refuse everyone."""
    return client_address(request) or ""


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _carer(request: HttpRequest) -> Carer | None:
    pk = request.session.get(SESSION_KEY)
    if not pk:
        return None
    return (
        Carer.objects.filter(pk=pk, anonymised_at__isnull=True)
        .exclude(status=CarerStatus.LEFT)
        .first()
    )


def open_scheme(carer: Carer) -> Scheme | None:
    """The scheme whose application window is open today."""
    today = timezone.localdate()
    return Scheme.objects.filter(
        municipality_id=carer.municipality_id, opens_on__lte=today, closes_on__gte=today
    ).first()


@login_not_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    municipality = _municipality()
    form = PublicRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.carer_register_public(
                municipality=municipality,
                carer=carer_fields(form.cleaned_data),
                relation=relation_fields(form.cleaned_data),
                address=_address(request),
                base_url=_base_url(request),
                agreed=form.cleaned_data["privacy"],
                request=request,
            )
        except ValidationError as error:
            show_in_form(form, error)
        except Limited:
            return render(request, "carers/public/limited.html", status=429)
        else:
            return render(request, "carers/public/link_sent.html")
    form.restamp()
    return render(
        request,
        "carers/public/register.html",
        {"form": form, "municipality": municipality},
        status=400 if form.errors else 200,
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def link(request: HttpRequest, token: str) -> HttpResponse:
    """The personal link from the e-mail. Opening it (GET) changes nothing: mail scanners open
    links before people do, and a link someone else sends must not sign a browser in by
    itself. The button (POST, with the CSRF token) uses the link up and signs in."""
    if request.method == "GET":
        return render(request, "carers/public/link_open.html", {"token": token})
    carer = services.carer_open_link(token=token, request=request)
    if carer is None:
        return render(request, "carers/public/link_invalid.html", status=404)
    request.session.cycle_key()
    request.session[SESSION_KEY] = carer.pk
    messages.success(request, _("You are signed in to your page in the register."))
    return redirect("carers_public:mine")


@login_not_required
@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest) -> HttpResponse:
    carer = _carer(request)
    if carer is None:
        form = RequestLinkForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.carer_send_own_link(
                    municipality=_municipality(),
                    email=form.cleaned_data["email"],
                    address=_address(request),
                    base_url=_base_url(request),
                )
            except Limited:
                return render(request, "carers/public/limited.html", status=429)
            return render(request, "carers/public/link_sent.html")
        form.restamp()
        return render(
            request,
            "carers/public/request_link.html",
            {"form": form},
            status=400 if form.errors else 200,
        )
    return render(
        request,
        "carers/public/mine.html",
        {
            "carer": carer,
            "relations": carer.relations.all(),
            "applications": carer.applications.select_related("scheme", "relation"),
            "scheme": open_scheme(carer),
        },
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def mine_edit(request: HttpRequest) -> HttpResponse:
    carer = _carer(request)
    if carer is None:
        return redirect("carers_public:mine")
    form = ContactFieldsForm(
        request.POST or None,
        initial={name: getattr(carer, name) for name in ContactFieldsForm.base_fields},
    )
    saved, _result = submit(
        request,
        form,
        lambda data: services.carer_update(
            user=None, carer=carer, request=request, **contact_fields(data)
        ),
        _("Your details are saved."),
    )
    if saved:
        return redirect("carers_public:mine")
    return render(
        request,
        "carers/public/edit.html",
        {"form": form, "carer": carer},
        status=400 if form.errors else 200,
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def mine_relation_add(request: HttpRequest) -> HttpResponse:
    """The carer adds someone else it cares for (no link to a client: that needs the client's
    consent, recorded by a professional or the consultant)."""
    carer = _carer(request)
    if carer is None:
        return redirect("carers_public:mine")
    form = OwnRelationForm(request.POST or None)

    def save(data: dict[str, Any]) -> Any:
        # A few a day is what a carer needs; dozens are made up (each could be paid).
        hourly_limit(f"carers:relation:{carer.pk}", settings.VIVERA_CARERS_LIMIT_PER_HOUR)
        return services.relation_add(
            user=None, carer=carer, request=request, **relation_fields(data)
        )

    try:
        saved, _result = submit(request, form, save, _("Saved: you care for this person too."))
    except Limited:
        return render(request, "carers/public/limited.html", status=429)
    if saved:
        return redirect("carers_public:mine")
    return render(
        request,
        "carers/public/relation_add.html",
        {"form": form, "carer": carer},
        status=400 if form.errors else 200,
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def mine_leave(request: HttpRequest) -> HttpResponse:
    carer = _carer(request)
    if carer is None:
        return redirect("carers_public:mine")
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.carer_leave(
                user=None, carer=carer, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            show_in_form(form, error)
        else:
            request.session.pop(SESSION_KEY, None)
            return render(request, "carers/public/left.html")
    return render(
        request,
        "carers/public/leave.html",
        {"form": form, "carer": carer},
        status=400 if form.errors else 200,
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def mine_apply(request: HttpRequest) -> HttpResponse:
    carer = _carer(request)
    if carer is None:
        return redirect("carers_public:mine")
    scheme = open_scheme(carer)
    if scheme is None:
        messages.info(request, _("You cannot apply for the appreciation at the moment."))
        return redirect("carers_public:mine")
    relations = carer.relations.filter(ended_on__isnull=True)
    form = PublicApplicationForm(
        request.POST or None, relations=relations, pays_money=scheme.pays_money
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appreciation.application_submit(
                user=None,
                scheme=scheme,
                carer=carer,
                relation=relations.filter(pk=data["relation"]).first()
                if data["relation"]
                else None,
                iban=data.get("iban", ""),
                account_holder=data.get("account_holder", ""),
                request=request,
            )
        except ValidationError as error:
            show_in_form(form, error)
        else:
            messages.success(
                request, _("Thank you. Your application is received; you hear from us.")
            )
            return redirect("carers_public:mine")
    form.restamp()
    return render(
        request,
        "carers/public/apply.html",
        {"form": form, "carer": carer, "scheme": scheme},
        status=400 if form.errors else 200,
    )


@login_not_required
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return redirect("carers_public:register")
