"""`vivera monitor_benchmark`: the synthetic region obeys the model's rules, the command prints
its figures, and `--opruimen` removes the region and nothing else. No timing is asserted: the
figures are measured by hand and recorded in docs/benchmarks.md."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, F, Q

from vivera.accounts.models import Role, User
from vivera.devtools.benchmarks import region as bench
from vivera.devtools.benchmarks.monitor import policy_user
from vivera.organisation.models import LifeDomain, Municipality, TeamMembership
from vivera.registration.models import (
    Client,
    ContactMoment,
    Dossier,
    DossierStatus,
    DossierStatusChange,
    Question,
    Referral,
    ShortContact,
    ZrmAssessment,
    ZrmScore,
)
from vivera.registration.tests.life_cycle import assert_follows_the_life_cycle, histories

DOSSIERS, CONTACTS, SHORT = 300, 1_450, 200  # 4.83 contacts per dossier: the remainder path too


def run(*args: str) -> str:
    out = StringIO()
    call_command("monitor_benchmark", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def region(db: Any) -> None:
    bench.region_generate(dossiers=DOSSIERS, contacts=CONTACTS, short_contacts=SHORT)


@pytest.fixture
def region_output(db: Any) -> str:
    return run(
        "--regio",
        "--dossiers",
        str(DOSSIERS),
        "--contacten",
        str(CONTACTS),
        "--korte-contacten",
        str(SHORT),
        "--herhalingen",
        "1",
    )


def region_dossiers() -> Any:
    return Dossier.objects.filter(municipality__cbs_code__in=bench.REGION_CODES)


def test_the_command_prints_its_figures(region_output: str) -> None:
    out = region_output
    assert "Machine:" in out and "kernen" in out
    assert "Database:" in out
    assert "dossiers" in out and "contactmomenten" in out and "korte contacten" in out
    assert "compute_all — regio van 6 gemeenten" in out
    assert "compute_all — gemeente Benchmark-1" in out
    assert "dashboard — Benchmark-1 als benchmark-1-beleid" in out and "status 200" in out
    assert "mediaan" in out and "max" in out
    assert "Per indicator" in out and "waiting_list" in out and "integral_work" in out
    # A second run reuses the region instead of writing it again.
    again = run("--regio", "--dossiers", str(DOSSIERS), "--herhalingen", "1", "--zonder-profiel")
    assert "hergebruikt" in again and "Regio gemaakt" not in again
    assert region_dossiers().count() == DOSSIERS


def test_region_sizes_and_organisation(region: None) -> None:
    municipalities = bench.region_municipalities()
    assert [m.cbs_code for m in municipalities] == list(bench.REGION_CODES)
    assert region_dossiers().count() == DOSSIERS
    assert ContactMoment.objects.filter(dossier__in=region_dossiers()).count() == CONTACTS
    assert ShortContact.objects.filter(municipality__in=municipalities).count() == SHORT
    # Every municipality has work, teams of different sizes get different volumes.
    per_municipality = dict(
        region_dossiers().values_list("municipality__cbs_code").annotate(n=Count("pk")).order_by()
    )
    assert set(per_municipality) == set(bench.REGION_CODES)
    for municipality in municipalities:
        policy = policy_user(municipality)
        assert policy is not None and policy.role == Role.POLICY
        assert not policy.has_usable_password()
    assert (
        User.objects.filter(username__startswith=bench.USERNAME_PREFIX)
        .exclude(municipality__in=municipalities)
        .count()
        == 0
    )
    # Ids were given explicitly: the sequences must have moved past them.
    dossier = region_dossiers().first()
    client = Client.objects.create(
        municipality=dossier.municipality,
        first_name="Na",
        last_name="Benchmark",
        created_by=dossier.created_by,
    )
    assert client.pk > Client.objects.exclude(pk=client.pk).order_by("-pk").first().pk


def test_status_histories_follow_the_life_cycle(region: None) -> None:
    dossiers = list(region_dossiers())
    changes = histories(dossiers)
    statuses = set()
    for dossier in dossiers:
        assert_follows_the_life_cycle(dossier, changes[dossier.pk])
        last = changes[dossier.pk][-1]
        assert last.date <= bench.HORIZON
        if dossier.status in (DossierStatus.INTAKE, DossierStatus.ACTIVE, DossierStatus.WATCHING):
            assert dossier.case_director_id is not None
        assert dossier.client.municipality_id == dossier.municipality_id
        assert dossier.team.municipality_id == dossier.municipality_id
        statuses.add(dossier.status)
    # Closed, open in care and waiting dossiers all occur (the indicators need each).
    assert {DossierStatus.CLOSED, DossierStatus.ACTIVE, DossierStatus.REGISTERED} <= statuses


def test_questions_referrals_and_zrm_obey_the_constraints(region: None) -> None:
    questions = Question.objects.filter(dossier__in=region_dossiers()).select_related("dossier")
    assert DOSSIERS < questions.count() < 1.5 * DOSSIERS
    for question in questions:
        dossier = question.dossier
        assert dossier.registered_on <= question.opened_on <= bench.HORIZON
        assert (question.closed_on is None) == (question.outcome_id is None)
        if question.closed_on is not None:
            assert question.opened_on <= question.closed_on <= bench.HORIZON
            if dossier.closed_on is not None:
                assert question.closed_on <= dossier.closed_on
        else:
            assert dossier.status != DossierStatus.CLOSED
    assert questions.filter(closed_on__isnull=True).exists()
    referrals = Referral.objects.filter(dossier__in=region_dossiers())
    assert referrals.exists()
    assert not referrals.exclude(question__dossier_id=F("dossier_id")).exists()
    assert not referrals.filter(referred_on__lt=F("dossier__registered_on")).exists()

    zrm = set(LifeDomain.objects.filter(in_zrm=True).values_list("pk", flat=True))
    assessments = ZrmAssessment.objects.filter(dossier__in=region_dossiers())
    assert assessments.filter(moment="intake").exists()
    assert assessments.exclude(moment="intake").exists()
    for assessment in assessments.prefetch_related("scores"):
        assert {s.domain_id for s in assessment.scores.all()} == zrm
        assert assessment.dossier.registered_on <= assessment.assessed_on <= bench.HORIZON
    scores = ZrmScore.objects.filter(assessment__in=assessments)
    assert not scores.filter(Q(score__lt=1) | Q(score__gt=5)).exists()


def test_contacts_and_short_contacts(region: None) -> None:
    contacts = ContactMoment.objects.filter(dossier__in=region_dossiers())
    assert not contacts.filter(minutes__lte=0).exists()
    assert not contacts.filter(date__lt=F("dossier__registered_on")).exists()
    assert not contacts.filter(date__gt=F("dossier__closed_on")).exists()
    assert not contacts.filter(date__gt=bench.HORIZON).exists()
    counted = dict(contacts.annotate(n=Count("professionals")).values_list("pk", "n"))
    assert set(counted.values()) == {1, 2}
    members = set(TeamMembership.objects.values_list("team_id", "user_id"))
    through = ContactMoment.professionals.through.objects.filter(contactmoment__in=contacts)
    for team_id, user_id in through.values_list("contactmoment__dossier__team_id", "user_id"):
        assert (team_id, user_id) in members
    assert not contacts.exclude(professionals=F("created_by")).exists()

    short = ShortContact.objects.filter(municipality__cbs_code__in=bench.REGION_CODES)
    walk_ins = short.filter(channel="walk_in")
    assert walk_ins.exists() and not walk_ins.filter(location__isnull=True).exists()
    assert not short.exclude(channel="walk_in").filter(location__isnull=False).exists()
    assert (
        not short.exclude(location__isnull=True)
        .exclude(location__municipality_id=F("municipality_id"))
        .exists()
    )
    assert not short.filter(Q(date__lt=bench.BASE) | Q(date__gt=bench.HORIZON)).exists()


def test_opruimen_removes_the_region_and_nothing_else(
    region: None, municipality: Municipality, pro: User
) -> None:
    own = Client.objects.create(
        municipality=municipality, first_name="Eigen", last_name="Cliënt", created_by=pro
    )
    out = run("--opruimen")
    assert "Benchmarkregio verwijderd" in out
    assert not Municipality.objects.filter(cbs_code__in=bench.REGION_CODES).exists()
    assert not User.objects.filter(username__startswith=bench.USERNAME_PREFIX).exists()
    assert not Dossier.objects.filter(municipality__name__startswith="Benchmark-").exists()
    assert not DossierStatusChange.objects.exists()
    assert not ContactMoment.professionals.through.objects.exists()
    assert (
        Client.objects.filter(pk=own.pk).exists()
        and Municipality.objects.filter(pk=municipality.pk).exists()
    )
    assert "Er was geen benchmarkregio" in run("--opruimen")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the refusal is SQLite's")
def test_the_full_region_is_refused_on_sqlite(db: Any) -> None:
    with pytest.raises(CommandError, match="PostgreSQL"):
        run("--regio", "--dossiers", "1000000")
    assert not Municipality.objects.filter(cbs_code__in=bench.REGION_CODES).exists()


def test_the_demo_mode_measures_a_given_municipality(region: None) -> None:
    out = run(
        "--gemeente",
        "GM8002",
        "--herhalingen",
        "1",
        "--zonder-profiel",
        "--van",
        "2017-01-01",
        "--tot",
        "2017-06-30",
    )
    assert "compute_all — gemeente Benchmark-2" in out
    assert "01-01-2017 t/m 30-06-2017 (6 maanden)" in out
    assert "dashboard — Benchmark-2" in out
    with pytest.raises(CommandError, match="Geen gemeente"):
        run("--gemeente", "GM0000")


def test_the_demo_is_measured_over_the_period_the_monitor_opens_with(db: Any) -> None:
    """Without --van/--tot the demo municipality is measured over the 24 months up to its last
    month with data (its history ends on the day it was loaded), as the monitor opens."""
    call_command("demo", "--scale=0.02", "--seed=7", "--today=2026-03-16", stdout=StringIO())
    out = run("--herhalingen", "1", "--zonder-profiel")
    assert "gemeente Zwijnwaard" in out
    assert "01-04-2024 t/m 31-03-2026 (24 maanden)" in out
    with pytest.raises(CommandError, match="voor het begin"):
        run("--tot", "2020-01-31", "--herhalingen", "1", "--zonder-profiel")
