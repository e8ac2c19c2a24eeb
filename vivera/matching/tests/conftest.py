from __future__ import annotations

from typing import Any

import pytest

from vivera.accounts.models import User
from vivera.registration.models import Client, Dossier


@pytest.fixture
def client_dossier(pro: User, team_oost: Any, codes: Any, neighbourhood: Any) -> Dossier:
    """An open dossier of team Oost for Ria Verborgen, who lives in `neighbourhood`."""
    client = Client.objects.create(
        municipality=team_oost.municipality,
        first_name="Ria",
        last_name="Verborgen",
        neighbourhood=neighbourhood,
        created_by=pro,
    )
    return Dossier.objects.create(
        municipality=team_oost.municipality,
        team=team_oost,
        client=client,
        referrer=codes["gp"],
        registered_on="2026-01-05",
        status="active",
        status_since="2026-01-05",
        created_by=pro,
    )
