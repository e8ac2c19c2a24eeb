"""Reads for the triage queue."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from .access import submissions_for
from .models import OPEN_STATUSES, OutreachAttempt, Submission, SubmissionStatus

if TYPE_CHECKING:
    from vivera.accounts.models import User


def overdue_q(today: dt.date) -> Q:
    """Still waiting for a first attempt after its covenant deadline."""
    return (Q(status=SubmissionStatus.RECEIVED) & Q(respond_by__lt=today)
            & ~Exists(OutreachAttempt.objects.filter(submission=OuterRef("pk"))))


def triage_queue(*, user: User, show_all: bool = False) -> QuerySet[Submission]:
    """The team's queue: overdue first, then by deadline. Open ones only unless `show_all`."""
    today = timezone.localdate()
    queryset = submissions_for(user)
    if not show_all:
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    return (
        queryset.select_related("partner", "team", "neighbourhood")
        .annotate(
            attempt_count=Count("attempts"),
            overdue=Case(When(overdue_q(today), then=Value(True)), default=Value(False),
                         output_field=BooleanField()),
        )
        .order_by("-overdue", "respond_by", "pk")
    )
