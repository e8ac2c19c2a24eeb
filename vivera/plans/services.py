"""Writing the policy activity overview (docs/plans.md). Every change is checked first, refused
with all its problems at once in Dutch, and recorded in the access log; nothing is deleted.

Who may do what is decided here as well as in the views: a policy advisor of the plan's
municipality edits; a partner organisation's user only proposes a status note for an activity
its organisation is responsible for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from vivera.accounts.models import Role, User
from vivera.audit.models import Action, ObjectType
from vivera.audit.services import log_access
from vivera.core.errors import Refusals
from vivera.organisation.models import PartnerOrganisation

from . import figures
from .models import (
    Activity,
    ActivityStatus,
    Cluster,
    Direction,
    Measurement,
    NoteState,
    Plan,
    StatusNote,
    Target,
)
from .selectors import current_note


class Stale(Exception):
    """Someone else saved the record after the form was opened."""


def _log(user: User, plan: Plan, action: str, what: str, **detail: Any) -> None:
    log_access(
        user=user,
        action=action,
        object_type=ObjectType.POLICY_PLAN,
        object_id=plan.pk,
        municipality_id=plan.municipality_id,
        detail={"change": what, **detail},
    )


def _editor(user: User, plan: Plan) -> None:
    if user.role != Role.POLICY or user.municipality_id != plan.municipality_id:
        raise PermissionDenied


def _text(refusals: Refusals, field: str, value: str, message: str, longest: int) -> str:
    value = value.strip()
    if not value:
        refusals.add(field, message, "required")
    elif len(value) > longest:
        refusals.add(field, _("Keep it under %(n)d characters.") % {"n": longest}, "max_length")
    return value


def _not_future(refusals: Refusals, field: str, day: dt.date | None, today: dt.date) -> None:
    if day is None:
        refusals.add(field, _("Fill in the date."), "required")
    elif day > today:
        refusals.add(field, _("The date lies in the future."), "future_date")


# --- Plans and clusters -------------------------------------------------------------------------


def plan_create(*, user: User, title: str, start_date: dt.date, end_date: dt.date) -> Plan:
    if user.role != Role.POLICY or user.municipality_id is None:
        raise PermissionDenied
    refusals = Refusals()
    title = _text(refusals, "title", title, _("Give the plan a title."), 200)
    if start_date and end_date and end_date < start_date:
        refusals.add("end_date", _("The plan ends before it starts."), "invalid")
    refusals.raise_if_any()
    plan = Plan.objects.create(
        municipality_id=user.municipality_id,
        title=title,
        start_date=start_date,
        end_date=end_date,
        created_by=user,
    )
    _log(user, plan, Action.CREATE, "plan")
    return plan


def cluster_save(
    *, user: User, plan: Plan, title: str, goal: str, cluster: Cluster | None = None
) -> Cluster:
    _editor(user, plan)
    refusals = Refusals()
    title = _text(refusals, "title", title, _("Give the cluster a title."), 200)
    refusals.raise_if_any()
    if cluster is None:
        with transaction.atomic():
            last = (
                Cluster.objects.select_for_update()
                .filter(plan=plan)
                .aggregate(m=Max("position"))["m"]
            )
            cluster = Cluster.objects.create(
                plan=plan, position=(last or 0) + 1, title=title, goal=goal.strip()
            )
        _log(user, plan, Action.CREATE, "cluster", cluster=cluster.pk)
    else:
        cluster.title, cluster.goal = title, goal.strip()
        cluster.save(update_fields=["title", "goal"])
        _log(user, plan, Action.UPDATE, "cluster", cluster=cluster.pk)
    return cluster


# --- Activities and their history --------------------------------------------------------------


def _partners_of(plan: Plan, partners: Iterable[PartnerOrganisation]) -> list[PartnerOrganisation]:
    chosen = list(partners)
    if any(p.municipality_id != plan.municipality_id for p in chosen):
        raise ValidationError(
            {"partners": _("Choose partner organisations of this municipality.")}, code="invalid"
        )
    return chosen


def activity_add(
    *,
    user: User,
    cluster: Cluster,
    description: str,
    partners: Iterable[PartnerOrganisation],
    status: str,
    note: str,
    date: dt.date | None,
    today: dt.date | None = None,
) -> Activity:
    plan = cluster.plan
    _editor(user, plan)
    today = today or timezone.localdate()
    refusals = Refusals()
    description = _text(refusals, "description", description, _("Describe the activity."), 2000)
    with refusals.check("partners"):
        chosen = _partners_of(plan, partners)
    _note_rules(refusals, status=status, text=note, date=date, today=today, required=False)
    refusals.raise_if_any()
    with transaction.atomic():
        last = cluster.activities.aggregate(m=Max("position"))["m"]
        activity = Activity.objects.create(
            cluster=cluster, position=(last or 0) + 1, description=description
        )
        activity.partners.set(chosen)
        assert date is not None
        StatusNote.objects.create(
            activity=activity,
            date=date,
            status=status,
            text=note.strip(),
            written_by=user,
        )
    _log(user, plan, Action.CREATE, "activity", activity=activity.pk)
    return activity


def activity_change(
    *,
    user: User,
    activity: Activity,
    description: str,
    partners: Iterable[PartnerOrganisation],
    version: int,
) -> Activity:
    plan = activity.cluster.plan
    _editor(user, plan)
    refusals = Refusals()
    description = _text(refusals, "description", description, _("Describe the activity."), 2000)
    with refusals.check("partners"):
        chosen = _partners_of(plan, partners)
    refusals.raise_if_any()
    with transaction.atomic():
        updated = Activity.objects.filter(pk=activity.pk, version=version).update(
            description=description, version=version + 1
        )
        if not updated:
            raise Stale
        activity.refresh_from_db()
        activity.partners.set(chosen)
    _log(user, plan, Action.UPDATE, "activity", activity=activity.pk)
    return activity


def _note_rules(
    refusals: Refusals,
    *,
    status: str,
    text: str,
    date: dt.date | None,
    today: dt.date,
    required: bool = True,
) -> None:
    if status not in ActivityStatus.values:
        refusals.add("status", _("Choose the status."), "required")
    if required:
        _text(refusals, "text", text, _("Write where the activity stands."), 4000)
    elif len(text.strip()) > 4000:
        refusals.add("text", _("Keep it under %(n)d characters.") % {"n": 4000}, "max_length")
    _not_future(refusals, "date", date, today)
    if status == ActivityStatus.DROPPED and not text.strip():
        refusals.add("text", _("Say why the activity is dropped."), "required")


def note_add(
    *,
    user: User,
    activity: Activity,
    date: dt.date | None,
    status: str,
    text: str,
    today: dt.date | None = None,
) -> StatusNote:
    """A status note: counts at once when a policy advisor writes it; a proposal when a partner
    organisation responsible for the activity writes it."""
    plan = activity.cluster.plan
    today = today or timezone.localdate()
    if user.role == Role.PARTNER:
        if (
            user.partner_id is None
            or user.municipality_id != plan.municipality_id
            or not activity.partners.filter(pk=user.partner_id).exists()
        ):
            raise PermissionDenied(_("Your organisation is not responsible for this activity."))
        state, partner_id = NoteState.PROPOSED, user.partner_id
    else:
        _editor(user, plan)
        state, partner_id = NoteState.ACCEPTED, None
    refusals = Refusals()
    _note_rules(refusals, status=status, text=text, date=date, today=today)
    refusals.raise_if_any()
    assert date is not None
    note = StatusNote.objects.create(
        activity=activity,
        date=date,
        status=status,
        text=text.strip(),
        state=state,
        written_by=user,
        partner_id=partner_id,
    )
    _log(user, plan, Action.CREATE, "note", activity=activity.pk, note=note.pk, state=state)
    return note


def note_decide(*, user: User, note: StatusNote, accept: bool, reason: str = "") -> StatusNote:
    """Accept a partner's proposal, or send it back with a reason; both stay in the history."""
    plan = note.activity.cluster.plan
    _editor(user, plan)
    refusals = Refusals()
    if note.state != NoteState.PROPOSED:
        refusals.add(None, _("This note was already decided on."), "decided")
    if not accept:
        _text(refusals, "reason", reason, _("Say why the proposal goes back."), 2000)
    refusals.raise_if_any()
    updated = StatusNote.objects.filter(pk=note.pk, state=NoteState.PROPOSED).update(
        state=NoteState.ACCEPTED if accept else NoteState.RETURNED,
        decided_by=user,
        decided_at=timezone.now(),
        reason="" if accept else reason.strip(),
    )
    if not updated:
        raise ValidationError(_("This note was already decided on."), code="decided")
    note.refresh_from_db()
    _log(user, plan, Action.UPDATE, "note", note=note.pk, state=note.state)
    return note


def activity_move(
    *, user: User, activity: Activity, to: Cluster, today: dt.date | None = None
) -> Activity:
    """Carry an activity over to a cluster of a later plan: a new activity continues it, with
    the status it has now; the old one keeps its history and says where it went."""
    plan = activity.cluster.plan
    _editor(user, plan)
    _editor(user, to.plan)
    today = today or timezone.localdate()
    refusals = Refusals()
    if to.plan.start_date <= plan.start_date or to.plan_id == plan.pk:
        refusals.add("to", _("Choose a cluster of a later plan."), "invalid")
    if Activity.objects.filter(continues=activity).exists():
        refusals.add(None, _("This activity was already carried over."), "moved")
    refusals.raise_if_any()
    current = current_note(activity, today)
    status = current.status if current else ActivityStatus.PLANNED
    with transaction.atomic():
        last = to.activities.aggregate(m=Max("position"))["m"]
        moved = Activity.objects.create(
            cluster=to,
            position=(last or 0) + 1,
            description=activity.description,
            continues=activity,
        )
        moved.partners.set(activity.partners.all())
        StatusNote.objects.create(
            activity=moved,
            date=today,
            status=status,
            text=_("Carried over from %(plan)s.") % {"plan": plan.title},
            written_by=user,
        )
        StatusNote.objects.create(
            activity=activity,
            date=today,
            status=status,
            text=_("Carried over to %(plan)s.") % {"plan": to.plan.title},
            written_by=user,
        )
    _log(user, plan, Action.UPDATE, "activity_moved", activity=activity.pk, to=moved.pk)
    return moved


# --- Targets and measurements -------------------------------------------------------------------


def target_save(
    *,
    user: User,
    cluster: Cluster,
    description: str,
    unit: str,
    baseline_year: int | None,
    baseline_value: Decimal | None,
    target_value: Decimal | None,
    target_date: dt.date | None,
    direction: str,
    figure: str,
    target: Target | None = None,
    version: int | None = None,
) -> Target:
    plan = cluster.plan
    _editor(user, plan)
    refusals = Refusals()
    description = _text(refusals, "description", description, _("Describe the target."), 300)
    if baseline_year is None:
        refusals.add("baseline_year", _("A target needs a baseline: fill in its year."), "required")
    if baseline_value is None:
        refusals.add(
            "baseline_value", _("A target needs a baseline: fill in its value."), "required"
        )
    if target_value is None:
        refusals.add("target_value", _("Fill in the target value."), "required")
    if target_date is None:
        refusals.add("target_date", _("Fill in by when the target is to be reached."), "required")
    elif baseline_year is not None and target_date.year <= baseline_year:
        refusals.add("target_date", _("The target date lies after the baseline year."), "invalid")
    if direction not in Direction.values:
        refusals.add("direction", _("Choose the direction."), "required")
    if figure and figure not in figures.FIGURES:
        refusals.add("figure", _("Choose one of Vivera's figures, or none."), "invalid")
    refusals.raise_if_any()
    values = {
        "description": description,
        "unit": unit.strip()[:40],
        "baseline_year": baseline_year,
        "baseline_value": baseline_value,
        "target_value": target_value,
        "target_date": target_date,
        "direction": direction,
        "figure": figure,
    }
    if target is None:
        target = Target.objects.create(cluster=cluster, **values)
        _log(user, plan, Action.CREATE, "target", target=target.pk)
        return target
    updated = Target.objects.filter(pk=target.pk, version=version or 0).update(
        **values, version=(version or 0) + 1
    )
    if not updated:
        raise Stale
    target.refresh_from_db()
    _log(user, plan, Action.UPDATE, "target", target=target.pk)
    return target


def measurement_add(
    *,
    user: User,
    target: Target,
    date: dt.date | None,
    value: Decimal | None,
    source: str,
    today: dt.date | None = None,
) -> Measurement:
    plan = target.cluster.plan
    _editor(user, plan)
    today = today or timezone.localdate()
    refusals = Refusals()
    if target.figure:
        refusals.add(
            None, _("This target is measured by Vivera itself; it takes no measurements."), "bound"
        )
    _not_future(refusals, "date", date, today)
    if value is None:
        refusals.add("value", _("Fill in the measured value."), "required")
    source = _text(refusals, "source", source, _("Say where the value comes from."), 200)
    refusals.raise_if_any()
    assert date is not None and value is not None
    measurement = Measurement.objects.create(
        target=target, date=date, value=value, source=source, entered_by=user
    )
    _log(user, plan, Action.CREATE, "measurement", target=target.pk)
    return measurement
