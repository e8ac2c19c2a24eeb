"""Reads on the organisation: who belongs to which team, today or on a date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Municipality, Team, TeamMembership

if TYPE_CHECKING:
    from vivera.accounts.models import User


def municipalities_named(given: list[str]) -> QuerySet[Municipality]:
    """The municipalities a command's --gemeente options name, by CBS code (GM0000) or name,
    in any case; all of them when none is given. Compare the count with the names given to
    find one that is unknown."""
    chosen = Municipality.objects.order_by("name")
    if not given:
        return chosen
    wanted = Q()
    for name in given:
        wanted |= Q(cbs_code__iexact=name) | Q(name__iexact=name)
    return chosen.filter(wanted)


def memberships_on(day: dt.date) -> QuerySet[TeamMembership]:
    return TeamMembership.objects.on(day)


def active_team_ids(*, user: User, on: dt.date | None = None) -> set[int]:
    return user.team_ids(on)


def teams_for_user(*, user: User) -> QuerySet[Team]:
    return Team.objects.filter(pk__in=active_team_ids(user=user)).order_by("name")


def formation_for_teams(*, team_ids: set[int], on: dt.date | None = None) -> list[dict]:
    """Per team: current members with specialism and fte, total fte today, and past members."""
    day = on or timezone.localdate()
    teams = Team.objects.filter(pk__in=team_ids).order_by("name")
    memberships = (
        TeamMembership.objects.filter(team_id__in=team_ids)
        .select_related("user")
        .order_by("start_date", "user__last_name")
    )
    by_team: dict[int, list[TeamMembership]] = {}
    for membership in memberships:
        by_team.setdefault(membership.team_id, []).append(membership)
    result = []
    for team in teams:
        rows = by_team.get(team.pk, [])
        current = [
            m for m in rows if m.start_date <= day and (m.end_date is None or m.end_date >= day)
        ]
        result.append(
            {
                "team": team,
                "current": current,
                "past_and_future": [m for m in rows if m not in current],
                "fte_today": sum((m.fte for m in current), start=Decimal("0")),
            }
        )
    return result
