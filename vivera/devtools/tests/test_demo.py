"""What a user of the demo relies on: the commands run, the data is consistent and deterministic,
the logins work, and at scale 1.0 the volumes look like the municipality of the evaluation study.

Expected figures are worked out here from the data, never from the generator's internals.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F, Q, Sum
from django.test import Client as HttpClient
from django.urls import reverse

from vivera.accounts.models import Role, User
from vivera.audit.services import log_access
from vivera.devtools.demo import reference as ref
from vivera.monitor.scope import month_end, months_between
from vivera.organisation.models import (
    CapacityIntervention,
    LifeDomain,
    Municipality,
    PostcodeArea,
    Team,
    TeamMembership,
)
from vivera.provisions.models import Allocation, AllocationCount, Delivery
from vivera.registration.bsn import is_valid_bsn
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

TODAY = dt.date(2026, 3, 16)
# The study's 26 months (November 2015 – December 2017) end on the 31 December before today.
YEARS = TODAY.year - 1 - 2017


def story(year: int, month: int, day: int) -> dt.date:
    """A day of the evaluation study, where it lies in a demo loaded on TODAY."""
    return dt.date(year + YEARS, month, day)


DEMO_CODE = "GM9901"
DEMO_PASSWORD = "vivera-demo-2026"  # documented in the demo_logins output
PERSONAS = {
    "professional": Role.PROFESSIONAL,
    "professional.west": Role.PROFESSIONAL,
    "coordinator": Role.COORDINATOR,
    "coordinator.west": Role.COORDINATOR,
    "beleid": Role.POLICY,
    "beheer": Role.ADMIN,
    "partner": Role.PARTNER,
    "onderzoeker": Role.RESEARCHER,
    "mantelzorg": Role.CARER_CONSULTANT,
}
OPEN = [
    DossierStatus.REGISTERED,
    DossierStatus.WAITING,
    DossierStatus.INTAKE,
    DossierStatus.ACTIVE,
    DossierStatus.WATCHING,
]


@pytest.fixture(autouse=True)
def fast_hasher(settings: Any) -> None:
    # The demo hashes its password once, but each login checks it; the default hasher is slow
    # on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, f"--today={TODAY.isoformat()}", stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, Any]:
    first = Client.objects.filter(municipality__cbs_code=DEMO_CODE).order_by("pk").first()
    return {
        "municipalities": Municipality.objects.filter(cbs_code=DEMO_CODE).count(),
        "users": User.objects.filter(municipality__cbs_code=DEMO_CODE).count(),
        "teams": Team.objects.filter(municipality__cbs_code=DEMO_CODE).count(),
        "clients": Client.objects.count(),
        "dossiers": Dossier.objects.count(),
        "changes": DossierStatusChange.objects.count(),
        "questions": Question.objects.count(),
        "contacts": ContactMoment.objects.count(),
        "zrm": ZrmAssessment.objects.count(),
        "short_contacts": ShortContact.objects.count(),
        "allocations": Allocation.objects.count(),
        "allocation_counts": AllocationCount.objects.count(),
        "first_client": first.full_name if first else None,
        "first_bsn": first.bsn if first else None,
    }


@pytest.fixture
def small_demo(db: Any) -> str:
    return run_demo("--seed=7", "--scale=0.05")


# --- The command ------------------------------------------------------------------------------


def test_command_is_deterministic_and_reset_replaces_without_duplicating(small_demo: str) -> None:
    assert "Zwijnwaard" in small_demo and "dossiers" in small_demo
    first = snapshot()
    assert first["dossiers"] > 50 and first["short_contacts"] > 100
    assert first["first_client"]

    # Without --reset an existing demo is left alone.
    assert "bestaat al" in run_demo("--seed=7", "--scale=0.05")
    assert snapshot() == first

    output = run_demo("--seed=7", "--scale=0.05", "--reset")
    assert "verwijderd" in output
    assert snapshot() == first  # same seed: same data, and nothing doubled

    run_demo("--seed=8", "--scale=0.05", "--reset")
    other = snapshot()
    assert other["municipalities"] == 1 and other["users"] == first["users"]
    assert (other["first_client"], other["dossiers"]) != (first["first_client"], first["dossiers"])


def test_reset_touches_only_the_demo_municipality(
    small_demo: str,
    pro: User,
    neighbourhood: Any,
    codes: dict[str, Any],
) -> None:
    other = pro.municipality
    client = Client.objects.create(
        municipality=other, first_name="Ander", last_name="Mens", created_by=pro
    )
    Dossier.objects.create(
        municipality=other,
        team=Team.objects.get(municipality=other),
        client=client,
        referrer=codes["self"],
        registered_on=TODAY,
        status_since=TODAY,
        created_by=pro,
    )
    run_demo("--scale=0.02", "--reset")
    assert Client.objects.filter(municipality=other).count() == 1
    assert Dossier.objects.filter(municipality=other).count() == 1
    assert PostcodeArea.objects.filter(postcode="9991").exists()
    assert User.objects.filter(username="pro").exists()


def test_reset_keeps_users_the_access_log_points_at(small_demo: str) -> None:
    """The access log is append-only and protects its users; a reset keeps them and the next
    demo takes them up again instead of failing or duplicating."""
    coordinator = User.objects.get(username="coordinator")
    log_access(user=coordinator, action="read", object_type="dossier", object_id=1)
    output = run_demo("--scale=0.05", "--reset")
    assert "blijven bestaan" in output
    assert User.objects.filter(username="coordinator").count() == 1
    coordinator.refresh_from_db()
    assert coordinator.memberships.filter(team__name="Oost").count() == 1
    assert Municipality.objects.filter(cbs_code=DEMO_CODE).count() == 1


def test_refuses_on_production_without_explicit_permission(db: Any, settings: Any) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="productie"):
        run_demo("--scale=0.02")
    assert not Municipality.objects.filter(cbs_code=DEMO_CODE).exists()


def test_bad_scale_is_refused(db: Any) -> None:
    with pytest.raises(CommandError, match="schaal"):
        run_demo("--scale=0")


# --- Consistency of the generated data ----------------------------------------------------


def test_dossier_status_agrees_with_its_status_changes(small_demo: str) -> None:
    dossiers = list(Dossier.objects.all())
    assert dossiers
    changes = histories(dossiers)
    for dossier in dossiers:
        history = changes[dossier.pk]
        assert_follows_the_life_cycle(dossier, history)
        last = history[-1]
        if any(c.to_status in (DossierStatus.INTAKE, DossierStatus.ACTIVE) for c in history):
            assert dossier.case_director_id is not None
        assert last.date <= TODAY


def test_questions_close_with_an_outcome_within_their_dossier(small_demo: str) -> None:
    questions = list(Question.objects.select_related("dossier"))
    assert questions
    for question in questions:
        dossier = question.dossier
        assert question.opened_on >= dossier.registered_on
        if question.closed_on is None:
            assert question.outcome_id is None
            assert dossier.status != DossierStatus.CLOSED
        else:
            assert question.outcome_id is not None
            assert question.closed_on >= question.opened_on
            if dossier.closed_on:
                assert question.closed_on <= dossier.closed_on
    kinds = Counter(
        Question.objects.filter(outcome__isnull=False).values_list("outcome__kind", flat=True)
    )
    assert set(kinds) == {"team", "general", "customised", "specialist", "withdrawn"}


def test_every_referral_to_a_partner_has_the_residents_consent(small_demo: str) -> None:
    from vivera.registration.models import ConsentScope, Referral, SharingConsent

    referrals = list(Referral.objects.filter(partner__isnull=False))
    assert referrals
    for referral in referrals:
        assert (
            SharingConsent.objects.filter(dossier_id=referral.dossier_id)
            .for_partner(referral.partner_id)
            .valid_on(referral.referred_on, scope=ConsentScope.REFERRAL)
            .exists()
        )


def test_every_zrm_assessment_scores_all_thirteen_domains(small_demo: str) -> None:
    zrm_domains = set(LifeDomain.objects.filter(in_zrm=True).values_list("pk", flat=True))
    assert len(zrm_domains) == 13
    assessments = ZrmAssessment.objects.annotate(n=Count("scores"))
    assert assessments.exists()
    assert set(assessments.values_list("n", flat=True)) == {13}
    for assessment in assessments.prefetch_related("scores"):
        assert {s.domain_id for s in assessment.scores.all()} == zrm_domains
        assert assessment.dossier.registered_on <= assessment.assessed_on <= TODAY
    assert not ZrmScore.objects.filter(Q(score__lt=1) | Q(score__gt=5)).exists()


def test_clients_live_in_the_demo_and_their_bsns_pass_the_eleven_test(small_demo: str) -> None:
    areas = dict(
        PostcodeArea.objects.filter(neighbourhood__municipality__cbs_code=DEMO_CODE).values_list(
            "postcode", "neighbourhood_id"
        )
    )
    clients = list(Client.objects.all())
    with_bsn = [c for c in clients if c.bsn]
    assert with_bsn and len(with_bsn) < len(clients)
    assert all(is_valid_bsn(c.bsn) for c in with_bsn)
    assert len({c.bsn for c in with_bsn}) == len(with_bsn)
    for client in clients:
        assert client.birth_date and client.first_name and client.last_name
        assert areas[client.postcode[:4]] == client.neighbourhood_id
        client.full_clean(exclude=["created_by"])  # postcode, BSN and e-mail validators
    assert Client.objects.filter(household__isnull=False).exists()


def test_contacts_short_contacts_and_formation(small_demo: str) -> None:
    assert not ContactMoment.objects.filter(date__lt=F("dossier__registered_on")).exists()
    assert not ContactMoment.objects.filter(date__gt=TODAY).exists()
    assert not ContactMoment.objects.annotate(n=Count("professionals")).filter(n=0).exists()
    walk_ins = ShortContact.objects.filter(channel="walk_in")
    assert walk_ins.exists() and not walk_ins.filter(location__isnull=True).exists()
    per_location = Counter(walk_ins.values_list("location__name", flat=True))
    assert max(per_location.values()) > 5 * min(per_location.values())  # very different use
    interventions = CapacityIntervention.objects.order_by("date")
    assert [i.date for i in interventions] == [story(2016, 4, 1), story(2016, 11, 1)]
    assert [i.name for i in interventions] == [
        f"Capaciteitsuitbreiding voorjaar {2016 + YEARS}",
        f"Capaciteitsuitbreiding november {2016 + YEARS}",
    ]
    for intervention in interventions:
        joined = TeamMembership.objects.filter(start_date=intervention.date)
        assert joined.exists() and intervention.fte_added > 0 and intervention.assumptions
    for user in User.objects.filter(municipality__cbs_code=DEMO_CODE):
        assert user.municipality_id is not None


# --- Logins ---------------------------------------------------------------------------------


def test_demo_logins_exist_and_can_log_in(small_demo: str) -> None:
    out = StringIO()
    call_command("demo_logins", stdout=out)
    table = out.getvalue()
    assert DEMO_PASSWORD in table
    for username, role in PERSONAS.items():
        assert username in table
        user = User.objects.get(username=username)
        assert user.role == role and user.municipality.cbs_code == DEMO_CODE
        # Through the login page (the lockout protection needs the request).
        response = HttpClient().post(
            reverse("login"), {"username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
    assert User.objects.get(username="beheer").is_staff
    assert User.objects.get(username="partner").partner is not None
    coordinator = User.objects.get(username="coordinator")
    assert coordinator.memberships.get().specialism == "coordination"
    professionals = User.objects.filter(
        municipality__cbs_code=DEMO_CODE, role=Role.PROFESSIONAL, is_active=True
    )
    assert professionals.count() >= 10


def test_work_lists_are_not_empty_today(small_demo: str) -> None:
    """Someone logging in today finds work: open dossiers with open questions for
    `professional`, and a waiting list (some without a case director) for the coordinator."""
    professional = User.objects.get(username="professional")
    mine = Dossier.objects.filter(case_director=professional, status__in=OPEN)
    assert mine.count() >= 3
    assert Question.objects.filter(dossier__in=mine, closed_on__isnull=True).count() >= 3
    oost = Team.objects.get(municipality__cbs_code=DEMO_CODE, name="Oost")
    waiting = Dossier.objects.filter(
        team=oost, status__in=[DossierStatus.REGISTERED, DossierStatus.WAITING]
    )
    assert waiting.filter(status=DossierStatus.WAITING).exists()
    assert waiting.filter(case_director__isnull=True).exists()
    assert waiting.filter(registered_on__gte=TODAY - dt.timedelta(weeks=3)).exists()
    assert oost.pk in User.objects.get(username="coordinator").team_ids(on=TODAY)


def test_demo_logins_without_a_demo(db: Any) -> None:
    out, err = StringIO(), StringIO()
    call_command("demo_logins", stdout=out, stderr=err)
    assert "vivera demo" in err.getvalue() and out.getvalue() == ""


# --- Scale 1.0: the municipality of the evaluation study -------------------------------------


def month_key(day: dt.date) -> tuple[int, int]:
    return day.year, day.month


def period_months() -> list[tuple[int, int]]:
    """The study's 26 months, where they lie in the demo."""
    return [(2015 + YEARS, 11), (2015 + YEARS, 12)] + [
        (y + YEARS, m) for y in (2016, 2017) for m in range(1, 13)
    ]


def waiting_on(day: dt.date, rows: list[tuple[int, str, dt.date]]) -> int:
    """Dossiers whose last status change on or before `day` put them on the waiting list."""
    status: dict[int, str] = {}
    for dossier_id, to_status, date in rows:  # ordered by date, pk
        if date <= day:
            status[dossier_id] = to_status
    return sum(1 for s in status.values() if s == DossierStatus.WAITING)


@pytest.mark.slow
def test_scale_one_looks_like_the_evaluation_study(db: Any) -> None:
    """One run at full size (≈ 5 s on SQLite): volumes, shares and the waiting list."""
    output = run_demo("--seed=42", "--scale=1.0")
    assert "gemaakt in" in output
    the_survey_looks_like_table_1()
    allocations_like_a_municipality_of_45000()
    a_carer_register_growing_from_300_to_420(story(2015, 11, 1))

    start, end = story(2015, 11, 1), story(2017, 12, 31)
    dossiers = Dossier.objects.filter(registered_on__range=(start, end))
    questions = Question.objects.filter(opened_on__range=(start, end))
    assert 1_500 <= dossiers.count() <= 1_900
    assert 1_900 <= questions.count() <= 2_300

    per_month = Counter(month_key(d) for d in dossiers.values_list("registered_on", flat=True))
    q_per_month = Counter(month_key(d) for d in questions.values_list("opened_on", flat=True))
    for month in period_months():
        assert 32 <= per_month[month] <= 101, (month, per_month[month])
        assert 51 <= q_per_month[month] <= 120, (month, q_per_month[month])
    # After the study the teams go on as in its last year, up to today.
    later = Counter(
        month_key(d)
        for d in Dossier.objects.filter(registered_on__gt=end).values_list(
            "registered_on", flat=True
        )
    )
    assert 55 <= later[(TODAY.year, 1)] <= 85 and 55 <= later[(TODAY.year, 2)] <= 85, later
    assert 20 <= later[(TODAY.year, 3)] <= 60, later  # up to the 16th
    assert not Dossier.objects.filter(registered_on__gt=TODAY).exists()

    money = questions.filter(domain__code="financien").count() / questions.count()
    assert 0.28 <= money <= 0.40, money
    partner = dossiers.filter(referrer__kind="partner").count() / dossiers.count()
    assert 0.65 <= partner <= 0.85, partner

    rows = list(
        DossierStatusChange.objects.order_by("date", "pk").values_list(
            "dossier_id", "to_status", "date"
        )
    )
    assert waiting_on(story(2016, 3, 31), rows) == 0  # before the summer of 2016
    assert waiting_on(story(2016, 8, 31), rows) > 0
    assert waiting_on(story(2016, 9, 30), rows) > 0
    assert waiting_on(story(2017, 3, 31), rows) == 0  # gone after November 2016
    assert waiting_on(story(2017, 9, 30), rows) == 0

    # Lead times of weeks to months.
    lead = [
        (c - o).days
        for o, c in questions.filter(closed_on__isnull=False).values_list("opened_on", "closed_on")
    ]
    assert 14 <= statistics.median(lead) <= 180

    # Self-reliance improves on average between intake and the closing measurement.
    intake = ZrmScore.objects.filter(assessment__moment="intake").values_list("score", flat=True)
    closure = ZrmScore.objects.filter(assessment__moment="closure").values_list("score", flat=True)
    assert statistics.mean(closure) > statistics.mean(intake)

    # Many short contacts, at all seven locations, one of them far busier than the quietest.
    walk_ins = Counter(
        ShortContact.objects.filter(channel="walk_in").values_list("location__name", flat=True)
    )
    assert len(walk_ins) == 7 and sum(walk_ins.values()) > 5_000
    assert max(walk_ins.values()) > 10 * min(walk_ins.values())


# --- A municipality that lives today ---------------------------------------------------------


def test_the_monitors_default_period_shows_a_living_municipality(small_demo: str) -> None:
    """The monitor opens on the 24 months up to today's month: every month has new dossiers,
    new questions, short contacts and closed questions."""
    from vivera.monitor.indicators import BY_CODE
    from vivera.monitor.scope import Scope
    from vivera.monitor.selectors import default_period

    municipality = Municipality.objects.get(cbs_code=DEMO_CODE)
    start, end = default_period([municipality], today=TODAY)
    assert (start, end) == (dt.date(TODAY.year - 2, TODAY.month + 1, 1), month_end(TODAY))
    scope = Scope((municipality,), start, end, suppress=False)

    def per_month(code: str) -> list[float]:
        table = BY_CODE[code].compute(scope)
        total = next(r for r in table.rows if r.is_total)
        return [c.value for c in total.cells[:-1]]

    for code in ("new_dossiers", "new_questions"):
        months = per_month(code)
        assert len(months) == 24 and all(n > 0 for n in months), (code, months)
    for model, field in ((Question, "closed_on"), (ShortContact, "date")):
        days = model.objects.filter(**{f"{field}__range": (start, end)})
        in_months = Counter(month_key(d) for d in days.values_list(field, flat=True))
        assert len(in_months) == 24, (model, sorted(in_months))


def test_the_history_ends_today_with_dossiers_open_in_every_stage(small_demo: str) -> None:
    """Dossiers close up to today, those that have not closed are open in the stage they
    reached, with their latest activity of the last weeks; nothing lies after today."""
    recent = TODAY - dt.timedelta(days=14)
    assert Dossier.objects.filter(closed_on__range=(recent, TODAY)).exists()
    assert Question.objects.filter(closed_on__range=(recent, TODAY)).exists()
    assert ShortContact.objects.filter(date__range=(recent, TODAY)).count() > 10
    open_dossiers = Dossier.objects.filter(status__in=OPEN)
    assert set(open_dossiers.values_list("status", flat=True)) == set(OPEN)
    professional = User.objects.get(username="professional")
    mine = open_dossiers.filter(case_director=professional)
    assert ContactMoment.objects.filter(dossier__in=mine, date__gte=recent).count() >= 3
    for model, field in (
        (Dossier, "registered_on"),
        (Dossier, "status_since"),
        (DossierStatusChange, "date"),
        (Question, "opened_on"),
        (Question, "closed_on"),
        (ContactMoment, "date"),
        (ZrmAssessment, "assessed_on"),
        (ShortContact, "date"),
    ):
        assert not model.objects.filter(**{f"{field}__gt": TODAY}).exists(), (model, field)


def test_walk_ins_fall_on_their_consultation_hours(small_demo: str) -> None:
    """Moved by whole years, the story keeps its weekdays right: every walk-in falls on a
    consultation hour of its location that was held that day."""
    from vivera.organisation.models import ConsultationHour

    hours = list(ConsultationHour.objects.filter(location__municipality__cbs_code=DEMO_CODE))
    walk_ins = ShortContact.objects.filter(channel="walk_in").values_list(
        "location_id", "date", "part_of_day"
    )
    for location_id, day, part in walk_ins:
        assert any(
            h.location_id == location_id
            and h.weekday == day.weekday()
            and h.part_of_day == part
            and h.valid_from <= day
            and (h.valid_until is None or day <= h.valid_until)
            for h in hours
        ), day
    assert not ShortContact.objects.filter(date__week_day__in=[1, 7]).exists()  # weekends


def test_rows_carry_the_moment_they_were_registered_not_the_moment_of_loading(
    small_demo: str,
) -> None:
    """What a user sees as "recorded at" (the right-of-access export, a partner's received
    time) is the planned day, in office hours, never later than the moment of loading."""
    from django.utils import timezone

    from vivera.partners.models import OutreachAttempt, Submission, SubmissionStatusChange
    from vivera.registration.models import OutreachActivity, Referral, SharingConsent

    checked = 0
    for model, moment, day in (
        (Dossier, "created_at", "registered_on"),
        (DossierStatusChange, "changed_at", "date"),
        (Question, "created_at", "opened_on"),
        (ContactMoment, "created_at", "date"),
        (Referral, "created_at", "referred_on"),
        (SharingConsent, "recorded_at", "given_on"),
        (ZrmAssessment, "created_at", "assessed_on"),
        (ShortContact, "created_at", "date"),
        (OutreachActivity, "created_at", "date"),
        (Submission, "received_at", "received_on"),
        (SubmissionStatusChange, "changed_at", "date"),
        (OutreachAttempt, "created_at", "date"),
    ):
        rows = list(model.objects.values_list(moment, day))
        assert rows, model
        for stamp, planned in rows:
            assert timezone.localtime(stamp).date() == planned, (model, stamp, planned)
        checked += len(rows)
    assert checked > 1_000
    # A client and its household: on the day of the client's first dossier.
    for client in Client.objects.filter(dossiers__isnull=False).distinct()[:200]:
        first = min(d.registered_on for d in client.dossiers.all())
        assert timezone.localtime(client.created_at).date() == first
    assert Client.objects.filter(created_at__date__lt=TODAY - dt.timedelta(days=365)).exists()
    # Changes on one day keep their order in time.
    for dossier in Dossier.objects.all()[:200]:
        stamps = list(dossier.status_changes.order_by("pk").values_list("changed_at", flat=True))
        assert stamps == sorted(stamps)


def test_the_partner_queue_shows_what_came_in_the_last_days(small_demo: str) -> None:
    """The team's queue (date received) and the partner's list and the detail page (moment
    received) agree, and the submissions came in during the last days."""
    from django.utils import timezone

    from vivera.conftest import login
    from vivera.partners.models import Submission

    submissions = list(Submission.objects.all())
    assert len(submissions) >= 5
    for submission in submissions:
        assert TODAY - dt.timedelta(days=10) <= submission.received_on <= TODAY
        assert timezone.localtime(submission.received_at).date() == submission.received_on
        if submission.kind == "signal":
            assert submission.reference.startswith(f"ZW-{submission.received_on.year}-")
    partner = login(User.objects.get(username="partner"))
    html = partner.get(reverse("portal:home")).content.decode()
    for submission in submissions:
        moment = timezone.localtime(submission.received_at)
        assert f"{moment:%d-%m-%Y %H:%M}" in html


def test_partner_signals_wait_in_the_queue_and_the_demo_key_opens_the_api(small_demo: str) -> None:
    from django.urls import reverse
    from rest_framework.test import APIClient

    from vivera.conftest import login
    from vivera.devtools.demo.partners import DEMO_API_KEY, SUBMISSIONS

    html = (
        login(User.objects.get(username="professional"))
        .get(reverse("partners:queue"))
        .content.decode()
    )
    assert "Hoeksema" in html and "te laat" in html
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {DEMO_API_KEY}")
    response = api.get(reverse("v1:partner_submission_list"))
    assert response.status_code == 200
    assert response.json()["count"] == len(SUBMISSIONS)


def test_demo_accounts_pass_the_second_step_with_the_public_demo_key(small_demo: str) -> None:
    from django_otp.oath import TOTP

    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert ref.DEMO_TOTP_KEY_BASE32 in out.getvalue()
    code = StringIO()
    call_command("demo_code", stdout=code, stderr=StringIO())
    assert code.getvalue().strip() == f"{TOTP(bytes.fromhex(ref.DEMO_TOTP_KEY_HEX)).token():06d}"
    client = HttpClient()
    client.post(reverse("login"), {"username": "professional", "password": DEMO_PASSWORD})
    response = client.post(
        reverse("two_factor_verify"), {"code": code.getvalue().strip(), "next": "/mijn-werk/"}
    )
    assert response.status_code == 302
    assert client.get("/mijn-werk/").status_code == 200


# Table 1 of the effect study: % agree, neutral, disagree of the valid answers; don't know of 182.
TABLE_1 = {
    "effect-act-myself": (85, 6, 9, 27),
    "effect-do-more-myself": (51, 30, 19, 46),
    "effect-network-looked-at": (51, 23, 26, 53),
    "effect-cope-unexpected": (50, 32, 18, 48),
    "effect-help-nearby": (43, 32, 25, 53),
}


def the_survey_looks_like_table_1() -> None:
    """Last year's closed survey: 182 respondents, the five statements within 3 points of the
    study, a mean mark near 7.4, and every survey indicator of the monitor filled."""
    from vivera.monitor.indicators import BY_CODE
    from vivera.monitor.scope import Scope
    from vivera.survey.models import Answer, Response, Survey

    municipality = Municipality.objects.get(cbs_code=DEMO_CODE)
    closed = Survey.objects.get(municipality=municipality, status="closed")
    assert Response.objects.filter(survey=closed).count() == 182
    year = TODAY.year - 1
    scope = Scope((municipality,), dt.date(year, 1, 1), dt.date(year, 12, 31), suppress=False)
    statements = {r.key: r.cells for r in BY_CODE["survey_statements"].compute(scope).rows}
    for code, (agree, neutral, disagree, dont_know) in TABLE_1.items():
        cells = statements[code]
        for got, expected in zip(cells[:3], (agree, neutral, disagree), strict=True):
            assert abs(got.value - expected) <= 3, (code, got.value, expected)
        assert abs(cells[5].value - dont_know) <= 3, (code, cells[5].value)
    mark = next(r for r in BY_CODE["survey_marks"].compute(scope).rows if r.key == "team-mark")
    assert 7.2 <= mark.cells[0].value <= 7.6
    for code in (
        "survey_choices",
        "survey_response",
        "survey_response_by_age",
        "survey_walk_in_points",
    ):
        assert not BY_CODE[code].compute(scope).is_empty, code
    # Open answers: most screened, some still waiting; one with a name was edited.
    screened = Counter(
        Answer.objects.filter(response__survey=closed, question__code="open-better").values_list(
            "screening", flat=True
        )
    )
    assert screened["pending"] and screened["approved"] and screened["edited"]
    # This year's survey is open, with answers, people still busy and reminders.
    current = Survey.objects.get(municipality=municipality, status="open")
    assert current.invitations.filter(answered=True).exists()
    assert current.invitations.filter(answered=False, response__isnull=False).exists()
    assert current.invitations.filter(reminded_on__isnull=False).exists()


def test_the_social_service_delivered_allocations_consistent_with_the_dossiers(
    small_demo: str,
) -> None:
    assert "Wmo-toewijzingen (sociale dienst)" in small_demo
    delivery = Delivery.objects.get(municipality__cbs_code=DEMO_CODE)
    assert delivery.period_start == story(2015, 11, 1).replace(day=1)
    assert delivery.period_end == month_end(TODAY)
    # Counts for every month of the history, up to today's.
    months = set(AllocationCount.objects.values_list("month", flat=True))
    assert sorted(months) == months_between(delivery.period_start, TODAY)
    # Most residents with an allocation are not clients: of them only counts are kept.
    running = AllocationCount.objects.filter(month=TODAY.replace(day=1)).aggregate(n=Sum("running"))
    kept = Allocation.objects.filter(municipality__cbs_code=DEMO_CODE).select_related("client")
    assert 0 < kept.count() < running["n"] / 3
    assert all(a.client.bsn for a in kept)  # linked by the BSN, so only clients with one
    assert {a.end_reason for a in kept if a.end_date and a.end_date <= TODAY} <= {
        "19",
        "02",
        "21",
        "23",
        "31",
        "38",
        "39",
    }
    assert fewer_new_in_the_last_year()
    assert allocated_after_a_referral(kept) >= 1  # a small demo has a handful of referrals


def fewer_new_in_the_last_year() -> bool:
    """Question 9's story: fewer new Wmo allocations in the last year than in the first."""
    months = sorted(
        AllocationCount.objects.filter(municipality__cbs_code=DEMO_CODE)
        .values("month")
        .annotate(n=Sum("started"))
        .values_list("month", "n")
    )
    first_year = sum(n for _m, n in months[:12])
    last_year = sum(n for _m, n in months[-13:-1])  # the current month is not over
    return last_year < first_year * 0.95


def allocated_after_a_referral(allocations: Iterable[Any]) -> int:
    """The clients' allocations that started within 12 months after a dossier of theirs opened,
    and after the team referred from that dossier to a customised provision (as the monitor's
    `after_dossier` counts them)."""
    return sum(
        Referral.objects.filter(
            dossier__client_id=allocation.client_id,
            provision_kind="customised",
            referred_on__lte=allocation.start_date,
            dossier__registered_on__lte=allocation.start_date,
            dossier__registered_on__gte=allocation.start_date - dt.timedelta(days=365),
        ).exists()
        for allocation in allocations
    )


def allocations_like_a_municipality_of_45000() -> None:
    """At full scale: as many new allocations as CBS's figures suggest (30–60 Wmo clients per
    1,000 residents), fewer in the last year, and most of the clients' after a referral."""
    new = sum(
        AllocationCount.objects.filter(
            municipality__cbs_code=DEMO_CODE,
            month__gte=story(2015, 11, 1),
            month__lt=story(2016, 11, 1),
        ).values_list("started", flat=True)
    )
    running = sum(
        AllocationCount.objects.filter(month=TODAY.replace(day=1)).values_list("running", flat=True)
    )
    assert 1_150 <= new <= 1_550 and 1_800 <= running <= 3_200, (new, running)
    assert fewer_new_in_the_last_year()
    kept = Allocation.objects.filter(municipality__cbs_code=DEMO_CODE)
    assert kept.count() >= 100 and allocated_after_a_referral(kept) >= kept.count() * 0.5


def test_the_activity_overview_has_six_clusters_and_targets_bound_to_its_figures(
    small_demo: str,
) -> None:
    from vivera.plans import selectors
    from vivera.plans.models import NoteState, Plan, StatusNote

    plan = Plan.objects.get(municipality__cbs_code=DEMO_CODE)
    assert plan.start_date <= TODAY <= plan.end_date
    overview = selectors.overview(plan, TODAY)
    assert len(overview.clusters) == 6
    targets = [p for c in overview.clusters for p in c.targets]
    bound = [p for p in targets if p.target.figure]
    assert len(bound) >= 6 and len(targets) - len(bound) == 2
    # A bound target has a measured value for the plan's first year, from the demo's figures.
    assert any(p.latest is not None for p in bound)
    assert StatusNote.objects.filter(
        activity__cluster__plan=plan, state=NoteState.PROPOSED, partner__isnull=False
    ).exists()


def a_carer_register_growing_from_300_to_420(start: dt.date) -> None:
    """The seed's register: 295 carers at the start of the plan, 418 at its end."""
    from django.db.models import Q

    from vivera.carers.models import Carer

    def registered(day: dt.date) -> int:
        return (
            Carer.objects.filter(registered_on__lte=day)
            .filter(Q(left_on__isnull=True) | Q(left_on__gt=day))
            .count()
        )

    assert 280 <= registered(start) <= 320, registered(start)
    assert 400 <= registered(TODAY) <= 440, registered(TODAY)
    left = Carer.objects.filter(left_on__range=(start, TODAY)).count()
    assert 50 <= left <= 200, left  # carers leave too: the growth is joiners minus leavers


def test_the_carer_register_lives(small_demo: str) -> None:
    from vivera.carers.models import Application, Carer, CareRelation, SupportRecord
    from vivera.monitor.indicators import BY_CODE
    from vivera.monitor.scope import Scope

    municipality = Municipality.objects.get(cbs_code=DEMO_CODE)
    carers = Carer.objects.filter(municipality=municipality)
    assert carers.filter(status="registered").exists() and carers.filter(status="left").exists()
    assert carers.filter(status="pending").exists()  # waiting for the link
    assert SupportRecord.objects.filter(carer__in=carers, follow_up_on__isnull=False).exists()
    assert CareRelation.objects.filter(carer__in=carers, client__isnull=False).exists()
    refused = Application.objects.filter(scheme__municipality=municipality, status="refused")
    assert Application.objects.filter(status="approved").exists() and refused.exists()
    assert not refused.filter(refusal_reason="").exists()
    # The monitor counts them month by month (the consultant's login: the logins test).
    table = BY_CODE["carers_registered"].compute(
        Scope((municipality,), dt.date(TODAY.year - 1, 1, 1), TODAY, suppress=False)
    )
    total = next(r for r in table.rows if r.key == "total")
    assert all(cell.value for cell in total.cells)


def test_voor_elkaar_is_lively(small_demo: str) -> None:
    from vivera.matching import selectors
    from vivera.matching.models import Connection, Listing

    municipality = Municipality.objects.get(cbs_code=DEMO_CODE)
    published = selectors.published(municipality)
    assert published.filter(kind="request").exists() and published.filter(kind="offer").exists()
    assert Connection.objects.filter(
        listing__municipality=municipality, matched_on__isnull=False
    ).exists()
    assert Listing.objects.filter(municipality=municipality, client__isnull=False).exists()
    assert "Voor elkaar" in small_demo
    # Replies happened over the demo period, not all on the day the demo was loaded.
    months = {
        (c.created_at.year, c.created_at.month)
        for c in Connection.objects.filter(listing__municipality=municipality)
    }
    assert len(months) >= 6
    # The team talks with a helper about a request for its client, and one reply waits for it.
    team_side = Connection.objects.filter(
        listing__municipality=municipality, listing__dossier__isnull=False
    )
    assert team_side.filter(messages__from_poster=True, poster_shared_by__isnull=False).exists()
    assert any(c.awaits_poster for c in team_side)
