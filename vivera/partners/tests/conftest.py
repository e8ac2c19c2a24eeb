"""Fixtures for the partner API and the triage queue: a partner with an API key, a
neighbourhood that team Oost works in, and helpers to send a signal or a referral."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from vivera.accounts.models import User
from vivera.organisation.models import Neighbourhood, Team
from vivera.partners.services import api_key_create

# 123456782 passes the 11-test (DOMAIN.md).
SIGNAL = {
    "reference": "HUUR-2026-001",
    "first_name": "Fenna",
    "last_name": "Achterstand",
    "birth_date": "1980-04-02",
    "bsn": "123456782",
    "postcode": "9991 AB",
    "house_number": "12",
    "phone": "0612345678",
    "signal_type": "rent",
    "amount": "1450.00",
    # Two months before the tests run (dates in the future are refused).
    "arrears_since": (dt.date.today() - dt.timedelta(days=61)).isoformat(),
    "months_in_arrears": 2,
}
REFERRAL = {
    "reference": "HA-77",
    "first_name": "Rinus",
    "last_name": "Verwezen",
    "postcode": "9991AB",
    "house_number": "3",
    "reason": "Eenzaam sinds het overlijden van zijn vrouw; wil graag meer onder de mensen.",
    "consent": True,
}


@pytest.fixture(autouse=True)
def _partner_api_rate(settings: Any) -> None:
    # The rate limit has its own test; elsewhere it must not interfere.
    settings.VIVERA_PARTNER_API_RATE = "100000/min"
    cache.clear()


@pytest.fixture
def oost_area(team_oost: Team, neighbourhood: Neighbourhood) -> Neighbourhood:
    """Team Oost works in Centrum (postcode 9991)."""
    team_oost.neighbourhoods.add(neighbourhood)
    return neighbourhood


@pytest.fixture
def partner_key(partner_user: User) -> str:
    return api_key_create(user=partner_user, name="Huurincasso")[1]


@pytest.fixture
def api(partner_key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {partner_key}")
    return client
