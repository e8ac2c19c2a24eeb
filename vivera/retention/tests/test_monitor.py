"""The monitor's figures are the same before and after retention.

On the demo municipality (two years of history with questions, contacts, referrals, ZRM scores,
status histories, short contacts, outreach and partner signals), with a term short enough that
most of the old dossiers expire: every indicator, computed with the monitor's own code for the
whole history, exact and as the municipality sees it (suppressed), and every row of the
monitor's facts, rebuilt from the anonymised registration, equal what they were before.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from vivera.monitor import indicators
from vivera.monitor.models import FACT_MODELS, FactState
from vivera.monitor.scope import Scope
from vivera.organisation.models import Municipality
from vivera.registration.models import Client, Question
from vivera.retention.rules import ANONYMISED
from vivera.retention.selectors import Terms
from vivera.retention.services import retention_run

pytestmark = pytest.mark.django_db

# The demo below ends on 16 March 2026; a term of one year lets most of its dossiers expire.
TERMS = Terms(
    years=1, years_without_provision=1, months_without_dossier=24, today=dt.date(2026, 3, 16)
)


def figures(municipality: Municipality) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for suppress in (False, True):
        scope = Scope(
            (municipality,), dt.date(2014, 1, 1), dt.date(2026, 12, 31), suppress=suppress
        )
        for indicator, table in indicators.compute_all(scope):
            result[f"{indicator.code}/{suppress}"] = table
    return result


def facts(municipality: Municipality) -> dict[str, list[tuple[Any, ...]]]:
    rows = {}
    for model in FACT_MODELS:
        names = [f.attname for f in model._meta.concrete_fields if f.name != "id"]
        rows[model.__name__] = sorted(
            model.objects.filter(municipality=municipality).values_list(*names), key=repr
        )
    return rows


def test_every_indicator_and_fact_is_the_same_after_retention() -> None:
    call_command("demo", "--scale=0.05", "--seed=7", "--today=2026-03-16", stdout=StringIO())
    municipality = Municipality.objects.get(cbs_code="GM9901")
    before, facts_before = figures(municipality), facts(municipality)
    built_before = FactState.objects.get(municipality=municipality).built_at

    [report] = retention_run(terms=TERMS, execute=True, municipalities=[municipality])

    # A real run: most old clients anonymised, their texts gone, recent ones untouched.
    assert report.counts["clients"] > 30 and report.counts["questions"] > 30
    assert report.counts["outreach_activities"] > 0
    anonymised = Client.objects.filter(last_name=ANONYMISED)
    assert anonymised.count() == report.counts["clients"]
    assert (
        not Question.objects.filter(dossier__client__in=anonymised).exclude(description="").exists()
    )
    assert (
        Client.objects.filter(municipality=municipality).exclude(last_name=ANONYMISED).count() > 30
    )
    after = figures(municipality)
    assert FactState.objects.get(municipality=municipality).built_at != built_before
    assert facts(municipality) == facts_before
    assert sorted(after) == sorted(before) and len(after) == 2 * len(indicators.INDICATORS)
    for code, table in before.items():
        assert after[code] == table, code
