"""The rows of every table about people follow their pseudonym, not Vivera's ids (docs/ggm.md
"The format"): otherwise the n-th row of two exports made with different keys, or of an export
and a research extract, would be the same record, whatever the pseudonyms."""

from __future__ import annotations

import datetime as dt

import pytest

from vivera.ggm import schema, selectors
from vivera.organisation.models import LifeDomain
from vivera.registration.models import Client, Dossier, Question, ZrmScore
from vivera.registration.services import (
    client_create,
    dossier_change_status,
    dossier_create,
    question_add,
    zrm_assess,
)

from .conftest import in_pseudonym_order, pseudonym, read_zip
from .test_export import export

pytestmark = pytest.mark.django_db

DOSSIERS = 8  # 8! orders: their ids and their pseudonyms hardly ever agree


@pytest.fixture
def many(pro, team_oost, codes) -> list[Dossier]:
    dossiers = []
    for n in range(DOSSIERS):
        client = client_create(user=pro, first_name="Rij", last_name=f"Volgorde{n}")
        dossier = dossier_create(
            user=pro,
            client=client,
            team=team_oost,
            referrer=codes["gp"],
            registered_on=dt.date(2024, 3, 1 + n),
            case_director=pro,
        )
        dossiers.append(dossier)
        question_add(
            user=pro, dossier=dossier, domain=codes["money"], opened_on=dt.date(2024, 3, 1 + n)
        )
    dossier_change_status(
        user=pro, dossier=dossiers[0], to_status="intake", date=dt.date(2024, 3, 2)
    )
    zrm_assess(
        user=pro,
        dossier=dossiers[0],
        moment="intake",
        assessed_on=dt.date(2024, 3, 2),
        scores={d.pk: 3 for d in LifeDomain.objects.filter(in_zrm=True)},
    )
    return dossiers


def first_column(rows: list[list[str]]) -> list[str]:
    return [row[0] for row in rows[1:]]


@pytest.mark.parametrize("sort_run", [selectors.SORT_RUN, 3])  # in memory; in merged runs
def test_rows_about_people_follow_their_pseudonym_not_their_id(
    many, municipality, monkeypatch, sort_run
):
    monkeypatch.setattr(selectors, "SORT_RUN", sort_run)
    clients = Client.objects.filter(dossiers__in=many).order_by("pk")
    by_id = {
        "CLIENT": [pseudonym("client", c.pk) for c in clients],
        "SOCIAALTEAMDOSSIER": [pseudonym("sociaalteamdossier", d.pk) for d in many],
        "CASEAANMELDING": [pseudonym("caseaanmelding", d.pk) for d in many],
        "SCORE": [pseudonym("score", s.pk) for s in ZrmScore.objects.order_by("pk")],
        "BEHANDELING": [pseudonym("behandeling", q.pk) for q in Question.objects.order_by("pk")],
    }
    for name, ids in by_id.items():  # the test means something only when the orders differ
        assert ids != sorted(ids, key=int), name

    tables = read_zip(export(municipality))

    for name, ids in by_id.items():
        assert first_column(tables[name]) == sorted(ids, key=int), name
    for table in selectors.BY_PSEUDONYM:
        rows = tables[table.name][1:]
        assert rows == in_pseudonym_order(rows), table.name
        assert len(rows) >= 1, table.name


def test_every_table_about_people_is_ordered_and_the_code_lists_keep_their_order(
    many, municipality
):
    about_people = {
        schema.CLIENT,
        schema.CLIENTBEGELEIDER,
        schema.CASEAANMELDING,
        schema.SOCIAALTEAMDOSSIER,
        schema.BEHANDELING,
        schema.BIJZONDERHEID,
        schema.SCORE,
        schema.VIVERA_CLIENT,
        schema.VIVERA_SOCIAALTEAMDOSSIER,
        schema.VIVERA_BEHANDELING,
        schema.VIVERA_SCORE,
    }
    assert about_people == selectors.BY_PSEUDONYM
    tables = read_zip(export(municipality))
    domains = first_column(tables["LEEFGEBIED"])
    assert domains == sorted(domains, key=int)  # Vivera's own ids, the same in every export
