from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vivera.accounts.access import municipality_id_of, municipality_of
from vivera.accounts.models import Role
from vivera.core.formfields import model_choice_field
from vivera.organisation.models import Location, Neighbourhood, Team

from .scope import months_between
from .selectors import MAX_MONTHS, default_period, teams_for

if TYPE_CHECKING:
    from vivera.accounts.models import User


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class MonitorFilterForm(forms.Form):
    """The period and the part of the municipality a monitor page shows. Read from the query
    string, so a view can be bookmarked and shared."""

    van = forms.DateField(label=_("From"), widget=DateInput())
    tot = forms.DateField(label=_("Up to and including"), widget=DateInput())
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("All teams")
    )
    wijk = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        empty_label=_("All neighbourhoods"),
    )
    locatie = forms.ModelChoiceField(
        label=_("Walk-in location"),
        queryset=Location.objects.none(),
        required=False,
        empty_label=_("All locations"),
        help_text=_("Applies to the figures on short contacts and consultation hours only."),
    )

    def __init__(self, data: Any, *, user: User) -> None:
        start, end = default_period([municipality_of(user)])
        data = data.copy() if data else {}
        data.setdefault("van", start.isoformat())
        data.setdefault("tot", end.isoformat())
        super().__init__(data)
        self.user = user
        teams = teams_for(user)
        model_choice_field(self, "team").queryset = Team.objects.filter(
            pk__in=[t.pk for t in teams]
        )
        model_choice_field(self, "wijk").queryset = Neighbourhood.objects.filter(
            municipality_id=municipality_id_of(user)
        )
        locations = Location.objects.filter(municipality_id=municipality_id_of(user))
        model_choice_field(self, "locatie").queryset = locations

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start: dt.date | None = cleaned.get("van")
        end: dt.date | None = cleaned.get("tot")
        if start and end:
            if end < start:
                self.add_error("tot", _("The end of the period cannot be before its start."))
            elif len(months_between(start, end)) > MAX_MONTHS:
                self.add_error(
                    "tot",
                    _("Choose a period of at most %(months)s months.") % {"months": MAX_MONTHS},
                )
        if self.user.role == Role.POLICY:
            # Two overlapping selections can be subtracted from each other to recover a small
            # count; whole months and one narrowing at a time keep that from being easy.
            chosen = [name for name in ("team", "wijk", "locatie") if cleaned.get(name)]
            if len(chosen) > 1:
                raise forms.ValidationError(
                    _("Choose one of team, neighbourhood or walk-in location at a time.")
                )
        return cleaned
