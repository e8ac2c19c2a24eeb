"""Who may see which partner submission: the only way a view fetches one.

- A professional or coordinator sees the submissions of its own teams and the open ones that have
  no team yet (the triage queue every team of the municipality shares), in its own municipality.
  A finished submission without a team is seen by nobody (it was never taken on: nothing to
  follow up, and no reason for every team to keep seeing the person).
- A partner sees only the status of what its own organisation sent (the API), never content.
- Every other role sees none.
Every successful fetch by a team member writes a `read` line to the access log; a refused one
writes `refused`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from vivera.accounts.models import Role
from vivera.audit.models import Action, Result
from vivera.audit.services import log_access

from .models import OPEN_STATUSES, Submission

if TYPE_CHECKING:
    from vivera.accounts.models import User


def submissions_for(user: User) -> QuerySet[Submission]:
    if not user.is_authenticated or not user.sees_persons or user.municipality_id is None:
        return Submission.objects.none()
    team_ids = user.team_ids()
    if not team_ids:
        return Submission.objects.none()
    return Submission.objects.filter(
        Q(team_id__in=team_ids) | Q(team__isnull=True, status__in=OPEN_STATUSES),
        municipality_id=user.municipality_id,
    )


def sent_by_partner(user: User) -> QuerySet[Submission]:
    """What the user's partner organisation sent (status only is shown from it)."""
    if (
        not user.is_authenticated
        or not user.is_active
        or user.role != Role.PARTNER
        or user.partner_id is None
        or user.municipality_id is None
    ):
        return Submission.objects.none()
    return Submission.objects.filter(
        partner_id=user.partner_id, municipality_id=user.municipality_id
    )


def get_submission_for_user(
    *, user: User, pk: int, request: HttpRequest | None = None, log_read: bool = True
) -> Submission:
    submission = (
        submissions_for(user)
        .select_related("partner", "team", "neighbourhood", "dossier")
        .filter(pk=pk)
        .first()
    )
    if submission is None:
        log_access(
            user=user,
            action=Action.READ,
            object_type="submission",
            object_id=pk,
            request=request,
            result=Result.REFUSED,
        )
        raise Http404
    if log_read:
        log_access(
            user=user,
            action=Action.READ,
            object_type="submission",
            object_id=submission.pk,
            client_id=submission.dossier.client_id if submission.dossier is not None else None,
            request=request,
        )
    return submission
