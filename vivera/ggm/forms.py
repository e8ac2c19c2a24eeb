"""The period of a GGM export."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vivera.audit.forms import DATE_FORMATS, DateInput


class GgmExportForm(forms.Form):
    date_from = forms.DateField(
        label=_("Registered from"),
        required=False,
        widget=DateInput(),
        input_formats=DATE_FORMATS,
        help_text=_("Empty: from the first dossier."),
    )
    date_to = forms.DateField(
        label=_("Registered up to and including"),
        required=False,
        widget=DateInput(),
        input_formats=DATE_FORMATS,
        help_text=_("Empty: up to the last dossier."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error(
                "date_to",
                ValidationError(
                    _("The end date lies before the start date."),
                    code="date_order",
                ),
            )
        return cleaned
