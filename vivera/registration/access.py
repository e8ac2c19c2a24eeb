"""Object-level access to personal data: the only way a view fetches a client or a dossier.

Rules (DOMAIN.md):
- a professional sees dossiers of the teams it is a member of today, and dossiers it directs;
- a coordinator sees dossiers of its teams;
- both also see the dossiers another team shares with one of their teams (an approved request
  for a shared dossier that was not ended, `ClientAccessRequest`);
- every other role sees no person at all;
- nobody sees another municipality's data.
Every successful fetch writes a `read` line to the access log; a refused one writes `refused`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from vivera.accounts.access import municipality_id_of
from vivera.accounts.models import Role
from vivera.audit.models import AccessLogEntry, Action, Result
from vivera.audit.services import log_access
from vivera.organisation.selectors import memberships_on

from .models import (
    AccessRequestKind,
    AccessRequestStatus,
    Client,
    ClientAccessRequest,
    Dossier,
    Question,
    SharingConsent,
)

if TYPE_CHECKING:
    from vivera.accounts.models import User


def _persons_municipality(user: User) -> int | None:
    """The municipality whose persons the user may see (some of), or None: none at all."""
    if user.is_authenticated and user.sees_persons:
        return user.municipality_id
    return None


def _running_shares(team_ids: Iterable[int]) -> QuerySet[ClientAccessRequest]:
    """Approved shares to one of `team_ids` that were not ended."""
    return ClientAccessRequest.objects.filter(
        to_team_id__in=team_ids,
        kind=AccessRequestKind.SHARED,
        status=AccessRequestStatus.APPROVED,
        share_ended_at__isnull=True,
    )


def dossiers_for(user: User) -> QuerySet[Dossier]:
    """The dossiers the user may see (the rules above), for lists. `_any_seen` decides the same
    for dossiers already read: a change here is a change there (`tests/test_access_rules.py`)."""
    municipality_id = _persons_municipality(user)
    if municipality_id is None:
        return Dossier.objects.none()
    team_ids = user.team_ids()
    shared = _running_shares(team_ids).filter(dossier=OuterRef("pk"))
    return Dossier.objects.filter(
        Q(team_id__in=team_ids) | Q(case_director=user) | Exists(shared),
        municipality_id=municipality_id,
    )


def _any_seen(user: User, dossiers: Iterable[Dossier]) -> bool:
    """Whether `dossiers_for(user)` holds one of these fetched dossiers: the same rule, decided
    on the rows the page already has (the database is asked only for a share). Over a million
    dossiers the rule as one query cost more to build and plan than to run (issue 19)."""
    municipality_id = _persons_municipality(user)
    if municipality_id is None:
        return False
    team_ids = user.team_ids()
    own = [d for d in dossiers if d.municipality_id == municipality_id]
    if any(d.team_id in team_ids or d.case_director_id == user.pk for d in own):
        return True
    return bool(own and team_ids) and (
        _running_shares(team_ids).filter(dossier_id__in=[d.pk for d in own]).exists()
    )


def _client_seen(user: User, client: Client) -> bool:
    """`clients_for(user)`'s rule for one fetched client (see there), in two or three small
    queries instead of one with six nested subqueries."""
    municipality_id = _persons_municipality(user)
    if municipality_id is None or client.municipality_id != municipality_id:
        return False
    related = (
        Dossier.objects.filter(client_id=client.pk)
        if client.household_id is None
        else Dossier.objects.filter(client__household_id=client.household_id)
    ).only("pk", "client_id", "municipality_id", "team_id", "case_director_id")
    dossiers = list(related.order_by())
    if _any_seen(user, dossiers):
        return True
    if any(d.client_id == client.pk for d in dossiers):
        return False
    return (
        client.created_by_id == user.pk
        or memberships_on(timezone.localdate())
        .filter(team_id__in=user.team_ids(), user_id=client.created_by_id)
        .exists()
    )


def dossiers_directed_by(user: User) -> QuerySet[Dossier]:
    """The dossiers the user directs: the part of `dossiers_for` that names the user, without
    its OR over teams and shares (which the planner cannot use an index for)."""
    municipality_id = _persons_municipality(user)
    if municipality_id is None:
        return Dossier.objects.none()
    return Dossier.objects.filter(municipality_id=municipality_id, case_director=user)


def dossiers_of_teams(user: User, team_ids: Iterable[int]) -> QuerySet[Dossier]:
    """The dossiers of the user's teams among `team_ids` (the user's own, as `dossiers_for`
    sees them), without the OR over the user's direction and shares."""
    if not user.is_authenticated or not user.sees_persons or user.municipality_id is None:
        return Dossier.objects.none()
    return Dossier.objects.filter(
        municipality_id=user.municipality_id, team_id__in=set(team_ids) & user.team_ids()
    )


def clients_for(user: User) -> QuerySet[Client]:
    """Clients the user may see:
    - clients with a dossier the user may see;
    - members of their households (a household is helped as a whole);
    - clients without any dossier yet, registered by the user or a current colleague in one of
      the user's teams (so a colleague can open the first dossier).
    `_client_seen` decides the same for one client: a change here is a change there
    (`tests/test_access_rules.py` holds them together).
    """
    municipality_id = _persons_municipality(user)
    if municipality_id is None:
        return Client.objects.none()
    visible = dossiers_for(user)
    own_dossier = visible.filter(client=OuterRef("pk"))
    household_dossier = visible.filter(client__household=OuterRef("household"))
    any_dossier = Dossier.objects.filter(client=OuterRef("pk"))
    colleagues = (
        memberships_on(timezone.localdate()).filter(team_id__in=user.team_ids()).values("user_id")
    )
    return Client.objects.filter(municipality_id=municipality_id).filter(
        Exists(own_dossier)
        | (Q(household__isnull=False) & Exists(household_dossier))
        | (~Exists(any_dossier) & (Q(created_by=user) | Q(created_by__in=colleagues)))
    )


# Set on a dossier fetched by `get_dossier_for_user`: the user it was fetched for.
SEEN_BY = "_vivera_seen_by"


def may_see_dossier(user: User, dossier: Dossier) -> bool:
    """Whether the user may see the dossier: known without asking the database again when the
    page fetched it for this user through `get_dossier_for_user` (the other apps' sections on
    a dossier page each checked it anew: three queries a page)."""
    if dossier.__dict__.get(SEEN_BY) == user.pk:
        return True
    return _any_seen(user, [dossier])


def get_dossier_for_user(
    *, user: User, pk: int, request: HttpRequest | None = None, log_read: bool = True
) -> Dossier:
    """Fetch a dossier the user may see, or 404. A successful fetch is logged as a read unless
    the caller is about to change it (the service then logs the change); a refusal is always
    logged."""
    dossier = (
        Dossier.objects.select_related(
            "client", "client__household", "team", "case_director", "referrer"
        )
        .filter(pk=pk)
        .first()
    )
    if dossier is None or not _any_seen(user, [dossier]):
        log_access(
            user=user,
            action=Action.READ,
            object_type="dossier",
            object_id=pk,
            request=request,
            result=Result.REFUSED,
        )
        raise Http404
    dossier.__dict__[SEEN_BY] = user.pk  # see `may_see_dossier`
    if log_read:
        log_access(
            user=user,
            action=Action.READ,
            object_type="dossier",
            object_id=dossier.pk,
            client_id=dossier.client_id,
            request=request,
        )
    return dossier


def get_client_for_user(
    *, user: User, pk: int, request: HttpRequest | None = None, log_read: bool = True
) -> Client:
    client = Client.objects.select_related("neighbourhood", "household").filter(pk=pk).first()
    if client is None or not _client_seen(user, client):
        log_access(
            user=user,
            action=Action.READ,
            object_type="client",
            object_id=pk,
            request=request,
            result=Result.REFUSED,
        )
        raise Http404
    if log_read:
        log_access(
            user=user,
            action=Action.READ,
            object_type="client",
            object_id=client.pk,
            client_id=client.pk,
            request=request,
        )
    return client


def _child_of_dossier[M: (Question, SharingConsent)](
    model: type[M],
    *,
    user: User,
    pk: int,
    object_type: str,
    related: tuple[str, ...],
    request: HttpRequest | None,
    log_read: bool,
) -> M:
    """A record under a dossier, under the dossier's access rule: a refusal is logged under
    its own type, a read as a read of the dossier naming the record."""
    record = (
        model.objects.select_related("dossier", "dossier__client", "dossier__team", *related)
        .filter(pk=pk)
        .first()
    )
    if record is None or not _any_seen(user, [record.dossier]):
        log_access(
            user=user,
            action=Action.READ,
            object_type=object_type,
            object_id=pk,
            request=request,
            result=Result.REFUSED,
        )
        raise Http404
    if log_read:
        log_access(
            user=user,
            action=Action.READ,
            object_type="dossier",
            object_id=record.dossier_id,
            client_id=record.dossier.client_id,
            request=request,
            detail={object_type: record.pk},
        )
    return record


def get_question_for_user(
    *, user: User, pk: int, request: HttpRequest | None = None, log_read: bool = True
) -> tuple[Question, Dossier]:
    """A question with its dossier, under the dossier's access rule."""
    question = _child_of_dossier(
        Question,
        user=user,
        pk=pk,
        object_type="question",
        related=("domain",),
        request=request,
        log_read=log_read,
    )
    return question, question.dossier


def get_consent_for_user(
    *, user: User, pk: int, request: HttpRequest | None = None
) -> tuple[SharingConsent, Dossier]:
    """A consent with its dossier, under the dossier's access rule; the read is logged."""
    consent = _child_of_dossier(
        SharingConsent,
        user=user,
        pk=pk,
        object_type="consent",
        related=("partner",),
        request=request,
        log_read=True,
    )
    return consent, consent.dossier


def log_list_read(
    *, user: User, request: HttpRequest | None, page: str, dossiers: Iterable[Dossier]
) -> None:
    """A list page that shows clients' names: one log line naming every client shown."""
    client_ids = sorted({d.client_id for d in dossiers})
    if client_ids:
        log_access(
            user=user,
            action=Action.READ,
            object_type="list",
            object_id=page,
            request=request,
            detail={"clients": client_ids},
        )


# --- The BSN duplicate check -----------------------------------------------------------------

BSN_CHECK = "bsn duplicate check"
# What the check found, as the log line's detail says it.
FOUND_NONE, FOUND_WITHIN_REACH, FOUND_ELSEWHERE = "none", "within reach", "elsewhere"
# Checks of a BSN the professional typed count towards VIVERA_BSN_CHECK_LIMIT; a BSN a partner
# sent (opening a dossier from a submission) is no probe and does not.
TYPED = frozenset({"client_create", "client_update", "access_request"})
LIMIT_WINDOW = dt.timedelta(hours=24)


@dataclass(frozen=True)
class BsnCheck:
    """The answer of the duplicate check: the client with that BSN (in any team of the
    municipality), and whether the user may see it. Only `within_reach` and `found` may be
    shown to the user; `client` of a resident elsewhere is for the services only."""

    client: Client | None
    within_reach: bool

    @property
    def found(self) -> str:
        if self.client is None:
            return FOUND_NONE
        return FOUND_WITHIN_REACH if self.within_reach else FOUND_ELSEWHERE

    @property
    def elsewhere(self) -> bool:
        return self.found == FOUND_ELSEWHERE


def _residents_found_elsewhere(user: User) -> int:
    """Different residents known to another team that the user's typed BSNs found in the last
    24 hours, counted from the access log itself."""
    return (
        AccessLogEntry.objects.filter(
            user=user,
            action=Action.SEARCH,
            object_type="client",
            result=Result.SUCCESS,
            timestamp__gte=timezone.now() - LIMIT_WINDOW,
            detail__found=FOUND_ELSEWHERE,
            detail__purpose__in=sorted(TYPED),
        )
        .order_by()
        .values("client_id")
        .distinct()
        .count()
    )


def find_bsn(*, user: User, bsn: str, exclude_pk: int | None = None) -> BsnCheck:
    """The client of the user's municipality with this BSN (other than `exclude_pk`), and
    whether the user may see it. Not logged: the services' guard; views call `check_bsn`."""
    clash = Client.objects.filter(municipality_id=municipality_id_of(user), bsn=bsn)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    client = clash.first() if bsn else None
    within = client is not None and clients_for(user).filter(pk=client.pk).exists()
    return BsnCheck(client=client, within_reach=within)


def check_bsn(
    *,
    user: User,
    bsn: str,
    purpose: str,
    request: HttpRequest | None = None,
    exclude_pk: int | None = None,
) -> BsnCheck:
    """Check a BSN against every client of the user's municipality (one person, one record),
    and write it to the access log as a `search` (NEN 7513): the kind of criterion, what it was
    for, what it found and the client found, never the BSN. Called by the view before the
    write, outside its transaction, so the line stays when the write is refused.

    Over VIVERA_BSN_CHECK_LIMIT the check is refused before it looks, whatever it would find,
    so the refusal itself tells nothing."""
    detail: dict[str, object] = {"criteria": [BSN_CHECK], "purpose": purpose}
    if purpose in TYPED and _residents_found_elsewhere(user) >= settings.VIVERA_BSN_CHECK_LIMIT:
        log_access(
            user=user,
            action=Action.SEARCH,
            object_type="client",
            request=request,
            result=Result.REFUSED,
            detail={**detail, "found": "not checked", "reason": "limit"},
        )
        raise ValidationError(
            {
                "bsn": ValidationError(
                    _(
                        "You have checked the BSNs of many residents known to other teams "
                        "today. Try again tomorrow, or ask your coordinator."
                    ),
                    code="bsn_check_limit",
                )
            }
        )
    check = find_bsn(user=user, bsn=bsn, exclude_pk=exclude_pk)
    client = check.client
    log_access(
        user=user,
        action=Action.SEARCH,
        object_type="client",
        client_id=client.pk if client else None,
        request=request,
        detail={**detail, "found": check.found, "results": [client.pk] if client else []},
    )
    return check


def duplicate_bsn_error(check: BsnCheck) -> ValidationError:
    """The refusal the forms show for a BSN someone else has: within reach, the record (the
    page links it); elsewhere, that the resident is known to another team (the page offers the
    request for access) and nothing more."""
    if check.within_reach:
        message = _("A client with this BSN is already registered. Open that record instead.")
        code = "duplicate"
    else:
        message = _(
            "This resident is already known to another team. You can ask that team "
            "for access below."
        )
        code = "known_elsewhere"
    return ValidationError({"bsn": ValidationError(message, code=code)})


# --- Requests for access ---------------------------------------------------------------------


def access_requests_to_decide(user: User) -> QuerySet[ClientAccessRequest]:
    """Requests the user may answer: a coordinator's, for the dossiers its teams hold."""
    if (
        not user.is_authenticated
        or not user.sees_persons
        or user.role != Role.COORDINATOR
        or user.municipality_id is None
    ):
        return ClientAccessRequest.objects.none()
    return ClientAccessRequest.objects.filter(
        municipality_id=user.municipality_id, from_team_id__in=user.team_ids()
    )


def get_access_request_to_decide(
    *, user: User, pk: int, request: HttpRequest | None = None
) -> ClientAccessRequest:
    """A request the coordinator of the holding team answers, or 404 (logged); its page shows
    the client, so the fetch is logged as a read of the client."""
    access_request = (
        access_requests_to_decide(user)
        .select_related("client", "dossier", "from_team", "to_team", "requested_by", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if access_request is None:
        log_access(
            user=user,
            action=Action.READ,
            object_type="client_access_request",
            object_id=pk,
            request=request,
            result=Result.REFUSED,
        )
        raise Http404
    log_access(
        user=user,
        action=Action.READ,
        object_type="client_access_request",
        object_id=access_request.pk,
        client_id=access_request.client_id,
        request=request,
    )
    return access_request
