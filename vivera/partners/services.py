"""Every write to partner submissions. Each service is atomic, validates, writes an access-log
line and leaves the database unchanged when it refuses (a `ValidationError` with a Dutch message
through i18n)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from decimal import Decimal
from typing import TYPE_CHECKING, Unpack

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vivera.accounts.models import Role
from vivera.audit.models import Action
from vivera.audit.services import log_access
from vivera.core.errors import DateRule, Refusals
from vivera.organisation.models import PartnerOrganisation, Referrer, Team
from vivera.registration import services as registration
from vivera.registration.access import clients_for
from vivera.registration.bsn import normalise_bsn
from vivera.registration.models import Client, Dossier
from vivera.registration.services import StaleEdit, field_error

from .models import (
    ALLOWED_SUBMISSION_CHANGES,
    ApiKey,
    Covenant,
    OutreachAttempt,
    Submission,
    SubmissionKind,
    SubmissionStatus,
    SubmissionStatusChange,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from vivera.accounts.models import User

# Used when a municipality has no covenant at all (docs/partner-api.md).
DEFAULT_RESPOND_WITHIN_DAYS = 5
DEFAULT_CRISIS_WITHIN_DAYS = 1


class SubmissionFields(registration.ClientFields, total=False):
    """What a partner sends: the person's details (`ClientFields`), its own reference, and per
    kind the reason and consent (a referral) or the arrears (an early signal)."""

    reference: str
    reason: str
    consent: bool
    signal_type: str
    amount: Decimal | None
    arrears_since: dt.date | None
    months_in_arrears: int | None
    crisis: bool


ARREARS_DATE_RULE = DateRule(gettext_lazy("The arrears date"))


class DuplicateReference(ValidationError):
    """The partner sent this reference before; `existing` is what it sent then."""

    def __init__(self, existing: Submission) -> None:
        super().__init__(
            _("You already sent a submission with this reference."), code="duplicate_reference"
        )
        self.existing = existing


def add_working_days(day: dt.date, days: int) -> dt.date:
    """`days` working days (Monday to Friday) after `day`. Public holidays are not skipped."""
    while days > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def covenant_terms(partner: PartnerOrganisation) -> tuple[int, int]:
    """(working days for a first attempt, the same for a crisis signal) for this partner: its own
    covenant, else the municipality's default covenant, else the built-in default."""
    covenant = (
        Covenant.objects.filter(partner=partner).first()
        or Covenant.objects.filter(
            municipality_id=partner.municipality_id, partner__isnull=True
        ).first()
    )
    if covenant is None:
        return DEFAULT_RESPOND_WITHIN_DAYS, DEFAULT_CRISIS_WITHIN_DAYS
    return covenant.respond_within_days, covenant.crisis_within_days


def team_for_neighbourhood(*, municipality_id: int, neighbourhood_id: int | None) -> Team | None:
    """The one team working in the neighbourhood; none when no team or several teams do (the
    submission then waits in every team's queue until one takes it)."""
    if neighbourhood_id is None:
        return None
    teams = list(
        Team.objects.filter(municipality_id=municipality_id, neighbourhoods__id=neighbourhood_id)[
            :2
        ]
    )
    return teams[0] if len(teams) == 1 else None


def partner_of(user: User | AnonymousUser) -> PartnerOrganisation:
    """The active partner organisation an API user sends for, or PermissionDenied."""
    if (
        not user.is_authenticated
        or not user.is_active
        or user.role != Role.PARTNER
        or user.partner_id is None
        or user.municipality_id is None
    ):
        raise PermissionDenied
    partner = user.partner
    if partner is None or not partner.active or partner.municipality_id != user.municipality_id:
        raise PermissionDenied
    return partner


@transaction.atomic
def submission_receive(
    *,
    user: User,
    kind: str,
    request: HttpRequest | None = None,
    **data: Unpack[SubmissionFields],
) -> Submission:
    """A partner sends a referral or an early signal. It lands in the triage queue of the team of
    the person's neighbourhood, with a first-attempt deadline from the covenant."""
    partner = partner_of(user)
    reference = (data.get("reference") or "").strip()
    existing = Submission.objects.filter(partner=partner, reference=reference).first()
    if existing is not None:
        raise DuplicateReference(existing)
    today = timezone.localdate()
    submission = Submission(
        municipality_id=partner.municipality_id,
        partner=partner,
        sent_by=user,
        reference=reference,
        kind=kind,
        received_on=today,
        status_since=today,
        reason=(data.get("reason") or "").strip(),
        consent=bool(data.get("consent")),
        **{
            f: data.get(f) or ("" if f != "birth_date" else None)
            for f in registration.CLIENT_FIELDS
        },
    )
    refusals = Refusals()
    if kind == SubmissionKind.SIGNAL:
        submission.signal_type = data.get("signal_type") or ""
        submission.amount = data.get("amount")
        submission.arrears_since = data.get("arrears_since")
        submission.months_in_arrears = data.get("months_in_arrears")
        submission.crisis = bool(data.get("crisis"))
        if not submission.postcode or not submission.house_number:
            refusals.add(
                "postcode",
                _("An early signal needs the postcode and house number, so the team can visit."),
                "address_required",
            )
        if not submission.signal_type:
            refusals.add("signal_type", _("Say what kind of arrears this is."), "required")
    elif kind == SubmissionKind.REFERRAL:
        if not submission.consent:
            refusals.add(
                "consent",
                _(
                    "A referral needs the resident's consent. Ask the resident first, then send "
                    "the referral with consent set to true."
                ),
                "consent_required",
            )
        if not submission.reason:
            refusals.add("reason", _("Describe what the resident needs help with."), "required")
    else:
        raise ValidationError(_("Unknown kind of submission."), code="invalid")
    submission.bsn = normalise_bsn(submission.bsn)
    submission.postcode = submission.postcode.replace(" ", "").upper()
    with refusals.check("birth_date"):
        registration.BIRTH_DATE_RULE(submission.birth_date)
    with refusals.check("arrears_since"):
        ARREARS_DATE_RULE(submission.arrears_since)
    submission.neighbourhood = registration.neighbourhood_for_postcode(
        municipality_id=partner.municipality_id, postcode=submission.postcode
    )
    submission.team = team_for_neighbourhood(
        municipality_id=partner.municipality_id,
        neighbourhood_id=submission.neighbourhood.pk if submission.neighbourhood else None,
    )
    respond_days, crisis_days = covenant_terms(partner)
    submission.respond_by = add_working_days(
        today, crisis_days if submission.crisis else respond_days
    )
    with refusals.check():
        # The constraints guard the rules above in the database; their own messages would
        # only repeat those rules less clearly.
        submission.full_clean(
            exclude=["sent_by", "partner", "municipality", "team", "dossier", "neighbourhood"],
            validate_constraints=not refusals,
        )
    refusals.raise_if_any()
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError:  # the same reference sent twice at the same moment
        raise DuplicateReference(
            Submission.objects.get(partner=partner, reference=reference)
        ) from None
    SubmissionStatusChange.objects.create(
        submission=submission,
        from_status="",
        to_status=SubmissionStatus.RECEIVED,
        date=today,
        changed_by=user,
    )
    log_access(
        user=user,
        action=Action.CREATE,
        object_type="submission",
        object_id=submission.pk,
        request=request,
        detail={"kind": kind},
    )
    return submission


# --- The team's side ----------------------------------------------------------------------------


def stale_edit() -> StaleEdit:
    return StaleEdit(
        _(
            "Someone else changed this submission after you opened it. Nothing was saved; "
            "reload the page to see the current state."
        ),
        code="stale",
    )


def _lock(submission: Submission, version: int | None = None) -> Submission:
    """Lock the row; with `version`, refuse when someone else saved it since.

    FOR NO KEY UPDATE of the submission's own row, as registration's `_lock` (see there and
    docs/architecture.md "Row locks"): a plain FOR UPDATE also blocks another transaction's
    foreign-key check on the row (an attempt or status change inserted under it, checked at
    COMMIT after that transaction took the access log's lock), which deadlocks."""
    locked = Submission.objects.select_for_update(no_key=True, of=("self",)).get(pk=submission.pk)
    if version is not None and locked.version != version:
        raise stale_edit()
    return locked


def _set_status(
    *,
    user: User,
    submission: Submission,
    to_status: str,
    date: dt.date,
    extra_fields: tuple[str, ...] = (),
) -> None:
    SubmissionStatusChange.objects.create(
        submission=submission,
        from_status=submission.status,
        to_status=to_status,
        date=date,
        changed_by=user,
    )
    submission.status = to_status
    submission.status_since = date
    submission.version = F("version") + 1
    submission.save(update_fields=["status", "status_since", "version", *extra_fields])
    submission.refresh_from_db(fields=["version"])


def _ensure_team(user: User, submission: Submission) -> None:
    """The submission must be one of the user's teams'. One without a team yet is taken on for
    the user's team when the user has exactly one (inside the caller's transaction); a user in
    several teams chooses with 'take on' first."""
    team_ids = user.team_ids()
    if submission.team_id is not None:
        if submission.team_id not in team_ids:
            raise ValidationError(_("This submission belongs to another team."), code="not_member")
        return
    if len(team_ids) != 1:
        raise ValidationError(
            _("Take this submission on for one of your teams first."), code="no_team"
        )
    submission.team = Team.objects.get(pk=next(iter(team_ids)))
    submission.version = F("version") + 1
    submission.save(update_fields=["team", "version"])
    submission.refresh_from_db(fields=["version"])


@transaction.atomic
def submission_take(
    *, user: User, submission: Submission, team: Team, request: HttpRequest | None = None
) -> Submission:
    """A team takes on a submission that had no team yet."""
    submission = _lock(submission)
    if submission.team_id is not None:
        raise ValidationError(_("Another team has already taken this submission."), code="taken")
    if not submission.is_open:
        raise ValidationError(_("This submission is finished."), code="closed")
    if team.municipality_id != submission.municipality_id or team.pk not in user.team_ids():
        raise field_error("team", _("Choose one of your own teams."), "not_member")
    submission.team = team
    submission.version = F("version") + 1
    submission.save(update_fields=["team", "version"])
    submission.refresh_from_db(fields=["version"])
    log_access(
        user=user,
        action=Action.UPDATE,
        object_type="submission",
        object_id=submission.pk,
        request=request,
        detail={"team": team.pk},
    )
    return submission


@transaction.atomic
def attempt_add(
    *,
    user: User,
    submission: Submission,
    date: dt.date,
    part_of_day: str,
    method: str,
    reached: bool = False,
    note: str = "",
    request: HttpRequest | None = None,
) -> OutreachAttempt:
    """Record an attempt to reach the person. A successful one puts the submission 'in
    contact'; the first attempt on a submission without a team gives it the user's team."""
    submission = _lock(submission)
    if not submission.is_open:
        raise ValidationError(
            _("This submission is finished; no attempts can be added."), code="closed"
        )
    refusals = Refusals()
    with refusals.check("date"):
        registration.DATE_RULE(date)
    if date < submission.received_on:
        refusals.add(
            "date",
            _("The attempt cannot be before the submission was received (%(date)s).")
            % {"date": submission.received_on.strftime("%d-%m-%Y")},
            "invalid",
        )
    attempt = OutreachAttempt(
        submission=submission,
        date=date,
        part_of_day=part_of_day,
        method=method,
        reached=reached,
        note=(note or "").strip(),
        recorded_by=user,
    )
    with refusals.check():
        attempt.full_clean()
    refusals.raise_if_any()
    _ensure_team(user, submission)
    attempt.save()
    if attempt.reached and submission.status in (
        SubmissionStatus.RECEIVED,
        SubmissionStatus.NOT_REACHED,
    ):
        _set_status(
            user=user,
            submission=submission,
            to_status=SubmissionStatus.IN_CONTACT,
            date=max(date, submission.status_since),
        )
    log_access(
        user=user,
        action=Action.CREATE,
        object_type="submission",
        object_id=submission.pk,
        request=request,
        client_id=submission.dossier.client_id if submission.dossier is not None else None,
        detail={"attempt": attempt.pk, "reached": attempt.reached},
    )
    return attempt


@transaction.atomic
def submission_change_status(
    *,
    user: User,
    submission: Submission,
    to_status: str,
    date: dt.date,
    version: int,
    request: HttpRequest | None = None,
) -> Submission:
    """Move a submission along ALLOWED_SUBMISSION_CHANGES. 'Not reached' needs at least one
    recorded attempt."""
    submission = _lock(submission, version)
    refusals = Refusals()
    if to_status not in ALLOWED_SUBMISSION_CHANGES[submission.status]:
        refusals.add(
            "to_status",
            _("From '%(from)s' the status cannot become '%(to)s'.")
            % {
                "from": submission.get_status_display(),
                "to": SubmissionStatus(to_status).label
                if to_status in SubmissionStatus.values
                else to_status,
            },
            "invalid_transition",
        )
    with refusals.check("date"):
        registration.DATE_RULE(date)
    if date < submission.status_since:
        refusals.add(
            "date",
            _("The date cannot be before the current status began (%(date)s).")
            % {"date": submission.status_since.strftime("%d-%m-%Y")},
            "invalid",
        )
    if to_status == SubmissionStatus.NOT_REACHED and not submission.attempts.exists():
        refusals.add(
            "to_status", _("Record the attempts to reach the person first."), "no_attempts"
        )
    refusals.raise_if_any()
    _ensure_team(user, submission)
    _set_status(user=user, submission=submission, to_status=to_status, date=date)
    log_access(
        user=user,
        action=Action.UPDATE,
        object_type="submission",
        object_id=submission.pk,
        request=request,
        detail={"status": to_status},
    )
    return submission


@transaction.atomic
def submission_to_dossier(
    *,
    user: User,
    submission: Submission,
    team: Team,
    referrer: Referrer,
    version: int,
    request: HttpRequest | None = None,
) -> Dossier:
    """The team takes the person on: a dossier (and, when needed, a client) registered on the
    day the submission came in, and the partner sees 'handed over'. A client with the same BSN
    is reused when the user may see it."""
    submission = _lock(submission, version)
    if submission.team_id is not None and submission.team_id not in user.team_ids():
        raise ValidationError(_("This submission belongs to another team."), code="not_member")
    if SubmissionStatus.HANDED_OVER not in ALLOWED_SUBMISSION_CHANGES[submission.status]:
        raise ValidationError(
            _("This submission can no longer be taken on in a dossier."), code="invalid_transition"
        )
    client = None
    if submission.bsn:
        client = clients_for(user).filter(bsn=submission.bsn).first()
        if (
            client is None
            and Client.objects.filter(
                municipality_id=submission.municipality_id, bsn=submission.bsn
            ).exists()
        ):
            raise ValidationError(
                _(
                    "This resident is already known to another team. You can ask that team for "
                    "access below."
                ),
                code="client_elsewhere",
            )
    if client is None:
        client = registration.client_create(
            user=user,
            request=request,
            **{f: getattr(submission, f) for f in registration.CLIENT_FIELDS},
        )
    dossier = registration.dossier_create(
        user=user,
        client=client,
        team=team,
        referrer=referrer,
        registered_on=submission.received_on,
        request=request,
    )
    submission.dossier = dossier
    submission.team = team
    _set_status(
        user=user,
        submission=submission,
        to_status=SubmissionStatus.HANDED_OVER,
        date=max(timezone.localdate(), submission.status_since),
        extra_fields=("dossier", "team"),
    )
    log_access(
        user=user,
        action=Action.UPDATE,
        object_type="submission",
        object_id=submission.pk,
        client_id=client.pk,
        request=request,
        detail={"dossier": dossier.pk},
    )
    return dossier


# --- API keys -------------------------------------------------------------------------------------

KEY_PREFIX = "vvr_"
KEY_PATTERN = re.compile(r"vvr_[0-9a-z]{8}_[A-Za-z0-9_-]{20,64}")


def hash_key(key: str) -> str:
    # A key is 32 random bytes: a fast hash is enough (nothing to guess), unlike a password.
    return hashlib.sha256(key.encode()).hexdigest()


def api_key_create(*, user: User, name: str) -> tuple[ApiKey, str]:
    """A new key for a partner user. Returns the key itself once; only its hash is stored."""
    if user.role != Role.PARTNER or user.partner_id is None:
        raise ValidationError(
            _("Only a user of a partner organisation can get an API key."), code="not_partner"
        )
    prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(user=user, name=name, prefix=prefix, key_hash=hash_key(key))
    log_access(user=user, action=Action.CREATE, object_type="api_key", object_id=api_key.pk)
    return api_key, key


def api_key_revoke(*, api_key: ApiKey) -> None:
    ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_key_user(key: str) -> User | None:
    """The active user a key belongs to, or None (unknown, malformed or revoked)."""
    # Checked before any query: a malformed key (a NUL byte, say) never reaches the database.
    if not KEY_PATTERN.fullmatch(key):
        return None
    prefix = key[len(KEY_PREFIX) :].split("_", 1)[0]
    api_key = (
        ApiKey.objects.select_related("user").filter(prefix=prefix, revoked_at__isnull=True).first()
    )
    if api_key is None or not secrets.compare_digest(api_key.key_hash, hash_key(key)):
        return None
    if not api_key.user.is_active:
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at > dt.timedelta(minutes=5):
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    return api_key.user
