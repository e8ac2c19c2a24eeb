"""Which records retention would anonymise today: the terms, and the plan per municipality.

A client is *expired* when
- it has dossiers, none of them open, and each closed before its term began: `years` before
  today for a dossier with a referral to a customised provision or specialist care,
  `years_without_provision` for the others; and nothing in any of its dossiers (a status
  change, a question, a contact, a referral, a ZRM measurement, a partner's submission) is
  dated on or after that day, and no submission linked to them is still open; or
- it never had a dossier and was registered more than `months_without_dossier` ago.

It is *due* when it is expired, every member of its household is expired too (a child without
a dossier of its own belongs to its parent's case), it still holds something retention clears,
and no legal hold is in force. An expired client under a hold is reported as *held*.

Besides clients: a partner's submission that never became a dossier is due once it is no
longer open and its last status is older than `months_without_dossier`; an outreach activity's
description once the activity is older than `years`; a household once it has no members left.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from vivera.carers.models import RETENTION_YEARS as CARER_YEARS
from vivera.carers.models import Carer, CarerStatus
from vivera.organisation.models import Municipality
from vivera.partners.models import OPEN_STATUSES, Submission
from vivera.registration.models import (
    Client,
    ContactMoment,
    Dossier,
    DossierStatus,
    DossierStatusChange,
    Household,
    OutreachActivity,
    ProvisionKind,
    Question,
    Referral,
    ZrmAssessment,
)

from .models import LegalHold
from .rules import CARER, CLIENT, OUTREACH, SUBMISSION

HEAVY_PROVISIONS = (ProvisionKind.CUSTOMISED, ProvisionKind.SPECIALIST)


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Terms:
    years: int
    years_without_provision: int
    months_without_dossier: int
    today: dt.date

    @classmethod
    def from_settings(cls, today: dt.date | None = None) -> Terms:
        return cls(
            years=settings.VIVERA_RETENTION_YEARS,
            years_without_provision=settings.VIVERA_RETENTION_YEARS_WITHOUT_PROVISION,
            months_without_dossier=settings.VIVERA_RETENTION_MONTHS_WITHOUT_DOSSIER,
            today=today or timezone.localdate(),
        )

    @property
    def closed_before(self) -> dt.date:
        """A dossier with a customised provision or specialist care, closed before this day."""
        return years_before(self.today, self.years)

    @property
    def closed_before_without_provision(self) -> dt.date:
        return years_before(self.today, self.years_without_provision)

    @property
    def without_dossier_before(self) -> dt.date:
        return months_before(self.today, self.months_without_dossier)

    def as_dict(self) -> dict[str, Any]:
        return {
            "years": self.years,
            "years_without_provision": self.years_without_provision,
            "months_without_dossier": self.months_without_dossier,
            "today": self.today.isoformat(),
            "closed_before": self.closed_before.isoformat(),
            "closed_before_without_provision": self.closed_before_without_provision.isoformat(),
            "without_dossier_before": self.without_dossier_before.isoformat(),
        }


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _live(dossiers: QuerySet[Dossier], since: dt.date) -> QuerySet[Dossier]:
    """The dossiers that are open, or closed on or after `since`, or hold anything dated on or
    after it."""
    pk = OuterRef("pk")
    return dossiers.filter(
        ~Q(status=DossierStatus.CLOSED)
        | Q(closed_on__gte=since)
        | Exists(DossierStatusChange.objects.filter(dossier=pk, date__gte=since))
        | Exists(
            Question.objects.filter(Q(opened_on__gte=since) | Q(closed_on__gte=since), dossier=pk)
        )
        | Exists(ContactMoment.objects.filter(dossier=pk, date__gte=since))
        | Exists(Referral.objects.filter(dossier=pk, referred_on__gte=since))
        | Exists(ZrmAssessment.objects.filter(dossier=pk, assessed_on__gte=since))
        | Exists(
            Submission.objects.filter(
                Q(received_on__gte=since)
                | Q(status_since__gte=since)
                | Q(status__in=OPEN_STATUSES),
                dossier=pk,
            )
        )
    )


def expired_q(terms: Terms) -> Q:
    """Clients whose retention term has passed (see the module docstring). Usable on any
    queryset of clients, also inside a subquery."""
    own = Dossier.objects.filter(client=OuterRef("pk"))
    heavy = Exists(
        Referral.objects.filter(dossier=OuterRef("pk"), provision_kind__in=HEAVY_PROVISIONS)
    )
    live_heavy = _live(own.filter(heavy), terms.closed_before)
    live_light = _live(own.exclude(heavy), terms.closed_before_without_provision)
    return (Exists(own) & ~Exists(live_heavy) & ~Exists(live_light)) | (
        ~Exists(own) & Q(created_at__lt=_start_of(terms.without_dossier_before))
    )


def hold_in_force(client: Any = None) -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(
        client=client if client is not None else OuterRef("pk"), lifted_at__isnull=True
    )


def candidates(clients: QuerySet[Client], terms: Terms) -> QuerySet[Client]:
    """The expired clients that still hold something to clear, leaving out those with a
    household member that is not expired. (For a client without a household the subquery
    compares with NULL and finds nothing.)"""
    expired = expired_q(terms)
    return (
        clients.filter(expired)
        .filter(CLIENT.remaining)
        .exclude(Exists(Client.objects.filter(household=OuterRef("household")).exclude(expired)))
    )


def due(clients: QuerySet[Client], terms: Terms) -> QuerySet[Client]:
    """The candidates without a legal hold in force: these are anonymised."""
    return candidates(clients, terms).exclude(Exists(hold_in_force()))


@dataclass
class Plan:
    """What retention does in one municipality: ids, and the held clients with their hold."""

    municipality: Municipality
    terms: Terms
    clients: list[int] = field(default_factory=list)
    held: list[tuple[int, int]] = field(default_factory=list)  # (client id, hold id)
    submissions: list[int] = field(default_factory=list)  # never became a dossier
    outreach: list[int] = field(default_factory=list)
    households: list[int] = field(default_factory=list)  # left without members
    carers: list[int] = field(default_factory=list)  # left the carers' register long enough ago


def retention_plan(*, municipality: Municipality, terms: Terms) -> Plan:
    in_municipality = Client.objects.filter(municipality=municipality)
    expired = candidates(in_municipality, terms)
    held_clients = expired.filter(Exists(hold_in_force()))
    clients = list(due(in_municipality, terms).order_by("pk").values_list("pk", flat=True))
    held = [
        (client_pk, hold_pk)
        for client_pk, hold_pk in LegalHold.objects.filter(
            client__in=held_clients, lifted_at__isnull=True
        )
        .order_by("client_id")
        .values_list("client_id", "pk")
    ]
    submissions = list(
        Submission.objects.filter(
            municipality=municipality,
            dossier__isnull=True,
            status_since__lt=terms.without_dossier_before,
        )
        .exclude(status__in=OPEN_STATUSES)
        .filter(SUBMISSION.remaining)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    outreach = list(
        OutreachActivity.objects.filter(municipality=municipality, date__lt=terms.closed_before)
        .filter(OUTREACH.remaining)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # Households that lose their last member now (none of them is held), and households left
    # empty before, registered longer ago than the term for what never became a dossier.
    members = Client.objects.filter(household=OuterRef("pk"))
    emptied = (
        Household.objects.filter(members__in=expired)
        .distinct()
        .exclude(Exists(members.filter(Exists(hold_in_force()))))
    )
    empty = Household.objects.filter(
        ~Exists(members),
        municipality=municipality,
        created_at__lt=_start_of(terms.without_dossier_before),
    )
    households = sorted(
        set(emptied.values_list("pk", flat=True)) | set(empty.values_list("pk", flat=True))
    )
    carers = list(
        Carer.objects.filter(
            municipality=municipality,
            status=CarerStatus.LEFT,
            left_on__lt=years_before(terms.today, CARER_YEARS),
        )
        .filter(CARER.remaining)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return Plan(municipality, terms, clients, held, submissions, outreach, households, carers)
