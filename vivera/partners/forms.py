"""Forms of the triage queue: parse and validate; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vivera.core.formfields import choice_field, model_choice_field
from vivera.organisation.models import PartnerKind, PartOfDay, Referrer, Team
from vivera.registration.bsn import validate_bsn
from vivera.registration.forms import current_part_of_day, date_field
from vivera.registration.services import BIRTH_DATE_RULE, DATE_RULE

from .models import AttemptMethod, Submission, SubmissionKind, SubmissionStatus
from .services import ARREARS_DATE_RULE, stale_edit

# The referrer a dossier gets by default when the team takes a submission on; the professional
# can choose another.
REFERRER_FOR_PARTNER: dict[str, str] = {  # a partner's kind → the referrer's code
    PartnerKind.HOUSING: "woningcorporatie",
    PartnerKind.POLICE: "politie",
    PartnerKind.GP: "huisarts",
    PartnerKind.SDD: "sdd",
    PartnerKind.VEILIG_THUIS: "veilig-thuis",
    PartnerKind.MEE: "mee",
}


class AttemptForm(forms.Form):
    date = date_field(_("Date"), initial_today=True, rule=DATE_RULE)
    part_of_day = forms.ChoiceField(label=_("Part of day"), choices=PartOfDay.choices)
    method = forms.ChoiceField(label=_("How"), choices=AttemptMethod.choices)
    reached = forms.BooleanField(label=_("The person was reached"), required=False)
    note = forms.CharField(
        label=_("Note (for the team only)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Most attempts are recorded right after they were made: now's part of the day.
        self.fields["part_of_day"].initial = current_part_of_day()


class SubmissionStatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=SubmissionStatus.choices)
    date = date_field(_("Date"), initial_today=True, rule=DATE_RULE)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, submission: Submission, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})["version"] = submission.version
        super().__init__(*args, **kwargs)
        # Handing over into a dossier has its own form; here 'handed over' means to another
        # organisation.
        self.submission = submission
        allowed = submission.allowed_next_statuses()
        choice_field(self, "to_status").choices = [
            (value, label) for value, label in SubmissionStatus.choices if value in allowed
        ]

    def clean(self) -> dict[str, Any]:
        # Someone else changed it since this user opened the page: say so, rather than that
        # the chosen status is not a valid choice (the choices follow the current status).
        if self.data.get("version") != str(self.submission.version):
            raise stale_edit()
        super().clean()
        return self.cleaned_data


class ToDossierForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    referrer = forms.ModelChoiceField(
        label=_("Referred by"), queryset=Referrer.objects.filter(active=True)
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, submission: Submission, teams: Any, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        initial["version"] = submission.version
        if submission.team_id is not None:
            initial["team"] = submission.team_id
        code = (
            "vroegsignaal"
            if submission.kind == SubmissionKind.SIGNAL
            else REFERRER_FOR_PARTNER.get(submission.partner.kind, "overige-partner")
        )
        initial["referrer"] = (
            Referrer.objects.filter(code=code).values_list("pk", flat=True).first()
        )
        super().__init__(*args, **kwargs)
        model_choice_field(self, "team").queryset = teams


class TakeForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "team").queryset = teams
        only = list(teams[:2])
        if len(only) == 1:
            self.fields["team"].initial = only[0].pk


# --- The partner's own pages --------------------------------------------------------------------

SIGNAL_ONLY = ("signal_type", "amount", "arrears_since", "months_in_arrears", "crisis")


class PartnerSubmissionForm(forms.ModelForm):
    """What a partner fills in on the web: the same fields and rules as the API."""

    birth_date = date_field(_("Date of birth"), required=False, rule=BIRTH_DATE_RULE)
    arrears_since = date_field(_("Arrears since"), required=False, rule=ARREARS_DATE_RULE)
    # Typed with spaces or dots as often as not: the service normalises them.
    bsn = forms.CharField(
        label=_("BSN"),
        max_length=13,
        required=False,
        validators=[validate_bsn],
        help_text=_("Optional. 9 digits; checked with the 11-test."),
    )
    postcode = forms.CharField(label=_("Postcode"), max_length=7, required=False)

    class Meta:
        model = Submission
        fields = [
            "reference",
            "first_name",
            "name_prefix",
            "last_name",
            "birth_date",
            "bsn",
            "postcode",
            "house_number",
            "phone",
            "email",
            "signal_type",
            "amount",
            "arrears_since",
            "months_in_arrears",
            "crisis",
            "reason",
            "consent",
        ]
        widgets = {"reason": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"reference": _("Your own reference, for example your file number.")}

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == SubmissionKind.REFERRAL:
            for name in SIGNAL_ONLY:
                del self.fields[name]
            self.fields["reason"].required = True
            self.fields["reason"].label = _("What does the resident need help with?")
            self.fields["consent"].required = True
            self.fields["consent"].label = _("The resident agrees to this referral")
        else:
            del self.fields["consent"]
            self.fields["signal_type"].required = True
            self.fields["amount"].required = True
            self.fields["postcode"].required = True
            self.fields["house_number"].required = True

    def _post_clean(self) -> None:
        # The model's rules are the service's job (the same for the API and this form).
        pass
