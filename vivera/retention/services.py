"""Retention's writes: anonymising what is due (`retention_run`) and placing and lifting legal
holds.

`retention_run` is one transaction for the whole run, every municipality included: killed or
failing half-way it leaves the data exactly as before, and no `RetentionRun`. It clears the
fields `rules.py` names with one UPDATE per kind of record and chunk of clients (no model
`save`, no per-row signal), writes its access-log lines last (the log's append lock is held
until the commit, see docs/architecture.md) and tells the monitor its facts are stale. The
facts come out the same: nothing they count is touched (tests/test_monitor.py proves it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from vivera.audit.models import Action
from vivera.audit.services import log_access
from vivera.carers.models import Application as CarerApplication
from vivera.carers.models import Carer, CareRelation, SupportRecord
from vivera.matching.models import Listing, Message
from vivera.matching.models import Report as AbuseReport
from vivera.organisation.models import Municipality
from vivera.partners.models import OutreachAttempt, Submission
from vivera.privacy.models import AccessRequest
from vivera.provisions.models import Allocation
from vivera.registration.models import (
    Client,
    ClientAccessRequest,
    ContactMoment,
    Dossier,
    Household,
    OutreachActivity,
    Question,
    Referral,
    SharingConsent,
)
from vivera.registration.signals import changed

from .models import LegalHold, RetentionRun
from .rules import (
    ACCESS_REQUEST,
    ALLOCATION,
    ATTEMPT,
    CARE_RELATION,
    CARER,
    CARER_APPLICATION,
    CARER_SUPPORT,
    CLIENT,
    CONSENT,
    CONTACT,
    MATCHING_LISTING,
    MATCHING_MESSAGE,
    MATCHING_REPORT,
    OUTREACH,
    QUESTION,
    REFERRAL,
    SUBMISSION,
    TEAM_ACCESS_REQUEST,
    Rule,
)
from .selectors import Plan, Terms, due, retention_plan

if TYPE_CHECKING:
    from vivera.accounts.models import User

CHUNK = 500  # ids per statement: well below SQLite's limit on parameters
# The kinds a report counts, in the order it prints them.
KINDS = [
    "clients",
    "dossiers",
    "questions",
    "contacts",
    "referrals",
    "consents",
    "access_requests",
    "team_access_requests",
    "submissions",
    "attempts",
    "allocations",
    "matching_listings",
    "households",
    "outreach_activities",
    "carers",
]


@dataclass
class Report:
    """What a run did (or, dry, would do) in one municipality."""

    plan: Plan
    executed: bool
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    record_ids: dict[str, list[int]] = field(default_factory=dict)
    run: RetentionRun | None = None

    @property
    def municipality(self) -> Municipality:
        return self.plan.municipality


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _clear(rule: Rule, queryset: QuerySet[Any], execute: bool) -> int:
    """Clear the rule's fields in the rows that still hold something; or count them."""
    queryset = queryset.filter(rule.remaining)
    return queryset.update(**rule.cleared) if execute else queryset.count()


def retention_run(
    *,
    terms: Terms,
    execute: bool,
    via: str = "command",
    municipalities: Iterable[Municipality] | None = None,
    halfway: Callable[[], None] | None = None,
) -> list[Report]:
    """Anonymise what is due in each municipality (`execute`), or only report it. `halfway`
    is called once, when half of the clients are done: a test-only hook (the command's
    VIVERA_RETENTION_TEST_PAUSE) to stop the run in the middle."""
    chosen = list(
        municipalities if municipalities is not None else Municipality.objects.order_by("name")
    )
    if not execute:
        return [_apply(retention_plan(municipality=m, terms=terms), execute=False) for m in chosen]
    started_at = timezone.now()
    with transaction.atomic():
        plans = [retention_plan(municipality=m, terms=terms) for m in chosen]
        total = sum(len(p.clients) for p in plans)
        # With the hook, chunks are small enough that "half-way" falls between two of them.
        size = CHUNK if halfway is None else max(1, min(CHUNK, (total + 1) // 2))
        progress = _Progress(total, halfway)
        reports = [_apply(plan, execute=True, size=size, progress=progress) for plan in plans]
        for report in reports:
            _record(report, started_at=started_at, via=via)
    return reports


@dataclass
class _Progress:
    total: int
    halfway: Callable[[], None] | None
    done: int = 0

    def add(self, n: int) -> None:
        self.done += n
        if self.halfway is not None and self.done * 2 >= self.total:
            hook, self.halfway = self.halfway, None
            hook()


def _apply(
    plan: Plan, *, execute: bool, size: int = CHUNK, progress: _Progress | None = None
) -> Report:
    report = Report(plan, executed=execute)
    counts, ids = report.counts, report.record_ids
    ids.update(
        clients=[], dossiers=[], submissions=[], households=[], outreach_activities=[], carers=[]
    )
    for planned in _chunks(plan.clients, size):
        chunk = _lock_and_recheck(planned, plan) if execute else planned
        _apply_clients(chunk, execute, counts, ids)
        if progress is not None:
            progress.add(len(planned))
    for chunk in _chunks(plan.submissions, size):
        counts["attempts"] += _clear(
            ATTEMPT, OutreachAttempt.objects.filter(submission_id__in=chunk), execute
        )
        counts["submissions"] += _clear(
            SUBMISSION, Submission.objects.filter(pk__in=chunk), execute
        )
        ids["submissions"].extend(chunk)
    for chunk in _chunks(plan.outreach, size):
        counts["outreach_activities"] += _clear(
            OUTREACH, OutreachActivity.objects.filter(pk__in=chunk), execute
        )
        ids["outreach_activities"].extend(chunk)
    for chunk in _chunks(plan.carers, size):
        # A carer who left the register two years ago (docs/carers.md).
        _clear(CARE_RELATION, CareRelation.objects.filter(carer_id__in=chunk), execute)
        _clear(CARER_SUPPORT, SupportRecord.objects.filter(carer_id__in=chunk), execute)
        _clear(CARER_APPLICATION, CarerApplication.objects.filter(carer_id__in=chunk), execute)
        _clear(ACCESS_REQUEST, AccessRequest.objects.filter(carer_id__in=chunk), execute)
        counts["carers"] += _clear(CARER, Carer.objects.filter(pk__in=chunk), execute)
        ids["carers"].extend(chunk)
    for chunk in _chunks(plan.households, size):
        if execute:
            households = Household.objects.filter(pk__in=chunk).exclude(
                Exists(Client.objects.filter(household=OuterRef("pk")))
            )
            deleted = list(households.values_list("pk", flat=True))
            households.delete()
        else:
            deleted = chunk
        counts["households"] += len(deleted)
        ids["households"].extend(deleted)
    return report


def _lock_and_recheck(chunk: list[int], plan: Plan) -> list[int]:
    """Lock the chunk's dossiers (a status change locks its dossier too, so none is re-opened
    under us) and keep the clients that are still due."""
    list(
        Dossier.objects.select_for_update().filter(client_id__in=chunk).values_list("pk", flat=True)
    )
    return sorted(due(Client.objects.filter(pk__in=chunk), plan.terms).values_list("pk", flat=True))


def _apply_clients(
    chunk: list[int], execute: bool, counts: dict[str, int], ids: dict[str, list[int]]
) -> None:
    dossiers = list(
        Dossier.objects.filter(client_id__in=chunk).order_by("pk").values_list("pk", flat=True)
    )
    counts["dossiers"] += len(dossiers)
    ids["dossiers"].extend(dossiers)
    under = {"dossier__client_id__in": chunk}
    counts["questions"] += _clear(QUESTION, Question.objects.filter(**under), execute)
    counts["contacts"] += _clear(CONTACT, ContactMoment.objects.filter(**under), execute)
    counts["referrals"] += _clear(REFERRAL, Referral.objects.filter(**under), execute)
    counts["consents"] += _clear(CONSENT, SharingConsent.objects.filter(**under), execute)
    counts["access_requests"] += _clear(
        ACCESS_REQUEST, AccessRequest.objects.filter(client_id__in=chunk), execute
    )
    counts["team_access_requests"] += _clear(
        TEAM_ACCESS_REQUEST, ClientAccessRequest.objects.filter(client_id__in=chunk), execute
    )
    counts["attempts"] += _clear(
        ATTEMPT, OutreachAttempt.objects.filter(submission__dossier__client_id__in=chunk), execute
    )
    counts["allocations"] += _clear(
        ALLOCATION, Allocation.objects.filter(client_id__in=chunk), execute
    )
    counts["matching_listings"] += _clear(
        MATCHING_LISTING, Listing.objects.filter(client_id__in=chunk), execute
    )
    _clear(
        MATCHING_MESSAGE,
        Message.objects.filter(connection__listing__client_id__in=chunk),
        execute,
    )
    _clear(MATCHING_REPORT, AbuseReport.objects.filter(listing__client_id__in=chunk), execute)
    # The client's name in a carer's register: the link and the name go, the carer's care stays.
    _clear(CARE_RELATION, CareRelation.objects.filter(client_id__in=chunk), execute)
    submissions = Submission.objects.filter(**under).filter(SUBMISSION.remaining)
    ids["submissions"].extend(submissions.order_by("pk").values_list("pk", flat=True))
    counts["submissions"] += _clear(SUBMISSION, submissions, execute)
    counts["clients"] += _clear(CLIENT, Client.objects.filter(pk__in=chunk), execute)
    ids["clients"].extend(chunk)


def _record(report: Report, *, started_at: Any, via: str) -> None:
    """The run's record, its access-log lines (one per anonymised client and submission, one
    for the run), and the monitor's stale mark."""
    plan, municipality = report.plan, report.municipality
    report.run = RetentionRun.objects.create(
        municipality=municipality,
        started_at=started_at,
        finished_at=timezone.now(),
        started_via=via[:150],
        terms=plan.terms.as_dict(),
        counts=report.counts,
        record_ids=report.record_ids,
        held=[{"client": client, "hold": hold} for client, hold in plan.held],
    )
    run_id = report.run.pk
    dossiers_of: dict[int, list[int]] = {}
    for chunk in _chunks(report.record_ids["clients"], CHUNK):
        for client_pk, dossier_pk in (
            Dossier.objects.filter(client_id__in=chunk)
            .order_by("pk")
            .values_list("client_id", "pk")
        ):
            dossiers_of.setdefault(client_pk, []).append(dossier_pk)
    for client_pk in report.record_ids["clients"]:
        log_access(
            user=None,
            action=Action.DELETE,
            object_type="client",
            object_id=client_pk,
            client_id=client_pk,
            municipality_id=municipality.pk,
            detail={
                "retention_run": run_id,
                "anonymised": True,
                "dossiers": dossiers_of.get(client_pk, []),
            },
        )
    clients_of: dict[int, int | None] = {}
    for chunk in _chunks(report.record_ids["submissions"], CHUNK):
        clients_of.update(
            Submission.objects.filter(pk__in=chunk).values_list("pk", "dossier__client_id")
        )
    for submission_pk in report.record_ids["submissions"]:
        log_access(
            user=None,
            action=Action.DELETE,
            object_type="submission",
            object_id=submission_pk,
            client_id=clients_of.get(submission_pk),
            municipality_id=municipality.pk,
            detail={"retention_run": run_id, "anonymised": True},
        )
    for carer_pk in report.record_ids.get("carers", []):
        log_access(
            user=None,
            action=Action.DELETE,
            object_type="carer",
            object_id=carer_pk,
            municipality_id=municipality.pk,
            detail={"retention_run": run_id, "anonymised": True, "carer": carer_pk},
        )
    log_access(
        user=None,
        action=Action.DELETE,
        object_type="retention_run",
        object_id=run_id,
        municipality_id=municipality.pk,
        detail={"via": via, "counts": report.counts, "held": len(plan.held)},
    )
    if any(report.counts.values()):
        changed.send(sender=Client, municipality_id=municipality.pk)


# --- legal holds ---------------------------------------------------------------------------------


@transaction.atomic
def legal_hold_place(
    *, user: User, client: Client, reason: str, request: HttpRequest | None = None
) -> LegalHold:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the data must be kept.")}, code="required")
    if not user.is_superuser and client.municipality_id != user.municipality_id:
        raise ValidationError(_("This client is not of your municipality."), code="other")
    # Locks the client's holds, so two administrators cannot both place one.
    if list(LegalHold.objects.select_for_update().filter(client=client, lifted_at__isnull=True)):
        raise ValidationError(_("This client already has a legal hold in force."), code="exists")
    hold = LegalHold(
        municipality_id=client.municipality_id,
        client=client,
        reason=reason,
        placed_by=user,
        placed_at=timezone.now(),
    )
    hold.full_clean()
    hold.save(force_insert=True)
    log_access(
        user=user,
        action=Action.CREATE,
        object_type="legal_hold",
        object_id=hold.pk,
        client_id=client.pk,
        request=request,
        municipality_id=client.municipality_id,
    )
    return hold


@transaction.atomic
def legal_hold_lift(
    *, user: User, hold: LegalHold, request: HttpRequest | None = None
) -> LegalHold:
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if not hold.in_force:
        raise ValidationError(_("This legal hold was lifted already."), code="lifted")
    hold.lifted_by, hold.lifted_at = user, timezone.now()
    hold.save(update_fields=["lifted_by", "lifted_at"])
    log_access(
        user=user,
        action=Action.UPDATE,
        object_type="legal_hold",
        object_id=hold.pk,
        client_id=hold.client_id,
        request=request,
        municipality_id=hold.municipality_id,
        detail={"lifted": True},
    )
    return hold
