"""Fixtures for the overview's tests: a plan with a cluster, an activity of a partner, and a
target."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from vivera.accounts.models import User
from vivera.organisation.models import PartnerOrganisation
from vivera.plans import services
from vivera.plans.models import Activity, Cluster, Plan, Target

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def plan(policy: User) -> Plan:
    return services.plan_create(
        user=policy,
        title="Activiteitenoverzicht Wmo 2025-2026",
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2026, 12, 31),
    )


@pytest.fixture
def cluster(policy: User, plan: Plan) -> Cluster:
    return services.cluster_save(
        user=policy,
        plan=plan,
        title="Mantelzorgondersteuning",
        goal="Mantelzorgers houden hun zorg beter vol.",
    )


@pytest.fixture
def other_partner(municipality: Any) -> PartnerOrganisation:
    return PartnerOrganisation.objects.create(
        municipality=municipality, name="Welzijn Zuid", kind="welfare"
    )


@pytest.fixture
def activity(policy: User, cluster: Cluster, partner_org: PartnerOrganisation) -> Activity:
    return services.activity_add(
        user=policy,
        cluster=cluster,
        description="Dag van de Mantelzorg organiseren",
        partners=[partner_org],
        status="planned",
        note="Datum wordt vastgelegd.",
        date=dt.date(2025, 2, 1),
        today=TODAY,
    )


@pytest.fixture
def target(policy: User, cluster: Cluster) -> Target:
    return services.target_save(
        user=policy,
        cluster=cluster,
        description="Geregistreerde mantelzorgers",
        unit="mantelzorgers",
        baseline_year=2024,
        baseline_value=Decimal(295),
        target_value=Decimal(418),
        target_date=dt.date(2026, 12, 31),
        direction="up",
        figure="",
    )
