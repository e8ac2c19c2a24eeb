"""Reads for the triage queue, and what a partner sees of what it sent."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from vivera.registration.models import ConsentScope, SharingConsent

from .access import sent_by_partner, submissions_for
from .models import (
    COVENANT_FEEDBACK,
    FINISHED,
    OPEN_STATUSES,
    PARTNER_STATUS_CHOICES,
    OutreachAttempt,
    Submission,
    SubmissionStatus,
    SubmissionStatusChange,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from vivera.accounts.models import User


class PartnerView(TypedDict):
    """What `with_partner_view` adds to a submission."""

    shared: bool
    partner_status: str
    partner_status_since: dt.date | None


class TriageView(TypedDict):
    """What `triage_queue` adds to a submission."""

    attempt_count: int
    overdue: bool


type SubmissionForPartner = WithAnnotations[Submission, PartnerView]
type SubmissionInQueue = WithAnnotations[Submission, TriageView]


def overdue_q(today: dt.date) -> Q:
    """Still waiting for a first attempt after its covenant deadline."""
    return Q(
        Q(status=SubmissionStatus.RECEIVED),
        Q(respond_by__lt=today),
        ~Exists(OutreachAttempt.objects.filter(submission=OuterRef("pk"))),
    )


def triage_queue(*, user: User, show_all: bool = False) -> QuerySet[SubmissionInQueue]:
    """The team's queue: overdue first, then by deadline. Open ones only unless `show_all`."""
    today = timezone.localdate()
    queryset = submissions_for(user)
    if not show_all:
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    return (
        queryset.select_related("partner", "team", "neighbourhood")
        .annotate(
            attempt_count=Count("attempts"),
            overdue=Case(
                When(overdue_q(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by("-overdue", "respond_by", "pk")
    )


def with_partner_view(
    queryset: QuerySet[Submission], today: dt.date | None = None
) -> QuerySet[SubmissionForPartner]:
    """Annotate what the partner sees (models.COVENANT_FEEDBACK): `shared` (the resident's
    consent for status feedback to this partner is valid today), `partner_status` and
    `partner_status_since`. Filters on what the partner sees use these, never the team's
    status, so a filter cannot reveal what the partner may not see."""
    today = today or timezone.localdate()
    consent = (
        SharingConsent.objects.filter(dossier=OuterRef("dossier"))
        .for_partner(OuterRef("partner_id"))
        .valid_on(today, scope=ConsentScope.STATUS)
    )
    finished_on = (
        SubmissionStatusChange.objects.filter(submission=OuterRef("pk"))
        .exclude(to_status__in=COVENANT_FEEDBACK)
        .order_by("date", "changed_at", "pk")
        .values("date")[:1]
    )
    visible = Q(status__in=COVENANT_FEEDBACK) | Q(shared=True)
    return queryset.annotate(shared=Exists(consent)).annotate(
        partner_status=Case(
            When(visible, then=F("status")), default=Value(FINISHED), output_field=CharField()
        ),
        partner_status_since=Case(
            When(visible, then=F("status_since")),
            default=Subquery(finished_on),
            output_field=DateField(),
        ),
    )


def partner_submissions(user: User) -> QuerySet[SubmissionForPartner]:
    """What the user's partner organisation sent, as the partner sees it."""
    return with_partner_view(sent_by_partner(user))


def partner_status_label(status: str) -> str:
    return str(dict(PARTNER_STATUS_CHOICES)[status])


def partner_history(submission: SubmissionForPartner) -> list[dict[str, Any]]:
    """The status history as the partner sees it (`submission` from `with_partner_view`):
    without consent, the covenant's steps and then one "finished" step."""
    history = []
    for change in submission.status_changes.all():
        status = change.to_status
        if not submission.shared and status not in COVENANT_FEEDBACK:
            history.append(
                {
                    "status": FINISHED,
                    "status_label": partner_status_label(FINISHED),
                    "date": change.date,
                }
            )
            break
        history.append(
            {"status": status, "status_label": partner_status_label(status), "date": change.date}
        )
    return history
