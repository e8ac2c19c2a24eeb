"""Small hand-built registrations for the monitor tests.

Each test builds only the records it needs, with dates chosen so the expected figure can be
worked out by hand (the working is in the test's comments)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from vivera.accounts.models import User
from vivera.monitor.scope import Scope
from vivera.organisation.models import Municipality, Team
from vivera.registration.models import Client, Dossier, DossierStatus, DossierStatusChange

D = dt.date


@pytest.fixture
def make_dossier(pro: User, codes: dict[str, Any]) -> Callable[..., Dossier]:
    """A dossier with its status history: `changes` is [(status, date), …] after registration,
    stored in the order given (so a test can enter a history out of order)."""

    def make(
        team: Team,
        registered_on: dt.date,
        changes: tuple = (),
        *,
        referrer: Any = None,
        client: Client | None = None,
        **fields: Any,
    ) -> Dossier:
        client = client or Client.objects.create(
            municipality=team.municipality,
            first_name="Test",
            last_name="Persoon",
            created_by=pro,
            neighbourhood=fields.pop("neighbourhood", None),
        )
        status, since = DossierStatus.REGISTERED, registered_on
        by_date = sorted(changes, key=lambda c: c[1])
        if by_date:
            status, since = by_date[-1]
        dossier = Dossier.objects.create(
            municipality=team.municipality,
            team=team,
            client=client,
            referrer=referrer or codes["gp"],
            registered_on=registered_on,
            status=status,
            status_since=since,
            closed_on=since if status == DossierStatus.CLOSED else None,
            created_by=pro,
            **fields,
        )
        DossierStatusChange.objects.create(
            dossier=dossier, to_status=DossierStatus.REGISTERED, date=registered_on, changed_by=pro
        )
        previous = DossierStatus.REGISTERED
        for to_status, date in changes:
            DossierStatusChange.objects.create(
                dossier=dossier,
                from_status=previous,
                to_status=to_status,
                date=date,
                changed_by=pro,
            )
            previous = to_status
        return dossier

    return make


@pytest.fixture
def q1_2017(municipality: Municipality) -> Scope:
    """January–March 2017 for the whole municipality, exact figures (no suppression)."""
    return Scope((municipality,), D(2017, 1, 1), D(2017, 3, 31), suppress=False)
