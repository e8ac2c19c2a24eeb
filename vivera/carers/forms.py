"""The carers' register's forms. The public ones are bot-guarded (`core.botguard`); the
services decide (all problems at once), the forms only parse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vivera.core.botguard import BotGuardForm
from vivera.registration.forms import DATE_FORMATS, DateInput

from .models import (
    AppreciationForm,
    CareKind,
    CarerStatus,
    ContactPurpose,
    Group,
    OnePer,
    Relation,
    SupportKind,
)

ANY = [("", _("All"))]


def _date(label: Any, *, required: bool = False, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        input_formats=DATE_FORMATS,
        help_text=help_text,
        error_messages={"invalid": _("Write the date as dd-mm-yyyy.")},
    )


class ContactFieldsForm(forms.Form):
    """What a carer may change itself."""

    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=7, required=False)
    house_number = forms.CharField(label=_("House number"), max_length=10, required=False)
    is_working = forms.BooleanField(label=_("I have paid work besides caring"), required=False)
    contact_consent = forms.BooleanField(
        label=_("The carers' support organisation may contact me"), required=False
    )
    contact_purposes = forms.MultipleChoiceField(
        label=_("About"),
        choices=ContactPurpose.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class CarerFieldsForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    birth_date = _date(_("Date of birth"))
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        error_messages={"invalid": _("This is not an e-mail address.")},
    )


class RelationFieldsForm(forms.Form):
    cared_for_name = forms.CharField(
        label=_("Name of the person you care for"), max_length=150, required=False
    )
    cared_for_postcode = forms.CharField(
        label=_("Postcode of the person you care for"),
        max_length=7,
        required=False,
        help_text=_("If it differs from yours."),
    )
    relation = forms.ChoiceField(
        label=_("This person is my"), choices=[("", "—"), *Relation.choices], required=False
    )
    care_kinds = forms.MultipleChoiceField(
        label=_("Kind of care"),
        choices=CareKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    hours_per_week = forms.IntegerField(
        label=_("Hours of care a week, about"),
        required=False,
        min_value=0,
        max_value=999,
        error_messages={"invalid": _("Fill in a whole number.")},
    )
    since = _date(_("Caring since"))
    dementia = forms.BooleanField(label=_("The person I care for has dementia"), required=False)


class PublicRegistrationForm(BotGuardForm, CarerFieldsForm, ContactFieldsForm, RelationFieldsForm):
    salt = "vivera-carers-register"
    privacy = forms.BooleanField(
        label=_(
            "I agree that the municipality and the carers' support organisation keep these "
            "details in the register of informal carers"
        ),
        required=False,
    )
    field_order = [
        "first_name",
        "last_name",
        "birth_date",
        "email",
        "phone",
        "postcode",
        "house_number",
        "is_working",
        "cared_for_name",
        "cared_for_postcode",
        "relation",
        "care_kinds",
        "hours_per_week",
        "since",
        "dementia",
        "contact_consent",
        "contact_purposes",
        "privacy",
    ]


class StaffRegistrationForm(CarerFieldsForm, ContactFieldsForm, RelationFieldsForm):
    """The consultant's (and the professional's) registration: the carer's consent is asked
    in the conversation."""

    field_order = PublicRegistrationForm.field_order[:-1]


class ClientRegistrationForm(StaffRegistrationForm):
    """A professional registers the carer of a client; linking needs the client's consent."""

    client_consent_on = _date(
        _("The client agreed to the link on"),
        help_text=_("Without the client's consent the carer is registered without the link."),
    )


class CarerEditForm(CarerFieldsForm, ContactFieldsForm):
    pass


class RelationForm(RelationFieldsForm):
    pass


class OwnRelationForm(RelationFieldsForm):
    """The carer on its own page: someone else it cares for."""


class RequestLinkForm(BotGuardForm):
    salt = "vivera-carers-link"
    email = forms.EmailField(
        label=_("Your e-mail address"),
        error_messages={
            "required": _("Fill in your e-mail address."),
            "invalid": _("This is not an e-mail address."),
        },
    )


class LeaveForm(forms.Form):
    on = _date(_("Date of leaving"), help_text=_("Empty: today."))
    reason = forms.CharField(label=_("Reason (optional)"), max_length=300, required=False)


class EndRelationForm(forms.Form):
    on = _date(_("Care ended on"), required=True)


class SupportForm(forms.Form):
    date = _date(_("Date"), required=True)
    kind = forms.ChoiceField(
        label=_("Kind of support"), choices=[("", "—"), *SupportKind.choices], required=False
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    follow_up_on = _date(_("Follow up on"))


class SchemeForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False)
    form = forms.ChoiceField(
        label=_("Form"), choices=[("", "—"), *AppreciationForm.choices], required=False
    )
    amount = forms.DecimalField(
        label=_("Amount or value (euro)"), required=False, max_digits=8, decimal_places=2
    )
    budget = forms.DecimalField(
        label=_("Budget (euro)"), required=False, max_digits=11, decimal_places=2
    )
    opens_on = _date(_("Applications from"))
    closes_on = _date(_("Applications until"))
    one_per = forms.ChoiceField(
        label=_("Rule"), choices=OnePer.choices, widget=forms.RadioSelect, required=False
    )
    min_hours = forms.IntegerField(label=_("At least hours of care a week"), required=False)
    min_months = forms.IntegerField(label=_("For at least months"), required=False)


class ApplicationFieldsForm(forms.Form):
    relation = forms.TypedChoiceField(
        label=_("For the care of"), coerce=int, empty_value=None, required=False
    )
    iban = forms.CharField(
        label=_("IBAN"),
        max_length=42,
        required=False,
        help_text=_("For example NL91 ABNA 0417 1643 00."),
    )
    account_holder = forms.CharField(label=_("Account holder"), max_length=100, required=False)

    def __init__(self, *args: Any, relations: Any, pays_money: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["relation"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (r.pk, str(r)) for r in relations
        ]
        if not pays_money:
            del self.fields["iban"]
            del self.fields["account_holder"]


class PublicApplicationForm(BotGuardForm, ApplicationFieldsForm):
    salt = "vivera-carers-apply"


class StaffApplicationForm(ApplicationFieldsForm):
    received_on = _date(_("Received on"), required=True)


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for refusal"),
        max_length=300,
        required=False,
        help_text=_("Only when you refuse: the carer reads it."),
    )


class RegisterFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), choices=ANY + list(CarerStatus.choices), required=False
    )
    group = forms.ChoiceField(label=_("Group"), choices=ANY + list(Group.choices), required=False)
