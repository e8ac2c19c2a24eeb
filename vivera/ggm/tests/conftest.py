"""A known small dossier to export, and helpers to read an export back."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import zipfile
from typing import Any

import pytest

from vivera.organisation.models import LifeDomain
from vivera.registration.models import Dossier
from vivera.registration.services import (
    client_create,
    contact_add,
    dossier_change_status,
    dossier_create,
    question_add,
    question_close,
    zrm_assess,
)

TEST_KEY = "test-pseudonym-key-0123456789abcdefghijklmnopqrstuv"


@pytest.fixture(autouse=True)
def _pseudonym_key(settings: Any) -> None:
    settings.VIVERA_PSEUDONYM_KEY = TEST_KEY


def pseudonym(kind: str, internal_id: object, key: str = TEST_KEY) -> str:
    """The documented method, written out independently of the exporter."""
    digest = hmac.new(key.encode(), f"{kind}:{internal_id}".encode(), hashlib.sha256).digest()
    return str(int.from_bytes(digest[:8], "big") >> 1)


def in_pseudonym_order(rows: list[list[str]]) -> list[list[str]]:
    """Rows of a table about people as the export writes them: by their pseudonym, a number."""
    return sorted(rows, key=lambda row: int(row[0]))


def read_zip(data: bytes) -> dict[str, list[list[str]]]:
    """Every CSV in the export as rows of strings, header first."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name.removesuffix(".csv"): list(
                csv.reader(io.StringIO(archive.read(name).decode("utf-8"), newline=""))
            )
            for name in archive.namelist()
            if name.endswith(".csv")
        }


def unzipped_bytes(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return b"\n".join(archive.read(name) for name in archive.namelist())


IDENTIFIERS = {
    "first_name": "Annegien",
    "last_name": "Verborgenhoek",
    "bsn": "123456782",
    "postcode": "9991XY",
    "house_number": "417",
    "phone": "0612398745",
    "email": "annegien@voorbeeld.nl",
    "birth_date": dt.date(1961, 4, 23),
}
FREE_TEXT = ["Huurachterstand bij Woonstede sinds januari", "Zoon belt dagelijks, zorgen"]


@pytest.fixture
def known(pro, team_oost, neighbourhood, codes) -> dict[str, Any]:
    """One client with one dossier: two questions (one closed), one intake ZRM, carer involved."""
    client = client_create(user=pro, **IDENTIFIERS)
    dossier = dossier_create(
        user=pro,
        client=client,
        team=team_oost,
        referrer=codes["gp"],
        registered_on=dt.date(2024, 3, 1),
        complexity="multiple",
        case_director=pro,
    )
    dossier_change_status(user=pro, dossier=dossier, to_status="waiting", date=dt.date(2024, 3, 4))
    dossier_change_status(user=pro, dossier=dossier, to_status="intake", date=dt.date(2024, 3, 11))
    dossier_change_status(user=pro, dossier=dossier, to_status="active", date=dt.date(2024, 3, 18))
    Dossier.objects.filter(pk=dossier.pk).update(carer_involved=True)
    money = question_add(
        user=pro,
        dossier=dossier,
        domain=codes["money"],
        opened_on=dt.date(2024, 3, 11),
        description=FREE_TEXT[0],
    )
    question_close(
        user=pro, question=money, closed_on=dt.date(2024, 5, 1), outcome=codes["general"]
    )
    housing = question_add(
        user=pro, dossier=dossier, domain=codes["housing"], opened_on=dt.date(2024, 3, 18)
    )
    contact_add(
        user=pro,
        dossier=dossier,
        date=dt.date(2024, 3, 12),
        kind=codes["phone"],
        with_whom="network",
        core_task="support",
        minutes=20,
        note=FREE_TEXT[1],
    )
    scores = {d.pk: 4 for d in LifeDomain.objects.filter(in_zrm=True)}
    scores[codes["money"].pk] = 2
    scores[codes["housing"].pk] = 3
    zrm = zrm_assess(
        user=pro, dossier=dossier, assessed_on=dt.date(2024, 3, 11), moment="intake", scores=scores
    )
    return {"client": client, "dossier": dossier, "money": money, "housing": housing, "zrm": zrm}
