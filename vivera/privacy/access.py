"""The administrator's access to a person, for a request to see their data, and nothing else.

The functional administrator sees no person anywhere else in Vivera. Here it finds any client
of its own municipality, whichever team helps them, and any informal carer of its municipality's
carers' register, because a request for access can concern anyone; every page that shows the
person writes a line to the access log, which the person will read in the export.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404, HttpRequest

from vivera.accounts.access import municipality_id_of
from vivera.audit.models import Action, ObjectType, Result
from vivera.audit.services import log_access
from vivera.carers.models import Carer
from vivera.registration.models import Client

if TYPE_CHECKING:
    from vivera.accounts.models import User


def get_client_for_access_request(
    *, user: User, pk: int, request: HttpRequest | None = None, log_read: bool = True
) -> Client:
    """A client of the administrator's municipality, logged as read; otherwise 404, logged as
    refused, so another municipality's client cannot be told from one that does not exist."""
    client = (
        Client.objects.filter(pk=pk, municipality_id=municipality_id_of(user))
        .select_related("municipality", "neighbourhood", "household")
        .first()
    )
    if client is None:
        log_access(
            user=user,
            action=Action.READ,
            object_type="client",
            object_id=pk,
            request=request,
            result=Result.REFUSED,
        )
        raise Http404
    if log_read:  # unless the caller logs what it does with the client (an export)
        log_client_read(user=user, client=client, request=request)
    return client


def log_client_read(*, user: User, client: Client, request: HttpRequest | None) -> None:
    log_access(
        user=user,
        action=Action.READ,
        object_type="client",
        object_id=client.pk,
        client_id=client.pk,
        request=request,
        detail={"for": "access_request"},
    )


def get_carer_for_access_request(
    *, user: User, pk: int, request: HttpRequest | None = None, log_read: bool = True
) -> Carer:
    """An informal carer of the administrator's municipality's register, logged as read;
    otherwise 404, logged as refused."""
    carer = (
        Carer.objects.filter(pk=pk, municipality_id=municipality_id_of(user))
        .select_related("municipality", "neighbourhood")
        .first()
    )
    if carer is None:
        log_access(
            user=user,
            action=Action.READ,
            object_type=ObjectType.CARER,
            object_id=pk,
            request=request,
            result=Result.REFUSED,
        )
        raise Http404
    if log_read:
        log_carer_read(user=user, carer=carer, request=request)
    return carer


def log_carer_read(*, user: User, carer: Carer, request: HttpRequest | None) -> None:
    log_access(
        user=user,
        action=Action.READ,
        object_type=ObjectType.CARER,
        object_id=carer.pk,
        request=request,
        detail={"carer": carer.pk, "for": "access_request"},
    )
