from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from vivera.carers import appreciation, services
from vivera.carers.models import Carer, Scheme

TODAY = timezone.localdate()
YEAR = TODAY.year


def carer_fields(**overrides: Any) -> services.CarerFields:
    fields: services.CarerFields = {
        "first_name": "Mira",
        "last_name": "de Zorg",
        "birth_date": dt.date(1970, 3, 4),
        "email": "mira@example.org",
        "phone": "",
        "postcode": "9991 AB",
        "house_number": "12",
        "is_working": True,
        "contact_consent": True,
        "contact_purposes": ["news"],
    }
    return {**fields, **overrides}  # type: ignore[typeddict-item]


def relation_fields(**overrides: Any) -> services.RelationFields:
    fields: services.RelationFields = {
        "cared_for_name": "Jan de Zorg",
        "cared_for_postcode": "",
        "relation": "parent",
        "care_kinds": ["household", "transport"],
        "hours_per_week": 12,
        "since": TODAY.replace(year=YEAR - 2, day=1),
        "dementia": True,
    }
    return {**fields, **overrides}  # type: ignore[typeddict-item]


@pytest.fixture
def registered(consultant, municipality, neighbourhood) -> Carer:
    return services.carer_register_staff(
        user=consultant,
        municipality=municipality,
        carer=carer_fields(),
        relation=relation_fields(),
        today=TODAY.replace(year=YEAR - 1, day=1),
    )


@pytest.fixture
def scheme(consultant) -> Scheme:
    return appreciation.scheme_save(
        user=consultant,
        year=YEAR,
        form="money",
        amount=Decimal("150.00"),
        budget=Decimal("300.00"),
        opens_on=dt.date(YEAR, 1, 1),
        closes_on=dt.date(YEAR, 12, 31),
        one_per="carer",
        min_hours=8,
        min_months=3,
    )


@pytest.fixture
def client_oost(pro, team_oost, codes):
    from vivera.registration.services import client_create, dossier_create

    client = client_create(user=pro, first_name="Jan", last_name="de Zorg")
    dossier_create(
        user=pro,
        client=client,
        team=team_oost,
        referrer=codes["gp"],
        registered_on=TODAY - dt.timedelta(days=10),
    )
    return client
