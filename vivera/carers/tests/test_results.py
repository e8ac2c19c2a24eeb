"""The register's monitor figures, worked by hand: who is on the register at each month's end,
per group; new and left per month; the appreciation's uptake. Exact figures (the coordinator's
kind of scope, `suppress=False`); the protected ones go through the monitor's own code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from vivera.carers.models import Application, Carer, CareRelation, Scheme
from vivera.monitor.indicators import BY_CODE
from vivera.monitor.scope import Scope

pytestmark = pytest.mark.django_db


def carer(municipality, first, born, registered, left=None, *, relation="parent", dementia=False):
    c = Carer.objects.create(
        municipality=municipality,
        first_name=first,
        last_name="Test",
        birth_date=born,
        source="staff",
        status="left" if left else "registered",
        registered_on=registered,
        left_on=left,
        is_working=False,
    )
    CareRelation.objects.create(
        carer=c,
        cared_for_name="X",
        relation=relation,
        care_kinds=["household"],
        hours_per_week=10,
        since=dt.date(2020, 1, 1),
        dementia=dementia,
    )
    return c


@pytest.fixture
def register(municipality):
    # Ada: young (turns 24 on 15 Feb 2024), partner; registered Dec 2023.
    ada = carer(municipality, "Ada", dt.date(2000, 2, 15), dt.date(2023, 12, 5), relation="partner")
    # Bep: 80, dementia; registered Jan 2024, left 10 Feb 2024.
    bep = carer(
        municipality,
        "Bep",
        dt.date(1944, 1, 1),
        dt.date(2024, 1, 10),
        dt.date(2024, 2, 10),
        dementia=True,
    )
    # Cor: registered Feb 2024.
    cor = carer(municipality, "Cor", dt.date(1970, 1, 1), dt.date(2024, 2, 20))
    # Waiting for confirmation: never counted.
    Carer.objects.create(
        municipality=municipality,
        first_name="Dirk",
        last_name="Test",
        birth_date=dt.date(1980, 1, 1),
        source="public",
    )
    return ada, bep, cor


def table(code, municipality, start, end):
    return BY_CODE[code].compute(Scope((municipality,), start, end, suppress=False))


def values(t, key):
    return [c.value for c in next(r for r in t.rows if r.key == key).cells]


def test_registered_per_month_and_group(municipality, register):
    t = table("carers_registered", municipality, dt.date(2023, 12, 1), dt.date(2024, 2, 29))
    # 31 Dec: Ada. 31 Jan: Ada, Bep. 29 Feb: Ada, Cor (Bep left on 10 Feb).
    assert values(t, "total") == [1, 2, 2]
    # Ada is 23 until 15 Feb 2024: young on 31 Dec and 31 Jan, not on 29 Feb.
    assert values(t, "young") == [1, 1, 0]
    assert values(t, "senior") == [0, 1, 0]
    assert values(t, "dementia") == [0, 1, 0]
    assert values(t, "partner") == [1, 1, 1]
    assert values(t, "working") == [0, 0, 0]


def test_new_and_left_per_month(municipality, register):
    t = table("carers_flow", municipality, dt.date(2024, 1, 1), dt.date(2024, 2, 29))
    assert values(t, "new") == [1, 1, 2]  # Jan: Bep; Feb: Cor; total 2
    assert values(t, "left") == [0, 1, 1]  # Feb: Bep


def test_uptake_of_the_appreciation(municipality, register, consultant):
    ada, _bep, cor = register
    scheme = Scheme.objects.create(
        municipality=municipality,
        year=2024,
        form="voucher",
        amount=Decimal(50),
        budget=Decimal(1000),
        opens_on=dt.date(2024, 1, 1),
        closes_on=dt.date(2024, 3, 31),
        one_per="carer",
        created_by=consultant,
    )
    for c, status in ((ada, "approved"), (cor, "submitted")):
        Application.objects.create(
            scheme=scheme,
            carer=c,
            relation=c.relations.get(),
            received_on=dt.date(2024, 3, 1),
            source="staff",
            status=status,
            amount=Decimal(50) if status == "approved" else None,
        )
    t = table("carers_appreciation", municipality, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    # On 31 March 2024 Ada and Cor are on the register: 1 approved of 2 = 50 %.
    assert values(t, "2024") == [2, 1, 2, 50.0]


def test_per_team_the_register_says_why_it_is_empty(municipality, register, team_oost):
    scope = Scope((municipality,), dt.date(2024, 1, 1), dt.date(2024, 2, 29), team=team_oost)
    t = BY_CODE["carers_registered"].compute(scope)
    assert t.rows == [] and t.note


def test_the_indicator_is_named_with_mantelzorg(municipality):
    from django.utils.translation import override

    with override("nl"):
        assert "mantelzorg" in str(BY_CODE["carers_registered"].name).lower()
