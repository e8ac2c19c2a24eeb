"""A small study population with every kind of identifier, grants, and helpers to read an
extract back."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

from vivera.organisation.models import (
    CapacityIntervention,
    Location,
    Neighbourhood,
    PostcodeArea,
)
from vivera.registration.models import Client, Dossier
from vivera.registration.services import (
    client_create,
    contact_add,
    dossier_change_status,
    dossier_create,
    household_ensure,
    outreach_create,
    question_add,
    question_close,
    referral_add,
    short_contact_create,
    zrm_assess,
    zrm_domains,
)
from vivera.research.models import ResearchGrant
from vivera.research.services import grant_create

TEST_KEY = "test-pseudonym-key-0123456789abcdefghijklmnopqrstuv"
FREE_TEXT = [
    "Huurachterstand bij Woonstede sinds januari",
    "Zoon belt dagelijks, zorgen",
    "Doorverwezen naar schuldhulpmaatje Kees",
    "Buurtbarbecue Lindelaan",
]


@pytest.fixture(autouse=True)
def _pseudonym_key(settings: Any) -> None:
    settings.VIVERA_PSEUDONYM_KEY = TEST_KEY
    settings.VIVERA_SUPPRESSION_THRESHOLD = 5


def bsn_from(start: int) -> str:
    """The first BSN from eight digits `start` on that passes the 11-test (9·d1 + … + 2·d8 −
    d9 ≡ 0 mod 11): the check digit is the weighted sum mod 11, unless that is 10."""
    while True:
        eight = f"{start:08d}"
        check = sum(int(d) * w for d, w in zip(eight, range(9, 1, -1), strict=True)) % 11
        if check < 10:
            return eight + str(check)
        start += 1


@dataclass
class Study:
    """What the test created, so the tests count from it, not from the code under test."""

    clients: list[Client] = field(default_factory=list)
    identifiers: list[dict[str, Any]] = field(default_factory=list)
    # Per dossier: its team name, year and the numbers of rows created under it.
    dossiers: list[dict[str, Any]] = field(default_factory=list)
    short_contacts: list[tuple[str, dt.date]] = field(default_factory=list)  # (team, date)
    outreach: list[tuple[str, dt.date]] = field(default_factory=list)

    def expected(self, *, teams: set[str], start: dt.date, end: dt.date) -> dict[str, int]:
        chosen = [
            d for d in self.dossiers if d["team"] in teams and start <= d["registered_on"] <= end
        ]
        rows = {
            name: sum(d[name] for d in chosen)
            for name in ("status_changes", "questions", "contacts", "referrals", "zrm_scores")
        }
        rows["dossiers"] = len(chosen)
        rows["short_contacts"] = sum(
            1 for team, day in self.short_contacts if team in teams and start <= day <= end
        )
        rows["outreach"] = sum(
            1 for team, day in self.outreach if team in teams and start <= day <= end
        )
        return rows


def _person(n: int, *, birth_date: dt.date, postcode: str) -> dict[str, Any]:
    return {
        "first_name": f"Gerdina{chr(65 + n)}",
        "name_prefix": "van",
        "last_name": f"Verborgenhoek{chr(65 + n)}",
        "birth_date": birth_date,
        "bsn": bsn_from(31415926 + n * 1000),
        "postcode": postcode,
        "house_number": "17",
        "phone": f"06{51234560 + n}",
        "email": f"gerdina{n}@example.nl",
    }


def _dossier(
    study: Study,
    *,
    user: Any,
    client: Client,
    team: Any,
    referrer: Any,
    registered_on: dt.date,
    codes: dict[str, Any],
    full: bool,
) -> Dossier:
    dossier = dossier_create(
        user=user,
        client=client,
        team=team,
        referrer=referrer,
        registered_on=registered_on,
        complexity="multiple",
        case_director=user,
    )
    counts = {
        "team": team.name,
        "registered_on": registered_on,
        "status_changes": 1,
        "questions": 0,
        "contacts": 0,
        "referrals": 0,
        "zrm_scores": 0,
    }
    if full:
        for status, days in (("waiting", 3), ("intake", 10), ("active", 17)):
            dossier_change_status(
                user=user,
                dossier=dossier,
                to_status=status,
                date=registered_on + dt.timedelta(days=days),
            )
            counts["status_changes"] += 1
        money = question_add(
            user=user,
            dossier=dossier,
            domain=codes["money"],
            opened_on=registered_on + dt.timedelta(days=10),
            description=FREE_TEXT[0],
        )
        question_close(
            user=user,
            question=money,
            closed_on=registered_on + dt.timedelta(40),
            outcome=codes["general"],
        )
        question_add(
            user=user,
            dossier=dossier,
            domain=codes["housing"],
            opened_on=registered_on + dt.timedelta(days=17),
        )
        counts["questions"] += 2
        contact_add(
            user=user,
            dossier=dossier,
            date=registered_on + dt.timedelta(days=11),
            kind=codes["phone"],
            with_whom="network",
            core_task="support",
            minutes=20,
            note=FREE_TEXT[1],
            professionals=[user],
        )
        counts["contacts"] += 1
        referral_add(
            user=user,
            dossier=dossier,
            referred_on=registered_on + dt.timedelta(30),
            provision_kind="general",
            description=FREE_TEXT[2],
            handover="done",
            question=money,
        )
        counts["referrals"] += 1
        scores = {domain.pk: 3 for domain in zrm_domains()}
        zrm_assess(
            user=user,
            dossier=dossier,
            assessed_on=registered_on + dt.timedelta(10),
            moment="intake",
            scores=scores,
        )
        counts["zrm_scores"] += len(scores)
    study.dossiers.append(counts)
    return dossier


@pytest.fixture
def study(
    pro, pro_west, team_oost, team_west, neighbourhood, codes, municipality, location
) -> Study:
    """Team Oost: six clients of 45-64 in Centrum (2024), one of 80 in the rare neighbourhood
    Rietveld (2024, in a household), one dossier of 2023; team West: two dossiers in 2024.
    Short contacts and outreach in and out of the period."""
    study = Study()
    rare = Neighbourhood.objects.create(
        municipality=municipality, name="Rietveld", cbs_code="WK999102"
    )
    PostcodeArea.objects.create(neighbourhood=rare, postcode="9992")
    people = [
        (
            pro,
            team_oost,
            dt.date(1965 + n, 2 + n, 3 + n),
            f"9991A{chr(65 + n)}",
            dt.date(2024, 3 + n, 1),
        )
        for n in range(6)
    ]
    people.append((pro, team_oost, dt.date(1943, 6, 12), "9992ZX", dt.date(2024, 5, 6)))
    people.append((pro, team_oost, dt.date(1970, 1, 30), "9991BB", dt.date(2023, 5, 6)))
    people += [
        (
            pro_west,
            team_west,
            dt.date(1980 + n, 8, 9),
            f"9991C{chr(65 + n)}",
            dt.date(2024, 4, 2 + n),
        )
        for n in range(2)
    ]
    for n, (user, team, birth_date, postcode, registered_on) in enumerate(people):
        identity = _person(n, birth_date=birth_date, postcode=postcode)
        client = client_create(user=user, **identity)
        study.clients.append(client)
        study.identifiers.append(identity)
        _dossier(
            study,
            user=user,
            client=client,
            team=team,
            referrer=codes["gp"],
            registered_on=registered_on,
            codes=codes,
            full=n != 1,
        )
    household_ensure(user=pro, client=study.clients[6])  # named after the family and address
    for user, team, day in (
        (pro, team_oost, dt.date(2024, 6, 3)),
        (pro, team_oost, dt.date(2023, 6, 3)),
        (pro_west, team_west, dt.date(2024, 6, 4)),
    ):
        short_contact_create(
            user=user,
            date=day,
            part_of_day="morning",
            channel="walk_in",
            domain=codes["money"],
            result="answered",
            location=location
            if team == team_oost
            else Location.objects.create(
                municipality=municipality, team=team_west, name="Wijkpost West"
            ),
        )
        study.short_contacts.append((team.name, day))
        outreach_create(
            user=user,
            team=team,
            date=day,
            kind="collective",
            description=FREE_TEXT[3],
            hours="2.5",
            neighbourhood=neighbourhood,
        )
        study.outreach.append((team.name, day))
    CapacityIntervention.objects.create(
        municipality=municipality,
        team=team_oost,
        date=dt.date(2024, 7, 1),
        name="Impuls Oost",
        fte_added="1.00",
        assumptions=FREE_TEXT[3],
    )
    return study


@pytest.fixture
def make_grant(admin_user, researcher, team_oost):
    """A grant from the administrator to the researcher: team Oost, dossiers of 2024."""

    def make(**changes: Any) -> ResearchGrant:
        terms = {
            "user": admin_user,
            "researcher": researcher,
            "purpose": "Effect van de wijkteams op zelfredzaamheid",
            "legal_basis": "DPIA 2024-07; besluit B&W 2024/123",
            "teams": [team_oost],
            "period_start": dt.date(2024, 1, 1),
            "period_end": dt.date(2024, 12, 31),
            "valid_until": timezone.localdate() + dt.timedelta(days=30),
        }
        terms.update(changes)
        return grant_create(**terms)

    return make


@pytest.fixture
def grant(make_grant) -> ResearchGrant:
    return make_grant()


def read_zip(data: bytes) -> dict[str, list[dict[str, str]]]:
    """Every CSV in the extract as a list of rows keyed by the header."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name.removesuffix(".csv"): list(
                csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"), newline=""))
            )
            for name in archive.namelist()
            if name.endswith(".csv")
        }


def whole_text(data: bytes) -> str:
    """Every member of the extract, decompressed, as one text."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist())
