"""A person with something in every part of the export, made through the services a team uses,
and a neighbour whose records must stay out of it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from vivera.accounts.models import User
from vivera.audit.models import Action, Result
from vivera.audit.services import log_access
from vivera.carers.models import Carer, CareRelation
from vivera.imports.models import ImportedRecord, ImportRun
from vivera.imports.models import Kind as ImportKind
from vivera.matching.models import Connection, Listing, Member, Message
from vivera.organisation.models import LifeDomain, Neighbourhood, PartnerOrganisation, Team
from vivera.partners.models import Submission, SubmissionStatusChange
from vivera.partners.services import attempt_add, submission_take
from vivera.privacy.models import AccessRequest
from vivera.provisions.models import Allocation, Delivery, Provider
from vivera.registration import services as registration
from vivera.registration.models import DossierTeamChange
from vivera.retention.models import LegalHold
from vivera.survey.models import Invitation, Objection, Survey

BSN = "123456782"  # passes the 11-test (DOMAIN.md)


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def person(
    pro: User,
    colleague: User,
    pro_west: User,
    team_oost: Team,
    team_west: Team,
    codes: dict[str, Any],
    partner_user: User,
    partner_org: PartnerOrganisation,
) -> dict[str, Any]:
    client = registration.client_create(
        user=pro,
        first_name="Wilhelmina",
        name_prefix="van",
        last_name="Inzagehof",
        birth_date=dt.date(1961, 7, 14),
        bsn=BSN,
        postcode="9991AB",
        house_number="7",
        phone="0611122233",
        email="w@example.org",
    )
    registration.household_ensure(user=pro, client=client)
    dossier = registration.dossier_create(
        user=pro,
        client=client,
        team=team_oost,
        referrer=codes["gp"],
        registered_on=days_ago(40),
        case_director=pro,
    )
    registration.dossier_change_status(
        user=pro, dossier=dossier, to_status="intake", date=days_ago(35)
    )
    question = registration.question_add(
        user=pro,
        dossier=dossier,
        domain=codes["money"],
        opened_on=days_ago(35),
        description="Rekeningen stapelen zich op",
    )
    contact = registration.contact_add(
        user=pro,
        dossier=dossier,
        date=days_ago(30),
        kind=codes["home_visit"],
        with_whom="client",
        core_task="support",
        minutes=45,
        professionals=[pro, colleague],
        note="Samen de post doorgenomen bij mevrouw thuis",
    )
    referral = registration.referral_add(
        user=pro,
        dossier=dossier,
        referred_on=days_ago(25),
        provision_kind="general",
        description="Schuldhulpmaatje",
        handover="done",
        question=question,
    )
    consent = registration.consent_record(
        user=pro,
        dossier=dossier,
        partner=partner_org,
        scopes=["referral", "status"],
        given_on=days_ago(26),
        given_how="verbal",
        note="Mondeling aan de keukentafel",
    )
    domains = LifeDomain.objects.filter(in_zrm=True)
    zrm = registration.zrm_assess(
        user=pro,
        dossier=dossier,
        assessed_on=days_ago(34),
        moment="intake",
        scores={d.pk: 2 for d in domains},
    )
    # Team West asked to work with her dossier; it came from West earlier.
    [team_request] = registration.access_request_create(
        user=pro_west,
        client=client,
        to_team=team_west,
        kind="shared",
        reason="Haar zoon woont bij ons in de wijk",
    )
    DossierTeamChange.objects.create(
        dossier=dossier, from_team=team_west, to_team=team_oost, date=days_ago(38), changed_by=pro
    )
    # Someone not allowed tried to open that request (no client number on that line).
    log_access(
        user=colleague,
        action=Action.READ,
        object_type="client_access_request",
        object_id=team_request.pk,
        result=Result.REFUSED,
    )
    # A partner's signal about her, linked to her dossier, with an attempt and a status change.
    submission = Submission.objects.create(
        municipality=team_oost.municipality,
        partner=partner_org,
        sent_by=partner_user,
        reference="HUUR-9",
        kind="signal",
        signal_type="rent",
        amount="812.50",
        received_on=days_ago(45),
        respond_by=days_ago(40),
        status_since=days_ago(45),
        last_name="Inzagehof",
        birth_date=dt.date(1961, 7, 14),
        dossier=dossier,
    )
    SubmissionStatusChange.objects.create(
        submission=submission, to_status="received", date=days_ago(45), changed_by=partner_user
    )
    submission_take(user=pro, submission=submission, team=team_oost)
    attempt = attempt_add(
        user=pro,
        submission=submission,
        date=days_ago(44),
        part_of_day="morning",
        method="letter",
        reached=False,
        note="Brief met aanbod van een gesprek",
    )
    # A signal with her BSN that nobody linked to a dossier yet.
    by_bsn = Submission.objects.create(
        municipality=team_oost.municipality,
        partner=partner_org,
        sent_by=partner_user,
        reference="ENERGIE-3",
        kind="signal",
        signal_type="energy",
        received_on=days_ago(3),
        respond_by=days_ago(1),
        status_since=days_ago(3),
        last_name="Inzagehof",
        bsn=BSN,
    )
    run = ImportRun.objects.create(
        municipality=team_oost.municipality, user=pro, mode="all", outcome="imported"
    )
    imported = ImportedRecord.objects.create(
        municipality=team_oost.municipality,
        kind=ImportKind.DOSSIER,
        external_id="OUD-4711",
        object_id=dossier.pk,
        run=run,
    )
    # Who looked: a refused attempt from another team (no client number on that line) and a
    # list page that showed her among others.
    log_access(
        user=pro_west,
        action=Action.READ,
        object_type="dossier",
        object_id=dossier.pk,
        result=Result.REFUSED,
    )
    log_access(
        user=colleague,
        action=Action.READ,
        object_type="list",
        object_id="my_work",
        detail={"clients": [client.pk + 1000, client.pk]},
    )
    earlier = AccessRequest.objects.create(
        municipality=team_oost.municipality,
        client=client,
        received_on=days_ago(400),
        reference="AVG-2025-001",
        handled_by=pro,
        produced_at=timezone.now() - dt.timedelta(days=390),
    )
    hold = LegalHold.objects.create(
        municipality=team_oost.municipality,
        client=client,
        reason="Bezwaarprocedure BZ-2026-12",
        placed_by=pro,
        placed_at=timezone.now(),
    )
    survey = Survey.objects.create(
        municipality=team_oost.municipality, title="Ervaringen 2026", created_by=pro
    )
    invitation = Invitation.objects.create(
        survey=survey,
        client=client,
        team=team_oost,
        age_band="65-74",
        invited_on=days_ago(20),
        reminded_on=days_ago(5),
    )
    Objection.objects.create(client=client, recorded_on=days_ago(2), recorded_by=pro)
    delivery = Delivery.objects.create(
        municipality=team_oost.municipality,
        source="spreadsheet",
        digest="0" * 64,
        period_start=days_ago(400).replace(day=1),
        period_end=days_ago(1),
    )
    wijk = Neighbourhood.objects.create(
        municipality=team_oost.municipality, name="Wijk A", cbs_code="WK999188"
    )
    listing = Listing.objects.create(
        municipality=team_oost.municipality,
        kind="request",
        posted_by=pro,
        client=client,
        title="Vervoer naar de dagbesteding",
        text="Wie rijdt mee?",
        help_kind="transport",
        neighbourhood=wijk,
        frequency="recurring",
        status="published",
    )
    connection = Connection.objects.create(
        listing=listing,
        member=Member.objects.create(
            municipality=team_oost.municipality, name="Bram", email="bram@example.nl"
        ),
        status="match",
        status_since=days_ago(3),
        matched_on=days_ago(3),
    )
    Message.objects.create(connection=connection, from_poster=False, text="Ik rijd graag.")
    carer = Carer.objects.create(
        municipality=team_oost.municipality,
        first_name="Greet",
        last_name="Inzagehof",
        birth_date=dt.date(1960, 2, 2),
        source="staff",
        status="registered",
        registered_on=days_ago(200),
    )
    CareRelation.objects.create(
        carer=carer,
        cared_for_name="Wilhelmina van Inzagehof",
        relation="partner",
        care_kinds=["household"],
        hours_per_week=20,
        since=days_ago(400),
        client=client,
        client_consent_on=days_ago(200),
    )
    Allocation.objects.create(
        municipality=team_oost.municipality,
        client=client,
        person=12345,
        number="T-1",
        record=67890,
        category="01",
        start_date=days_ago(300),
        end_date=days_ago(10),
        volume=3,
        unit="04",
        frequency="2",
        provider=Provider.objects.create(agb_code="42420001", name="Thuiszorg Oost"),
        delivery=delivery,
    )
    return {
        "client": client,
        "dossier": dossier,
        "invitation": invitation,
        "question": question,
        "contact": contact,
        "referral": referral,
        "consent": consent,
        "hold": hold,
        "zrm": zrm,
        "submission": submission,
        "attempt": attempt,
        "by_bsn": by_bsn,
        "imported": imported,
        "earlier": earlier,
        "team_request": team_request,
    }


@pytest.fixture
def neighbour(colleague: User, team_oost: Team, codes: dict[str, Any]) -> dict[str, Any]:
    """Someone else in the same team, with records that must not appear in her export."""
    client = registration.client_create(
        user=colleague,
        first_name="Buurman",
        last_name="Nietgezien",
        birth_date=dt.date(1970, 1, 1),
    )
    dossier = registration.dossier_create(
        user=colleague,
        client=client,
        team=team_oost,
        referrer=codes["self"],
        registered_on=days_ago(20),
    )
    registration.question_add(
        user=colleague,
        dossier=dossier,
        domain=codes["housing"],
        opened_on=days_ago(19),
        description="Lekkage bij de buren",
    )
    return {"client": client, "dossier": dossier}


@pytest.fixture
def access_request(admin_user: User, person: dict[str, Any]) -> AccessRequest:
    return AccessRequest.objects.create(
        municipality=admin_user.municipality,
        client=person["client"],
        received_on=days_ago(2),
        reference="AVG-2026-017",
        handled_by=admin_user,
    )
