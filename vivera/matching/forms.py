"""Voor elkaar's forms. The public ones are bot-guarded (`core.botguard`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vivera.core.botguard import BotGuardForm
from vivera.organisation.models import Neighbourhood, PartOfDay

from .models import ConnectionStatus, Frequency, HelpKind, ListingKind

ANY = [("", _("All"))]


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Requests or offers"), required=False, choices=ANY + list(ListingKind.choices)
    )
    help_kind = forms.ChoiceField(
        label=_("Kind of help"), required=False, choices=ANY + list(HelpKind.choices)
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        required=False,
        queryset=Neighbourhood.objects.none(),
        empty_label=str(_("All")),
    )
    part_of_day = forms.ChoiceField(
        label=_("Part of day"), required=False, choices=ANY + list(PartOfDay.choices)
    )
    frequency = forms.ChoiceField(
        label=_("How often"), required=False, choices=ANY + list(Frequency.choices)
    )

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(  # type: ignore[attr-defined]
            municipality_id=municipality_id
        )


class SignUpForm(BotGuardForm):
    salt = "vivera-matching-signup"
    name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        required=False,
        help_text=_("Others see only your first name."),
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send you a link to confirm it. Nobody else sees it."),
        error_messages={
            "required": _("Fill in your e-mail address."),
            "invalid": _("This is not an e-mail address."),
        },
    )
    is_organisation = forms.BooleanField(label=_("I sign up for an organisation"), required=False)


class ListingFields(forms.Form):
    """What a request or offer says, for the public form and the professional's."""

    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        required=False,
        help_text=_("In a few words, for example: Shopping together on Saturday."),
    )
    text = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What, where roughly and when. No name, address, phone number or e-mail: those you "
            "share later, through the site."
        ),
    )
    help_kind = forms.ChoiceField(
        label=_("Kind of help"), choices=[("", "—"), *HelpKind.choices], required=False
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        empty_label="—",
    )
    parts_of_day = forms.MultipleChoiceField(
        label=_("When"),
        choices=PartOfDay.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    frequency = forms.ChoiceField(
        label=_("How often"), choices=Frequency.choices, widget=forms.RadioSelect, required=False
    )

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(  # type: ignore[attr-defined]
            municipality_id=municipality_id
        )


class ListingForm(BotGuardForm, ListingFields):
    salt = "vivera-matching-listing"
    kind = forms.ChoiceField(
        label=_("I"),
        choices=[("request", _("ask for help")), ("offer", _("offer help"))],
        widget=forms.RadioSelect,
        required=False,
    )
    field_order = ["kind"]


class ClientListingForm(ListingFields):
    """A professional's request for a client (no bot guard: a signed-in professional)."""


class ReportForm(BotGuardForm):
    salt = "vivera-matching-report"
    reason = forms.CharField(
        label=_("What is wrong?"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ModerateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for holding back"),
        required=False,
        max_length=300,
        help_text=_("Only when you hold it back: the poster reads it."),
    )


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Your message"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, staff: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if staff:  # the staff pages say "u", the public ones "je"
            self.fields["text"].label = pgettext_lazy("staff", "Your message")


class StatusForm(forms.Form):
    # No status chosen beforehand: saving the form without a choice must not record a match.
    status = forms.ChoiceField(
        label=_("How does it go?"),
        choices=[("", _("Choose…"))]
        + [(k, v) for k, v in ConnectionStatus.choices if k != ConnectionStatus.CONNECTION],
        error_messages={"required": _("Choose how it goes.")},
    )
