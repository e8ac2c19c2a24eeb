"""Every rule the registration services enforce: a refused write changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from vivera.organisation.models import Neighbourhood, PartnerKind, PartnerOrganisation
from vivera.registration import services
from vivera.registration.bsn import is_valid_bsn
from vivera.registration.models import (
    ContactMoment,
    Dossier,
    DossierStatus,
    Question,
    Referral,
    ShortContact,
    ZrmAssessment,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def codes_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    error = excinfo.value
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


@pytest.fixture
def client_ans(pro):
    return services.client_create(user=pro, first_name="Ans", last_name="Regel")


@pytest.fixture
def dossier(pro, client_ans, team_oost, codes):
    return services.dossier_create(
        user=pro,
        client=client_ans,
        team=team_oost,
        referrer=codes["gp"],
        registered_on=TODAY() - dt.timedelta(days=60),
        case_director=pro,
    )


def close(dossier, user, on):
    for status in ("intake", "active", "closed"):
        dossier = services.dossier_change_status(
            user=user, dossier=dossier, to_status=status, date=on
        )
    return dossier


def test_a_closed_dossier_accepts_no_new_registration(pro, dossier, codes):
    closed = close(dossier, pro, dossier.registered_on + dt.timedelta(days=5))
    day = closed.closed_on
    attempts = [
        lambda: services.question_add(
            user=pro, dossier=closed, domain=codes["money"], opened_on=day
        ),
        lambda: services.contact_add(
            user=pro,
            dossier=closed,
            date=day,
            kind=codes["phone"],
            with_whom="client",
            core_task="support",
            minutes=10,
        ),
        lambda: services.referral_add(
            user=pro,
            dossier=closed,
            referred_on=day,
            provision_kind="general",
            description="Buurthuis",
        ),
        lambda: services.zrm_assess(
            user=pro,
            dossier=closed,
            assessed_on=day,
            moment="closure",
            scores={d.pk: 3 for d in services.zrm_domains()},
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as excinfo:
            attempt()
        assert codes_of(excinfo) == {"closed"}
    assert (
        Question.objects.count(),
        ContactMoment.objects.count(),
        Referral.objects.count(),
        ZrmAssessment.objects.count(),
    ) == (0, 0, 0, 0)


def test_a_registration_before_the_dossier_began_is_refused(pro, dossier, codes):
    with pytest.raises(ValidationError) as excinfo:
        services.contact_add(
            user=pro,
            dossier=dossier,
            date=dossier.registered_on - dt.timedelta(days=1),
            kind=codes["phone"],
            with_whom="client",
            core_task="support",
            minutes=10,
        )
    assert codes_of(excinfo) == {"before_dossier"}


def test_a_second_open_dossier_with_the_same_team_is_refused(
    pro, dossier, client_ans, team_oost, codes
):
    with pytest.raises(ValidationError) as excinfo:
        services.dossier_create(
            user=pro,
            client=client_ans,
            team=team_oost,
            referrer=codes["self"],
            registered_on=TODAY(),
        )
    assert codes_of(excinfo) == {"open_dossier_exists"}
    assert Dossier.objects.count() == 1


def test_a_case_director_from_another_team_is_refused(pro, pro_west, client_ans, team_oost, codes):
    with pytest.raises(ValidationError) as excinfo:
        services.dossier_create(
            user=pro,
            client=client_ans,
            team=team_oost,
            referrer=codes["gp"],
            registered_on=TODAY(),
            case_director=pro_west,
        )
    assert codes_of(excinfo) == {"not_member"}
    assert Dossier.objects.count() == 0


def test_a_dossier_for_a_team_the_user_is_not_in_is_refused(pro, client_ans, team_west, codes):
    with pytest.raises(ValidationError) as excinfo:
        services.dossier_create(
            user=pro, client=client_ans, team=team_west, referrer=codes["gp"], registered_on=TODAY()
        )
    assert codes_of(excinfo) == {"not_member"}


def test_an_active_dossier_keeps_its_case_director(pro, dossier, codes):
    active = services.dossier_change_status(
        user=pro, dossier=dossier, to_status="intake", date=dossier.registered_on
    )
    with pytest.raises(ValidationError) as excinfo:
        services.dossier_update(
            user=pro,
            dossier=active,
            version=active.version,
            case_director=None,
            referrer=codes["gp"],
            complexity="single",
        )
    assert codes_of(excinfo) == {"no_case_director"}
    active.refresh_from_db()
    assert active.case_director == pro


def test_the_intake_needs_a_case_director(pro, client_ans, team_oost, codes):
    dossier = services.dossier_create(
        user=pro, client=client_ans, team=team_oost, referrer=codes["gp"], registered_on=TODAY()
    )
    with pytest.raises(ValidationError) as excinfo:
        services.dossier_change_status(user=pro, dossier=dossier, to_status="intake", date=TODAY())
    assert codes_of(excinfo) == {"no_case_director"}


def test_a_status_date_before_the_current_status_is_refused(pro, dossier):
    waiting = services.dossier_change_status(
        user=pro,
        dossier=dossier,
        to_status="waiting",
        date=dossier.registered_on + dt.timedelta(days=10),
    )
    with pytest.raises(ValidationError) as excinfo:
        services.dossier_change_status(
            user=pro,
            dossier=waiting,
            to_status="intake",
            date=dossier.registered_on + dt.timedelta(days=9),
        )
    assert codes_of(excinfo) == {"before_status"}


def test_a_dossier_cannot_close_before_its_last_registration(pro, dossier, codes):
    question = services.question_add(
        user=pro, dossier=dossier, domain=codes["money"], opened_on=dossier.registered_on
    )
    services.question_close(user=pro, question=question, closed_on=TODAY(), outcome=codes["solved"])
    dossier.refresh_from_db()
    for status in ("intake", "active"):
        dossier = services.dossier_change_status(
            user=pro, dossier=dossier, to_status=status, date=dossier.registered_on
        )
    with pytest.raises(ValidationError) as excinfo:
        services.dossier_change_status(
            user=pro, dossier=dossier, to_status="closed", date=dossier.registered_on
        )
    assert codes_of(excinfo) == {"before_contents"}
    closed = services.dossier_change_status(
        user=pro, dossier=dossier, to_status="closed", date=TODAY()
    )
    assert closed.status == DossierStatus.CLOSED


def test_a_closed_dossier_can_be_reopened(pro, dossier):
    closed = close(dossier, pro, dossier.registered_on + dt.timedelta(days=5))
    reopened = services.dossier_change_status(
        user=pro, dossier=closed, to_status="active", date=TODAY()
    )
    assert (reopened.status, reopened.closed_on) == (DossierStatus.ACTIVE, None)


def test_a_question_is_closed_only_once(pro, dossier, codes):
    question = services.question_add(
        user=pro, dossier=dossier, domain=codes["money"], opened_on=dossier.registered_on
    )
    services.question_close(user=pro, question=question, closed_on=TODAY(), outcome=codes["solved"])
    with pytest.raises(ValidationError) as excinfo:
        services.question_close(
            user=pro, question=question, closed_on=TODAY(), outcome=codes["general"]
        )
    assert codes_of(excinfo) == {"already_closed"}
    question.refresh_from_db()
    assert question.outcome == codes["solved"]


def test_a_question_opened_and_closed_the_same_day_has_lead_time_zero(pro, dossier, codes):
    question = services.question_add(
        user=pro, dossier=dossier, domain=codes["money"], opened_on=TODAY()
    )
    services.question_close(user=pro, question=question, closed_on=TODAY(), outcome=codes["solved"])
    question.refresh_from_db()
    assert question.lead_time_days() == 0


def test_a_referral_needs_a_target_and_a_question_of_its_own_dossier(
    pro, pro_west, dossier, codes, team_west
):
    with pytest.raises(ValidationError) as excinfo:
        services.referral_add(
            user=pro, dossier=dossier, referred_on=TODAY(), provision_kind="general"
        )
    assert codes_of(excinfo) == {"no_target"}
    other_client = services.client_create(user=pro_west, first_name="B", last_name="West")
    other = services.dossier_create(
        user=pro_west,
        client=other_client,
        team=team_west,
        referrer=codes["gp"],
        registered_on=TODAY(),
    )
    foreign_question = services.question_add(
        user=pro_west, dossier=other, domain=codes["money"], opened_on=TODAY()
    )
    with pytest.raises(ValidationError):
        services.referral_add(
            user=pro,
            dossier=dossier,
            referred_on=TODAY(),
            provision_kind="general",
            description="Buurthuis",
            question=foreign_question,
        )
    assert Referral.objects.count() == 0


def test_a_partner_of_another_municipality_is_refused(pro, dossier, other_municipality):
    elsewhere = PartnerOrganisation.objects.create(
        municipality=other_municipality, name="Ver Wonen", kind=PartnerKind.HOUSING
    )
    with pytest.raises(ValidationError):
        services.referral_add(
            user=pro,
            dossier=dossier,
            referred_on=TODAY(),
            provision_kind="general",
            partner=elsewhere,
        )
    assert Referral.objects.count() == 0


def test_contact_professionals_must_be_team_members(pro, pro_west, dossier, codes):
    with pytest.raises(ValidationError) as excinfo:
        services.contact_add(
            user=pro,
            dossier=dossier,
            date=TODAY(),
            kind=codes["phone"],
            with_whom="client",
            core_task="support",
            minutes=10,
            professionals=[pro_west],
        )
    assert codes_of(excinfo) == {"not_member"}


def test_dates_before_2000_are_refused_as_typos(pro, dossier, codes):
    with pytest.raises(ValidationError) as excinfo:
        services.short_contact_create(
            user=pro,
            date=dt.date(1917, 3, 1),
            part_of_day="morning",
            channel="phone",
            domain=codes["money"],
            result="answered",
        )
    assert codes_of(excinfo) == {"too_old"}
    assert ShortContact.objects.count() == 0


def test_a_stale_client_edit_is_refused(pro, client_ans):
    opened_version = client_ans.version
    services.client_update(
        user=pro,
        client=client_ans,
        version=opened_version,
        first_name="Anna",
        last_name="Regel",
    )
    with pytest.raises(ValidationError) as excinfo:
        services.client_update(
            user=pro,
            client=client_ans,
            version=opened_version,
            first_name="Ans",
            last_name="Regel-Oud",
        )
    assert codes_of(excinfo) == {"stale"}
    client_ans.refresh_from_db()
    assert (client_ans.first_name, client_ans.last_name) == ("Anna", "Regel")


def test_a_short_contact_counts_for_the_walk_in_locations_team(
    coordinator, location, codes, team_west
):
    from decimal import Decimal

    from vivera.organisation.models import Specialism, TeamMembership

    TeamMembership.objects.create(
        team=team_west,
        user=coordinator,
        specialism=Specialism.AMW,
        fte=Decimal("0.2"),
        start_date=dt.date(2015, 1, 1),
    )
    contact = services.short_contact_create(
        user=coordinator,
        date=TODAY(),
        part_of_day="morning",
        channel="walk_in",
        location=location,
        domain=codes["money"],
        result="answered",
    )
    assert contact.team == location.team


def test_an_outreach_neighbourhood_of_another_municipality_is_refused(
    pro, team_oost, other_municipality
):
    elsewhere = Neighbourhood.objects.create(
        municipality=other_municipality, name="Ver", cbs_code="WK999201"
    )
    with pytest.raises(ValidationError):
        services.outreach_create(
            user=pro,
            team=team_oost,
            date=TODAY(),
            kind="network",
            description="Netwerk",
            hours=2,
            neighbourhood=elsewhere,
        )


@pytest.mark.parametrize(
    ("bsn", "valid"),
    [
        ("123456782", True),
        ("12345678", False),
        ("123456789", False),
        ("000000000", False),
        ("１２３４５６７８２", False),
        ("12345678a", False),
    ],
)
def test_the_bsn_eleven_test(bsn, valid):
    assert is_valid_bsn(bsn) is valid
