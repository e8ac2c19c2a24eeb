"""The researcher's page with its grants and downloads (/onderzoek/), and the administrator's
page to grant and revoke them (/beheer/onderzoek/). See docs/research.md."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vivera.accounts.access import AuthenticatedHttpRequest, municipality_id_of, role_required
from vivera.accounts.models import Role
from vivera.core.errors import show_in_form

from . import codebook
from .access import (
    get_grant_for_admin,
    get_grant_for_download,
    grants_administered_by,
    grants_of_researcher,
)
from .forms import GrantForm
from .models import ResearchGrant
from .selectors import download_summary
from .services import GrantInactive, extract_write, grant_create, grant_revoke


@dataclass(frozen=True)
class GrantRow:
    """A grant on the administrator's page, with its downloads (from the access log)."""

    grant: ResearchGrant
    download_count: int
    last_download: dt.datetime | None


@require_GET
@role_required(Role.RESEARCHER)
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    grants = (
        grants_of_researcher(request.user).select_related("municipality").prefetch_related("teams")
    )
    return render(
        request,
        "research/home.html",
        {
            "grants": grants,
            "tables": codebook.TABLES,
        },
    )


@require_POST
@role_required(Role.RESEARCHER)
def download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The extract of the researcher's own active grant, built completely into a temporary
    file before the first byte is sent."""
    try:
        grant = get_grant_for_download(user=request.user, pk=pk, request=request)
    except GrantInactive as refused:
        # Logged by the access helper; answered here, not by raising PermissionDenied, so the
        # refusal is one line in the access log.
        return render(request, "research/refused.html", {"grant": refused.grant}, status=403)
    # On disk, not in memory; FileResponse closes (and so deletes) it when sent.
    out = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        extract_write(out=out, grant=grant, user=request.user, request=request)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    filename = (
        f"onderzoek-{grant.municipality.cbs_code}-M{grant.pk:05d}-"
        f"{timezone.localdate():%Y-%m-%d}.zip"
    )
    return FileResponse(out, as_attachment=True, filename=filename, content_type="application/zip")


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def grants(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET: the municipality's grants with their downloads, and the form. POST: grant one."""
    form = GrantForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            grant = grant_create(user=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            show_in_form(form, error)
        else:
            messages.success(
                request,
                _("Grant %(grant)s was made for %(researcher)s.")
                % {"grant": grant, "researcher": grant.researcher},
            )
            return redirect("research:grants")
    listed = list(
        grants_administered_by(request.user)
        .select_related("researcher", "granted_by", "revoked_by")
        .prefetch_related("teams")
    )
    downloads = download_summary(municipality_id=municipality_id_of(request.user))
    rows = [GrantRow(grant, *downloads.get(grant.pk, (0, None))) for grant in listed]
    return render(
        request,
        "research/grants.html",
        {
            "form": form,
            "grants": rows,
        },
    )


@require_POST
@role_required(Role.ADMIN)
def revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    grant = get_grant_for_admin(user=request.user, pk=pk)
    try:
        grant_revoke(user=request.user, grant=grant, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Grant %(grant)s was revoked.") % {"grant": grant})
    return redirect("research:grants")
