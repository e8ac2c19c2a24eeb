"""Every write to registration data. Each service is atomic, validates the whole object, writes an
access-log line and leaves the database unchanged when it refuses.

Services raise `django.core.exceptions.ValidationError` with a Dutch message (via i18n); views
show it in the form without losing what the user typed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypedDict, Unpack, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vivera.accounts.access import municipality_id_of
from vivera.accounts.models import Role
from vivera.audit.models import Action
from vivera.audit.services import log_access
from vivera.core.errors import DateRule, Refusals
from vivera.core.services import form_token_claim
from vivera.organisation.models import (
    ContactKind,
    LifeDomain,
    Location,
    Neighbourhood,
    Outcome,
    PartnerOrganisation,
    PostcodeArea,
    Referrer,
    Team,
)
from vivera.organisation.selectors import memberships_on

from . import signals
from .access import clients_for, duplicate_bsn_error, find_bsn
from .bsn import normalise_bsn
from .models import (
    ALLOWED_STATUS_CHANGES,
    AccessRequestKind,
    AccessRequestStatus,
    Channel,
    Client,
    ClientAccessRequest,
    ConsentScope,
    ContactMoment,
    Dossier,
    DossierStatus,
    DossierStatusChange,
    DossierTeamChange,
    Household,
    OutreachActivity,
    Question,
    Referral,
    SharingConsent,
    ShortContact,
    ZrmAssessment,
    ZrmScore,
)

if TYPE_CHECKING:
    from vivera.accounts.models import User

EARLIEST_DATE = dt.date(2000, 1, 1)
NEEDS_CASE_DIRECTOR = frozenset(
    {DossierStatus.INTAKE, DossierStatus.ACTIVE, DossierStatus.WATCHING}
)


def field_error(field: str, message: str, code: str) -> ValidationError:
    """A refusal tied to one form field. (ValidationError drops `code` when given a dict, so
    the code goes on the inner error, where forms and tests can read it.)"""
    return ValidationError({field: ValidationError(message, code=code)})


class StaleEdit(ValidationError):
    """Someone else saved the record after this user opened it. The edit pages answer with the
    merge view (`merge.py`)."""


def stale_client() -> StaleEdit:
    return StaleEdit(
        _(
            "Someone else changed this client after you opened the form. Your changes were not "
            "saved yet; choose per field what to keep."
        ),
        code="stale",
    )


def stale_dossier() -> StaleEdit:
    return StaleEdit(
        _(
            "Someone else changed this dossier after you opened the form. Your changes were not "
            "saved yet; choose per field what to keep."
        ),
        code="stale",
    )


# The date rules: the forms validate their fields with the same objects (one message each).
DATE_RULE = DateRule(gettext_lazy("The date"), EARLIEST_DATE)
BIRTH_DATE_RULE = DateRule(gettext_lazy("The date of birth"), dt.date(1900, 1, 1))
REGISTRATION_DATE_RULE = DateRule(gettext_lazy("The registration date"), EARLIEST_DATE)
OPENING_DATE_RULE = DateRule(gettext_lazy("The opening date"), EARLIEST_DATE)
CLOSING_DATE_RULE = DateRule(gettext_lazy("The closing date"), EARLIEST_DATE)


def check_date(value: dt.date | None, *, field: str, rule: DateRule = DATE_RULE) -> None:
    """Refuse, on `field`, a date `rule` refuses (in the future, or a typo in the year)."""
    try:
        rule(value)
    except ValidationError as error:
        raise ValidationError({field: error.error_list}) from None


def neighbourhood_for_postcode(*, municipality_id: int, postcode: str) -> Neighbourhood | None:
    """The full postcode first (1234AB), then its four digits (1234)."""
    postcode = postcode.replace(" ", "").upper()
    if not postcode:
        return None
    for key in (postcode, postcode[:4]):
        area = (
            PostcodeArea.objects.select_related("neighbourhood")
            .filter(postcode=key, neighbourhood__municipality_id=municipality_id)
            .first()
        )
        if area:
            return area.neighbourhood
    return None


# --- Clients ---------------------------------------------------------------------------------


class ClientFields(TypedDict, total=False):
    """A client's details as a form or the API gives them (a missing one is empty)."""

    first_name: str
    name_prefix: str
    last_name: str
    birth_date: dt.date | None
    bsn: str
    postcode: str
    house_number: str
    phone: str
    email: str


def client_fields(data: Mapping[str, Any]) -> ClientFields:
    """The client's details out of a form's cleaned data (which also holds its token)."""
    return cast(ClientFields, {f: data[f] for f in CLIENT_FIELDS if f in data})


CLIENT_FIELDS = (
    "first_name",
    "name_prefix",
    "last_name",
    "birth_date",
    "bsn",
    "postcode",
    "house_number",
    "phone",
    "email",
)


def _client_clean(client: Client, user: User) -> None:
    """Every rule at once: the user corrects all problems in one go."""
    refusals = Refusals()
    client.bsn = normalise_bsn(client.bsn or "")
    client.postcode = (client.postcode or "").replace(" ", "").upper()
    with refusals.check("birth_date"):
        BIRTH_DATE_RULE(client.birth_date)
    client.neighbourhood = neighbourhood_for_postcode(
        municipality_id=client.municipality_id, postcode=client.postcode
    )
    with refusals.check():
        # The BSN's uniqueness is the guard's question below, answered without saying more.
        client.full_clean(exclude=["created_by"], validate_constraints=False)
    if client.bsn and not refusals.has("bsn"):
        # The guard (the view checked and logged first, `access.check_bsn`): refused with the
        # same answer the view gives, which says no more than that.
        check = find_bsn(user=user, bsn=client.bsn, exclude_pk=client.pk)
        if check.client is not None:
            refusals.merge(duplicate_bsn_error(check))
    refusals.raise_if_any()
    client.validate_constraints()


@transaction.atomic
def client_create(
    *,
    user: User,
    form_token: uuid.UUID | None = None,
    household_of: Client | None = None,
    request: HttpRequest | None = None,
    **data: Unpack[ClientFields],
) -> Client:
    """Register a client; with `household_of`, as a member of that client's household (which is
    created, named after the first member, when it does not exist yet)."""
    form_token_claim(token=form_token, user=user)
    client = Client(
        municipality_id=municipality_id_of(user),
        created_by=user,
        **{f: data.get(f) or ("" if f != "birth_date" else None) for f in CLIENT_FIELDS},
    )
    _client_clean(client, user)
    if household_of is not None:
        client.household = household_ensure(user=user, client=household_of, request=request)
    client.save()
    log_access(
        user=user,
        action=Action.CREATE,
        object_type="client",
        object_id=client.pk,
        client_id=client.pk,
        request=request,
    )
    return client


def household_ensure(
    *, user: User, client: Client, request: HttpRequest | None = None
) -> Household:
    if client.household is None:
        name = " ".join(p for p in (client.name_prefix, client.last_name) if p)
        address = f"{client.postcode} {client.house_number}".strip()
        client.household = Household.objects.create(
            municipality_id=client.municipality_id,
            name=f"{_('Household')} {name}" + (f", {address}" if address else ""),
        )
        client.save(update_fields=["household"])
        log_access(
            user=user,
            action=Action.UPDATE,
            object_type="client",
            object_id=client.pk,
            client_id=client.pk,
            request=request,
            detail={"household": "created"},
        )
    return client.household


@transaction.atomic
def client_update(
    *,
    user: User,
    client: Client,
    version: int,
    request: HttpRequest | None = None,
    **data: Unpack[ClientFields],
) -> Client:
    """Change a client's details. Refused when someone else saved it since `version` (checked
    first, so the user sees the merge view rather than a rule the other change broke)."""
    current = (
        Client.objects.select_for_update()
        .filter(pk=client.pk)
        .values_list("version", flat=True)
        .first()
    )
    if current != version:
        raise stale_client()
    for f in CLIENT_FIELDS:
        setattr(client, f, data.get(f) or ("" if f != "birth_date" else None))
    _client_clean(client, user)
    fields = [*CLIENT_FIELDS, "neighbourhood"]
    updated = Client.objects.filter(pk=client.pk, version=version).update(
        version=F("version") + 1, **{f: getattr(client, f) for f in fields}
    )
    if not updated:
        raise stale_client()
    client.version = version + 1
    signals.changed.send(sender=Client, municipality_id=client.municipality_id)
    log_access(
        user=user,
        action=Action.UPDATE,
        object_type="client",
        object_id=client.pk,
        client_id=client.pk,
        request=request,
        detail={"fields": list(CLIENT_FIELDS)},
    )
    return client


# --- Dossiers --------------------------------------------------------------------------------


@transaction.atomic
def dossier_create(
    *,
    user: User,
    client: Client,
    team: Team,
    referrer: Referrer,
    registered_on: dt.date,
    complexity: str = "single",
    case_director: User | None = None,
    form_token: uuid.UUID | None = None,
    request: HttpRequest | None = None,
) -> Dossier:
    form_token_claim(token=form_token, user=user)
    refusals = Refusals()
    with refusals.check("registered_on"):
        REGISTRATION_DATE_RULE(registered_on)
    municipality_id = team.municipality_id
    if municipality_id != user.municipality_id or client.municipality_id != municipality_id:
        refusals.add("team", _("Choose a team of your own municipality."), "invalid")
    elif team.pk not in user.team_ids():
        refusals.add("team", _("Choose one of your own teams."), "not_member")
    if not referrer.active:
        refusals.add("referrer", _("This referrer is no longer in use."), "invalid")
    if case_director is not None and not refusals.has("team"):
        with refusals.check():
            _check_case_director(case_director, team)
    if (
        Dossier.objects.filter(client=client, team=team)
        .exclude(status=DossierStatus.CLOSED)
        .exists()
    ):
        refusals.add(
            None,
            _(
                "This client already has an open dossier with this team. Add the question to that "
                "dossier instead."
            ),
            "open_dossier_exists",
        )
    refusals.raise_if_any()
    dossier = Dossier(
        municipality_id=team.municipality_id,
        team=team,
        client=client,
        case_director=case_director,
        referrer=referrer,
        complexity=complexity,
        registered_on=registered_on,
        status=DossierStatus.REGISTERED,
        status_since=registered_on,
        created_by=user,
    )
    dossier.full_clean()
    dossier.save()
    DossierStatusChange.objects.create(
        dossier=dossier,
        from_status="",
        to_status=DossierStatus.REGISTERED,
        date=registered_on,
        changed_by=user,
    )
    log_access(
        user=user,
        action=Action.CREATE,
        object_type="dossier",
        object_id=dossier.pk,
        client_id=client.pk,
        request=request,
    )
    return dossier


@transaction.atomic
def dossier_change_status(
    *,
    user: User,
    dossier: Dossier,
    to_status: str,
    date: dt.date,
    request: HttpRequest | None = None,
) -> Dossier:
    """Move a dossier along its life cycle (ALLOWED_STATUS_CHANGES), dated and attributed."""
    dossier = Dossier.objects.select_for_update(no_key=True).get(pk=dossier.pk)  # see _lock
    refusals = Refusals()
    if to_status not in ALLOWED_STATUS_CHANGES[dossier.status]:
        refusals.add(
            "to_status",
            _("A dossier cannot go from “%(from)s” to “%(to)s”.")
            % {
                "from": DossierStatus(dossier.status).label,
                "to": DossierStatus(to_status).label
                if to_status in DossierStatus.values
                else to_status,
            },
            "transition",
        )
    with refusals.check("date"):
        DATE_RULE(date)
    if date < dossier.status_since:
        refusals.add(
            "date",
            _("The date cannot be before the current status began (%(since)s).")
            % {"since": dossier.status_since.strftime("%d-%m-%Y")},
            "before_status",
        )
    if to_status == DossierStatus.CLOSED:
        if dossier.questions.filter(closed_on__isnull=True).exists():
            refusals.add(
                "to_status", _("Close all questions before closing the dossier."), "open_questions"
            )
        last = _last_registered_date(dossier)
        if last is not None and date < last:
            refusals.add(
                "date",
                _("The dossier cannot close before the last registration in it (%(date)s).")
                % {"date": last.strftime("%d-%m-%Y")},
                "before_contents",
            )
    if to_status in NEEDS_CASE_DIRECTOR and dossier.case_director_id is None:
        refusals.add(
            "to_status", _("Assign a case director before the intake starts."), "no_case_director"
        )
    refusals.raise_if_any()
    DossierStatusChange.objects.create(
        dossier=dossier,
        from_status=dossier.status,
        to_status=to_status,
        date=date,
        changed_by=user,
    )
    dossier.status = to_status
    dossier.status_since = date
    dossier.closed_on = date if to_status == DossierStatus.CLOSED else None
    dossier.version += 1
    dossier.full_clean()
    dossier.save(update_fields=["status", "status_since", "closed_on", "version"])
    log_access(
        user=user,
        action=Action.UPDATE,
        object_type="dossier",
        object_id=dossier.pk,
        client_id=dossier.client_id,
        request=request,
        detail={"status": to_status, "date": date.isoformat()},
    )
    return dossier


class DossierChanges(TypedDict, total=False):
    """What `dossier_update` changes; a detail not given stays as it is."""

    case_director: User | None
    referrer: Referrer
    complexity: str
    network_mapped: bool
    carer_involved: bool
    volunteer_deployed: bool
    resident_contact: bool


DOSSIER_EDIT_FIELDS = (
    "case_director",
    "referrer",
    "complexity",
    "network_mapped",
    "carer_involved",
    "volunteer_deployed",
    "resident_contact",
)


@transaction.atomic
def dossier_update(
    *,
    user: User,
    dossier: Dossier,
    version: int,
    request: HttpRequest | None = None,
    **data: Unpack[DossierChanges],
) -> Dossier:
    """Change a dossier's details. Refused when someone else saved it since `version`
    (checked first, so the user sees the merge view rather than a rule the other change
    broke)."""
    dossier = _lock(dossier)
    if dossier.version != version:
        raise stale_dossier()
    case_director = data.get("case_director", dossier.case_director)
    if case_director is None and dossier.status in NEEDS_CASE_DIRECTOR:
        raise field_error(
            "case_director",
            _("A dossier in intake, active or watching needs a case director."),
            "no_case_director",
        )
    if case_director is not None and case_director.pk != dossier.case_director_id:
        # Only a change is checked: a director who has since left the team may stay.
        _check_case_director(case_director, dossier.team)
    for f, value in data.items():
        setattr(dossier, f, value)
    dossier.full_clean()
    changed = {f: getattr(dossier, f) for f in DOSSIER_EDIT_FIELDS}
    updated = Dossier.objects.filter(pk=dossier.pk, version=version).update(
        version=F("version") + 1, **changed
    )
    if not updated:
        raise stale_dossier()
    dossier.version = version + 1
    signals.changed.send(sender=Dossier, municipality_id=dossier.municipality_id)
    log_access(
        user=user,
        action=Action.UPDATE,
        object_type="dossier",
        object_id=dossier.pk,
        client_id=dossier.client_id,
        request=request,
        detail={"fields": [f for f in DOSSIER_EDIT_FIELDS if f in data]},
    )
    return dossier


def team_members_on(*, team_id: int, day: dt.date) -> list[int]:
    return list(memberships_on(day).filter(team_id=team_id).values_list("user_id", flat=True))


def _check_case_director(candidate: User, team: Team) -> None:
    if candidate.municipality_id != team.municipality_id or team.pk not in candidate.team_ids():
        raise field_error(
            "case_director",
            _("The case director must be a current member of the dossier's team."),
            "not_member",
        )


@transaction.atomic
def dossier_assign_case_director(
    *,
    user: User,
    dossier: Dossier,
    case_director: User,
    request: HttpRequest | None = None,
) -> Dossier:
    dossier = _lock_open(dossier)
    _check_case_director(case_director, dossier.team)
    Dossier.objects.filter(pk=dossier.pk).update(
        case_director=case_director, version=F("version") + 1
    )
    dossier.refresh_from_db(fields=["case_director", "version"])
    log_access(
        user=user,
        action=Action.UPDATE,
        object_type="dossier",
        object_id=dossier.pk,
        client_id=dossier.client_id,
        request=request,
        detail={"case_director": case_director.pk},
    )
    return dossier


# --- Questions -------------------------------------------------------------------------------


def within_dossier_rule(dossier: Dossier) -> Callable[[dt.date | None], None]:
    """A date in a dossier cannot lie before the dossier was registered (the forms validate
    their date field with it too)."""

    def rule(day: dt.date | None) -> None:
        if day is not None and day < dossier.registered_on:
            raise ValidationError(
                _("The date cannot be before the dossier was registered (%(date)s).")
                % {"date": dossier.registered_on.strftime("%d-%m-%Y")},
                code="before_dossier",
            )

    return rule


def _check_within_dossier(dossier: Dossier, day: dt.date, field: str) -> None:
    try:
        within_dossier_rule(dossier)(day)
    except ValidationError as error:
        raise ValidationError({field: error.error_list}) from None


def _lock(dossier: Dossier) -> Dossier:
    """The dossier row, locked until the end of the transaction, so a write under it and a
    status change cannot interleave.

    Only the dossier's own row (`of`), and FOR NO KEY UPDATE: a plain FOR UPDATE of the joined
    team and client rows also blocked every other transaction's foreign-key check on them
    (PostgreSQL checks Vivera's deferred keys at COMMIT), and such a transaction already holds
    the access log's append lock by then, which this one waits for next: a deadlock, found by
    the load test (docs/benchmarks.md)."""
    return (
        Dossier.objects.select_for_update(of=("self",), no_key=True)
        .select_related("team", "client")
        .get(pk=dossier.pk)
    )


def _lock_open(dossier: Dossier) -> Dossier:
    locked = _lock(dossier)
    if locked.is_closed:
        raise ValidationError(_("This dossier is closed. Re-open it first."), code="closed")
    return locked


def _last_registered_date(dossier: Dossier) -> dt.date | None:
    dates = [
        dossier.questions.aggregate(d=Max("closed_on"))["d"],
        dossier.questions.aggregate(d=Max("opened_on"))["d"],
        dossier.contacts.aggregate(d=Max("date"))["d"],
        dossier.referrals.aggregate(d=Max("referred_on"))["d"],
        dossier.zrm_assessments.aggregate(d=Max("assessed_on"))["d"],
    ]
    known = [d for d in dates if d is not None]
    return max(known) if known else None


@transaction.atomic
def question_add(
    *,
    user: User,
    dossier: Dossier,
    domain: LifeDomain,
    opened_on: dt.date,
    description: str = "",
    form_token: uuid.UUID | None = None,
    request: HttpRequest | None = None,
) -> Question:
    form_token_claim(token=form_token, user=user)
    dossier = _lock_open(dossier)
    refusals = Refusals()
    with refusals.check("opened_on"):
        OPENING_DATE_RULE(opened_on)
    with refusals.check():
        _check_within_dossier(dossier, opened_on, "opened_on")
    refusals.raise_if_any()
    question = Question(
        dossier=dossier,
        domain=domain,
        opened_on=opened_on,
        description=description,
        created_by=user,
    )
    question.full_clean()
    question.save()
    log_access(
        user=user,
        action=Action.CREATE,
        object_type="question",
        object_id=question.pk,
        client_id=dossier.client_id,
        request=request,
    )
    return question


@transaction.atomic
def question_close(
    *,
    user: User,
    question: Question,
    closed_on: dt.date,
    outcome: Outcome,
    request: HttpRequest | None = None,
) -> Question:
    _lock_open(question.dossier)
    question = (
        Question.objects.select_for_update(of=("self",), no_key=True)
        .select_related("dossier")
        .get(pk=question.pk)
    )
    if question.closed_on is not None:
        raise ValidationError(_("This question is already closed."), code="already_closed")
    refusals = Refusals()
    with refusals.check("closed_on"):
        CLOSING_DATE_RULE(closed_on)
    if closed_on < question.opened_on:
        refusals.add(
            "closed_on",
            _("The closing date cannot be before the opening date (%(date)s).")
            % {"date": question.opened_on.strftime("%d-%m-%Y")},
            "before_opened",
        )
    refusals.raise_if_any()
    question.closed_on = closed_on
    question.outcome = outcome
    question.full_clean()
    question.save(update_fields=["closed_on", "outcome"])
    log_access(
        user=user,
        action=Action.UPDATE,
        object_type="question",
        object_id=question.pk,
        client_id=question.dossier.client_id,
        request=request,
        detail={"closed_on": closed_on.isoformat(), "outcome": outcome.code},
    )
    return question


# --- Contacts, referrals, ZRM ----------------------------------------------------------------


@transaction.atomic
def contact_add(
    *,
    user: User,
    dossier: Dossier,
    date: dt.date,
    kind: ContactKind,
    with_whom: str,
    core_task: str,
    minutes: int,
    professionals: Iterable[User] = (),
    note: str = "",
    form_token: uuid.UUID | None = None,
    request: HttpRequest | None = None,
) -> ContactMoment:
    form_token_claim(token=form_token, user=user)
    dossier = _lock_open(dossier)
    refusals = Refusals()
    with refusals.check("date"):
        DATE_RULE(date)
    with refusals.check():
        _check_within_dossier(dossier, date, "date")
    professionals = list(professionals)
    members = set(team_members_on(team_id=dossier.team_id, day=date))
    if any(p.pk not in members for p in professionals):
        refusals.add(
            "professionals", _("Choose professionals of the dossier's team."), "not_member"
        )
    refusals.raise_if_any()
    contact = ContactMoment(
        dossier=dossier,
        date=date,
        kind=kind,
        with_whom=with_whom,
        core_task=core_task,
        minutes=minutes,
        note=note,
        created_by=user,
    )
    contact.full_clean()
    contact.save()
    people = {p.pk for p in professionals} | {user.pk}
    contact.professionals.set(people)
    log_access(
        user=user,
        action=Action.CREATE,
        object_type="contact",
        object_id=contact.pk,
        client_id=dossier.client_id,
        request=request,
    )
    return contact


@transaction.atomic
def referral_add(
    *,
    user: User,
    dossier: Dossier,
    referred_on: dt.date,
    provision_kind: str,
    partner: PartnerOrganisation | None = None,
    description: str = "",
    handover: str = "n/a",
    question: Question | None = None,
    form_token: uuid.UUID | None = None,
    request: HttpRequest | None = None,
) -> Referral:
    form_token_claim(token=form_token, user=user)
    dossier = _lock_open(dossier)
    refusals = Refusals()
    with refusals.check("referred_on"):
        DATE_RULE(referred_on)
    with refusals.check():
        _check_within_dossier(dossier, referred_on, "referred_on")
    if partner is not None and partner.municipality_id != dossier.municipality_id:
        refusals.add("partner", _("Choose a partner of your own municipality."), "invalid")
    if partner is None and not description.strip():
        refusals.add(
            "description",
            _("Choose a partner organisation or describe where the client was referred to."),
            "no_target",
        )
    if question is not None and question.dossier_id != dossier.pk:
        refusals.add("question", _("Choose a question of this dossier."), "invalid")
    if partner is not None and not refusals:
        with refusals.check():
            check_consent(
                dossier=dossier,
                partner=partner,
                day=referred_on,
                scope=ConsentScope.REFERRAL,
                field="partner",
            )
    refusals.raise_if_any()
    referral = Referral(
        dossier=dossier,
        question=question,
        referred_on=referred_on,
        provision_kind=provision_kind,
        partner=partner,
        description=description,
        handover=handover,
        created_by=user,
    )
    referral.full_clean()
    referral.save()
    log_access(
        user=user,
        action=Action.CREATE,
        object_type="referral",
        object_id=referral.pk,
        client_id=dossier.client_id,
        request=request,
    )
    return referral


# --- Consent for sharing with partners ------------------------------------------------------


def check_consent(
    *,
    dossier: Dossier,
    partner: PartnerOrganisation,
    day: dt.date,
    scope: str,
    field: str | None = None,
) -> None:
    """Refuse sharing `scope` of this dossier with `partner` on `day` without the resident's
    consent valid on that day (for this partner or for all partners)."""
    consents = SharingConsent.objects.filter(dossier=dossier).for_partner(partner.pk)
    if consents.valid_on(day, scope=scope).exists():
        return
    values = {
        "partner": partner,
        "date": day.strftime("%d-%m-%Y"),
        "scope": ConsentScope(scope).label,
    }
    covering = consents.filter(**{SharingConsent.SCOPE_FIELDS[scope]: True})
    withdrawn = covering.filter(withdrawn_on__lte=day).order_by("-withdrawn_on").first()
    if withdrawn is not None:
        assert withdrawn.withdrawn_on is not None  # filtered on it
        message = _(
            "The resident withdrew consent for sharing with %(partner)s on %(withdrawn)s. "
            "Nothing may be shared with %(partner)s from that day on; nothing was saved."
        ) % {**values, "withdrawn": withdrawn.withdrawn_on.strftime("%d-%m-%Y")}
        code = "consent_withdrawn"
    else:
        message = (
            _(
                "The resident has not consented to sharing with %(partner)s on %(date)s "
                "(%(scope)s). Ask the resident first and record the consent on the dossier page; "
                "nothing was saved."
            )
            % values
        )
        code = "no_consent"
    if field is None:
        raise ValidationError(message, code=code)
    raise field_error(field, message, code)


@transaction.atomic
def consent_record(
    *,
    user: User,
    dossier: Dossier,
    partner: PartnerOrganisation | None,
    scopes: Iterable[str],
    given_on: dt.date,
    given_how: str,
    note: str = "",
    form_token: uuid.UUID | None = None,
    request: HttpRequest | None = None,
) -> SharingConsent:
    """Record the resident's consent to share with `partner` (None: every partner organisation
    of the municipality) what `scopes` name, from `given_on`."""
    form_token_claim(token=form_token, user=user)
    dossier = _lock_open(dossier)
    refusals = Refusals()
    with refusals.check("given_on"):
        DATE_RULE(given_on)
    with refusals.check():
        _check_within_dossier(dossier, given_on, "given_on")
    if partner is not None and (
        partner.municipality_id != dossier.municipality_id or not partner.active
    ):
        refusals.add("partner", _("Choose a partner of your own municipality."), "invalid")
    scopes = set(scopes)
    if not scopes or not scopes <= set(ConsentScope.values):
        refusals.add("scopes", _("Choose what may be shared."), "no_scope")
    refusals.raise_if_any()
    covers = {SharingConsent.SCOPE_FIELDS[scope]: scope in scopes for scope in ConsentScope}
    same = SharingConsent.objects.filter(
        dossier=dossier, partner=partner, withdrawn_on__isnull=True
    )
    if same.filter(**{field: True for field, wanted in covers.items() if wanted}).exists():
        raise ValidationError(
            _(
                "This consent is already recorded. To change it, withdraw it and record the new "
                "consent."
            ),
            code="duplicate",
        )
    consent = SharingConsent(
        dossier=dossier,
        partner=partner,
        given_on=given_on,
        given_how=given_how,
        note=note.strip(),
        recorded_by=user,
        **covers,
    )
    consent.full_clean()
    consent.save()
    log_access(
        user=user,
        action=Action.CREATE,
        object_type="consent",
        object_id=consent.pk,
        client_id=dossier.client_id,
        request=request,
        detail={
            "dossier": dossier.pk,
            "partner": partner.pk if partner else "all",
            "scopes": sorted(scopes),
            "given_on": given_on.isoformat(),
            "given_how": given_how,
        },
    )
    return consent


@transaction.atomic
def consent_withdraw(
    *,
    user: User,
    consent: SharingConsent,
    withdrawn_on: dt.date,
    request: HttpRequest | None = None,
) -> SharingConsent:
    """The resident withdraws a consent: from `withdrawn_on` on nothing more is shared under it.
    Possible at any time, also on a closed dossier."""
    dossier = _lock(consent.dossier)
    consent = SharingConsent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        raise ValidationError(_("This consent was already withdrawn."), code="already_withdrawn")
    refusals = Refusals()
    with refusals.check("withdrawn_on"):
        DATE_RULE(withdrawn_on)
    if withdrawn_on < consent.given_on:
        refusals.add(
            "withdrawn_on",
            _("The consent cannot be withdrawn before it was given (%(date)s).")
            % {"date": consent.given_on.strftime("%d-%m-%Y")},
            "before_given",
        )
    refusals.raise_if_any()
    consent.withdrawn_on = withdrawn_on
    consent.withdrawn_by = user
    consent.withdrawn_at = timezone.now()
    consent.full_clean()
    consent.save(update_fields=["withdrawn_on", "withdrawn_by", "withdrawn_at"])
    log_access(
        user=user,
        action=Action.UPDATE,
        object_type="consent",
        object_id=consent.pk,
        client_id=dossier.client_id,
        request=request,
        detail={"dossier": dossier.pk, "withdrawn_on": withdrawn_on.isoformat()},
    )
    return consent


def zrm_domains() -> list[LifeDomain]:
    return list(LifeDomain.objects.filter(in_zrm=True).order_by("order", "name"))


@transaction.atomic
def zrm_assess(
    *,
    user: User,
    dossier: Dossier,
    assessed_on: dt.date,
    moment: str,
    scores: Mapping[int, int],
    form_token: uuid.UUID | None = None,
    request: HttpRequest | None = None,
) -> ZrmAssessment:
    """Record one ZRM measurement. Every ZRM domain gets exactly one whole level 1–5."""
    form_token_claim(token=form_token, user=user)
    dossier = _lock_open(dossier)
    refusals = Refusals()
    with refusals.check("assessed_on"):
        DATE_RULE(assessed_on)
    with refusals.check():
        _check_within_dossier(dossier, assessed_on, "assessed_on")
    domains = zrm_domains()
    missing = [d.name for d in domains if d.pk not in scores]
    if missing:
        refusals.add(
            None,
            _("Score every ZRM domain. Missing: %(domains)s.") % {"domains": ", ".join(missing)},
            "incomplete",
        )
    if any(scores.get(d.pk, 1) not in (1, 2, 3, 4, 5) for d in domains):
        refusals.add(None, _("Each ZRM score is a whole level from 1 to 5."), "range")
    refusals.raise_if_any()
    assessment = ZrmAssessment(
        dossier=dossier, assessed_on=assessed_on, moment=moment, assessed_by=user
    )
    assessment.full_clean()
    assessment.save()
    ZrmScore.objects.bulk_create(
        ZrmScore(assessment=assessment, domain=d, score=scores[d.pk]) for d in domains
    )
    log_access(
        user=user,
        action=Action.CREATE,
        object_type="zrm",
        object_id=assessment.pk,
        client_id=dossier.client_id,
        request=request,
    )
    return assessment


# --- Short contacts and outreach (no personal data) -----------------------------------------


@transaction.atomic
def short_contact_create(
    *,
    user: User,
    date: dt.date,
    part_of_day: str,
    channel: str,
    domain: LifeDomain,
    result: str,
    location: Location | None = None,
    form_token: uuid.UUID | None = None,
) -> ShortContact:
    """An anonymous short contact. It counts for the walk-in location's team when the user
    belongs to it, otherwise for the user's first team."""
    form_token_claim(token=form_token, user=user)
    refusals = Refusals()
    with refusals.check("date"):
        DATE_RULE(date)
    if channel == Channel.WALK_IN and location is None:
        refusals.add("location", _("Choose the walk-in location."), "no_location")
    if location is not None and location.municipality_id != user.municipality_id:
        refusals.add("location", _("Choose a location of your own municipality."), "invalid")
    refusals.raise_if_any()
    location = location if channel == Channel.WALK_IN else None
    team_ids = user.team_ids()
    team_id: int | None
    if location is not None and location.team_id in team_ids:
        team_id = location.team_id
    else:
        team_id = min(team_ids) if team_ids else None
    contact = ShortContact(
        municipality_id=municipality_id_of(user),
        team_id=team_id,
        date=date,
        part_of_day=part_of_day,
        channel=channel,
        location=location,
        domain=domain,
        result=result,
        registered_by=user,
    )
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def outreach_create(
    *,
    user: User,
    team: Team,
    date: dt.date,
    kind: str,
    description: str,
    hours: Any,
    neighbourhood: Neighbourhood | None = None,
    form_token: uuid.UUID | None = None,
) -> OutreachActivity:
    form_token_claim(token=form_token, user=user)
    refusals = Refusals()
    with refusals.check("date"):
        DATE_RULE(date)
    if team.municipality_id != user.municipality_id or team.pk not in user.team_ids():
        refusals.add("team", _("Choose one of your own teams."), "invalid")
    if neighbourhood is not None and neighbourhood.municipality_id != user.municipality_id:
        refusals.add(
            "neighbourhood", _("Choose a neighbourhood of your own municipality."), "invalid"
        )
    refusals.raise_if_any()
    activity = OutreachActivity(
        municipality_id=municipality_id_of(user),
        team=team,
        date=date,
        kind=kind,
        description=description,
        hours=hours,
        neighbourhood=neighbourhood,
        registered_by=user,
    )
    activity.full_clean()
    activity.save()
    return activity


# --- Requests for access to a resident known to another team --------------------------------


def holding_dossiers(client: Client) -> list[Dossier]:
    """The dossiers a request for access goes to: the client's open dossiers (one per team at
    most); without one, its latest closed dossier."""
    dossiers = list(
        client.dossiers.exclude(status=DossierStatus.CLOSED).select_related("team").order_by("pk")
    )
    if not dossiers:
        latest = client.dossiers.select_related("team").order_by("-closed_on", "-pk").first()
        dossiers = [latest] if latest is not None else []
    return dossiers


@transaction.atomic
def access_request_create(
    *,
    user: User,
    client: Client,
    to_team: Team,
    kind: str,
    reason: str,
    request: HttpRequest | None = None,
) -> list[ClientAccessRequest]:
    """A professional asks the team(s) holding the resident's dossier(s) for a transfer or a
    shared dossier for its own team `to_team`: one request per holding dossier, each answered
    by that team's coordinator. `client` comes from `access.check_bsn` (the BSN the
    professional typed); the requester learns nothing more about it here."""
    reason = (reason or "").strip()
    if client.municipality_id != user.municipality_id or not user.sees_persons:
        raise ValidationError(
            _("This resident is not registered in your municipality."), code="other_municipality"
        )
    refusals = Refusals()
    if to_team.municipality_id != user.municipality_id or to_team.pk not in user.team_ids():
        refusals.add("team", _("Choose one of your own teams."), "not_member")
    if kind not in AccessRequestKind.values:
        refusals.add("kind", _("Choose what you ask for."), "invalid")
    if not reason:
        refusals.add("reason", _("Say briefly why your team needs access."), "required")
    refusals.raise_if_any()
    if clients_for(user).filter(pk=client.pk).exists():
        raise ValidationError(_("You can already see this resident."), code="within_reach")
    dossiers = [d for d in holding_dossiers(client) if d.team_id != to_team.pk]
    if not dossiers:
        raise ValidationError(
            _(
                "No team holds a dossier for this resident yet, so there is no one to ask. Ask "
                "your coordinator."
            ),
            code="no_dossier",
        )
    pending = set(
        ClientAccessRequest.objects.filter(
            dossier__in=dossiers,
            to_team=to_team,
            status=AccessRequestStatus.PENDING,
        ).values_list("dossier_id", flat=True)
    )
    dossiers = [d for d in dossiers if d.pk not in pending]
    if not dossiers:
        raise ValidationError(
            _(
                "Your team already asked for access to this resident; the "
                "answer is on the page Requests."
            ),
            code="already_pending",
        )
    created = []
    for dossier in dossiers:
        access_request = ClientAccessRequest(
            municipality_id=user.municipality_id,
            client=client,
            dossier=dossier,
            from_team=dossier.team,
            to_team=to_team,
            kind=kind,
            reason=reason,
            requested_by=user,
        )
        access_request.full_clean()
        access_request.save()
        created.append(access_request)
    for access_request in created:
        log_access(
            user=user,
            action=Action.CREATE,
            object_type="client_access_request",
            object_id=access_request.pk,
            client_id=client.pk,
            request=request,
            detail={
                "kind": kind,
                "dossier": access_request.dossier_id,
                "from_team": access_request.from_team_id,
                "to_team": to_team.pk,
            },
        )
    return created


def _lock_request(access_request: ClientAccessRequest) -> ClientAccessRequest:
    return (
        ClientAccessRequest.objects.select_for_update(of=("self",), no_key=True)
        .select_related("dossier", "from_team", "to_team", "requested_by")
        .get(pk=access_request.pk)
    )


def _check_decider(user: User, access_request: ClientAccessRequest) -> None:
    """Only a coordinator of the team holding the dossier answers, and never its own
    request."""
    if (
        user.role != Role.COORDINATOR
        or not user.sees_persons
        or user.municipality_id != access_request.municipality_id
        or access_request.from_team_id not in user.team_ids()
    ):
        raise ValidationError(
            _("Only a coordinator of the team holding the dossier can answer this request."),
            code="not_coordinator",
        )
    if access_request.requested_by_id == user.pk:
        raise ValidationError(_("You cannot answer your own request."), code="own_request")


@transaction.atomic
def access_request_decide(
    *,
    user: User,
    access_request: ClientAccessRequest,
    approve: bool,
    note: str = "",
    request: HttpRequest | None = None,
) -> ClientAccessRequest:
    """The holding team's coordinator approves or declines. Approving a transfer moves the
    dossier to the requesting team (`dossier_transfer`); approving a shared dossier lets the
    requesting team see and work in it (read by `access.dossiers_for`) until the holding team
    ends the sharing. Declining changes nothing else. Every answer, and the change of who may
    see what, is a line in the access log."""
    access_request = _lock_request(access_request)
    _check_decider(user, access_request)
    if not access_request.is_pending:
        raise ValidationError(_("This request has already been answered."), code="answered")
    note = (note or "").strip()
    if not approve and not note:
        raise field_error(
            "note",
            _("Say briefly why you decline, so the requester knows what to do next."),
            "required",
        )
    dossier = _lock(access_request.dossier)
    if approve and dossier.team_id != access_request.from_team_id:
        raise ValidationError(
            _("This dossier is no longer held by your team; the team that holds it now decides."),
            code="moved",
        )
    access_request.status = (
        AccessRequestStatus.APPROVED if approve else AccessRequestStatus.DECLINED
    )
    access_request.decided_by = user
    access_request.decided_at = timezone.now()
    access_request.answer_note = note
    access_request.full_clean()
    access_request.save(update_fields=["status", "decided_by", "decided_at", "answer_note"])
    if approve and access_request.kind == AccessRequestKind.TRANSFER:
        dossier_transfer(
            user=user,
            dossier=dossier,
            to_team=access_request.to_team,
            case_director=access_request.requested_by,
            access_request=access_request,
            request=request,
        )
    elif approve:
        log_access(
            user=user,
            action=Action.UPDATE,
            object_type="dossier",
            object_id=dossier.pk,
            client_id=dossier.client_id,
            request=request,
            detail={
                "shared_with_team": access_request.to_team_id,
                "access_request": access_request.pk,
            },
        )
    log_access(
        user=user,
        action=Action.UPDATE,
        object_type="client_access_request",
        object_id=access_request.pk,
        client_id=access_request.client_id,
        request=request,
        detail={"status": access_request.status, "kind": access_request.kind},
    )
    return access_request


@transaction.atomic
def dossier_transfer(
    *,
    user: User,
    dossier: Dossier,
    to_team: Team,
    case_director: User,
    access_request: ClientAccessRequest | None = None,
    request: HttpRequest | None = None,
) -> Dossier:
    """Move an open dossier to another team of the municipality, with a new case director of
    that team. Dated and attributed (`DossierTeamChange`); the old team no longer sees it
    (unless through another dossier or a share)."""
    dossier = _lock_open(dossier)
    from_team = dossier.team
    if to_team.municipality_id != dossier.municipality_id or to_team.pk == from_team.pk:
        raise ValidationError(_("Choose another team of the municipality."), code="invalid")
    if (
        Dossier.objects.filter(client_id=dossier.client_id, team=to_team)
        .exclude(status=DossierStatus.CLOSED)
        .exists()
    ):
        raise ValidationError(
            _("The resident already has an open dossier with that team."),
            code="open_dossier_exists",
        )
    _check_case_director(case_director, to_team)
    today = timezone.localdate()
    DossierTeamChange.objects.create(
        dossier=dossier,
        from_team=from_team,
        to_team=to_team,
        date=today,
        request=access_request,
        changed_by=user,
    )
    Dossier.objects.filter(pk=dossier.pk).update(
        team=to_team, case_director=case_director, version=F("version") + 1
    )
    dossier.refresh_from_db(fields=["team", "case_director", "version"])
    signals.changed.send(sender=Dossier, municipality_id=dossier.municipality_id)
    log_access(
        user=user,
        action=Action.UPDATE,
        object_type="dossier",
        object_id=dossier.pk,
        client_id=dossier.client_id,
        request=request,
        detail={
            "team": {"from": from_team.pk, "to": to_team.pk},
            "case_director": case_director.pk,
            "access_request": access_request.pk if access_request else None,
        },
    )
    return dossier


@transaction.atomic
def access_share_end(
    *,
    user: User,
    access_request: ClientAccessRequest,
    request: HttpRequest | None = None,
) -> ClientAccessRequest:
    """The holding team's coordinator ends a shared dossier: from now on the other team no
    longer sees it (what it registered in it stays in the dossier)."""
    access_request = _lock_request(access_request)
    if (
        user.role != Role.COORDINATOR
        or user.municipality_id != access_request.municipality_id
        or access_request.dossier.team_id not in user.team_ids()
    ):
        raise ValidationError(
            _("Only a coordinator of the team holding the dossier can end the sharing."),
            code="not_coordinator",
        )
    if not access_request.is_active_share:
        raise ValidationError(
            _("This dossier is not shared under this request."), code="not_shared"
        )
    access_request.share_ended_by = user
    access_request.share_ended_at = timezone.now()
    access_request.full_clean()
    access_request.save(update_fields=["share_ended_by", "share_ended_at"])
    log_access(
        user=user,
        action=Action.UPDATE,
        object_type="dossier",
        object_id=access_request.dossier_id,
        client_id=access_request.client_id,
        request=request,
        detail={
            "share_ended_for_team": access_request.to_team_id,
            "access_request": access_request.pk,
        },
    )
    return access_request
