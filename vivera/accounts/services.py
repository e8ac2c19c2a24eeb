"""Account administration: every change of who may see what goes through here.

Creating an account, changing its role, municipality, partner or activation, a team membership,
a reset (password and authenticator), an activation link and its use: each is one atomic
service that writes a line in the hash-chained access log (`vivera.audit.services.log_access`).
The admin's save paths and actions call these services; nothing else changes these fields
(the demo generator and the load test's preparation write their own fictitious accounts).

Two rules sit on top (see docs/privacy.md, "Who may see what"):

- **Four eyes.** A guarded role (`GUARDED_ROLES`: professional, coordinator, administrator) and a
  team membership do not take effect when they are asked for: they become an
  `AccessGrantRequest` that another person approves (`grant_request_approve`): an administrator
  of the same municipality or a superuser, or, for a membership or a person role, a coordinator
  of the team concerned. Never the requester, never the account concerned, and never an account
  whose password was set through an activation link the requester issued.
- **Nobody sets another person's password.** A new account has no usable password; a reset
  removes the password and the authenticator. Either way the administrator gets a one-time
  activation link (`activation_link_issue`) for the owner, who chooses a password and sets up
  the authenticator on it (`account_activate`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from vivera.audit.models import Action, Result
from vivera.audit.services import log_access
from vivera.organisation.models import Municipality, PartnerOrganisation, Team, TeamMembership
from vivera.organisation.selectors import memberships_on

from . import lockout, two_factor
from .access import municipality_id_of
from .models import (
    GUARDED_ROLES,
    PERSON_ROLES,
    AccessGrantRequest,
    ActivationLink,
    GrantKind,
    GrantStatus,
    Role,
    User,
)

ACCOUNT = "account"
MEMBERSHIP = "team_membership"
REQUEST = "access_grant"
LINK = "activation_link"


def _log(
    *,
    by: User | None,
    action: str,
    object_type: str,
    object_id: object,
    municipality_id: int | None,
    request: HttpRequest | None = None,
    result: str = Result.SUCCESS,
    detail: dict[str, Any],
) -> None:
    """One line in the municipality concerned's log (a superuser's own municipality is none).
    Without a user or a request it was the operator's `vivera` command."""
    if by is None and request is None:
        detail = {**detail, "by": "command"}
    log_access(
        user=by,
        action=action,
        object_type=object_type,
        object_id=object_id,
        request=request,
        result=result,
        detail=detail,
        municipality_id=municipality_id,
    )


def _is_staff(user: User) -> bool:
    return bool(user.is_superuser or user.role == Role.ADMIN)


# --- Accounts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedLink:
    """An activation link just issued: `token` exists only here, never in the database."""

    link: ActivationLink
    token: str

    @property
    def path(self) -> str:
        from django.urls import reverse

        return reverse("accounts:activate", args=[self.token])


@transaction.atomic
def user_create(
    *, user: User, by: User | None, request: HttpRequest | None = None
) -> tuple[User, IssuedLink, AccessGrantRequest | None]:
    """Save a new account (`user`, unsaved, with the role asked for) without a usable password.

    A guarded role is not given yet: the account starts without a role and a role request waits
    for a second person. Returns the account, its activation link and the request (if any)."""
    if user.pk is not None:
        raise ValueError("user_create saves a new account.")
    asked = user.role
    user.set_unusable_password()
    if asked in GUARDED_ROLES and by is not None:
        user.role = ""
    user.is_staff = _is_staff(user)
    user.full_clean(exclude=["role", "password"] if not user.role else ["password"])
    user.save()
    _log(
        by=by,
        action=Action.CREATE,
        object_type=ACCOUNT,
        object_id=user.username,
        municipality_id=user.municipality_id,
        request=request,
        detail={
            "role": user.role,
            "municipality": _municipality_name(user.municipality_id),
            "partner": str(user.partner) if user.partner_id else "",
            "superuser": user.is_superuser,
            "active": user.is_active,
        },
    )
    grant = None
    if asked != user.role:
        grant = _role_request(user=user, role=asked, by=by, request=request)
    issued = activation_link_issue(user=user, by=by, request=request)
    return user, issued, grant


@transaction.atomic
def user_change(
    *, user: User, by: User, request: HttpRequest | None = None
) -> AccessGrantRequest | None:
    """Save the changes made to `user` (an instance loaded and changed by a form).

    Role: giving a guarded role becomes a request (the account keeps its current role until it
    is approved); any other role change takes effect at once and cancels a waiting role
    request. Municipality, partner, activation, superuser status, names and e-mail take effect
    at once. Each change is a line in the access log with the old and new value."""
    old = User.objects.select_for_update().get(pk=user.pk)
    asked = user.role
    grant = None
    if asked != old.role and asked in GUARDED_ROLES:
        user.role = old.role  # not yet: a second person approves it
        grant = AccessGrantRequest.objects.filter(
            user=old, kind=GrantKind.ROLE, status=GrantStatus.PENDING, role=asked
        ).first() or _role_request(user=old, role=asked, by=by, request=request)
    elif asked != old.role:
        _cancel_role_requests(user=old, by=by, request=request)
    user.is_staff = _is_staff(user)
    user.password = old.password  # never through this path
    user.full_clean(exclude=["password", "role"] if not user.role else ["password"])
    changes: dict[str, Any] = {}
    if user.role != old.role:
        changes["role"] = [old.role, user.role]
    if user.municipality_id != old.municipality_id:
        changes["municipality"] = [
            _municipality_name(old.municipality_id),
            _municipality_name(user.municipality_id),
        ]
    if user.partner_id != old.partner_id:
        changes["partner"] = [_partner_name(old.partner_id), _partner_name(user.partner_id)]
    if user.is_active != old.is_active:
        changes["active"] = [old.is_active, user.is_active]
    if user.is_superuser != old.is_superuser:
        changes["superuser"] = [old.is_superuser, user.is_superuser]
    if user.is_staff != old.is_staff:
        changes["staff"] = [old.is_staff, user.is_staff]
    if user.username != old.username:
        changes["username"] = [old.username, user.username]
    other = [
        name
        for name in ("first_name", "last_name", "email")
        if getattr(user, name) != getattr(old, name)
    ]
    if other:
        changes["fields"] = other  # which ones, not their values
    user.save()
    if changes:
        # Both municipalities see a move between them.
        for municipality_id in {old.municipality_id, user.municipality_id}:
            _log(
                by=by,
                action=Action.UPDATE,
                object_type=ACCOUNT,
                object_id=user.username,
                municipality_id=municipality_id,
                request=request,
                detail=changes,
            )
    return grant


def user_deactivate(*, user: User, by: User, request: HttpRequest | None = None) -> None:
    user.is_active = False
    user_change(user=user, by=by, request=request)


def user_activate(*, user: User, by: User, request: HttpRequest | None = None) -> None:
    user.is_active = True
    user_change(user=user, by=by, request=request)


@transaction.atomic
def account_reset(*, user: User, by: User | None, request: HttpRequest | None = None) -> IssuedLink:
    """Forgotten password or lost phone: the password and the authenticator are removed (every
    session of the account ends with the password), the failed logins forgotten, and a new
    activation link issued. Until its owner uses it, the account cannot log in."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    devices = TOTPDevice.objects.filter(user=user).delete()[0]
    lockout.unlock(username=user.username)
    _log(
        by=by,
        action=Action.UPDATE,
        object_type=ACCOUNT,
        object_id=user.username,
        municipality_id=user.municipality_id,
        request=request,
        detail={"password": "removed", "second_factor": "removed" if devices else "none"},
    )
    return activation_link_issue(user=user, by=by, request=request)


@transaction.atomic
def account_unlock(*, user: User, by: User, request: HttpRequest | None = None) -> None:
    lockout.unlock(username=user.username)
    _log(
        by=by,
        action=Action.UPDATE,
        object_type=ACCOUNT,
        object_id=user.username,
        municipality_id=user.municipality_id,
        request=request,
        detail={"unlocked": True},
    )


def password_changed(*, user: User, request: HttpRequest | None = None) -> None:
    """The owner changed its own password (the page itself saves it, under the policy)."""
    _log(
        by=user,
        action=Action.UPDATE,
        object_type=ACCOUNT,
        object_id=user.username,
        municipality_id=user.municipality_id,
        request=request,
        detail={"password": "changed"},
    )


# --- Activation links ---------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def activation_hours() -> int:
    return int(settings.VIVERA_ACTIVATION_HOURS)


@transaction.atomic
def activation_link_issue(
    *, user: User, by: User | None, request: HttpRequest | None = None
) -> IssuedLink:
    """A new one-time link for `user` (32 random bytes; only its hash is kept). Any older link
    of the account stops working: only the newest counts."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    ActivationLink.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    link = ActivationLink.objects.create(
        user=user,
        token_hash=_token_hash(token),
        issued_by=by,
        issued_at=now,
        expires_at=now + dt.timedelta(hours=activation_hours()),
    )
    _log(
        by=by,
        action=Action.CREATE,
        object_type=LINK,
        object_id=link.pk,
        municipality_id=user.municipality_id,
        request=request,
        detail={"account": user.username, "valid_until": link.expires_at.isoformat()},
    )
    return IssuedLink(link=link, token=token)


class ActivationRefused(Exception):
    """The link cannot be used: `reason` is unknown, expired, used or replaced."""

    def __init__(self, reason: str, link: ActivationLink | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.link = link


def activation_link_find(*, token: str, request: HttpRequest | None = None) -> ActivationLink:
    """The usable link behind `token`, or `ActivationRefused` (logged as a refused line).

    The lookup is by the token's SHA-256, so what the database compares tells nothing about the
    token; a token of the wrong form is refused before any query."""
    link = None
    if 20 <= len(token) <= 100:
        link = (
            ActivationLink.objects.select_related("user")
            .filter(token_hash=_token_hash(token))
            .first()
        )
    reason = _unusable(link)
    if reason:
        _log(
            by=None,
            action=Action.LOGIN,
            object_type=LINK,
            object_id=link.pk if link else "",
            result=Result.REFUSED,
            municipality_id=link.user.municipality_id if link else None,
            request=request,
            detail={"reason": reason, **({"account": link.user.username} if link else {})},
        )
        raise ActivationRefused(reason, link)
    assert link is not None
    return link


def _unusable(link: ActivationLink | None) -> str:
    if link is None:
        return "unknown"
    if link.used_at is not None:
        return "used"
    if link.expires_at <= timezone.now():
        newer = ActivationLink.objects.filter(user_id=link.user_id, pk__gt=link.pk).exists()
        return "replaced" if newer else "expired"
    if not link.user.is_active:
        return "inactive"
    return ""


def activation_refusals_from(request: HttpRequest) -> int:
    """Refused activation attempts from this address in the lockout period: the page answers
    429 past `VIVERA_ACTIVATION_FAILURE_LIMIT`, so tokens cannot be guessed in bulk."""
    from vivera.audit.models import AccessLogEntry
    from vivera.audit.services import client_address

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessLogEntry.objects.filter(
        object_type=LINK,
        result=Result.REFUSED,
        ip_address=client_address(request),
        timestamp__gte=since,
    ).count()


@transaction.atomic
def account_activate(
    *, token: str, password: str, code: str, request: HttpRequest | None = None
) -> User:
    """The owner's first step in: check the link (again, under a lock), the password against
    the policy and the first code from the authenticator app; then set both and use the link.
    Any failure changes nothing (a ValidationError names the field: password or code)."""
    found = activation_link_find(token=token, request=request)
    link = ActivationLink.objects.select_for_update().get(pk=found.pk)
    if link.used_at is not None:  # a second request with the same link got here first
        raise ActivationRefused("used", link)
    user = User.objects.select_for_update().get(pk=link.user_id)
    errors: dict[str, list[ValidationError]] = {}
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        errors["password1"] = error.error_list
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(two_factor.clean_code(code)):
        errors["code"] = [
            ValidationError(
                _("This code is not right. Check that the app shows Vivera and try the next code."),
                code="wrong_code",
            )
        ]
    if errors:
        raise ValidationError(errors)
    assert device is not None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    user.set_password(password)
    user.save(update_fields=["password"])
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    _log(
        by=user,
        action=Action.UPDATE,
        object_type=ACCOUNT,
        object_id=user.username,
        municipality_id=user.municipality_id,
        request=request,
        detail={"activated": link.pk, "password": "set by owner", "second_factor": "set up"},
    )
    return user


def activation_device(*, link: ActivationLink) -> TOTPDevice:
    """The authenticator being set up on the activation page (unconfirmed; one per account)."""
    return two_factor.pending_device(link.user)


# --- Requests for a guarded role or a team membership ---------------------------------------


def _role_request(
    *, user: User, role: str, by: User | None, request: HttpRequest | None
) -> AccessGrantRequest | None:
    if by is None:
        return None
    if user.municipality_id is None:
        raise ValidationError(
            _("Every user except a superuser belongs to exactly one municipality."), code="required"
        )
    _cancel_role_requests(user=user, by=by, request=request)
    grant = AccessGrantRequest(
        kind=GrantKind.ROLE,
        user=user,
        municipality_id=user.municipality_id,
        role=role,
        previous_role=user.role,
        requested_by=by,
        requested_at=timezone.now(),
    )
    grant.full_clean()
    grant.save()
    _log_request(grant=grant, by=by, action=Action.CREATE, request=request)
    return grant


def _cancel_role_requests(*, user: User, by: User, request: HttpRequest | None) -> None:
    waiting = AccessGrantRequest.objects.select_for_update().filter(
        user=user, kind=GrantKind.ROLE, status=GrantStatus.PENDING
    )
    for grant in waiting:
        grant.status = GrantStatus.CANCELLED
        grant.decided_by, grant.decided_at = by, timezone.now()
        grant.save(update_fields=["status", "decided_by", "decided_at"])
        _log_request(grant=grant, by=by, action=Action.UPDATE, request=request)


def _request_detail(grant: AccessGrantRequest) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "kind": grant.kind,
        "account": grant.user.username,
        "status": grant.status,
    }
    if grant.kind == GrantKind.ROLE:
        detail["role"] = [grant.previous_role, grant.role]
    else:
        detail |= {
            "team": grant.team.name if grant.team else "",
            "specialism": grant.specialism,
            "fte": _fte(grant.fte),
            "start": grant.start_date.isoformat() if grant.start_date else "",
            "end": grant.end_date.isoformat() if grant.end_date else "",
        }
    if grant.requested_by is not None:
        detail["requested_by"] = grant.requested_by.username
    return detail


def _log_request(
    *,
    grant: AccessGrantRequest,
    by: User | None,
    action: str,
    request: HttpRequest | None,
    result: str = Result.SUCCESS,
) -> None:
    _log(
        by=by,
        action=action,
        object_type=REQUEST,
        object_id=str(grant),
        municipality_id=grant.municipality_id,
        request=request,
        result=result,
        detail=_request_detail(grant),
    )


@transaction.atomic
def membership_request(
    *,
    user: User,
    team: Team,
    specialism: str,
    fte: Decimal,
    start_date: dt.date,
    end_date: dt.date | None,
    by: User,
    request: HttpRequest | None = None,
) -> AccessGrantRequest:
    """Ask for a team membership; it is made when a second person approves."""
    if team.municipality_id != user.municipality_id:
        raise ValidationError(
            {
                "user": ValidationError(
                    _("The member must belong to the team's municipality."),
                    code="other_municipality",
                )
            }
        )
    waiting_role = AccessGrantRequest.objects.filter(
        user=user, kind=GrantKind.ROLE, status=GrantStatus.PENDING, role__in=PERSON_ROLES
    )
    if user.role not in PERSON_ROLES and not waiting_role.exists():
        raise ValidationError(
            {
                "user": ValidationError(
                    _("Only professionals and coordinators can be members of a team."),
                    code="not_a_person_role",
                )
            }
        )
    grant = AccessGrantRequest(
        kind=GrantKind.MEMBERSHIP,
        user=user,
        municipality_id=team.municipality_id,
        team=team,
        specialism=specialism,
        fte=fte,
        start_date=start_date,
        end_date=end_date,
        requested_by=by,
        requested_at=timezone.now(),
    )
    grant.full_clean()
    # The membership's own rules (fte range, dates in order), before anyone approves it.
    TeamMembership(
        team=team,
        user=user,
        specialism=specialism,
        fte=fte,
        start_date=start_date,
        end_date=end_date,
    ).full_clean()
    grant.save()
    _log_request(grant=grant, by=by, action=Action.CREATE, request=request)
    return grant


@transaction.atomic
def membership_change(
    *, membership: TeamMembership, by: User, request: HttpRequest | None = None
) -> None:
    """Save a changed membership (specialism, fte, end date). Ending or shortening it takes
    effect at once; it cannot be extended, moved to an earlier start, or given to another team
    or person here: that is a new membership, which needs approval."""
    old = TeamMembership.objects.select_for_update().get(pk=membership.pk)
    problems = membership_change_problems(old=old, new=membership)
    if problems:
        raise ValidationError(problems)
    membership.full_clean()
    fields = ["specialism", "fte", "start_date", "end_date"]
    changes = {
        name: [str(getattr(old, name) or ""), str(getattr(membership, name) or "")]
        for name in fields
        if getattr(old, name) != getattr(membership, name)
    }
    membership.save(update_fields=fields)
    if changes:
        _log(
            by=by,
            action=Action.UPDATE,
            object_type=MEMBERSHIP,
            object_id=membership.pk,
            municipality_id=membership.team.municipality_id,
            request=request,
            detail={"account": membership.user.username, "team": membership.team.name, **changes},
        )


def membership_change_problems(
    *, old: TeamMembership, new: TeamMembership
) -> dict[str, ValidationError]:
    """What a change of a membership may not do without approval: give access to another team
    or person, earlier, or for longer."""
    problems: dict[str, ValidationError] = {}
    if (new.team_id, new.user_id) != (old.team_id, old.user_id):
        problems["team"] = ValidationError(
            _("Another team or member is a new membership: add one (it needs approval)."),
            code="new_membership",
        )
    if new.start_date and new.start_date < old.start_date:
        problems["start_date"] = ValidationError(
            _("An earlier start gives access to more: add a new membership (it needs approval)."),
            code="extends_access",
        )
    if old.end_date is not None and (new.end_date is None or new.end_date > old.end_date):
        problems["end_date"] = ValidationError(
            _("A later end gives access for longer: add a new membership (it needs approval)."),
            code="extends_access",
        )
    return problems


def membership_end(
    *, membership: TeamMembership, end_date: dt.date, by: User, request: HttpRequest | None = None
) -> None:
    membership.end_date = end_date
    membership_change(membership=membership, by=by, request=request)


def _teams_concerned(grant: AccessGrantRequest) -> set[int]:
    """The teams whose coordinator may decide: the membership's team; for a person role, the
    teams the account is a member of today or waits to become one of."""
    if grant.kind == GrantKind.MEMBERSHIP:
        return {grant.team_id} if grant.team_id else set()
    if grant.role not in PERSON_ROLES:
        return set()  # an administrator is approved by an administrator
    today = timezone.localdate()
    current = set(
        memberships_on(today).filter(user_id=grant.user_id).values_list("team_id", flat=True)
    )
    waiting = set(
        AccessGrantRequest.objects.filter(
            user_id=grant.user_id, kind=GrantKind.MEMBERSHIP, status=GrantStatus.PENDING
        ).values_list("team_id", flat=True)
    )
    return current | waiting


def may_decide(*, user: User, grant: AccessGrantRequest) -> bool:
    """Whether `user` may approve or reject `grant` (four eyes; docs/privacy.md)."""
    if not user.is_authenticated or not user.is_active or not user.has_usable_password():
        return False
    if user.pk in (grant.requested_by_id, grant.user_id):
        return False
    if grant.requested_by_id is not None:
        # An account whose password came through a link the requester handed out may be the
        # requester's own second account.
        latest = (
            ActivationLink.objects.filter(user=user, used_at__isnull=False)
            .order_by("-used_at")
            .values_list("issued_by_id", flat=True)
            .first()
        )
        if latest is not None and latest == grant.requested_by_id:
            return False
    if user.is_superuser:
        return True
    if user.municipality_id != grant.municipality_id:
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.COORDINATOR:
        return bool(_teams_concerned(grant) & user.team_ids())
    return False


def requests_for_decider(*, user: User) -> list[AccessGrantRequest]:
    """The waiting requests `user` may decide, oldest first."""
    if user.role not in (Role.ADMIN, Role.COORDINATOR) and not user.is_superuser:
        return []
    waiting = (
        AccessGrantRequest.objects.filter(status=GrantStatus.PENDING)
        .select_related("user", "team", "requested_by")
        .order_by("requested_at", "pk")
    )
    if not user.is_superuser:
        waiting = waiting.filter(municipality_id=municipality_id_of(user))
    return [grant for grant in waiting if may_decide(user=user, grant=grant)]


def requests_recent(*, user: User, limit: int = 50) -> list[AccessGrantRequest]:
    """What an administrator sees besides: the municipality's latest requests (also its own,
    which it cannot decide); a coordinator sees the requests that concern its teams."""
    rows = AccessGrantRequest.objects.filter(
        municipality_id=municipality_id_of(user)
    ).select_related("user", "team", "requested_by", "decided_by")
    if user.role != Role.ADMIN:
        teams = user.team_ids()
        rows = rows.filter(
            Q(team_id__in=teams) | Q(user__memberships__team_id__in=teams)
        ).distinct()
    return list(rows.order_by("-requested_at", "-pk")[:limit])


class NotYours(Exception):
    """The request does not exist for this user, or it may not decide it."""

    def __init__(self, grant: AccessGrantRequest | None = None) -> None:
        super().__init__()
        self.grant = grant


def grant_request_decide(
    *, pk: int, approve: bool, by: User, request: HttpRequest | None = None
) -> AccessGrantRequest:
    """Approve or reject a waiting request. Approving a role gives it to the account;
    approving a membership makes it. Someone who may not decide gets `NotYours` (and a refused
    line, written after the decision's transaction rolled back); a request already decided a
    `ValidationError`."""
    try:
        return _decide(pk=pk, approve=approve, by=by, request=request)
    except NotYours as refused:
        if refused.grant is not None:
            _log_request(
                grant=refused.grant,
                by=by,
                action=Action.UPDATE,
                request=request,
                result=Result.REFUSED,
            )
        raise


@transaction.atomic
def _decide(*, pk: int, approve: bool, by: User, request: HttpRequest | None) -> AccessGrantRequest:
    grant = (
        AccessGrantRequest.objects.select_for_update(of=("self",))
        .select_related("user", "team", "requested_by")
        .filter(pk=pk)
        .first()
    )
    if grant is None or not may_decide(user=by, grant=grant):
        raise NotYours(grant)
    if grant.status != GrantStatus.PENDING:
        raise ValidationError(_("This request has already been decided."), code="decided")
    grant.status = GrantStatus.APPROVED if approve else GrantStatus.REJECTED
    grant.decided_by, grant.decided_at = by, timezone.now()
    if approve and grant.kind == GrantKind.ROLE:
        user = User.objects.select_for_update().get(pk=grant.user_id)
        old_role = user.role
        user.role = grant.role
        user.is_staff = _is_staff(user)
        user.full_clean(exclude=["password"])
        user.save(update_fields=["role", "is_staff"])
        _log(
            by=by,
            action=Action.UPDATE,
            object_type=ACCOUNT,
            object_id=user.username,
            municipality_id=user.municipality_id,
            request=request,
            detail={"role": [old_role, user.role], "approved": str(grant)},
        )
    elif approve:
        # A membership request has all three (the constraint grant_request_complete).
        team, fte, start_date = grant.team, grant.fte, grant.start_date
        assert team is not None and fte is not None and start_date is not None
        membership = TeamMembership(
            team=team,
            user=grant.user,
            specialism=grant.specialism,
            fte=fte,
            start_date=start_date,
            end_date=grant.end_date,
        )
        membership.full_clean()
        membership.save()
        grant.membership = membership
        _log(
            by=by,
            action=Action.CREATE,
            object_type=MEMBERSHIP,
            object_id=membership.pk,
            municipality_id=grant.municipality_id,
            request=request,
            detail={
                "account": grant.user.username,
                "team": team.name,
                "specialism": grant.specialism,
                "fte": _fte(fte),
                "start": start_date.isoformat(),
                "end": grant.end_date.isoformat() if grant.end_date else "",
                "approved": str(grant),
            },
        )
    grant.save(update_fields=["status", "decided_by", "decided_at", "membership"])
    _log_request(grant=grant, by=by, action=Action.UPDATE, request=request)
    return grant


def _fte(value: Decimal | None) -> str:
    return "" if value is None else f"{Decimal(value):.2f}"


def _municipality_name(pk: int | None) -> str:
    if pk is None:
        return ""
    return Municipality.objects.filter(pk=pk).values_list("name", flat=True).first() or ""


def _partner_name(pk: int | None) -> str:
    if pk is None:
        return ""
    return PartnerOrganisation.objects.filter(pk=pk).values_list("name", flat=True).first() or ""
