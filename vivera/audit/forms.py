"""The access log's filter form (a GET form: filters are part of the address, so a filtered list
can be bookmarked and exported)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .labels import OBJECT_TYPE_LABELS
from .models import Action, Result
from .selectors import AccessLogFilters

TEXT_INPUT = {"class": "utrecht-textbox utrecht-textbox--html-input"}
SELECT = {"class": "utrecht-select utrecht-select--html-select"}
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d", attrs=TEXT_INPUT)


def _object_type_choices() -> list[tuple[str, str]]:
    """Every object type by its label, in alphabetical order (the value stays the code, so a
    bookmarked filter keeps working)."""
    labelled = sorted(
        ((code, str(label)) for code, label in OBJECT_TYPE_LABELS.items()),
        key=lambda choice: choice[1].lower(),
    )
    return [("", str(_("All"))), *labelled]


class AccessLogFilterForm(forms.Form):
    user = forms.CharField(
        label=_("User"),
        required=False,
        max_length=150,
        help_text=_("Part of the username."),
        widget=forms.TextInput(attrs=TEXT_INPUT),
    )
    client = forms.IntegerField(
        label=_("Client number"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs=TEXT_INPUT),
    )
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("All")), *Action.choices],
        widget=forms.Select(attrs=SELECT),
    )
    result = forms.ChoiceField(
        label=_("Result"),
        required=False,
        choices=[("", _("All")), *Result.choices],
        widget=forms.Select(attrs=SELECT),
    )
    object_type = forms.ChoiceField(
        label=_("Object type"),
        required=False,
        choices=_object_type_choices,
        widget=forms.Select(attrs=SELECT),
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=DateInput(), input_formats=DATE_FORMATS
    )
    date_to = forms.DateField(
        label=_("Up to and including"),
        required=False,
        widget=DateInput(),
        input_formats=DATE_FORMATS,
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

    def filters(self) -> AccessLogFilters:
        """The valid form's filters; call only after `is_valid()`."""
        data = self.cleaned_data
        return AccessLogFilters(
            username=data.get("user", "").strip(),
            client_id=data.get("client"),
            action=data.get("action", ""),
            result=data.get("result", ""),
            object_type=data.get("object_type", "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
