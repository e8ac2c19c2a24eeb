"""The registered records a Scope covers, as querysets. Indicators aggregate over these.

Which filter applies to what:
- municipalities: everything.
- team: dossiers (and all below them) by the dossier's team; short contacts, outreach by team.
- neighbourhood: dossiers by the client's neighbourhood; short contacts by the location's
  neighbourhood; outreach by its neighbourhood.
- location: short contacts and consultation hours only (a dossier has no location).
"""

from __future__ import annotations

from django.db.models import QuerySet

from vivera.organisation.models import ConsultationHour, TeamMembership
from vivera.registration.models import (
    ContactMoment,
    Dossier,
    DossierStatusChange,
    OutreachActivity,
    Question,
    Referral,
    ShortContact,
    ZrmAssessment,
)

from .scope import Scope


def dossiers(scope: Scope) -> QuerySet[Dossier]:
    qs = Dossier.objects.filter(municipality_id__in=scope.municipality_ids)
    if scope.team_ids is not None:
        qs = qs.filter(team_id__in=scope.team_ids)
    if scope.neighbourhood is not None:
        qs = qs.filter(client__neighbourhood=scope.neighbourhood)
    return qs


def _below_dossier(qs: QuerySet, scope: Scope, prefix: str = "dossier__") -> QuerySet:
    qs = qs.filter(**{f"{prefix}municipality_id__in": scope.municipality_ids})
    if scope.team_ids is not None:
        qs = qs.filter(**{f"{prefix}team_id__in": scope.team_ids})
    if scope.neighbourhood is not None:
        qs = qs.filter(**{f"{prefix}client__neighbourhood": scope.neighbourhood})
    return qs


def questions(scope: Scope) -> QuerySet[Question]:
    return _below_dossier(Question.objects.all(), scope)


def status_changes(scope: Scope) -> QuerySet[DossierStatusChange]:
    return _below_dossier(DossierStatusChange.objects.all(), scope)


def contacts(scope: Scope) -> QuerySet[ContactMoment]:
    return _below_dossier(ContactMoment.objects.all(), scope)


def referrals(scope: Scope) -> QuerySet[Referral]:
    return _below_dossier(Referral.objects.all(), scope)


def zrm_assessments(scope: Scope) -> QuerySet[ZrmAssessment]:
    return _below_dossier(ZrmAssessment.objects.all(), scope)


def short_contacts(scope: Scope) -> QuerySet[ShortContact]:
    qs = ShortContact.objects.filter(municipality_id__in=scope.municipality_ids,
                                     date__gte=scope.start, date__lte=scope.end)
    if scope.team_ids is not None:
        qs = qs.filter(team_id__in=scope.team_ids)
    if scope.neighbourhood is not None:
        qs = qs.filter(location__neighbourhood=scope.neighbourhood)
    if scope.location is not None:
        qs = qs.filter(location=scope.location)
    return qs


def outreach(scope: Scope) -> QuerySet[OutreachActivity]:
    qs = OutreachActivity.objects.filter(municipality_id__in=scope.municipality_ids,
                                         date__gte=scope.start, date__lte=scope.end)
    if scope.team_ids is not None:
        qs = qs.filter(team_id__in=scope.team_ids)
    if scope.neighbourhood is not None:
        qs = qs.filter(neighbourhood=scope.neighbourhood)
    return qs


def consultation_hours(scope: Scope) -> QuerySet[ConsultationHour]:
    qs = ConsultationHour.objects.filter(location__municipality_id__in=scope.municipality_ids,
                                         valid_from__lte=scope.end)
    if scope.team_ids is not None:
        qs = qs.filter(location__team_id__in=scope.team_ids)
    if scope.neighbourhood is not None:
        qs = qs.filter(location__neighbourhood=scope.neighbourhood)
    if scope.location is not None:
        qs = qs.filter(location=scope.location)
    return qs.exclude(valid_until__lt=scope.start)


def memberships(scope: Scope) -> QuerySet[TeamMembership]:
    qs = TeamMembership.objects.filter(team__municipality_id__in=scope.municipality_ids,
                                       start_date__lte=scope.end)
    if scope.team_ids is not None:
        qs = qs.filter(team_id__in=scope.team_ids)
    return qs.exclude(end_date__lt=scope.start)
