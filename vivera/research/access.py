"""Which grants a user may see or use: the only way a view fetches a grant."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from vivera.accounts.models import Role

from .models import ResearchGrant
from .services import GrantInactive, log_refused_extract

if TYPE_CHECKING:
    from vivera.accounts.models import User


def grants_of_researcher(user: User) -> QuerySet[ResearchGrant]:
    """A researcher's own grants, of its own municipality."""
    if user.role != Role.RESEARCHER or user.municipality_id is None:
        return ResearchGrant.objects.none()
    return ResearchGrant.objects.filter(researcher=user, municipality_id=user.municipality_id)


def grants_administered_by(user: User) -> QuerySet[ResearchGrant]:
    """Every grant of the administrator's municipality."""
    if user.role != Role.ADMIN or user.municipality_id is None:
        return ResearchGrant.objects.none()
    return ResearchGrant.objects.filter(municipality_id=user.municipality_id)


def get_grant_for_download(
    *, user: User, pk: int, request: HttpRequest | None = None
) -> ResearchGrant:
    """The researcher's own active grant. Someone else's (or none): a refused line and 404, so
    nobody learns which grants exist. Its own but expired or revoked: a refused line and
    `GrantInactive`, which the page explains."""
    grant = (
        grants_of_researcher(user)
        .select_related("municipality", "researcher")
        .filter(pk=pk)
        .first()
    )
    if grant is None:
        log_refused_extract(user=user, grant_id=pk, reason="not_theirs", request=request)
        raise Http404
    if not grant.is_active():
        log_refused_extract(user=user, grant_id=pk, reason=grant.state().value, request=request)
        raise GrantInactive(grant)
    return grant


def get_grant_for_admin(*, user: User, pk: int) -> ResearchGrant:
    grant = grants_administered_by(user).select_related("researcher").filter(pk=pk).first()
    if grant is None:
        raise Http404
    return grant
