"""The functional administrator's page for the social service's deliveries (docs/provisions.md):
upload, check, import, and the list of earlier deliveries."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from vivera.accounts.access import AuthenticatedHttpRequest, municipality_of, role_required
from vivera.accounts.models import Role

from . import services
from .forms import DeliveryForm
from .selectors import deliveries_for


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def deliveries(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DeliveryForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    result = None
    if request.method == "POST" and form.is_valid():
        files = [(f.name or "", f.read()) for f in form.cleaned_data["files"]]
        result = services.delivery_import(
            municipality=municipality_of(request.user),
            files=files,
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            user=request.user,
            only_check=form.cleaned_data["only_check"],
        )
    return render(
        request,
        "provisions/deliveries.html",
        {"form": form, "result": result, "deliveries": deliveries_for(request.user)[:50]},
        status=400 if form.errors or (result is not None and not result.ok) else 200,
    )
