"""The staff's survey forms; the services check the rules (the forms only read the fields)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vivera.accounts.access import municipality_id_of
from vivera.accounts.models import User
from vivera.audit.forms import DATE_FORMATS, DateInput
from vivera.core.formfields import BoundedModelMultipleChoiceField, model_choice_field
from vivera.organisation.models import Neighbourhood, Team

from . import bank
from .models import QuestionKind, Screening, Survey, SurveyVersion, Theme
from .services import Basis


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    introduction = forms.CharField(
        label=_("Introduction for the resident"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why this survey, and that taking part is voluntary. Plain language."),
    )
    reminder_days = forms.IntegerField(
        label=_("Reminder after (days)"),
        min_value=1,
        max_value=90,
        initial=14,
        help_text=_("Residents who have not answered get a reminder letter after this many days."),
    )
    question_set = forms.ChoiceField(
        label=_("Start with"),
        choices=[(s.code, f"{s.name}: {s.description}") for s in bank.SETS],
        initial="both",
        widget=forms.RadioSelect,
    )


def _bank_choices() -> list[tuple[str, str]]:
    return [("", str(_("— an own question —")))] + [(q.code, str(q.text)) for q in bank.BANK]


class QuestionForm(forms.Form):
    bank_code = forms.ChoiceField(
        label=_("From the question bank"),
        choices=_bank_choices,
        required=False,
        help_text=_("Choose a ready question, or leave this empty and write your own below."),
    )
    kind = forms.ChoiceField(
        label=_("Kind of question"), choices=[("", "—"), *QuestionKind.choices], required=False
    )
    theme = forms.ChoiceField(label=_("Theme"), choices=Theme.choices, initial=Theme.OTHER)
    text = forms.CharField(label=_("Question or statement"), max_length=300, required=False)
    help_text = forms.CharField(label=_("Explanation"), max_length=300, required=False)
    options = forms.CharField(
        label=_("Answers to choose from"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For a choice question: one answer per line."),
    )


class QuestionEditForm(forms.Form):
    text = forms.CharField(label=_("Question or statement"), max_length=300)
    help_text = forms.CharField(label=_("Explanation"), max_length=300, required=False)
    options = forms.CharField(
        label=_("Answers to choose from"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One answer per line, as many as there are now."),
    )


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class SampleForm(forms.Form):
    basis = forms.ChoiceField(
        label=_("Who"),
        choices=[
            (Basis.DOSSIER, _("Residents whose dossier closed in the period")),
            (Basis.QUESTION, _("Residents of whom a question closed in the period")),
        ],
        initial=Basis.DOSSIER,
        widget=forms.RadioSelect,
    )
    start = forms.DateField(label=_("From"), widget=DateInput(), input_formats=DATE_FORMATS)
    end = forms.DateField(
        label=_("Up to and including"), widget=DateInput(), input_formats=DATE_FORMATS
    )
    teams = BoundedModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every team."),
    )
    size = forms.IntegerField(
        label=_("Sample size per team"),
        min_value=1,
        max_value=100_000,
        required=False,
        help_text=_("Leave empty to invite everyone who qualifies."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "teams").queryset = Team.objects.filter(
            municipality_id=municipality_id_of(user)
        ).order_by("name")


class ScreenForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Screening.APPROVED, _("Show as it is: no names or other clues to a person")),
            (Screening.EDITED, _("Show with names removed (edit the text below)")),
            (Screening.REJECTED, _("Do not show")),
        ],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Text as it may be shown"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Replace a name by [naam], an address by [adres]."),
    )


class ResultsForm(forms.Form):
    """Narrow a survey's results to a version, a team or a neighbourhood."""

    version = forms.ModelChoiceField(
        label=_("Version"),
        queryset=SurveyVersion.objects.none(),
        required=False,
        empty_label=_("All versions"),
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("All teams")
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        empty_label=_("All neighbourhoods"),
    )

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "version").queryset = survey.versions.order_by("number")
        model_choice_field(self, "team").queryset = Team.objects.filter(
            municipality_id=survey.municipality_id
        ).order_by("name")
        model_choice_field(self, "neighbourhood").queryset = Neighbourhood.objects.filter(
            municipality_id=survey.municipality_id
        ).order_by("name")
