"""The delivery upload form of the administrator's page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vivera.imports.forms import MultipleFileField, MultipleFileInput

from .services import period_problems

SUFFIXES = (".csv", ".xlsx", ".xml")


class DeliveryForm(forms.Form):
    # Hides BaseForm.files to the type checker only (as the import's form).
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Files from the social service"),
        widget=MultipleFileInput(attrs={"class": "utrecht-textbox", "accept": ",".join(SUFFIXES)}),
        error_messages={
            "required": _("Choose the files of the delivery."),
            "empty": _("The file is empty. Choose the export file with its rows."),
        },
    )
    start = forms.DateField(
        label=_("Complete from"),
        help_text=_("The first day of the first month the delivery is complete for (dd-mm-yyyy)."),
        error_messages={"required": _("Fill in from which month the delivery is complete.")},
    )
    end = forms.DateField(
        label=_("Complete until"),
        help_text=_("A day in the last month the delivery is complete for (dd-mm-yyyy)."),
        error_messages={"required": _("Fill in until which month the delivery is complete.")},
    )
    only_check = forms.BooleanField(label=_("Only check, import nothing"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _(
            "One or more CSV or XLSX exports, or one or more WMO301 messages (XML). At most "
            "%(mb)s MB together."
        ) % {"mb": max_upload_mb()}

    def clean_files(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["files"]
        if any(not (f.name or "").lower().endswith(SUFFIXES) for f in files):
            raise forms.ValidationError(
                _("Only CSV, XLSX and XML files can be imported."), code="suffix"
            )
        if sum(f.size or 0 for f in files) > max_upload_mb() * 1024 * 1024:
            raise forms.ValidationError(
                _("The files are larger than %(mb)s MB together.") % {"mb": max_upload_mb()},
                code="too_large",
            )
        return files

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and end:
            for message in period_problems(start, end, timezone.localdate()):
                self.add_error("end", message)
        return data


def max_upload_mb() -> int:
    return settings.VIVERA_PROVISIONS_MAX_MB
