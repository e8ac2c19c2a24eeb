"""The policy advisor's overview: aggregates per year, small counts suppressed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from vivera.conftest import login
from vivera.registration.models import DossierStatus
from vivera.registration.services import client_create, dossier_create

pytestmark = pytest.mark.django_db


def _dossiers(pro, team, referrer, year: int, n: int) -> None:
    for i in range(n):
        client = client_create(user=pro, data={"first_name": f"P{i}", "last_name": f"J{year}"})
        dossier_create(user=pro, client=client, team=team, referrer=referrer,
                       registered_on=dt.date(year, 3, 1))


def test_it_shows_a_chosen_year_and_suppresses_small_counts(policy, pro, team_oost, codes):
    _dossiers(pro, team_oost, codes["gp"], 2016, 7)
    _dossiers(pro, team_oost, codes["gp"], 2017, 2)
    http = login(policy)
    y2016 = http.get(reverse("core:policy_overview"), {"jaar": 2016}).context["overview"]
    y2017 = http.get(reverse("core:policy_overview"), {"jaar": 2017}).context["overview"]
    assert (y2016.year, str(y2016.new_dossiers)) == (2016, "7")
    assert (y2017.year, str(y2017.new_dossiers)) == (2017, "<5")
    # All nine dossiers are registered; "Registered" is shown, the empty statuses are 0.
    assert str(y2016.dossiers_by_status[str(DossierStatus.REGISTERED.label)]) == "9"


def test_it_ignores_a_year_without_data(policy):
    page = login(policy).get(reverse("core:policy_overview"), {"jaar": "1999"})
    assert page.context["overview"].year == timezone.localdate().year
