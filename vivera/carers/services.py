"""The carers' register's writes (docs/carers.md). Every service checks all its rules before it
refuses (`core.errors.Refusals`, Dutch messages, nothing written), is one transaction, and
writes an access-log line for every change of a carer's data (object type `carer` or
`carer_application`; a change the carer made on its own page has no user).

Public pages: the registration form and the application are bot-guarded forms, and sending a
link is limited per address and e-mail address and hour (`core.ratelimit`). The carer's own page
opens with a personal link of which only the SHA-256 is stored (`core.links`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict, Unpack

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vivera.accounts.models import Role, User
from vivera.audit.models import Action, ObjectType
from vivera.audit.services import log_access
from vivera.core.errors import Refusals
from vivera.core.links import digest, new_token
from vivera.core.ratelimit import Limited, hourly_limit
from vivera.organisation.models import Municipality
from vivera.registration.services import neighbourhood_for_postcode

from .models import (
    CareKind,
    Carer,
    CareRelation,
    CarerStatus,
    ContactPurpose,
    Relation,
    Source,
    SupportKind,
    SupportRecord,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from vivera.registration.models import Client

LINK_DAYS = 7  # a personal link is valid this long, once
EARLIEST = dt.date(1900, 1, 1)


class CarerFields(TypedDict):
    first_name: str
    last_name: str
    birth_date: dt.date | None
    email: str
    phone: str
    postcode: str
    house_number: str
    is_working: bool
    contact_consent: bool
    contact_purposes: Sequence[str]


class ContactFields(TypedDict):
    """What a carer changes on its own page (the name and date of birth go through the
    consultant)."""

    phone: str
    postcode: str
    house_number: str
    is_working: bool
    contact_consent: bool
    contact_purposes: Sequence[str]


class RelationFields(TypedDict):
    cared_for_name: str
    cared_for_postcode: str
    relation: str
    care_kinds: Sequence[str]
    hours_per_week: int | None
    since: dt.date | None
    dementia: bool
    client: NotRequired[Client | None]
    client_consent_on: NotRequired[dt.date | None]


def public_municipality() -> Municipality | None:
    """The municipality of the public form (`VIVERA_CARERS_MUNICIPALITY`, a CBS code; without
    it the first)."""
    code = settings.VIVERA_CARERS_MUNICIPALITY
    municipalities = Municipality.objects.order_by("pk")
    return municipalities.filter(cbs_code=code).first() if code else municipalities.first()


def _limit(key: str) -> None:
    hourly_limit(f"carers:{key}", settings.VIVERA_CARERS_LIMIT_PER_HOUR)


def _log(
    *,
    user: User | None,
    action: str,
    carer: Carer,
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
    object_type: str = ObjectType.CARER,
    object_id: object = None,
) -> None:
    log_access(
        user=user,
        action=action,
        object_type=object_type,
        object_id=carer.pk if object_id is None else object_id,
        municipality_id=carer.municipality_id,
        request=request,
        detail={"carer": carer.pk, **(detail or {})},
    )


# --- The rules -----------------------------------------------------------------------------------


# Dutch postcode, ASCII only (str.isdigit would take other scripts' digits).
POSTCODE = re.compile(r"[1-9][0-9]{3}[A-Z]{2}")


def _normalise_postcode(value: str) -> str:
    return value.replace(" ", "").upper()


def _date_rule(refusals: Refusals, field: str, value: dt.date | None, label: str) -> None:
    if value is None:
        refusals.add(field, _("Fill in %(label)s.") % {"label": label}, "required")
    elif value > timezone.localdate():
        refusals.add(
            field, _("%(label)s cannot be in the future.") % {"label": label.capitalize()}, "future"
        )
    elif value < EARLIEST:
        refusals.add(field, _("Check the year of %(label)s.") % {"label": label}, "too_old")


def _carer_rules(refusals: Refusals, fields: CarerFields, *, public: bool) -> None:
    if not fields["first_name"].strip():
        refusals.add("first_name", _("Fill in the first name."), "required")
    if not fields["last_name"].strip():
        refusals.add("last_name", _("Fill in the last name."), "required")
    _date_rule(refusals, "birth_date", fields["birth_date"], _("the date of birth"))
    if public and not fields["email"].strip():
        refusals.add(
            "email", _("Fill in your e-mail address: we send the confirmation there."), "required"
        )
    postcode = _normalise_postcode(fields["postcode"])
    if postcode and not POSTCODE.fullmatch(postcode):
        refusals.add("postcode", _("Write the postcode as 1234 AB."), "invalid")
    if any(p not in ContactPurpose.values for p in fields["contact_purposes"]):
        refusals.add("contact_purposes", _("Choose from the list."), "invalid")
    if fields["contact_purposes"] and not fields["contact_consent"]:
        refusals.add(
            "contact_consent",
            _("Tick that we may contact you, or choose no purposes."),
            "consent",
        )


def _relation_rules(refusals: Refusals, fields: RelationFields) -> None:
    if not fields["cared_for_name"].strip():
        refusals.add(
            "cared_for_name", _("Fill in the name of the person you care for."), "required"
        )
    postcode = _normalise_postcode(fields["cared_for_postcode"])
    if postcode and not POSTCODE.fullmatch(postcode):
        refusals.add("cared_for_postcode", _("Write the postcode as 1234 AB."), "invalid")
    if fields["relation"] not in Relation.values:
        refusals.add("relation", _("Choose the relation."), "required")
    if not fields["care_kinds"]:
        refusals.add("care_kinds", _("Choose at least one kind of care."), "required")
    elif any(k not in CareKind.values for k in fields["care_kinds"]):
        refusals.add("care_kinds", _("Choose from the list."), "invalid")
    hours = fields["hours_per_week"]
    if hours is None:
        refusals.add("hours_per_week", _("Fill in the hours a week."), "required")
    elif not 1 <= hours <= 168:
        refusals.add("hours_per_week", _("A week has between 1 and 168 hours."), "invalid")
    _date_rule(refusals, "since", fields["since"], _("the date you started caring"))
    client, consent_on = fields.get("client"), fields.get("client_consent_on")
    if client is not None and consent_on is None:
        refusals.add(
            "client_consent_on",
            _("Link the client only with its consent: fill in when it was given."),
            "consent",
        )
    if consent_on is not None and consent_on > timezone.localdate():
        refusals.add("client_consent_on", _("The consent cannot be in the future."), "future")


def _duplicate(
    municipality_id: int, fields: CarerFields, cared_for: str, *, by_name: bool = True
) -> Carer | None:
    """The same person (same e-mail address, or, with `by_name`, same name and date of birth)
    already registered (or waiting) as caring for someone of the same name. The public form
    matches by e-mail address only: a match by name would tell whoever typed a name, date of
    birth and cared-for person (and their own address) whether that person is registered."""
    same_person = (
        Q(
            first_name__iexact=fields["first_name"].strip(),
            last_name__iexact=fields["last_name"].strip(),
            birth_date=fields["birth_date"],
        )
        if by_name
        else Q(pk__in=[])
    )
    if fields["email"].strip():
        same_person |= Q(email__iexact=fields["email"].strip())
    return (
        Carer.objects.filter(municipality_id=municipality_id, anonymised_at__isnull=True)
        .exclude(status=CarerStatus.LEFT)
        .filter(same_person)
        .filter(
            relations__cared_for_name__iexact=cared_for.strip(), relations__ended_on__isnull=True
        )
        .first()
    )


def _new_carer(municipality: Municipality, fields: CarerFields, **extra: Any) -> Carer:
    postcode = _normalise_postcode(fields["postcode"])
    assert fields["birth_date"] is not None  # checked by _carer_rules
    carer = Carer(
        municipality=municipality,
        first_name=fields["first_name"].strip()[:100],
        last_name=fields["last_name"].strip()[:100],
        birth_date=fields["birth_date"],
        email=fields["email"].strip().lower(),
        phone=fields["phone"].strip()[:20],
        postcode=postcode,
        house_number=fields["house_number"].strip()[:10],
        neighbourhood=neighbourhood_for_postcode(
            municipality_id=municipality.pk, postcode=postcode
        ),
        is_working=fields["is_working"],
        contact_consent=fields["contact_consent"],
        contact_purposes=sorted(set(fields["contact_purposes"])),
        **extra,
    )
    carer.full_clean()
    carer.save()
    return carer


def _new_relation(carer: Carer, fields: RelationFields) -> CareRelation:
    assert fields["since"] is not None and fields["hours_per_week"] is not None
    client = fields.get("client")
    relation = CareRelation(
        carer=carer,
        cared_for_name=fields["cared_for_name"].strip()[:150],
        cared_for_postcode=_normalise_postcode(fields["cared_for_postcode"]),
        relation=fields["relation"],
        care_kinds=sorted(set(fields["care_kinds"])),
        hours_per_week=fields["hours_per_week"],
        since=fields["since"],
        dementia=fields["dementia"],
        client=client,
        client_consent_on=fields.get("client_consent_on") if client is not None else None,
    )
    relation.full_clean()
    relation.save()
    return relation


# --- Registration --------------------------------------------------------------------------------


def _send_link(
    carer: Carer, base_url: str, *, already: bool = False, add_on_page: bool = False
) -> None:
    try:  # at most so many links an hour to one carer, whoever asks for them
        _limit(f"mail:{carer.pk}")
    except Limited:
        return  # silently: the page says the same either way, and the last link stays valid
    token, token_hash = new_token()
    carer.token_hash, carer.token_sent_at = token_hash, timezone.now()
    carer.save(update_fields=["token_hash", "token_sent_at"])
    link = base_url + reverse("carers_public:link", args=[token])
    if carer.status == CarerStatus.PENDING:
        subject = _("Confirm your registration as an informal carer")
        opening = _("Thank you for registering as an informal carer. Confirm your registration")
    else:
        subject = _("Your page in the register of informal carers")
        opening = _("Open your page in the register of informal carers")
    if already:
        opening = _(
            "You are already registered as caring for this person, so nothing was added. Open "
            "your page"
        )
    elif add_on_page:
        opening = _(
            "This e-mail address is already in the register, so nothing was added. Do you care "
            "for someone else too? Add them on your page. Open it"
        )
    body = _(
        "Hello %(name)s,\n\n%(opening)s with this link (valid for %(days)d days, once):\n\n"
        "%(link)s\n\nDid you not ask for this? Then ignore this message."
    ) % {"name": carer.first_name, "opening": opening, "days": LINK_DAYS, "link": link}
    transaction.on_commit(lambda: send_mail(subject, body, None, [carer.email]))


@transaction.atomic
def carer_register_public(
    *,
    municipality: Municipality,
    carer: CarerFields,
    relation: RelationFields,
    address: str,
    base_url: str,
    agreed: bool = True,
    request: HttpRequest | None = None,
) -> Carer:
    """A carer registers on the public form (`agreed`: to being kept in the register):
    waiting until the link in the e-mail is opened (or
    a consultant confirms). The same person with the same cared-for person registers nothing a
    second time: the e-mail tells the owner of the address so, with a link to its page, and the
    form says only that an e-mail was sent, so the form reveals no one's registration."""
    refusals = Refusals()
    _carer_rules(refusals, carer, public=True)
    if not agreed:
        refusals.add("privacy", _("Without your agreement we cannot register you."), "consent")
    relation = {**relation, "client": None, "client_consent_on": None}
    _relation_rules(refusals, relation)
    refusals.raise_if_any()
    # Counted once the form is valid: a visitor's typing mistakes do not use up the hour (the
    # bot guard refuses the bots before this).
    _limit(f"register:{address}")
    if carer["email"].strip():
        _limit(f"register:{carer['email'].strip().lower()}")
    existing = _duplicate(municipality.pk, carer, relation["cared_for_name"], by_name=False)
    if existing is not None:
        if existing.email:
            _send_link(existing, base_url, already=True)
        _log(
            user=None,
            action=Action.READ,
            carer=existing,
            request=request,
            detail={"duplicate": "public form"},
        )
        return existing
    known = (
        Carer.objects.filter(
            municipality=municipality,
            email__iexact=carer["email"].strip(),
            anonymised_at__isnull=True,
        )
        .exclude(status=CarerStatus.LEFT)
        .first()
    )
    if known is not None:
        # The same address, someone new to care for: nothing is added (whoever knows an address
        # could otherwise add to someone's registration); the owner gets a link to its page,
        # where it adds the person itself. The form says the same as always.
        _send_link(known, base_url, add_on_page=True)
        _log(
            user=None,
            action=Action.READ,
            carer=known,
            request=request,
            detail={"known address": "public form"},
        )
        return known
    created = _new_carer(municipality, carer, source=Source.PUBLIC)
    new = _new_relation(created, relation)
    _send_link(created, base_url)
    _log(
        user=None, action=Action.CREATE, carer=created, request=request, detail={"relation": new.pk}
    )
    return created


@transaction.atomic
def carer_open_link(
    *, token: str, today: dt.date | None = None, request: HttpRequest | None = None
) -> Carer | None:
    """The carer whose link this is; a waiting registration is confirmed by it. None for an
    unknown, used or expired link."""
    since = timezone.now() - dt.timedelta(days=LINK_DAYS)
    carer = (
        Carer.objects.select_for_update()
        .filter(token_hash=digest(token), token_sent_at__gte=since, anonymised_at__isnull=True)
        .first()
    )
    if carer is None:
        return None
    carer.token_hash = ""
    carer.confirmed_at = carer.confirmed_at or timezone.now()
    fields = ["token_hash", "confirmed_at"]
    if carer.status == CarerStatus.PENDING:
        carer.status, carer.registered_on = CarerStatus.REGISTERED, today or timezone.localdate()
        fields += ["status", "registered_on"]
    carer.save(update_fields=fields)
    _log(user=None, action=Action.UPDATE, carer=carer, request=request, detail={"opened": "link"})
    return carer


def carer_send_own_link(
    *, municipality: Municipality, email: str, address: str, base_url: str
) -> None:
    """A new link to the carer's own page, sent to the address if it is registered; the page
    says the same whether it is or not."""
    _limit(f"link:{address}")
    # Not limited per e-mail address here (ten requests for someone's address would lock them
    # out of their page for an hour); `_send_link` limits the links one carer receives.
    carer = (
        Carer.objects.filter(
            municipality=municipality, email__iexact=email.strip(), anonymised_at__isnull=True
        )
        .exclude(status=CarerStatus.LEFT)
        .first()
    )
    if carer is not None:
        with transaction.atomic():
            _send_link(carer, base_url)


def _staff(user: User, municipality_id: int) -> None:
    if user.municipality_id != municipality_id or user.role not in (
        Role.CARER_CONSULTANT,
        Role.PROFESSIONAL,
        Role.COORDINATOR,
    ):
        raise PermissionDenied


def _consultant(user: User, municipality_id: int) -> None:
    if user.role != Role.CARER_CONSULTANT or user.municipality_id != municipality_id:
        raise PermissionDenied


@transaction.atomic
def carer_register_staff(
    *,
    user: User,
    municipality: Municipality,
    carer: CarerFields,
    relation: RelationFields,
    request: HttpRequest | None = None,
    today: dt.date | None = None,
) -> Carer:
    """A consultant or a professional registers a carer: registered at once (the professional
    saw the carer). A professional registers only with the client of a dossier it may see,
    which the view checked."""
    _staff(user, municipality.pk)
    refusals = Refusals()
    _carer_rules(refusals, carer, public=False)
    _relation_rules(refusals, relation)
    if not refusals:
        existing = _duplicate(municipality.pk, carer, relation["cared_for_name"])
        if existing is not None and user.role == Role.CARER_CONSULTANT:
            refusals.add(
                None,
                _(
                    "%(name)s is already registered as caring for %(cared_for)s (number "
                    "%(number)s): nothing was added."
                )
                % {
                    "name": existing.full_name,
                    "cared_for": relation["cared_for_name"].strip(),
                    "number": existing.pk,
                },
                "duplicate",
            )
        elif existing is not None:
            # A professional sees the register only through its clients: the refusal names no
            # one (whoever could type an address or a name would otherwise learn who is
            # registered), and the consultant is the one who checks.
            refusals.add(
                None,
                _(
                    "This informal carer seems to be registered already as caring for this "
                    "person: nothing was added. Ask the carers' consultant to check the "
                    "registration and, with the client's consent, to link it to the client."
                ),
                "duplicate",
            )
    refusals.raise_if_any()
    created = _new_carer(
        municipality,
        carer,
        source=Source.STAFF,
        status=CarerStatus.REGISTERED,
        registered_on=today or timezone.localdate(),
        created_by=user,
    )
    new = _new_relation(created, relation)
    _log(
        user=user,
        action=Action.CREATE,
        carer=created,
        request=request,
        detail={"relation": new.pk, **({"client": new.client_id} if new.client_id else {})},
    )
    return created


@transaction.atomic
def carer_confirm(*, user: User, carer: Carer, today: dt.date | None = None) -> Carer:
    """The consultant confirms a waiting registration (the carer called, or has no e-mail)."""
    _consultant(user, carer.municipality_id)
    carer = Carer.objects.select_for_update().get(pk=carer.pk)
    if carer.status != CarerStatus.PENDING:
        return carer
    carer.status, carer.registered_on = CarerStatus.REGISTERED, today or timezone.localdate()
    carer.save(update_fields=["status", "registered_on"])
    _log(user=user, action=Action.UPDATE, carer=carer, detail={"status": carer.status})
    return carer


@transaction.atomic
def carer_update(
    *, user: User | None, carer: Carer, request: HttpRequest | None = None, **fields: Any
) -> Carer:
    """Change a carer's details: the consultant every field of `CarerFields`, the carer itself
    (`user` None) those of `ContactFields`."""
    if user is not None:
        _consultant(user, carer.municipality_id)
        allowed = set(CarerFields.__annotations__)
    else:
        allowed = set(ContactFields.__annotations__)
    if set(fields) - allowed:
        raise PermissionDenied
    carer = Carer.objects.select_for_update().get(pk=carer.pk)
    current: CarerFields = {
        "first_name": carer.first_name,
        "last_name": carer.last_name,
        "birth_date": carer.birth_date,
        "email": carer.email,
        "phone": carer.phone,
        "postcode": carer.postcode,
        "house_number": carer.house_number,
        "is_working": carer.is_working,
        "contact_consent": carer.contact_consent,
        "contact_purposes": carer.contact_purposes,
    }
    merged: CarerFields = {**current, **fields}  # type: ignore[typeddict-item]
    refusals = Refusals()
    _carer_rules(refusals, merged, public=False)
    if carer.status == CarerStatus.LEFT or carer.anonymised_at is not None:
        refusals.add(None, _("This carer left the register: nothing can be changed."), "left")
    refusals.raise_if_any()
    changed = []
    for name, value in fields.items():
        if name == "postcode":
            value = _normalise_postcode(value)
        elif name == "contact_purposes":
            value = sorted(set(value))
        elif isinstance(value, str):
            value = value.strip()
        if getattr(carer, name) != value:
            setattr(carer, name, value)
            changed.append(name)
    if "postcode" in changed:
        carer.neighbourhood = neighbourhood_for_postcode(
            municipality_id=carer.municipality_id, postcode=carer.postcode
        )
        changed.append("neighbourhood")
    if changed:
        carer.full_clean()
        carer.save(update_fields=changed)
        _log(
            user=user,
            action=Action.UPDATE,
            carer=carer,
            request=request,
            detail={"fields": sorted(changed), "by": "staff" if user else "carer"},
        )
    return carer


@transaction.atomic
def carer_leave(
    *,
    user: User | None,
    carer: Carer,
    on: dt.date | None = None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Carer:
    """The carer leaves the register (on its page, or the consultant records it). Its care
    relations end the same day; retention anonymises the registration two years later."""
    if user is not None:
        _consultant(user, carer.municipality_id)
    carer = Carer.objects.select_for_update().get(pk=carer.pk)
    on = on or timezone.localdate()
    refusals = Refusals()
    if carer.status == CarerStatus.LEFT:
        refusals.add(None, _("This carer already left the register."), "left")
    if on > timezone.localdate():
        refusals.add("on", _("The date of leaving cannot be in the future."), "future")
    elif carer.registered_on and on < carer.registered_on:
        refusals.add("on", _("The date of leaving is before the registration."), "before")
    refusals.raise_if_any()
    carer.status, carer.left_on, carer.leave_reason = CarerStatus.LEFT, on, reason.strip()[:300]
    carer.registered_on = carer.registered_on or on
    carer.token_hash = ""
    carer.save(update_fields=["status", "left_on", "leave_reason", "registered_on", "token_hash"])
    for relation in carer.relations.filter(ended_on__isnull=True):
        relation.ended_on = max(on, relation.since)
        relation.save(update_fields=["ended_on"])
    _log(
        user=user,
        action=Action.UPDATE,
        carer=carer,
        request=request,
        detail={"status": carer.status, "by": "staff" if user else "carer"},
    )
    return carer


@transaction.atomic
def relation_add(
    *,
    user: User | None,
    carer: Carer,
    request: HttpRequest | None = None,
    **fields: Unpack[RelationFields],
) -> CareRelation:
    """Someone else the carer cares for (the consultant, a professional for its client, or the
    carer on its own page, without a client link)."""
    if user is not None:
        _staff(user, carer.municipality_id)
    elif fields.get("client") is not None:
        raise PermissionDenied
    refusals = Refusals()
    _relation_rules(refusals, fields)
    if carer.status == CarerStatus.LEFT:
        refusals.add(None, _("This carer left the register: nothing can be changed."), "left")
    if carer.relations.filter(
        cared_for_name__iexact=fields["cared_for_name"].strip(), ended_on__isnull=True
    ).exists():
        refusals.add(
            "cared_for_name",
            _("%(name)s is already registered as caring for %(cared_for)s.")
            % {"name": carer.full_name, "cared_for": fields["cared_for_name"].strip()},
            "duplicate",
        )
    refusals.raise_if_any()
    relation = _new_relation(carer, fields)
    _log(
        user=user,
        action=Action.UPDATE,
        carer=carer,
        request=request,
        detail={"relation": relation.pk, "added": True},
    )
    return relation


@transaction.atomic
def relation_end(
    *, user: User, relation: CareRelation, on: dt.date, request: HttpRequest | None = None
) -> CareRelation:
    _consultant(user, relation.carer.municipality_id)
    refusals = Refusals()
    if relation.ended_on is not None:
        refusals.add(None, _("This care already ended."), "ended")
    if on > timezone.localdate():
        refusals.add("on", _("The end date cannot be in the future."), "future")
    elif on < relation.since:
        refusals.add("on", _("The end date is before the care started."), "before")
    refusals.raise_if_any()
    relation.ended_on = on
    relation.save(update_fields=["ended_on"])
    _log(
        user=user,
        action=Action.UPDATE,
        carer=relation.carer,
        request=request,
        detail={"relation": relation.pk, "ended": on.isoformat()},
    )
    return relation


# --- Support -------------------------------------------------------------------------------------


@transaction.atomic
def support_add(
    *,
    user: User,
    carer: Carer,
    date: dt.date | None,
    kind: str,
    note: str,
    follow_up_on: dt.date | None,
    request: HttpRequest | None = None,
) -> SupportRecord:
    _consultant(user, carer.municipality_id)
    refusals = Refusals()
    _date_rule(refusals, "date", date, _("the date"))
    if kind not in SupportKind.values:
        refusals.add("kind", _("Choose the kind of support."), "required")
    if follow_up_on is not None and date is not None and follow_up_on < date:
        refusals.add("follow_up_on", _("The follow-up date is before the support."), "before")
    if carer.status == CarerStatus.LEFT:
        refusals.add(None, _("This carer left the register: nothing can be changed."), "left")
    refusals.raise_if_any()
    assert date is not None
    record = SupportRecord.objects.create(
        carer=carer,
        date=date,
        kind=kind,
        note=note.strip(),
        follow_up_on=follow_up_on,
        recorded_by=user,
    )
    _log(
        user=user,
        action=Action.UPDATE,
        carer=carer,
        request=request,
        detail={"support": record.pk, "kind": kind},
    )
    return record


@transaction.atomic
def follow_up_done(
    *, user: User, record: SupportRecord, request: HttpRequest | None = None
) -> SupportRecord:
    _consultant(user, record.carer.municipality_id)
    if record.followed_up_at is None:
        record.followed_up_at = timezone.now()
        record.save(update_fields=["followed_up_at"])
        _log(
            user=user,
            action=Action.UPDATE,
            carer=record.carer,
            request=request,
            detail={"support": record.pk, "followed_up": True},
        )
    return record
