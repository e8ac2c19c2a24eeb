"""The overview's forms. The rules themselves live in `services.py`; a form only reads the
values, so every problem comes back at once through `show_in_form`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vivera.core.formfields import BoundedModelMultipleChoiceField
from vivera.organisation.models import PartnerOrganisation

from . import figures
from .models import ActivityStatus, Cluster, Direction

DATE_HELP = _("dd-mm-yyyy")


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    start_date = forms.DateField(
        label=_("From"), help_text=DATE_HELP, error_messages={"required": _("Fill in the date.")}
    )
    end_date = forms.DateField(
        label=_("Until"), help_text=DATE_HELP, error_messages={"required": _("Fill in the date.")}
    )


class ClusterForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    goal = forms.CharField(
        label=_("Goal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the municipality wants to achieve with this cluster, in words."),
    )


class PartnersField(BoundedModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


def _partners(municipality_id: int) -> Any:
    return PartnerOrganisation.objects.filter(municipality_id=municipality_id, active=True)


class ActivityForm(forms.Form):
    description = forms.CharField(
        label=_("Activity"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    partners = PartnersField(
        label=_("Responsible partners"), queryset=PartnerOrganisation.objects.none(), required=False
    )

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = _partners(municipality_id)  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    date = forms.DateField(
        label=_("Date"), help_text=DATE_HELP, error_messages={"required": _("Fill in the date.")}
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "—"), *ActivityStatus.choices], required=False
    )
    text = forms.CharField(
        label=_("Where it stands"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class NewActivityForm(ActivityForm, NoteForm):
    pass


class DecideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for sending back"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only when you send the proposal back: the partner reads it."),
    )


class MoveForm(forms.Form):
    to = forms.ModelChoiceField(
        label=_("To the cluster of a later plan"),
        queryset=Cluster.objects.none(),
        error_messages={"required": _("Choose the cluster.")},
    )

    def __init__(self, *args: Any, clusters: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = clusters  # type: ignore[attr-defined]


class TargetForm(forms.Form):
    description = forms.CharField(label=_("Target"), max_length=300, required=False)
    unit = forms.CharField(
        label=_("Unit"), max_length=40, required=False, help_text=_("For example % or carers.")
    )
    baseline_year = forms.IntegerField(
        label=_("Baseline year"), min_value=1990, max_value=2100, required=False
    )
    baseline_value = forms.DecimalField(
        label=_("Baseline"), max_digits=12, decimal_places=2, required=False
    )
    target_value = forms.DecimalField(
        label=_("Target value"), max_digits=12, decimal_places=2, required=False
    )
    target_date = forms.DateField(label=_("Target date"), help_text=DATE_HELP, required=False)
    direction = forms.ChoiceField(
        label=_("Direction"), choices=[("", "—"), *Direction.choices], required=False
    )
    figure = forms.ChoiceField(
        label=_("Figure from Vivera"),
        choices=[],
        required=False,
        help_text=_(
            "Progress then comes from Vivera's own figures, per calendar year, as the monitor "
            "shows them. Without a figure you enter the measurements yourself."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["figure"].choices = figures.choices()  # type: ignore[attr-defined]


class MeasurementForm(forms.Form):
    date = forms.DateField(
        label=_("Date"), help_text=DATE_HELP, error_messages={"required": _("Fill in the date.")}
    )
    value = forms.DecimalField(label=_("Value"), max_digits=12, decimal_places=2, required=False)
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        required=False,
        help_text=_("For example: GGD Gezondheidsmonitor 2024."),
    )


class ImportForm(PlanForm):
    file = forms.FileField(
        label=_("The overview as an XLSX sheet (or CSV)"),
        error_messages={"required": _("Choose the file.")},
        help_text=_(
            "One row per activity; columns cluster, doel, activiteit, partners, status, "
            "stand_van_zaken and datum (docs/plans.md)."
        ),
    )


class OverviewDateForm(forms.Form):
    datum = forms.DateField(label=_("Where things stood on"), required=False, help_text=DATE_HELP)
