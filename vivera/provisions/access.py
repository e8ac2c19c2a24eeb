"""Who may see which allocations: a client's allocations are read only on a dossier page of that
client that the user may see, and every read is in the access log."""

from __future__ import annotations

from django.http import HttpRequest

from vivera.accounts.models import User
from vivera.audit.models import Action, ObjectType
from vivera.audit.services import log_access
from vivera.registration.access import may_see_dossier
from vivera.registration.models import Dossier

from .models import Allocation


def allocations_for_dossier(
    *, user: User, dossier: Dossier, request: HttpRequest | None = None
) -> list[Allocation]:
    """The allocations of the dossier's client, newest first, if the user may see the dossier
    (a professional or coordinator of its team, or one it is shared with); otherwise none. The
    read is logged with the client, also when there are none."""
    if not may_see_dossier(user, dossier):
        return []
    allocations = list(
        Allocation.objects.filter(client_id=dossier.client_id)
        .select_related("provider")
        .order_by("-start_date", "number")
    )
    log_access(
        user=user,
        action=Action.READ,
        object_type=ObjectType.ALLOCATIONS,
        object_id=dossier.client_id,
        client_id=dossier.client_id,
        request=request,
        detail={"dossier": dossier.pk, "allocations": len(allocations)},
    )
    return allocations
