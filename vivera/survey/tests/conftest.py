"""Fixtures for the survey's tests: an open survey with both ready sets, residents whose
dossiers closed last month, and their invitations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from vivera.accounts.models import User
from vivera.organisation.models import Location, Neighbourhood, Team
from vivera.registration.models import Client, Dossier, DossierStatus
from vivera.survey import services
from vivera.survey.models import Invitation, Survey


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def survey(policy: User, today: dt.date) -> Survey:
    created = services.survey_create(user=policy, title="Ervaringen 2026", question_set="both")
    return services.survey_open(survey=created, user=policy, today=today)


def make_closed_dossier(
    *,
    user: User,
    team: Team,
    referrer: Any,
    closed_on: dt.date,
    first_name: str = "Ans",
    birth_date: dt.date | None = dt.date(1960, 5, 1),
    postcode: str = "9991AB",
    neighbourhood: Neighbourhood | None = None,
) -> Dossier:
    """A dossier closed on `closed_on` (written directly: the life cycle is not under test)."""
    client = Client.objects.create(
        municipality=team.municipality,
        first_name=first_name,
        last_name="Tevreden",
        birth_date=birth_date,
        postcode=postcode,
        house_number="1" if postcode else "",
        neighbourhood=neighbourhood,
        created_by=user,
    )
    return Dossier.objects.create(
        municipality=team.municipality,
        team=team,
        client=client,
        referrer=referrer,
        registered_on=closed_on - dt.timedelta(days=60),
        status=DossierStatus.CLOSED,
        status_since=closed_on,
        closed_on=closed_on,
        created_by=user,
    )


@dataclass
class Sample:
    survey: Survey
    invitations: list[Invitation]


@pytest.fixture
def sample(
    survey: Survey,
    policy: User,
    pro: User,
    team_oost: Team,
    team_west: Team,
    codes: dict[str, Any],
    neighbourhood: Neighbourhood,
    location: Location,
    today: dt.date,
) -> Sample:
    """Six residents of Oost and two of West invited; their dossiers closed ten days ago."""
    closed = today - dt.timedelta(days=10)
    for n in range(6):
        make_closed_dossier(
            user=pro,
            team=team_oost,
            referrer=codes["gp"],
            closed_on=closed,
            first_name=f"Oost{n}",
            neighbourhood=neighbourhood,
        )
    for n in range(2):
        make_closed_dossier(
            user=pro, team=team_west, referrer=codes["gp"], closed_on=closed, first_name=f"West{n}"
        )
    services.sample_draw(
        survey=survey,
        user=policy,
        basis=services.Basis.DOSSIER,
        start=closed - dt.timedelta(days=5),
        end=today,
        today=today,
    )
    return Sample(survey, list(survey.invitations.order_by("pk")))
