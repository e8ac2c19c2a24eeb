"""Reads of the provisions app that are not about one person."""

from __future__ import annotations

from django.db.models import QuerySet

from vivera.accounts.access import municipality_id_of
from vivera.accounts.models import User

from .models import Delivery


def deliveries_for(user: User) -> QuerySet[Delivery]:
    """The deliveries of the administrator's municipality, newest first."""
    return Delivery.objects.filter(municipality_id=municipality_id_of(user)).select_related(
        "imported_by"
    )
