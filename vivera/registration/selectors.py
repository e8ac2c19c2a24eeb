"""Reads over registration data for lists and overviews."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from vivera.accounts.access import municipality_id_of

from .access import clients_for, dossiers_directed_by, dossiers_of_teams
from .models import (
    Client,
    ContactMoment,
    Dossier,
    DossierStatus,
    OutreachActivity,
    Question,
)

if TYPE_CHECKING:
    from vivera.accounts.models import User


def waiting_list(*, user: User) -> QuerySet[Dossier]:
    """Dossiers of the user's teams that wait: registered or on the waiting list, oldest first."""
    return (
        dossiers_of_teams(user, user.team_ids())
        .filter(status__in=[DossierStatus.REGISTERED, DossierStatus.WAITING])
        .select_related("client", "team", "case_director", "referrer")
        .order_by("registered_on", "pk")
    )


def my_dossiers(*, user: User) -> QuerySet[Dossier]:
    """The open dossiers the user directs (index `dossier_open_by_director`)."""
    open_questions = (
        Question.objects.filter(dossier=OuterRef("pk"), closed_on__isnull=True)
        .order_by()
        .values("dossier")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        dossiers_directed_by(user)
        .exclude(status=DossierStatus.CLOSED)
        .select_related("client", "team")
        .annotate(open_questions=Coalesce(Subquery(open_questions), 0))
        .order_by("status", "registered_on", "pk")
    )


def my_open_questions(*, user: User) -> QuerySet[Question]:
    """Open questions in dossiers the user directs, oldest first (the age shows what lingers)."""
    return (
        Question.objects.filter(
            dossier__in=dossiers_directed_by(user).exclude(status=DossierStatus.CLOSED),
            closed_on__isnull=True,
        )
        .select_related("dossier", "dossier__client", "domain")
        .order_by("opened_on", "pk")
    )


def questions_with_dossier(ids: Iterable[int]) -> QuerySet[Question]:
    """The questions `ids` (chosen from `my_open_questions`) as that list shows them."""
    return (
        Question.objects.filter(pk__in=list(ids))
        .select_related("dossier", "dossier__client", "domain")
        .order_by("opened_on", "pk")
    )


def household_members(*, user: User, client: Client) -> list[Client]:
    """The other members of the client's household that this user may see."""
    if client.household_id is None:
        return []
    return list(clients_for(user).filter(household_id=client.household_id).exclude(pk=client.pk))


STALE_AFTER_DAYS = 90


def my_stale_dossiers(*, user: User, today: dt.date | None = None) -> QuerySet[Dossier]:
    """Dossiers the user directs that linger: watching or active for over 90 days without a
    contact. A dossier should be closed, not kept open forever."""
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=STALE_AFTER_DAYS)
    recent_contact = ContactMoment.objects.filter(dossier=OuterRef("pk"), date__gt=cutoff)
    return (
        dossiers_directed_by(user)
        .exclude(status=DossierStatus.CLOSED)  # implied; lets PostgreSQL use the open index
        .filter(
            status__in=[DossierStatus.ACTIVE, DossierStatus.WATCHING],
            status_since__lte=cutoff,
        )
        .exclude(Exists(recent_contact))
        .select_related("client")
        .order_by("status_since", "pk")
    )


def client_search(
    *,
    user: User,
    query: str = "",
    birth_date: dt.date | None = None,
    postcode: str = "",
    bsn: str = "",
) -> QuerySet[Client]:
    clients = clients_for(user)
    for term in query.split():
        clients = clients.filter(
            Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(name_prefix__icontains=term)
        )
    if birth_date:
        clients = clients.filter(birth_date=birth_date)
    if postcode:
        clients = clients.filter(postcode__startswith=postcode.replace(" ", "").upper())
    if bsn:
        clients = clients.filter(bsn=bsn)
    return clients.select_related("neighbourhood").order_by("last_name", "first_name")[:50]


def outreach_for(*, user: User) -> QuerySet[OutreachActivity]:
    return (
        OutreachActivity.objects.filter(
            team_id__in=user.team_ids(), municipality_id=municipality_id_of(user)
        )
        .select_related("team", "neighbourhood")
        .order_by("-date", "-pk")
    )
