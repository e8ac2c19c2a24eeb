"""Reads of the carers' register: the carer groups on a day, the register's list, follow-ups
due, the payout list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from .iban import grouped
from .models import (
    SENIOR_FROM,
    YOUNG_BELOW,
    Application,
    ApplicationStatus,
    Carer,
    CareRelation,
    CarerStatus,
    Group,
    Relation,
    Scheme,
    SupportRecord,
)


def registered_on_day(day: dt.date) -> Q:
    """Carers on the register on `day`: registered on or before it and not left before it."""
    return (
        Q(registered_on__isnull=False, registered_on__lte=day)
        & ~Q(status=CarerStatus.PENDING)
        & (Q(left_on__isnull=True) | Q(left_on__gt=day))
    )


def groups_of(carer: Carer, relations: Iterable[CareRelation], day: dt.date) -> set[str]:
    """The groups `carer` belonged to on `day`: its age then, and its care relations running
    then (a relation runs from `since` to `ended_on`, that day included)."""
    groups = set()
    age = carer.age_on(day)
    if age < YOUNG_BELOW:
        groups.add(Group.YOUNG.value)
    if age >= SENIOR_FROM:
        groups.add(Group.SENIOR.value)
    if carer.is_working:
        groups.add(Group.WORKING.value)
    for relation in relations:
        if relation.since <= day and (relation.ended_on is None or relation.ended_on >= day):
            if relation.dementia:
                groups.add(Group.DEMENTIA.value)
            if relation.relation == Relation.PARTNER:
                groups.add(Group.PARTNER.value)
    return groups


@dataclass(frozen=True)
class RegisterFilter:
    query: str = ""
    status: str = ""
    group: str = ""


def register(carers: QuerySet[Carer], filters: RegisterFilter) -> list[Carer]:
    """The consultant's register, searched by name, e-mail or postcode, by status and group."""
    for term in filters.query.split():
        carers = carers.filter(
            Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(email__icontains=term)
            | Q(postcode__istartswith=term.replace(" ", ""))
        )
    if filters.status:
        carers = carers.filter(status=filters.status)
    carers = carers.filter(anonymised_at__isnull=True).prefetch_related("relations")
    rows = list(carers.select_related("neighbourhood").order_by("last_name", "first_name", "pk"))
    if filters.group:
        today = timezone.localdate()
        rows = [c for c in rows if filters.group in groups_of(c, c.relations.all(), today)]
    return rows


def follow_ups_due(carers: QuerySet[Carer], today: dt.date) -> QuerySet[SupportRecord]:
    return (
        SupportRecord.objects.filter(
            carer__in=carers, follow_up_on__lte=today, followed_up_at__isnull=True
        )
        .select_related("carer")
        .order_by("follow_up_on")
    )


@dataclass(frozen=True)
class PayoutRow:
    number: int
    name: str
    iban: str
    account_holder: str
    amount: Decimal
    approved_on: dt.date
    form: str


def payout_rows(scheme: Scheme) -> list[PayoutRow]:
    """The approved applications, for the finance department: one row per application, the
    IBAN only where the scheme pays money."""
    rows = []
    for a in (
        Application.objects.filter(scheme=scheme, status=ApplicationStatus.APPROVED)
        .select_related("carer")
        .order_by("decided_at", "pk")
    ):
        assert a.amount is not None and a.decided_at is not None  # approved: constraint
        rows.append(
            PayoutRow(
                number=a.pk,
                name=a.carer.full_name,
                iban=grouped(a.iban) if scheme.pays_money else "",
                account_holder=a.account_holder if scheme.pays_money else "",
                amount=a.amount,
                approved_on=timezone.localtime(a.decided_at).date(),
                form=str(scheme.get_form_display()),
            )
        )
    return rows
