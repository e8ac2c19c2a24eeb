"""What a Scope covers, as querysets: the monitor's facts (`vivera.monitor.models`), and the
few small registration tables the monitor reads directly (outreach activities, consultation
hours, team memberships).

Which filter applies to what:
- municipalities: everything.
- team: the dossier's team (for facts about dossiers); the team of a short contact or outreach
  activity.
- neighbourhood: the client's neighbourhood (facts about dossiers); the walk-in location's
  neighbourhood (short contacts); the outreach activity's neighbourhood.
- location: short contacts and consultation hours only (a dossier has no location).
- period: facts by their month (a Scope always covers whole months); outreach by its date.
"""

from __future__ import annotations

from django.db.models import QuerySet

from vivera.organisation.models import ConsultationHour, TeamMembership
from vivera.registration.models import OutreachActivity

from .models import Fact, ShortContactDay
from .scope import Scope


def _scoped[F: Fact](model: type[F], scope: Scope) -> QuerySet[F]:
    qs = model._default_manager.filter(municipality_id__in=scope.municipality_ids)
    if scope.team_ids is not None:
        qs = qs.filter(team_id__in=scope.team_ids)
    if scope.neighbourhood is not None:
        qs = qs.filter(neighbourhood=scope.neighbourhood)
    if scope.location is not None and model is ShortContactDay:
        qs = qs.filter(location=scope.location)
    return qs


def facts[F: Fact](model: type[F], scope: Scope) -> QuerySet[F]:
    """The model's facts dated in the scope's months."""
    return _scoped(model, scope).filter(month__gte=scope.start, month__lte=scope.end)


def facts_until[F: Fact](model: type[F], scope: Scope) -> QuerySet[F]:
    """The model's facts dated up to the scope's last month, from the very first: for stocks
    counted as everything started minus everything ended."""
    return _scoped(model, scope).filter(month__lte=scope.end)


def outreach(scope: Scope) -> QuerySet[OutreachActivity]:
    qs = OutreachActivity.objects.filter(
        municipality_id__in=scope.municipality_ids, date__gte=scope.start, date__lte=scope.end
    )
    if scope.team_ids is not None:
        qs = qs.filter(team_id__in=scope.team_ids)
    if scope.neighbourhood is not None:
        qs = qs.filter(neighbourhood=scope.neighbourhood)
    return qs


def consultation_hours(scope: Scope) -> QuerySet[ConsultationHour]:
    qs = ConsultationHour.objects.filter(
        location__municipality_id__in=scope.municipality_ids, valid_from__lte=scope.end
    )
    if scope.team_ids is not None:
        qs = qs.filter(location__team_id__in=scope.team_ids)
    if scope.neighbourhood is not None:
        qs = qs.filter(location__neighbourhood=scope.neighbourhood)
    if scope.location is not None:
        qs = qs.filter(location=scope.location)
    return qs.exclude(valid_until__lt=scope.start)


def memberships(scope: Scope) -> QuerySet[TeamMembership]:
    qs = TeamMembership.objects.filter(
        team__municipality_id__in=scope.municipality_ids, start_date__lte=scope.end
    )
    if scope.team_ids is not None:
        qs = qs.filter(team_id__in=scope.team_ids)
    return qs.exclude(end_date__lt=scope.start)
