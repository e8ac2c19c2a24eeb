"""The administrator's form to grant a research extract; `services.grant_create` checks it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vivera.accounts.access import municipality_id_of
from vivera.accounts.models import Role, User
from vivera.audit.forms import DATE_FORMATS, DateInput
from vivera.core.formfields import model_choice_field
from vivera.organisation.models import Team


class ResearcherChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else obj.username


class GrantForm(forms.Form):
    researcher = ResearcherChoiceField(label=_("Researcher"), queryset=User.objects.none())
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What the study wants to find out. Shown to the researcher and written in the extract."
        ),
    )
    legal_basis = forms.CharField(
        label=_("Legal basis and reference"),
        max_length=200,
        help_text=_(
            "For example the DPIA, the council's decision or the agreement, with its number."
        ),
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every team of the municipality."),
    )
    period_start = forms.DateField(
        label=_("Dossiers registered from"), widget=DateInput(), input_formats=DATE_FORMATS
    )
    period_end = forms.DateField(
        label=_("Dossiers registered up to and including"),
        widget=DateInput(),
        input_formats=DATE_FORMATS,
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        widget=DateInput(),
        input_formats=DATE_FORMATS,
        help_text=_("The last day the researcher may download."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "researcher").queryset = User.objects.filter(
            role=Role.RESEARCHER,
            is_active=True,
            municipality_id=municipality_id_of(user),
        ).order_by("last_name", "first_name", "username")
        model_choice_field(self, "teams").queryset = Team.objects.filter(
            municipality_id=municipality_id_of(user)
        ).order_by("name")
