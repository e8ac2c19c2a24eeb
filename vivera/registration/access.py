"""Object-level access to personal data: the only way a view fetches a client or a dossier.

Rules (DOMAIN.md):
- a professional sees dossiers of the teams it is a member of today, and dossiers it directs;
- a coordinator sees dossiers of its teams;
- every other role sees no person at all;
- nobody sees another municipality's data.
Every successful fetch writes a `read` line to the access log; a refused one writes `refused`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from vivera.audit.models import Action, Result
from vivera.audit.services import log_access
from vivera.organisation.selectors import memberships_on

from .models import Client, Dossier, Question, SharingConsent

if TYPE_CHECKING:
    from vivera.accounts.models import User


def dossiers_for(user: User) -> QuerySet[Dossier]:
    if not user.is_authenticated or not user.sees_persons or user.municipality_id is None:
        return Dossier.objects.none()
    return Dossier.objects.filter(
        Q(team_id__in=user.team_ids()) | Q(case_director=user),
        municipality_id=user.municipality_id,
    )


def clients_for(user: User) -> QuerySet[Client]:
    """Clients the user may see:
    - clients with a dossier the user may see;
    - members of their households (a household is helped as a whole);
    - clients without any dossier yet, registered by the user or a current colleague in one of
      the user's teams (so a colleague can open the first dossier).
    """
    if not user.is_authenticated or not user.sees_persons or user.municipality_id is None:
        return Client.objects.none()
    visible = dossiers_for(user)
    own_dossier = visible.filter(client=OuterRef("pk"))
    household_dossier = visible.filter(client__household=OuterRef("household"))
    any_dossier = Dossier.objects.filter(client=OuterRef("pk"))
    colleagues = memberships_on(timezone.localdate()).filter(
        team_id__in=user.team_ids()).values("user_id")
    return Client.objects.filter(municipality_id=user.municipality_id).filter(
        Exists(own_dossier)
        | (Q(household__isnull=False) & Exists(household_dossier))
        | (~Exists(any_dossier) & (Q(created_by=user) | Q(created_by__in=colleagues)))
    )


def get_dossier_for_user(
    *, user: User, pk: int, request: HttpRequest | None = None, log_read: bool = True
) -> Dossier:
    """Fetch a dossier the user may see, or 404. A successful fetch is logged as a read unless
    the caller is about to change it (the service then logs the change); a refusal is always
    logged."""
    dossier = (
        dossiers_for(user)
        .select_related("client", "client__household", "team", "case_director", "referrer")
        .filter(pk=pk)
        .first()
    )
    if dossier is None:
        log_access(user=user, action=Action.READ, object_type="dossier", object_id=pk,
                   request=request, result=Result.REFUSED)
        raise Http404
    if log_read:
        log_access(user=user, action=Action.READ, object_type="dossier", object_id=dossier.pk,
                   client_id=dossier.client_id, request=request)
    return dossier


def get_client_for_user(
    *, user: User, pk: int, request: HttpRequest | None = None, log_read: bool = True
) -> Client:
    client = clients_for(user).select_related("neighbourhood", "household").filter(pk=pk).first()
    if client is None:
        log_access(user=user, action=Action.READ, object_type="client", object_id=pk,
                   request=request, result=Result.REFUSED)
        raise Http404
    if log_read:
        log_access(user=user, action=Action.READ, object_type="client", object_id=client.pk,
                   client_id=client.pk, request=request)
    return client


def _child_of_dossier[M: (Question, SharingConsent)](
    model: type[M], *, user: User, pk: int, object_type: str, related: tuple[str, ...],
    request: HttpRequest | None, log_read: bool,
) -> M:
    """A record under a dossier, under the dossier's access rule: a refusal is logged under
    its own type, a read as a read of the dossier naming the record."""
    record = (model.objects.select_related("dossier", "dossier__client", "dossier__team",
                                           *related)
              .filter(pk=pk, dossier__in=dossiers_for(user)).first())
    if record is None:
        log_access(user=user, action=Action.READ, object_type=object_type, object_id=pk,
                   request=request, result=Result.REFUSED)
        raise Http404
    if log_read:
        log_access(user=user, action=Action.READ, object_type="dossier",
                   object_id=record.dossier_id, client_id=record.dossier.client_id,
                   request=request, detail={object_type: record.pk})
    return record


def get_question_for_user(
    *, user: User, pk: int, request: HttpRequest | None = None, log_read: bool = True
) -> tuple[Question, Dossier]:
    """A question with its dossier, under the dossier's access rule."""
    question = _child_of_dossier(Question, user=user, pk=pk, object_type="question",
                                 related=("domain",), request=request, log_read=log_read)
    return question, question.dossier


def get_consent_for_user(
    *, user: User, pk: int, request: HttpRequest | None = None
) -> tuple[SharingConsent, Dossier]:
    """A consent with its dossier, under the dossier's access rule; the read is logged."""
    consent = _child_of_dossier(SharingConsent, user=user, pk=pk, object_type="consent",
                                related=("partner",), request=request, log_read=True)
    return consent, consent.dossier


def log_list_read(*, user: User, request: HttpRequest | None, page: str,
                  dossiers: Iterable[Dossier]) -> None:
    """A list page that shows clients' names: one log line naming every client shown."""
    client_ids = sorted({d.client_id for d in dossiers})
    if client_ids:
        log_access(user=user, action=Action.READ, object_type="list", object_id=page,
                   request=request, detail={"clients": client_ids})
