"""Who may see a Voor elkaar conversation on the staff side: the professionals who may see the
dossier a request was posted from (`registration.access.dossiers_for`). Members reach their own
threads through their session (views); the moderator sees listings, never messages."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from vivera.accounts.models import User
from vivera.audit.models import Action, ObjectType, Result
from vivera.audit.services import log_access
from vivera.registration.access import get_dossier_for_user
from vivera.registration.models import Dossier

from .models import Connection


def get_team_connection(
    *, user: User, dossier_pk: int, pk: int, request: HttpRequest | None = None
) -> tuple[Dossier, Connection]:
    """A conversation about a request posted from this dossier, or 404. The read is logged with
    the client (one line); a refusal is logged too."""
    dossier = get_dossier_for_user(user=user, pk=dossier_pk, request=request, log_read=False)
    connection = (
        Connection.objects.select_related("listing", "member", "poster_shared_by")
        .filter(pk=pk, listing__dossier=dossier)
        .first()
    )
    log_access(
        user=user,
        action=Action.READ,
        object_type=ObjectType.MATCHING_LISTING,
        object_id=connection.listing_id if connection else pk,
        client_id=dossier.client_id,
        request=request,
        result=Result.SUCCESS if connection else Result.REFUSED,
        detail={"dossier": dossier.pk, "connection": pk},
    )
    if connection is None:
        raise Http404
    return dossier, connection
