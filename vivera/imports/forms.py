"""The upload form of the import page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from .services import SUFFIXES


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"class": "utrecht-textbox", "accept": ",".join(SUFFIXES)}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            if not data and self.required:  # no file chosen
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return [single(d, initial) for d in data]
        return [single(data, initial)]


def max_upload_mb() -> int:
    return settings.VIVERA_IMPORT_MAX_MB


class UploadForm(forms.Form):
    # Hides BaseForm.files to the type checker only: the form's metaclass takes declared fields
    # off the class.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Export files"),
        error_messages={
            "required": _("Choose the export files to import."),
            "empty": _("The file is empty. Choose the export file with its rows."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Formatted per request, in the request's language (not once at import time).
        self.fields["files"].help_text = _(
            "CSV or XLSX files, recognised by their names: clienten, dossiers, vragen, "
            "contacten, korte_contacten and optionally codetabel. At most %(mb)s MB together."
        ) % {"mb": max_upload_mb()}

    def clean_files(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["files"]
        wrong = [f.name for f in files if not (f.name or "").lower().endswith(SUFFIXES)]
        if wrong:
            raise forms.ValidationError(
                _("Only CSV and XLSX files can be imported."), code="suffix"
            )
        names = [(f.name or "").lower() for f in files]
        if len(set(names)) < len(names):
            raise forms.ValidationError(_("Two files have the same name."), code="same_name")
        if sum(f.size or 0 for f in files) > max_upload_mb() * 1024 * 1024:
            raise forms.ValidationError(
                _("The files are larger than %(mb)s MB together.") % {"mb": max_upload_mb()},
                code="too_large",
            )
        return files


class ConfirmForm(forms.Form):
    run = forms.IntegerField(min_value=1)
    mode = forms.ChoiceField(choices=[("all", "all"), ("valid_only", "valid_only")], required=False)
