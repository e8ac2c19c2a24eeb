"""The functional administrator's page for the GGM export (docs/ggm.md)."""

from __future__ import annotations

import tempfile

from django.http import FileResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from vivera.accounts.access import AuthenticatedHttpRequest, municipality_of, role_required
from vivera.accounts.models import Role

from . import schema
from .forms import GgmExportForm
from .services import ggm_export_write


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def ggm_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """GET: the form. POST: the ZIP of the administrator's own municipality, for the period."""
    form = GgmExportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        municipality = municipality_of(request.user)
        start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        # On disk, not in memory: a large municipality's export runs to hundreds of megabytes.
        # FileResponse streams it and closes (and so deletes) the file when done.
        out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
        try:
            ggm_export_write(
                out=out,
                municipality=municipality,
                user=request.user,
                start=start,
                end=end,
                request=request,
            )
        except BaseException:
            out.close()
            raise
        out.seek(0)
        filename = f"ggm-{municipality.cbs_code}-{timezone.localdate():%Y-%m-%d}.zip"
        return FileResponse(
            out, as_attachment=True, filename=filename, content_type="application/zip"
        )
    return render(
        request,
        "ggm/export.html",
        {
            "form": form,
            "tables": schema.TABLES,
            "ggm_version": schema.GGM_VERSION,
        },
    )
