"""Finding the person, recording the request, choosing the export."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vivera.core.formfields import model_choice_field
from vivera.registration.forms import ClientSearchForm, date_field

from .models import AccessRequest
from .services import RECEIPT_DATE_RULE


class PersonSearchForm(ClientSearchForm):
    """The team's client search without the postcode, and only with the BSN or with the name
    and the date of birth, so the administrator cannot browse."""

    postcode = None  # type: ignore[assignment]  # Django's way to drop a parent form's field

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        if not cleaned.get("bsn") and not (
            cleaned.get("q", "").strip() and cleaned.get("birth_date")
        ):
            raise ValidationError(
                _("Search with the BSN, or with the name and the date of birth."), code="criteria"
            )
        return cleaned

    def criteria(self) -> list[str]:
        return sorted(k for k in ("q", "birth_date", "bsn") if self.cleaned_data.get(k))


class AccessRequestForm(forms.Form):
    received_on = date_field(_("Received on"), initial_today=True, rule=RECEIPT_DATE_RULE)
    reference = forms.CharField(
        label=_("Reference"),
        max_length=50,
        help_text=AccessRequest._meta.get_field("reference").help_text,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=1000,
        help_text=AccessRequest._meta.get_field("note").help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ExportForm(forms.Form):
    access_request = forms.ModelChoiceField(queryset=AccessRequest.objects.none())
    format = forms.ChoiceField(choices=[("pdf", "PDF"), ("json", "JSON")])

    def __init__(self, *args: Any, requests: QuerySet[AccessRequest], **kwargs: Any) -> None:
        """`requests`: the person's requests, the only ones the form accepts."""
        super().__init__(*args, **kwargs)
        model_choice_field(self, "access_request").queryset = requests
