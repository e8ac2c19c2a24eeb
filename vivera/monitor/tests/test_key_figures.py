"""The policy advisor's key figures ("Kerncijfers"): one year of the municipality, read from the
monitor's own tables, so they carry the monitor's protection and never an exact count that
could be subtracted from the monitor's perturbed one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from vivera.conftest import login
from vivera.monitor.scope import Scope
from vivera.monitor.selectors import key_figures
from vivera.registration.models import Question

pytestmark = pytest.mark.django_db
D = dt.date
# Dossiers registered per year: every count large enough to be shown (at least 5).
PER_YEAR = {2012: 6, 2013: 7, 2014: 8, 2015: 9, 2016: 10, 2017: 11}


def shown(response) -> dict[str, str]:
    """Each key figure as the page shows it, by indicator code."""
    table = response.context["table"]
    assert len(table.columns) == 1
    return {row.key: row.cells[0].display for row in table.rows}


def test_the_key_figures_are_the_monitors_figures_for_that_year(
    policy, pro, municipality, make_dossier, team_oost, codes
):
    for year, count in PER_YEAR.items():
        for i in range(count):
            dossier = make_dossier(team_oost, D(year, 1 + i % 12, 1 + i))
            Question.objects.create(
                dossier=dossier,
                domain=codes["money"],
                opened_on=dossier.registered_on,
                created_by=pro,
            )
    http = login(policy)
    new_dossiers = {}
    for year in PER_YEAR:
        response = http.get(reverse("monitor:key_figures"), {"jaar": year})
        assert response.status_code == 200
        assert response.context["year"] == year
        scope = Scope((municipality,), D(year, 1, 1), D(year, 12, 31), suppress=True)
        table, tables = key_figures(scope, str(year), "new_questions_by_domain")
        assert shown(response) == {row.key: row.cells[0].display for row in table.rows}
        assert response.context["table"].columns == [str(year)]
        page_domains = response.context["by_domain"]
        assert [[c.display for c in r.cells] for r in page_domains.rows] == [
            [c.display for c in r.cells] for r in tables["new_questions_by_domain"].rows
        ]
        # The dashboard shows the same value for the same year.
        dashboard = http.get(
            reverse("monitor:dashboard"), {"van": f"{year}-01-01", "tot": f"{year}-12-31"}
        )
        panel = next(
            p
            for s in dashboard.context["sections"]
            for p in s.panels
            if p.indicator.code == "new_dossiers"
        )
        assert panel.table.rows[-1].cells[-1].display == shown(response)["new_dossiers"]
        new_dossiers[year] = shown(response)["new_dossiers"]
    # Perturbed, as the monitor's figures are: not the exact counts (each exact one has a
    # chance of 1 in 9; all six exact would mean the page counts on its own again).
    assert new_dossiers != {year: str(count) for year, count in PER_YEAR.items()}


def test_a_small_count_is_shown_as_less_than_the_threshold(policy, make_dossier, team_oost):
    for day in (3, 4):
        make_dossier(team_oost, D(2017, 2, day))
    response = login(policy).get(reverse("monitor:key_figures"), {"jaar": 2017})
    assert shown(response)["new_dossiers"] == "<5"
    assert "&lt;5" in response.content.decode()


def test_it_opens_on_the_last_year_with_data_and_ignores_a_year_without(
    policy, make_dossier, team_oost
):
    make_dossier(team_oost, D(2016, 5, 1))
    http = login(policy)
    years = list(range(2016, timezone.localdate().year + 1))
    for query in ({}, {"jaar": "1999"}, {"jaar": "twee"}):
        response = http.get(reverse("monitor:key_figures"), query)
        assert response.status_code == 200
        assert response.context["year"] == 2016
        assert response.context["years"] == years
