"""A client with a full record, dated as a test needs it, and a dump of every database row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from vivera.accounts.models import User
from vivera.organisation.models import Neighbourhood, PartnerOrganisation, Team
from vivera.partners.models import OutreachAttempt, Submission, SubmissionStatusChange
from vivera.registration.models import (
    Client,
    ContactMoment,
    Dossier,
    DossierStatusChange,
    Household,
    OutreachActivity,
    Question,
    Referral,
    SharingConsent,
    ZrmAssessment,
    ZrmScore,
)
from vivera.retention.selectors import Terms, years_before

TODAY = dt.date(2026, 12, 2)


def terms(years: int = 15, without_provision: int | None = None, months: int = 24) -> Terms:
    return Terms(
        years=years,
        years_without_provision=without_provision or years,
        months_without_dossier=months,
        today=TODAY,
    )


def ago(years: int = 0, days: int = 0) -> dt.date:
    return years_before(TODAY, years) - dt.timedelta(days=days)


def all_rows() -> str:
    """Every row of every table as one text, to look for a value anywhere in the database."""
    parts = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f'SELECT * FROM "{table}"')
            parts.extend("|".join(str(value) for value in row) for row in cursor.fetchall())
    return "\n".join(parts)


class Records:
    """Builds clients with a full record: personal data, a household, a dossier with a
    question, a contact, a referral, a ZRM intake and closure, the status history, and a
    partner's signal with an outreach attempt. Every text is unique per client, so a test can
    look for it anywhere in the database."""

    def __init__(
        self,
        pro: User,
        team: Team,
        neighbourhood: Neighbourhood,
        partner: PartnerOrganisation,
        partner_user: User,
        codes: dict[str, Any],
    ):
        self.pro, self.team, self.neighbourhood = pro, team, neighbourhood
        self.partner, self.partner_user, self.codes = partner, partner_user, codes
        self.n = 0

    def client(
        self, *, household: Household | None = None, created: dt.date | None = None
    ) -> Client:
        self.n += 1
        n = self.n
        client = Client.objects.create(
            municipality=self.team.municipality,
            household=household,
            first_name=f"Voornaam{n}x",
            last_name=f"Achternaam{n}x",
            name_prefix="van",
            birth_date=dt.date(1961, 3, 12),
            bsn=_bsn(n),
            postcode="9991AB",
            house_number=f"{n}xa",
            phone=f"06-1234{n:04d}",
            email=f"persoon{n}x@example.org",
            neighbourhood=self.neighbourhood,
            created_by=self.pro,
        )
        if created is not None:
            Client.objects.filter(pk=client.pk).update(
                created_at=timezone.make_aware(dt.datetime.combine(created, dt.time(12)))
            )
        return client

    def dossier(
        self,
        client: Client,
        *,
        closed: dt.date | None,
        provision: str = "general",
        registered: dt.date | None = None,
        signal: bool = True,
    ) -> Dossier:
        """A dossier registered a year before it closed (or a year ago, if open)."""
        registered = registered or (closed or TODAY) - dt.timedelta(days=365)
        intake = registered + dt.timedelta(days=30)
        status = "closed" if closed else "active"
        dossier = Dossier.objects.create(
            municipality=client.municipality,
            team=self.team,
            client=client,
            case_director=self.pro,
            referrer=self.codes["gp"],
            registered_on=registered,
            status=status,
            status_since=closed or intake,
            closed_on=closed,
            network_mapped=True,
            created_by=self.pro,
        )
        history = [
            ("", "registered", registered),
            ("registered", "intake", intake),
            ("intake", "active", intake + dt.timedelta(days=7)),
        ]
        if closed:
            history.append(("active", "closed", closed))
        for old, new, day in history:
            DossierStatusChange.objects.create(
                dossier=dossier, from_status=old, to_status=new, date=day, changed_by=self.pro
            )
        tag = f"{client.pk}-{dossier.pk}"
        end = closed or None
        question = Question.objects.create(
            dossier=dossier,
            domain=self.codes["money"],
            description=f"Schulden vraag {tag}",
            opened_on=intake,
            closed_on=end,
            outcome=self.codes["solved"] if end else None,
            created_by=self.pro,
        )
        contact = ContactMoment.objects.create(
            dossier=dossier,
            date=intake + dt.timedelta(days=3),
            kind=self.codes["home_visit"],
            minutes=45,
            note=f"Huisbezoek notitie {tag}",
            created_by=self.pro,
        )
        contact.professionals.add(self.pro)
        Referral.objects.create(
            dossier=dossier,
            question=question,
            referred_on=intake + dt.timedelta(days=10),
            provision_kind=provision,
            partner=self.partner,
            description=f"Naar schuldmaatje {tag}",
            created_by=self.pro,
        )
        SharingConsent.objects.create(
            dossier=dossier,
            partner=self.partner,
            covers_referral=True,
            given_on=intake,
            given_how="verbal",
            note=f"Toestemming gegeven aan de keukentafel {tag}",
            recorded_by=self.pro,
        )
        for moment, day in (("intake", intake), ("closure", closed)):
            if day is None:
                continue
            assessment = ZrmAssessment.objects.create(
                dossier=dossier, assessed_on=day, moment=moment, assessed_by=self.pro
            )
            ZrmScore.objects.create(
                assessment=assessment,
                domain=self.codes["money"],
                score=2 if moment == "intake" else 4,
            )
        if signal:
            self.submission(
                dossier=dossier, received=registered, status="closed", status_since=intake
            )
        return dossier

    def submission(
        self,
        *,
        dossier: Dossier | None = None,
        received: dt.date,
        status: str = "closed",
        status_since: dt.date | None = None,
    ) -> Submission:
        self.n += 1
        n = self.n
        submission = Submission.objects.create(
            municipality=self.team.municipality,
            partner=self.partner,
            sent_by=self.partner_user,
            reference=f"HUUR-{n}x",
            kind="signal",
            signal_type="rent",
            received_on=received,
            respond_by=received,
            first_name=f"Signaalvoornaam{n}x",
            last_name=f"Signaalachternaam{n}x",
            birth_date=dt.date(1970, 5, 6),
            bsn=_bsn(n),
            postcode="9991CD",
            house_number=f"{n}xb",
            phone=f"06-5678{n:04d}",
            email=f"signaal{n}x@example.org",
            neighbourhood=self.neighbourhood,
            reason=f"Twee maanden achterstand {n}x",
            amount=Decimal("812.50"),
            months_in_arrears=2,
            team=self.team,
            status=status,
            status_since=status_since or received,
            dossier=dossier,
        )
        SubmissionStatusChange.objects.create(
            submission=submission, to_status="received", date=received, changed_by=self.partner_user
        )
        if status != "received":
            SubmissionStatusChange.objects.create(
                submission=submission,
                from_status="received",
                to_status=status,
                date=status_since or received,
                changed_by=self.pro,
            )
        OutreachAttempt.objects.create(
            submission=submission,
            date=received,
            part_of_day="morning",
            method="home_visit",
            reached=True,
            note=f"Aangebeld bij {n}x",
            recorded_by=self.pro,
        )
        return submission

    def household(self, name: str = "Familie Achternaam, Dorpsstraat 1x") -> Household:
        return Household.objects.create(municipality=self.team.municipality, name=name)

    def outreach(self, day: dt.date) -> OutreachActivity:
        self.n += 1
        return OutreachActivity.objects.create(
            municipality=self.team.municipality,
            team=self.team,
            date=day,
            kind="network",
            neighbourhood=self.neighbourhood,
            description=f"Buurtnetwerk met mevrouw {self.n}x",
            hours=Decimal("2.5"),
            registered_by=self.pro,
        )


def _bsn(n: int) -> str:
    """A BSN passing the 11-test, different per n."""
    base = f"{100000 + n:08d}"
    total = sum(int(d) * w for d, w in zip(base, range(9, 1, -1), strict=True))
    for last in range(10):
        if (total - last) % 11 == 0:
            return base + str(last)
    return _bsn(n + 1000)


@pytest.fixture
def records(
    pro: User,
    team_oost: Team,
    neighbourhood: Neighbourhood,
    partner_org: PartnerOrganisation,
    partner_user: User,
    codes: dict[str, Any],
) -> Records:
    return Records(pro, team_oost, neighbourhood, partner_org, partner_user, codes)


@pytest.fixture
def build(records: Records) -> Callable[..., Client]:
    """A client with one dossier closed `years` (and `days`) before TODAY."""

    def make(years: int = 16, days: int = 0, **kwargs: Any) -> Client:
        client = records.client(household=kwargs.pop("household", None))
        records.dossier(client, closed=ago(years, days), **kwargs)
        return client

    return make
