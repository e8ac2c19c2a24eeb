"""Forms parse and validate input; the services decide. Dates use the browser's date picker
(ISO values) and also accept Dutch dates typed by hand (31-12-2017)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vivera.accounts.access import municipality_id_of
from vivera.accounts.models import User
from vivera.core.formfields import BoundedModelMultipleChoiceField, choice_field, model_choice_field
from vivera.core.widgets import ComboboxSelect
from vivera.organisation.models import (
    ContactKind,
    LifeDomain,
    Location,
    Neighbourhood,
    Outcome,
    PartnerOrganisation,
    PartOfDay,
    Referrer,
    Team,
)
from vivera.organisation.selectors import memberships_on

from .access import BsnCheck, duplicate_bsn_error
from .bsn import normalise_bsn, validate_bsn
from .models import (
    AccessRequestKind,
    Channel,
    Client,
    Complexity,
    ConsentMethod,
    ConsentScope,
    ContactWith,
    CoreTask,
    DossierStatus,
    HandoverStatus,
    OutreachKind,
    ProvisionKind,
    Question,
    ShortContactResult,
    ZrmLevel,
    ZrmMoment,
)
from .services import (
    BIRTH_DATE_RULE,
    CLOSING_DATE_RULE,
    DATE_RULE,
    OPENING_DATE_RULE,
    REGISTRATION_DATE_RULE,
    within_dossier_rule,
    zrm_domains,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from .models import Dossier

DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d-%m-%y"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_field(
    label: StrOrPromise,
    *,
    required: bool = True,
    initial_today: bool = False,
    rule: Callable[[dt.date | None], None] | None = None,
) -> forms.DateField:
    """A date field; `rule` is the service's own date rule (`DATE_RULE`, …), so a wrong date
    is refused together with the form's other problems, in the service's words."""
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        input_formats=DATE_FORMATS,
        initial=timezone.localdate if initial_today else None,
        validators=[rule] if rule else [],
    )


def limit_to_dossier(form: forms.Form, field: str, dossier: Dossier) -> None:
    """The date cannot lie before the dossier was registered: checked with the other fields."""
    form.fields[field].validators.append(within_dossier_rule(dossier))


def active_choices[M: Model](model: type[M], **filters: Any) -> QuerySet[M]:
    return model._default_manager.filter(active=True, **filters)


class TokenForm(forms.Form):
    """A create form with a one-time token against double submission."""

    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("form_token", str(uuid.uuid4()))


class UserChoicesField(BoundedModelMultipleChoiceField):
    """Several users by id (a too large id is an invalid choice, not a server error)."""


def team_members(team_ids: set[int] | list[int]) -> QuerySet[User]:
    member_ids = memberships_on(timezone.localdate()).filter(team_id__in=team_ids).values("user_id")
    return User.objects.filter(pk__in=member_ids, is_active=True).order_by(
        "first_name", "last_name"
    )


def current_part_of_day() -> str:
    hour = timezone.localtime().hour
    if hour < 12:
        return PartOfDay.MORNING
    if hour < 17:
        return PartOfDay.AFTERNOON
    return PartOfDay.EVENING


# --- Short contact ----------------------------------------------------------------------------


class ShortContactForm(TokenForm):
    channel = forms.ChoiceField(
        label=_("Channel"), choices=Channel.choices, widget=forms.RadioSelect
    )
    location = forms.ModelChoiceField(
        label=_("Walk-in location (for a walk-in)"),
        queryset=Location.objects.none(),
        required=False,
    )
    # Type "fin" and press Enter: the topic is picked and the contact saved (the most frequent
    # task, done dozens of times a day).
    domain = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=LifeDomain.objects.none(),
        widget=ComboboxSelect(submit_on_enter=True),
    )
    result = forms.ChoiceField(
        label=_("Result"),
        choices=ShortContactResult.choices,
        widget=forms.RadioSelect,
        initial=ShortContactResult.ANSWERED,
    )
    part_of_day = forms.ChoiceField(
        label=_("Part of day"), choices=PartOfDay.choices, widget=forms.RadioSelect
    )
    date = date_field(_("Date"), initial_today=True, rule=DATE_RULE)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "location").queryset = active_choices(
            Location, municipality_id=municipality_id_of(user)
        )
        model_choice_field(self, "domain").queryset = active_choices(LifeDomain)
        self.fields["domain"].widget.attrs["autofocus"] = True
        self.initial.setdefault("part_of_day", current_part_of_day())

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("channel") == Channel.WALK_IN and not data.get("location"):
            self.add_error("location", _("Choose the walk-in location."))
        return data


# --- Clients ---------------------------------------------------------------------------------


class ClientForm(forms.ModelForm):
    birth_date = date_field(_("Date of birth"), required=False, rule=BIRTH_DATE_RULE)
    # Typed with spaces or dots as often as not: normalised before the model's checks.
    bsn = forms.CharField(label=_("BSN"), max_length=13, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=7, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Client
        fields = [
            "first_name",
            "name_prefix",
            "last_name",
            "birth_date",
            "bsn",
            "postcode",
            "house_number",
            "phone",
            "email",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bsn"].help_text = _("Optional. 9 digits; checked with the 11-test.")
        if self.instance.pk:
            self.initial["version"] = self.instance.version
        elif not self.is_bound:
            self.initial["form_token"] = str(uuid.uuid4())

    def clean_bsn(self) -> str:
        bsn = normalise_bsn(self.cleaned_data.get("bsn") or "")
        if bsn:
            validate_bsn(bsn)
        return bsn

    def clean_postcode(self) -> str:
        return (self.cleaned_data.get("postcode") or "").replace(" ", "").upper()

    def _post_clean(self) -> None:
        # Model validation (uniqueness, municipality) is the service's job.
        pass


class ClientSearchForm(forms.Form):
    # Bounded: every word becomes a LIKE pattern, and SQLite refuses patterns over 50,000
    # bytes with a server error (found by the form fuzz).
    q = forms.CharField(label=_("Name"), required=False, max_length=200)
    birth_date = date_field(_("Date of birth"), required=False)
    postcode = forms.CharField(label=_("Postcode"), required=False, max_length=7)
    bsn = forms.CharField(label=_("BSN"), required=False, max_length=11)

    def clean_bsn(self) -> str:
        bsn = normalise_bsn(self.cleaned_data.get("bsn") or "")
        if bsn:
            validate_bsn(bsn)
        return bsn

    def has_criteria(self) -> bool:
        return any(self.cleaned_data.get(f) for f in ("q", "birth_date", "postcode", "bsn"))


# --- Dossiers --------------------------------------------------------------------------------


class DossierCreateForm(TokenForm):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    referrer = forms.ModelChoiceField(label=_("Referred by"), queryset=Referrer.objects.none())
    registered_on = date_field(
        _("Registration date"), initial_today=True, rule=REGISTRATION_DATE_RULE
    )
    complexity = forms.ChoiceField(label=_("Complexity"), choices=Complexity.choices)
    case_director = forms.ModelChoiceField(
        label=_("Case director"),
        required=False,
        queryset=User.objects.none(),
        help_text=_("Can also be assigned later by the coordinator."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team_ids = user.team_ids()
        model_choice_field(self, "team").queryset = Team.objects.filter(pk__in=team_ids)
        if len(team_ids) == 1:
            self.initial.setdefault("team", next(iter(team_ids)))
        model_choice_field(self, "referrer").queryset = active_choices(Referrer)
        model_choice_field(self, "case_director").queryset = team_members(team_ids)


class DossierEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    case_director = forms.ModelChoiceField(
        label=_("Case director"), required=False, queryset=User.objects.none()
    )
    referrer = forms.ModelChoiceField(label=_("Referred by"), queryset=Referrer.objects.none())
    complexity = forms.ChoiceField(label=_("Complexity"), choices=Complexity.choices)
    network_mapped = forms.BooleanField(label=_("Social network mapped"), required=False)
    carer_involved = forms.BooleanField(label=_("Informal carer involved"), required=False)
    volunteer_deployed = forms.BooleanField(label=_("Volunteer deployed"), required=False)
    resident_contact = forms.BooleanField(
        label=_("Contact made with other residents"), required=False
    )

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The current director stays a valid choice after leaving the team.
        directors = team_members([dossier.team_id])
        if dossier.case_director_id is not None:
            directors |= User.objects.filter(pk=dossier.case_director_id)
        model_choice_field(self, "case_director").queryset = directors
        model_choice_field(self, "referrer").queryset = Referrer.objects.filter(
            active=True
        ) | Referrer.objects.filter(pk=dossier.referrer_id)
        if not self.is_bound:
            self.initial.update(
                {
                    "version": dossier.version,
                    "case_director": dossier.case_director_id,
                    "referrer": dossier.referrer_id,
                    "complexity": dossier.complexity,
                    "network_mapped": dossier.network_mapped,
                    "carer_involved": dossier.carer_involved,
                    "volunteer_deployed": dossier.volunteer_deployed,
                    "resident_contact": dossier.resident_contact,
                }
            )


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=DossierStatus.choices)
    date = date_field(_("Date"), initial_today=True, rule=DATE_RULE)

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = dossier.allowed_next_statuses()
        choice_field(self, "to_status").choices = [
            (value, label) for value, label in DossierStatus.choices if value in allowed
        ]


class AssignCaseDirectorForm(forms.Form):
    case_director = forms.ModelChoiceField(label=_("Case director"), queryset=User.objects.none())

    def __init__(
        self, *args: Any, dossier: Dossier, members: list[User] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = model_choice_field(self, "case_director")
        if members is None:
            field.queryset = team_members([dossier.team_id])
        else:
            # A list page passes the team's members once instead of a query per row.
            field.queryset = User.objects.filter(pk__in=[m.pk for m in members])
            field.choices = [("", field.empty_label)] + [(m.pk, str(m)) for m in members]


# --- Questions, contacts, referrals, ZRM -----------------------------------------------------


class QuestionForm(TokenForm):
    domain = forms.ModelChoiceField(label=_("Life domain"), queryset=LifeDomain.objects.none())
    opened_on = date_field(_("Opened on"), initial_today=True, rule=OPENING_DATE_RULE)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, dossier: Dossier | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "domain").queryset = active_choices(LifeDomain)
        if dossier is not None:
            limit_to_dossier(self, "opened_on", dossier)


class QuestionCloseForm(forms.Form):
    closed_on = date_field(_("Closed on"), initial_today=True, rule=CLOSING_DATE_RULE)
    outcome = forms.ModelChoiceField(label=_("Outcome"), queryset=Outcome.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "outcome").queryset = active_choices(Outcome)


class ContactForm(TokenForm):
    date = date_field(_("Date"), initial_today=True, rule=DATE_RULE)
    kind = forms.ModelChoiceField(label=_("Kind of contact"), queryset=ContactKind.objects.none())
    with_whom = forms.ChoiceField(
        label=_("With"),
        choices=ContactWith.choices,
        widget=forms.RadioSelect,
        initial=ContactWith.CLIENT,
    )
    core_task = forms.ChoiceField(
        label=_("Core task"), choices=CoreTask.choices, initial=CoreTask.SUPPORT
    )
    minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=24 * 60)
    professionals = UserChoicesField(
        label=_("Other professionals involved"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, dossier: Dossier, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "kind").queryset = active_choices(ContactKind)
        model_choice_field(self, "professionals").queryset = team_members(
            [dossier.team_id]
        ).exclude(pk=user.pk)
        limit_to_dossier(self, "date", dossier)


class ReferralForm(TokenForm):
    referred_on = date_field(_("Date"), initial_today=True, rule=DATE_RULE)
    provision_kind = forms.ChoiceField(label=_("Provision"), choices=ProvisionKind.choices)
    partner = forms.ModelChoiceField(
        label=_("Partner organisation"),
        required=False,
        queryset=PartnerOrganisation.objects.none(),
        help_text=_(
            "Only with the resident's consent for a referral to this partner, recorded "
            "on the dossier page."
        ),
    )
    description = forms.CharField(
        label=_("Referred to (description)"), required=False, max_length=200
    )
    handover = forms.ChoiceField(label=_("Warm handover"), choices=HandoverStatus.choices)
    question = forms.ModelChoiceField(
        label=_("For question"), required=False, queryset=Question.objects.none()
    )

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "partner").queryset = PartnerOrganisation.objects.filter(
            municipality_id=dossier.municipality_id, active=True
        )
        model_choice_field(self, "question").queryset = dossier.questions.select_related("domain")
        limit_to_dossier(self, "referred_on", dossier)


ALL_PARTNERS = "all"


class ConsentForm(TokenForm):
    partner = forms.ChoiceField(label=_("Share with"))
    scopes = forms.MultipleChoiceField(
        label=_("What may be shared"),
        choices=ConsentScope.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    given_on = date_field(_("Consent given on"), initial_today=True, rule=DATE_RULE)
    given_how = forms.ChoiceField(
        label=_("How was consent given?"), choices=ConsentMethod.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "For example what exactly the resident agreed to, or where the signed form is kept."
        ),
    )

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partners = {
            str(p.pk): p
            for p in PartnerOrganisation.objects.filter(
                municipality_id=dossier.municipality_id, active=True
            ).order_by("name")
        }
        choice_field(self, "partner").choices = [
            ("", "---------"),
            (ALL_PARTNERS, _("All partner organisations of the municipality")),
            *((pk, partner.name) for pk, partner in self.partners.items()),
        ]
        limit_to_dossier(self, "given_on", dossier)

    def clean_partner(self) -> PartnerOrganisation | None:
        value = self.cleaned_data["partner"]
        return None if value == ALL_PARTNERS else self.partners[value]


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = date_field(_("Withdrawn on"), initial_today=True, rule=DATE_RULE)


class ZrmForm(TokenForm):
    assessed_on = date_field(_("Date"), initial_today=True, rule=DATE_RULE)
    moment = forms.ChoiceField(label=_("Moment"), choices=ZrmMoment.choices)

    def __init__(self, *args: Any, dossier: Dossier | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if dossier is not None:
            limit_to_dossier(self, "assessed_on", dossier)
        self.domains = zrm_domains()
        for domain in self.domains:
            self.fields[f"domain_{domain.pk}"] = forms.TypedChoiceField(
                label=domain.name,
                choices=ZrmLevel.choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Score this domain.")},
            )


# --- Outreach --------------------------------------------------------------------------------


class OutreachForm(TokenForm):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    date = date_field(_("Date"), initial_today=True, rule=DATE_RULE)
    kind = forms.ChoiceField(label=_("Kind"), choices=OutreachKind.choices)
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"), required=False, queryset=Neighbourhood.objects.none()
    )
    description = forms.CharField(label=_("Description"), max_length=200)
    hours = forms.DecimalField(label=_("Hours"), min_value=0.25, max_value=1000, decimal_places=2)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team_ids = user.team_ids()
        model_choice_field(self, "team").queryset = Team.objects.filter(pk__in=team_ids)
        if len(team_ids) == 1:
            self.initial.setdefault("team", next(iter(team_ids)))
        model_choice_field(self, "neighbourhood").queryset = Neighbourhood.objects.filter(
            municipality_id=municipality_id_of(user)
        )


# --- Requests for access to a resident known to another team --------------------------------


class AccessRequestForm(forms.Form):
    """Ask the team that holds a resident's dossier for access. Carries the BSN the professional
    typed (and nothing the check found), so the request names no one the user could not name."""

    # Shown under another form (the client form, a submission's) whose field ids it must not
    # repeat.
    PREFIX = "toegang"

    bsn = forms.CharField(label=_("BSN of the resident"), max_length=13)
    team = forms.ModelChoiceField(label=_("For my team"), queryset=Team.objects.none())
    kind = forms.ChoiceField(
        label=_("What do you ask for?"), choices=AccessRequestKind.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Why does your team need access?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One or two sentences, for the coordinator of the other team. Write no more "
            "about the resident than that coordinator needs to decide."
        ),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team_ids = user.team_ids()
        model_choice_field(self, "team").queryset = Team.objects.filter(pk__in=team_ids).order_by(
            "name"
        )
        if len(team_ids) == 1:
            self.initial.setdefault("team", next(iter(team_ids)))
            self.fields["team"].widget = forms.HiddenInput()

    def clean_bsn(self) -> str:
        bsn = normalise_bsn(self.cleaned_data.get("bsn") or "")
        validate_bsn(bsn)
        return bsn


class AccessRequestDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your answer"),
        widget=forms.RadioSelect,
        choices=[("approve", _("Approve")), ("decline", _("Decline"))],
    )
    note = forms.CharField(
        label=_("Note for the requester"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required when you decline. The requester reads it; write nothing about the resident."
        ),
    )


def refuse_bsn_clash(form: forms.BaseForm, *, check: BsnCheck, user: User, bsn: str) -> None:
    """After `access.check_bsn` found the BSN with another client: note on `form` what its page
    shows next to the refusal (within reach: a link to that record, `form.bsn_duplicate`;
    elsewhere: the request for access, `form.bsn_offer`, carrying only the typed BSN), then
    raise the refusal for the form's error. Without a clash it returns."""
    if check.client is None:
        return
    if check.within_reach:
        form.bsn_duplicate = check.client  # type: ignore[attr-defined]
    else:
        form.bsn_offer = AccessRequestForm(  # type: ignore[attr-defined]
            user=user, initial={"bsn": bsn}, prefix=AccessRequestForm.PREFIX
        )
    raise duplicate_bsn_error(check)
