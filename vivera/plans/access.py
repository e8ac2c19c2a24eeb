"""One access helper per object of the overview: a policy advisor reaches everything of its own
municipality; a partner organisation's user reaches only the activities its organisation is
responsible for (and their notes). Anything else is a 404, logged as refused."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from vivera.accounts.access import municipality_id_of
from vivera.accounts.models import Role, User
from vivera.audit.models import Action, ObjectType, Result
from vivera.audit.services import log_access

from .models import Activity, Cluster, Plan, StatusNote, Target


def _refuse(user: User, pk: int, request: HttpRequest | None, what: str) -> Http404:
    log_access(
        user=user,
        action=Action.READ,
        object_type=ObjectType.POLICY_PLAN,
        object_id=pk,
        request=request,
        result=Result.REFUSED,
        detail={"object": what},
    )
    return Http404()


def get_plan_for_user(*, user: User, pk: int, request: HttpRequest | None = None) -> Plan:
    plan = Plan.objects.filter(pk=pk, municipality_id=municipality_id_of(user)).first()
    if plan is None or user.role != Role.POLICY:
        raise _refuse(user, pk, request, "plan")
    return plan


def get_cluster_for_user(*, user: User, pk: int, request: HttpRequest | None = None) -> Cluster:
    cluster = (
        Cluster.objects.select_related("plan")
        .filter(pk=pk, plan__municipality_id=municipality_id_of(user))
        .first()
    )
    if cluster is None or user.role != Role.POLICY:
        raise _refuse(user, pk, request, "cluster")
    return cluster


def get_activity_for_user(*, user: User, pk: int, request: HttpRequest | None = None) -> Activity:
    activities = Activity.objects.select_related("cluster__plan").filter(
        pk=pk, cluster__plan__municipality_id=municipality_id_of(user)
    )
    if user.role == Role.PARTNER:
        activities = activities.filter(partners__id=user.partner_id or 0)
    elif user.role != Role.POLICY:
        activities = activities.none()
    activity = activities.first()
    if activity is None:
        raise _refuse(user, pk, request, "activity")
    return activity


def get_target_for_user(*, user: User, pk: int, request: HttpRequest | None = None) -> Target:
    target = (
        Target.objects.select_related("cluster__plan")
        .filter(pk=pk, cluster__plan__municipality_id=municipality_id_of(user))
        .first()
    )
    if target is None or user.role != Role.POLICY:
        raise _refuse(user, pk, request, "target")
    return target


def get_note_for_user(*, user: User, pk: int, request: HttpRequest | None = None) -> StatusNote:
    note = (
        StatusNote.objects.select_related("activity__cluster__plan")
        .filter(pk=pk, activity__cluster__plan__municipality_id=municipality_id_of(user))
        .first()
    )
    if note is None or user.role != Role.POLICY:
        raise _refuse(user, pk, request, "note")
    return note
