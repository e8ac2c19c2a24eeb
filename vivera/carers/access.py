"""Who may see which carer, checked on the server, every read in the access log.

- The carers' consultant: every carer of its municipality (the register).
- A professional or coordinator: the carers linked (with consent) to the client of a dossier it
  may see, on that dossier's page only; it may register a carer for that client.
- Every other role: no carer. Policy advisors see the register's figures through the monitor.
- The carer itself: its own registration, on its own page opened with its personal link.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from vivera.accounts.models import Role, User
from vivera.audit.models import Action, ObjectType, Result
from vivera.audit.services import log_access
from vivera.registration.access import may_see_dossier

from .models import Application, Carer, CareRelation, Scheme, SupportRecord

if TYPE_CHECKING:
    from django.http import HttpRequest

    from vivera.registration.models import Dossier


def carers_for(user: User) -> QuerySet[Carer]:
    """The carers the user may see in the register: a consultant's municipality's, else none."""
    if user.role != Role.CARER_CONSULTANT or user.municipality_id is None or not user.is_active:
        return Carer.objects.none()
    return Carer.objects.filter(municipality_id=user.municipality_id)


def _refused(user: User, object_type: str, pk: object, request: HttpRequest | None) -> Http404:
    log_access(
        user=user,
        action=Action.READ,
        object_type=object_type,
        object_id=pk,
        request=request,
        result=Result.REFUSED,
    )
    return Http404()


def get_carer_for_user(
    *, user: User, pk: int, request: HttpRequest | None = None, log_read: bool = True
) -> Carer:
    """A carer of the register, or 404; the read (or the refusal) is logged."""
    carer = carers_for(user).select_related("neighbourhood").filter(pk=pk).first()
    if carer is None:
        raise _refused(user, ObjectType.CARER, pk, request)
    if log_read:
        log_carer_read(user=user, carer=carer, request=request)
    return carer


def log_carer_read(*, user: User, carer: Carer, request: HttpRequest | None) -> None:
    """A read of `carer` fetched without one (`log_read=False`) whose page is shown after all."""
    log_access(
        user=user,
        action=Action.READ,
        object_type=ObjectType.CARER,
        object_id=carer.pk,
        request=request,
        detail={"carer": carer.pk},
    )


def get_relation_for_user(
    *, user: User, pk: int, request: HttpRequest | None = None
) -> CareRelation:
    relation = (
        CareRelation.objects.select_related("carer")
        .filter(pk=pk, carer__in=carers_for(user))
        .first()
    )
    if relation is None:
        raise _refused(user, ObjectType.CARER, f"relation {pk}", request)
    return relation


def get_support_for_user(
    *, user: User, pk: int, request: HttpRequest | None = None
) -> SupportRecord:
    record = (
        SupportRecord.objects.select_related("carer")
        .filter(pk=pk, carer__in=carers_for(user))
        .first()
    )
    if record is None:
        raise _refused(user, ObjectType.CARER, f"support {pk}", request)
    return record


def schemes_for(user: User) -> QuerySet[Scheme]:
    if user.role != Role.CARER_CONSULTANT or user.municipality_id is None:
        return Scheme.objects.none()
    return Scheme.objects.filter(municipality_id=user.municipality_id)


def get_scheme_for_user(*, user: User, pk: int, request: HttpRequest | None = None) -> Scheme:
    """A scheme of the consultant's municipality, or 404, logged as refused (its payout list
    holds account numbers)."""
    scheme = schemes_for(user).filter(pk=pk).first()
    if scheme is None:
        raise _refused(user, ObjectType.CARER_APPLICATION, f"scheme {pk}", request)
    return scheme


def get_application_for_user(
    *, user: User, pk: int, request: HttpRequest | None = None
) -> Application:
    """An application in the consultant's municipality (its decision logs the change)."""
    application = (
        Application.objects.select_related("carer", "scheme", "relation")
        .filter(pk=pk, scheme__in=schemes_for(user))
        .first()
    )
    if application is None:
        raise _refused(user, ObjectType.CARER_APPLICATION, pk, request)
    return application


def log_list_read(
    *, user: User, carers: list[Carer], request: HttpRequest | None, what: str
) -> None:
    """A page that shows several carers by name: one read line naming them all."""
    if carers:
        log_access(
            user=user,
            action=Action.READ,
            object_type=ObjectType.LIST,
            object_id=what,
            request=request,
            detail={"carers": [c.pk for c in carers]},
        )


def carers_for_dossier(
    *, user: User, dossier: Dossier, request: HttpRequest | None = None
) -> list[CareRelation]:
    """The carers of the dossier's client (linked with consent), if the user may see the
    dossier; the read is logged with the client and the carers."""
    if user.role not in (Role.PROFESSIONAL, Role.COORDINATOR):
        return []
    if not may_see_dossier(user, dossier):
        return []
    relations = list(
        CareRelation.objects.filter(client_id=dossier.client_id, carer__anonymised_at__isnull=True)
        .select_related("carer")
        .prefetch_related("carer__support")
        .order_by("ended_on", "since")
    )
    if relations:
        log_access(
            user=user,
            action=Action.READ,
            object_type=ObjectType.CARER,
            object_id=f"dossier {dossier.pk}",
            client_id=dossier.client_id,
            request=request,
            detail={"dossier": dossier.pk, "carers": sorted({r.carer_id for r in relations})},
        )
    return relations
