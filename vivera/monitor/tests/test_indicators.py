"""Every indicator on small hand-built data. Expected figures are worked out in the comments,
by hand, from the dates in the test: never by the code under test."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from vivera.accounts.models import Role
from vivera.monitor.indicators import BY_CODE, INDICATORS, _hours_held, compute_all
from vivera.monitor.scope import Scope
from vivera.monitor.stats import percentile
from vivera.organisation.models import (
    ConsultationHour,
    LifeDomain,
    Neighbourhood,
    Outcome,
    Referrer,
    Specialism,
    TeamMembership,
)
from vivera.registration.models import (
    ContactMoment,
    CoreTask,
    DossierStatus,
    OutreachActivity,
    ProvisionKind,
    Question,
    Referral,
    ShortContact,
    ZrmAssessment,
    ZrmScore,
)

pytestmark = pytest.mark.django_db
D = dt.date
S = DossierStatus


def row(table, key):
    return next(r for r in table.rows if r.key == str(key))


def values(table, key):
    return [c.value for c in row(table, key).cells]


# --- percentiles -------------------------------------------------------------------------------


def test_percentiles_interpolate_like_a_spreadsheet():
    # Values 1, 2, 3, 4: PERCENTILE.INC gives median (1.5th of 0..3) = 2.5,
    # 75th: rank 0.75 × 3 = 2.25 → 3 + 0.25 × (4 − 3) = 3.25; 90th: rank 2.7 → 3.7.
    histogram = {1: 1, 2: 1, 3: 1, 4: 1}
    assert percentile(histogram, 50) == 2.5
    assert percentile(histogram, 75) == pytest.approx(3.25)
    assert percentile(histogram, 90) == pytest.approx(3.7)
    # Repeated values: 0, 0, 0, 10 → median rank 1.5 → 0; 90th rank 2.7 → 0 + 0.7 × 10 = 7.
    assert percentile({0: 3, 10: 1}, 50) == 0
    assert percentile({0: 3, 10: 1}, 90) == pytest.approx(7.0)
    assert percentile({5: 1}, 90) == 5
    assert percentile({}, 50) is None


# --- 1 inflow ----------------------------------------------------------------------------------


def test_new_dossiers_per_month_per_team(make_dossier, team_oost, team_west, other_team, q1_2017):
    make_dossier(team_oost, D(2017, 1, 3))
    make_dossier(team_oost, D(2017, 1, 31))
    make_dossier(team_oost, D(2017, 3, 1))
    make_dossier(team_west, D(2017, 2, 14))
    make_dossier(team_oost, D(2016, 12, 31))  # before the period
    make_dossier(team_oost, D(2017, 4, 1))  # after it
    make_dossier(other_team, D(2017, 1, 10))  # another municipality
    table = BY_CODE["new_dossiers"].compute(q1_2017)
    assert table.columns[:3] == ["jan 2017", "feb 2017", "mrt 2017"]
    # Oost: Jan 2, Feb 0 (a month with no data is 0), Mar 1, total 3. West: Feb 1.
    assert values(table, team_oost.pk) == [2, 0, 1, 3]
    assert values(table, team_west.pk) == [0, 1, 0, 1]
    assert values(table, "total") == [2, 1, 1, 4]
    assert other_team.name not in [r.label for r in table.rows]


def test_new_questions_and_the_referrer_kind(make_dossier, team_oost, pro, codes, q1_2017):
    signal = Referrer.objects.get(code="vroegsignaal")
    a = make_dossier(team_oost, D(2017, 1, 5), referrer=signal)
    make_dossier(team_oost, D(2017, 2, 5), referrer=codes["self"])
    make_dossier(team_oost, D(2017, 2, 6))  # GP: a partner
    for domain, opened in (
        (codes["money"], D(2017, 1, 5)),
        (codes["money"], D(2017, 2, 1)),
        (codes["housing"], D(2017, 2, 1)),
    ):
        Question.objects.create(dossier=a, domain=domain, opened_on=opened, created_by=pro)
    questions = BY_CODE["new_questions_by_domain"].compute(q1_2017)
    assert values(questions, codes["money"].pk) == [2]
    assert values(questions, codes["housing"].pk) == [1]
    assert values(questions, "total") == [3]
    monthly = BY_CODE["new_questions"].compute(q1_2017)
    assert values(monthly, "total") == [1, 2, 0, 3]
    started = BY_CODE["proactive"].compute(q1_2017)
    assert values(started, "signal") == [1, 0, 0, 1]
    assert values(started, "self") == [0, 1, 0, 1]
    assert values(started, "partner") == [0, 1, 0, 1]
    assert values(started, "outreach") == [0, 0, 0, 0]


# --- 2 lead time -------------------------------------------------------------------------------


def test_lead_time_median_and_percentiles(make_dossier, team_oost, pro, codes, q1_2017):
    d = make_dossier(team_oost, D(2016, 12, 1))

    def q(opened, closed, domain=codes["money"]):
        Question.objects.create(
            dossier=d,
            domain=domain,
            opened_on=opened,
            closed_on=closed,
            outcome=codes["solved"] if closed else None,
            created_by=pro,
        )

    q(D(2017, 1, 10), D(2017, 1, 10))  # opened and closed the same day: 0 days
    q(D(2017, 1, 1), D(2017, 1, 11))  # 10 days
    q(D(2016, 12, 20), D(2017, 1, 9))  # 20 days, opened before the period
    q(D(2017, 2, 1), D(2017, 3, 3))  # 30 days (February has 28)
    q(D(2017, 1, 1), None)  # still open: no lead time
    q(D(2016, 12, 1), D(2016, 12, 30))  # closed before the period
    q(D(2017, 3, 1), D(2017, 4, 2))  # closed after it
    table = BY_CODE["lead_time"].compute(q1_2017)
    # 0, 10, 20, 30: median 15; 75th rank 2.25 → 20 + 2.5 = 22.5; 90th rank 2.7 → 27; n = 4.
    assert values(table, codes["money"].pk) == [15.0, 22.5, 27.0, 4]
    assert values(table, codes["housing"].pk) == [None, None, None, 0]
    assert values(table, "total") == [15.0, 22.5, 27.0, 4]
    trend = BY_CODE["lead_time_trend"].compute(q1_2017)
    # January closes 0, 10, 20 → median 10; February none; March 30.
    assert values(trend, "p50") == [10.0, None, 30.0]


def test_age_of_open_questions_on_the_last_day(make_dossier, team_oost, pro, codes, q1_2017):
    # The period's last month is March 2017; age is counted in whole months before it.
    d = make_dossier(team_oost, D(2015, 12, 1))
    for opened, closed in (
        (D(2017, 3, 31), None),  # opened in March: the last month
        (D(2017, 3, 1), D(2017, 4, 1)),  # still open on 31 March
        (D(2016, 12, 31), None),  # December: 3 months earlier
        (D(2017, 1, 1), None),  # January: 2 months earlier
        (D(2016, 3, 15), D(2017, 4, 15)),  # March 2016: 12 months earlier
        (D(2017, 1, 2), D(2017, 3, 31)),  # closed on the last day
        (D(2017, 4, 2), None),
    ):  # opened after the period
        Question.objects.create(
            dossier=d,
            domain=codes["money"],
            opened_on=opened,
            closed_on=closed,
            outcome=codes["solved"] if closed else None,
            created_by=pro,
        )
    table = BY_CODE["open_question_age"].compute(q1_2017)
    # Bands: this month 2, 1–2 months 1, 3–5 months 1, 6–11 months 0, 12 or more 1; total 5.
    assert [r.cells[0].value for r in table.rows] == [2, 1, 1, 0, 1, 5]


# --- 3 waiting list and 10 formation -----------------------------------------------------------


@pytest.fixture
def waiting_histories(make_dossier, team_oost):
    # A waits from 12 Jan until its intake on 5 March.
    make_dossier(
        team_oost, D(2017, 1, 10), ((S.WAITING, D(2017, 1, 12)), (S.INTAKE, D(2017, 3, 5)))
    )
    # B: registered 20 Feb, intake 25 Feb; never on the list at a month end.
    make_dossier(team_oost, D(2017, 2, 20), ((S.INTAKE, D(2017, 2, 25)),))
    # C: registered 30 March and still waiting for its intake.
    make_dossier(team_oost, D(2017, 3, 30))
    # D: its history was entered out of order: the intake (10 Feb) before the waiting list
    # (6 Jan). Read by effective date it waited from 6 Jan to 10 Feb.
    make_dossier(team_oost, D(2017, 1, 5), ((S.INTAKE, D(2017, 2, 10)), (S.WAITING, D(2017, 1, 6))))
    # E: in care since December, closed 15 Jan and re-opened 10 Feb.
    make_dossier(
        team_oost,
        D(2016, 12, 1),
        ((S.INTAKE, D(2016, 12, 5)), (S.CLOSED, D(2017, 1, 15)), (S.ACTIVE, D(2017, 2, 10))),
    )


def test_waiting_list_at_each_month_end(waiting_histories, team_oost, q1_2017):
    table = BY_CODE["waiting_list"].compute(q1_2017)
    # 31 Jan: A and D wait. 28 Feb: A (B and D had their intake). 31 Mar: C.
    assert values(table, team_oost.pk) == [2, 1, 1]
    assert values(table, "total") == [2, 1, 1]


def test_waiting_time_from_registration_to_intake(waiting_histories, q1_2017):
    table = BY_CODE["waiting_time"].compute(q1_2017)
    # Intakes: B 25 Feb (5 days), D 10 Feb (36 days), A 5 Mar (54 days). E's intake was in
    # December, outside the period. February: median of 5 and 36 = 20.5.
    assert values(table, "p50") == [None, 20.5, 54.0]


def test_caseload_and_waiting_per_fte(waiting_histories, pro, colleague, q1_2017):
    # pro and colleague each 0.80 fte in Oost (fixtures) = 1.6 fte.
    table = BY_CODE["formation"].compute(q1_2017)
    assert values(table, "fte") == [1.6, 1.6, 1.6]
    # In care: 31 Jan none (E closed); 28 Feb B, D, E = 3; 31 Mar A, B, D, E = 4.
    # 3 / 1.6 = 1.875 → 1.9; 4 / 1.6 = 2.5.
    assert values(table, "caseload_per_fte") == [0.0, 1.9, 2.5]
    # Waiting 2, 1, 1 per 1.6 fte = 1.25, 0.625, 0.625.
    assert values(table, "waiting_per_fte") == pytest.approx([1.25, 0.625, 0.625], abs=0.006)


def test_fte_follows_the_formation_over_time(pro, team_oost, make_user, q1_2017):
    extra = make_user("extra", Role.PROFESSIONAL, team_oost.municipality)
    TeamMembership.objects.create(
        team=team_oost,
        user=extra,
        specialism=Specialism.MENTAL_HEALTH,
        fte=Decimal("0.50"),
        start_date=D(2017, 2, 15),
        end_date=D(2017, 3, 10),
    )
    table = BY_CODE["formation"].compute(q1_2017)
    # 0.8 all along; 0.5 more on 28 Feb only.
    assert values(table, "fte") == [0.8, 1.3, 0.8]


# --- 4 core tasks ------------------------------------------------------------------------------


def test_time_per_core_task_includes_outreach(make_dossier, team_oost, pro, codes, q1_2017):
    d = make_dossier(team_oost, D(2017, 1, 2))
    for task, minutes, date in (
        (CoreTask.SUPPORT, 90, D(2017, 1, 5)),
        (CoreTask.REFERRAL, 30, D(2017, 3, 31)),
        (CoreTask.SUPPORT, 600, D(2017, 4, 1)),
    ):  # after the period
        c = ContactMoment.objects.create(
            dossier=d,
            date=date,
            kind=codes["phone"],
            core_task=task,
            minutes=minutes,
            created_by=pro,
        )
        c.professionals.add(pro)
    OutreachActivity.objects.create(
        municipality=team_oost.municipality,
        team=team_oost,
        date=D(2017, 2, 1),
        kind="network",
        description="Buurtnetwerk",
        hours=Decimal("2.00"),
        registered_by=pro,
    )
    table = BY_CODE["core_tasks"].compute(q1_2017)
    # 1.5 h support, 0.5 h referral, 2 h outreach: 4 h; shares 37.5 %, 12.5 %, 50 %.
    assert values(table, CoreTask.SUPPORT) == [1.5, 37.5]
    assert values(table, CoreTask.REFERRAL) == [0.5, 12.5]
    assert values(table, CoreTask.OUTREACH) == [2.0, 50.0]
    assert values(table, CoreTask.WATCHING) == [0.0, 0.0]
    assert values(table, "total") == [4.0, 100.0]


def test_a_hidden_month_of_outreach_cannot_be_worked_out_from_the_core_tasks(
    team_oost, pro, municipality
):
    # Outreach activities: January 10 of 1 hour, February 1 of 3 hours, March 10 of 1 hour.
    for day, count, hours in (
        (D(2017, 1, 9), 10, "1"),
        (D(2017, 2, 1), 1, "3"),
        (D(2017, 3, 9), 10, "1"),
    ):
        for _i in range(count):
            OutreachActivity.objects.create(
                municipality=municipality,
                team=team_oost,
                date=day,
                kind="network",
                description="Buurt",
                hours=Decimal(hours),
                registered_by=pro,
            )
    scope = Scope((municipality,), D(2017, 1, 1), D(2017, 3, 31))  # perturbed, as policy
    monthly = row(BY_CODE["outreach_hours"].compute(scope), "hours").cells
    # February rests on one activity: hidden. The other months and the period are shown, but
    # perturbed: each amount of hours moves with the noise of its own count of activities
    # (January's 10 hours with its 10 activities, by at most 4 of them; the period's 23 hours
    # with its 21), so 23 − 10 − 10 no longer gives February.
    assert monthly[1].suppressed and not monthly[0].suppressed and not monthly[2].suppressed
    assert all(c.perturbed for c in monthly)
    assert 6.0 <= monthly[0].value <= 14.0
    assert round(23 * 17 / 21, 1) <= monthly[3].value <= round(23 * 25 / 21, 1)
    outreach = row(BY_CODE["core_tasks"].compute(scope), CoreTask.OUTREACH).cells
    assert outreach[0].value == monthly[3].value  # the same records: the same figure
    exact = Scope((municipality,), D(2017, 1, 1), D(2017, 3, 31), suppress=False)
    assert row(BY_CODE["core_tasks"].compute(exact), CoreTask.OUTREACH).cells[0].value == 23.0


# --- 5 way of working --------------------------------------------------------------------------


def test_consultation_hours_held_are_counted_by_weekday():
    # January 2017 starts on a Sunday: Mondays are 2, 9, 16, 23, 30.
    assert _hours_held(D(2017, 1, 1), D(2017, 1, 31), 0) == 5
    # Tuesdays 3, 10, 17, 24, 31.
    assert _hours_held(D(2017, 1, 1), D(2017, 1, 31), 1) == 5
    # Saturdays 7, 14, 21, 28.
    assert _hours_held(D(2017, 1, 1), D(2017, 1, 31), 5) == 4
    assert _hours_held(D(2017, 1, 3), D(2017, 1, 8), 0) == 0
    assert _hours_held(D(2017, 1, 9), D(2017, 1, 9), 0) == 1


def test_short_contacts_and_visits_per_hour(location, pro, codes, municipality, q1_2017):
    ConsultationHour.objects.create(
        location=location,
        weekday=0,
        part_of_day="morning",
        valid_from=D(2017, 1, 1),
        valid_until=D(2017, 1, 31),
    )
    for day, part in [(D(2017, 1, 2), "morning")] * 8 + [(D(2017, 1, 9), "afternoon")] * 2:
        ShortContact.objects.create(
            municipality=municipality,
            date=day,
            part_of_day=part,
            channel="walk_in",
            location=location,
            domain=codes["money"],
            result="answered",
            registered_by=pro,
        )
    ShortContact.objects.create(
        municipality=municipality,
        date=D(2017, 2, 1),
        part_of_day="evening",
        channel="phone",
        domain=codes["money"],
        result="referred",
        registered_by=pro,
    )
    contacts = BY_CODE["short_contacts"].compute(q1_2017)
    assert values(contacts, f"location-{location.pk}") == [8, 2, 0, 10]
    assert values(contacts, "channel-phone") == [0, 0, 1, 1]
    assert values(contacts, "total") == [8, 2, 1, 11]
    per_hour = BY_CODE["visits_per_hour"].compute(q1_2017)
    # The hour is on Monday morning: the 8 visits on Monday 2 January in the morning count,
    # the 2 on Monday 9 January in the afternoon do not. 8 over the 5 Monday mornings of
    # January = 1.6 per hour.
    assert values(per_hour, location.pk) == [1.6, 8, 5]


def test_integral_work_counts_domains_and_disciplines(
    make_dossier, team_oost, pro, colleague, codes, q1_2017
):
    TeamMembership.objects.filter(user=colleague).update(specialism=Specialism.DISTRICT_NURSE)
    closed = ((S.INTAKE, D(2016, 12, 2)), (S.CLOSED, D(2017, 2, 10)))
    both = make_dossier(team_oost, D(2016, 12, 1), closed)
    single = make_dossier(team_oost, D(2016, 12, 1), closed)
    make_dossier(team_oost, D(2016, 12, 1), ((S.INTAKE, D(2016, 12, 2)),))  # still open
    make_dossier(team_oost, D(2016, 12, 1), ((S.CLOSED, D(2017, 4, 1)),))  # closed after it
    # Two domains: one question before the period, one in it; the whole dossier counts.
    for domain, opened in ((codes["money"], D(2016, 12, 2)), (codes["housing"], D(2017, 1, 2))):
        Question.objects.create(dossier=both, domain=domain, opened_on=opened, created_by=pro)
    for opened in (D(2016, 12, 2), D(2017, 1, 2)):  # two questions, one domain
        Question.objects.create(
            dossier=single, domain=codes["money"], opened_on=opened, created_by=pro
        )
    c = ContactMoment.objects.create(
        dossier=both, date=D(2016, 12, 5), kind=codes["phone"], minutes=30, created_by=pro
    )
    c.professionals.add(pro, colleague)  # AMW and district nurse, before the period
    c = ContactMoment.objects.create(
        dossier=single, date=D(2017, 1, 5), kind=codes["phone"], minutes=30, created_by=pro
    )
    c.professionals.add(pro)
    table = BY_CODE["integral_work"].compute(q1_2017)
    # 2 dossiers closed in the period; 1 has two domains and 1 has two disciplines: 50 % each.
    assert values(table, "domains") == [50.0, 1]
    assert values(table, "disciplines") == [50.0, 1]
    assert values(table, "total") == [None, 2]


def test_per_neighbourhood_with_cbs_codes(
    make_dossier, team_oost, neighbourhood, location, municipality, pro, codes, q1_2017
):
    make_dossier(team_oost, D(2017, 1, 2), neighbourhood=neighbourhood)
    make_dossier(team_oost, D(2017, 1, 3))
    location.neighbourhood = neighbourhood
    location.save()
    for channel, at in (("walk_in", location), ("phone", None)):
        ShortContact.objects.create(
            municipality=municipality,
            date=D(2017, 2, 1),
            part_of_day="morning",
            channel=channel,
            location=at,
            domain=codes["money"],
            result="answered",
            registered_by=pro,
        )
    table = BY_CODE["by_neighbourhood"].compute(q1_2017)
    # The walk-in counts in the location's neighbourhood; a phone call has no neighbourhood
    # and is not counted here (it is in the short contacts per channel).
    assert values(table, neighbourhood.cbs_code) == [1, 1]
    assert values(table, "unknown") == [1, 0]
    # The location moves to another neighbourhood: its short contacts move with it.
    location.neighbourhood = None
    location.save()
    table = BY_CODE["by_neighbourhood"].compute(q1_2017)
    assert values(table, neighbourhood.cbs_code) == [1, 0]
    assert values(table, "unknown") == [1, 1]
    assert row(table, neighbourhood.cbs_code).label == "Centrum (WK999101)"


# --- 6 self-reliance ---------------------------------------------------------------------------


def test_zrm_change_of_each_later_score_against_the_first_intake(
    make_dossier, team_oost, pro, codes, q1_2017
):
    money = codes["money"]

    def assess(dossier, moment, date, score):
        a = ZrmAssessment.objects.create(
            dossier=dossier, moment=moment, assessed_on=date, assessed_by=pro
        )
        ZrmScore.objects.create(assessment=a, domain=money, score=score)

    one = make_dossier(team_oost, D(2016, 11, 1))
    assess(one, "intake", D(2016, 11, 5), 2)
    assess(one, "evaluation", D(2016, 12, 5), 5)  # before the period: not counted
    assess(one, "evaluation", D(2017, 1, 5), 3)  # 2 → 3
    assess(one, "closure", D(2017, 3, 20), 4)  # 2 → 4
    assess(one, "intake", D(2017, 3, 1), 1)  # a second intake: the first one is the basis
    two = make_dossier(team_oost, D(2016, 12, 1))
    assess(two, "intake", D(2016, 12, 5), 3)
    assess(two, "evaluation", D(2017, 2, 5), 3)  # 3 → 3
    assess(two, "closure", D(2017, 4, 1), 1)  # after the period: not counted
    three = make_dossier(team_oost, D(2017, 1, 1))
    assess(three, "evaluation", D(2017, 1, 4), 4)  # before its intake: not counted
    assess(three, "intake", D(2017, 1, 5), 1)  # no later score
    table = BY_CODE["zrm_change"].compute(q1_2017)
    # Three later scores: intake mean (2 + 2 + 3) / 3 = 2.33, later (3 + 4 + 3) / 3 = 3.33,
    # change 1.0; 2 of 3 improved: 66.7 %.
    assert values(table, money.code) == [1.0, 2.33, 3.33, 66.7, 3]
    housing = LifeDomain.objects.get(code="huisvesting")
    assert values(table, housing.code) == [None, None, None, None, 0]
    assert len(table.rows) == 13  # the thirteen ZRM domains


# --- 7 social network --------------------------------------------------------------------------


def test_social_network_of_dossiers_closed_in_the_period(make_dossier, team_oost, q1_2017):
    for mapped, carer in ((True, True), (True, False), (False, False), (False, False)):
        make_dossier(
            team_oost,
            D(2016, 10, 1),
            ((S.INTAKE, D(2016, 10, 5)), (S.CLOSED, D(2017, 2, 1))),
            network_mapped=mapped,
            carer_involved=carer,
        )
    make_dossier(team_oost, D(2016, 10, 1), ((S.CLOSED, D(2016, 12, 1)),), network_mapped=True)
    table = BY_CODE["social_network"].compute(q1_2017)
    # Four closed in the period: 2 mapped (50 %), 1 carer (25 %).
    assert values(table, "network_mapped") == [50.0, 2]
    assert values(table, "carer_involved") == [25.0, 1]
    assert values(table, "total") == [None, 4]


# --- 8 / 9 outcomes and heavier care -----------------------------------------------------------


def test_outcomes_and_provision_shares_per_quarter(make_dossier, team_oost, pro, codes, q1_2017):
    d = make_dossier(team_oost, D(2016, 12, 1))
    customised = Outcome.objects.get(code="maatwerk-sdd")
    for outcome in (codes["general"], codes["general"], customised, codes["solved"]):
        Question.objects.create(
            dossier=d,
            domain=codes["money"],
            opened_on=D(2017, 1, 2),
            closed_on=D(2017, 2, 2),
            outcome=outcome,
            created_by=pro,
        )
    table = BY_CODE["outcomes"].compute(q1_2017)
    assert table.columns == ["K1 2017", "Totaal"]
    assert values(table, "general") == [2, 2]
    assert values(table, "customised") == [1, 1]
    assert values(table, "total") == [4, 4]
    shares = BY_CODE["provision_shares"].compute(q1_2017)
    # 2 of 4 general = 50 %, 1 of 4 customised = 25 %, none specialist.
    assert values(shares, "general") == [50.0]
    assert values(shares, "customised") == [25.0]
    assert values(shares, "specialist") == [0.0]


def test_referrals_to_heavier_care_per_month(make_dossier, team_oost, pro, q1_2017):
    d = make_dossier(team_oost, D(2016, 12, 1))
    for kind, date in (
        (ProvisionKind.CUSTOMISED, D(2017, 1, 9)),
        (ProvisionKind.SPECIALIST, D(2017, 3, 9)),
        (ProvisionKind.SPECIALIST, D(2017, 3, 19)),
        (ProvisionKind.GENERAL, D(2017, 1, 9)),
    ):  # not heavier care
        Referral.objects.create(dossier=d, referred_on=date, provision_kind=kind, created_by=pro)
    table = BY_CODE["heavier_care"].compute(q1_2017)
    assert values(table, "customised") == [1, 0, 0, 1]
    assert values(table, "specialist") == [0, 0, 2, 2]
    assert values(table, "total") == [1, 0, 2, 3]


# --- scope -------------------------------------------------------------------------------------


def test_team_and_neighbourhood_filters(
    make_dossier, team_oost, team_west, neighbourhood, municipality
):
    make_dossier(team_oost, D(2017, 1, 2), neighbourhood=neighbourhood)
    make_dossier(team_oost, D(2017, 1, 3))
    make_dossier(team_west, D(2017, 1, 4), neighbourhood=neighbourhood)
    oost = Scope((municipality,), D(2017, 1, 1), D(2017, 1, 31), team=team_oost, suppress=False)
    assert values(BY_CODE["new_dossiers"].compute(oost), "total") == [2, 2]
    wijk = Scope(
        (municipality,), D(2017, 1, 1), D(2017, 1, 31), neighbourhood=neighbourhood, suppress=False
    )
    assert values(BY_CODE["new_dossiers"].compute(wijk), "total") == [2, 2]
    other = Neighbourhood.objects.create(
        municipality=municipality, name="Elders", cbs_code="WK999102"
    )
    none = Scope(
        (municipality,), D(2017, 1, 1), D(2017, 1, 31), neighbourhood=other, suppress=False
    )
    assert values(BY_CODE["new_dossiers"].compute(none), "total") == [0, 0]


def test_an_empty_period_gives_every_indicator_without_error(municipality, codes):
    scope = Scope((municipality,), D(2030, 1, 1), D(2030, 2, 28))
    results = compute_all(scope)
    assert [i.code for i, _t in results] == [i.code for i in INDICATORS]
    for _indicator, table in results:
        assert table.is_empty
        for r in table.rows:
            assert len(r.cells) == len(table.columns)


def test_a_scope_cannot_end_before_it_starts(municipality):
    with pytest.raises(ValueError):
        Scope((municipality,), D(2017, 2, 1), D(2017, 1, 1))
