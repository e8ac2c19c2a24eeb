"""The team's side: the triage queue, outreach attempts, status changes and opening a dossier,
through the pages a professional uses."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from vivera.audit.models import AccessLogEntry
from vivera.conftest import login
from vivera.monitor.models import FactState
from vivera.partners.models import OutreachAttempt, Submission, SubmissionStatus
from vivera.partners.services import attempt_add, submission_receive
from vivera.registration.models import Client, Dossier

from .conftest import REFERRAL, SIGNAL

pytestmark = pytest.mark.django_db


def receive(partner_user: Any, **changes: Any) -> Submission:
    data: dict[str, Any] = {**SIGNAL, **changes}
    for key in ("birth_date", "arrears_since"):
        if isinstance(data.get(key), str):
            data[key] = dt.date.fromisoformat(data[key])
    data["postcode"] = data["postcode"].replace(" ", "")
    return submission_receive(user=partner_user, kind=data.pop("kind", "signal"), **data)


def backdate(submission: Submission, days: int) -> Submission:
    """As if the signal came in `days` ago (its deadline moves along)."""
    received = timezone.localdate() - dt.timedelta(days=days)
    Submission.objects.filter(pk=submission.pk).update(
        received_on=received,
        status_since=received,
        respond_by=received + (submission.respond_by - submission.received_on),
    )
    submission.status_changes.update(date=received)
    submission.refresh_from_db()
    return submission


def attempt(
    user: Any,
    submission: Submission,
    *,
    reached: bool,
    day: dt.date | None = None,
    method: str = "phone",
) -> None:
    attempt_add(
        user=user,
        submission=submission,
        date=day or timezone.localdate(),
        part_of_day="afternoon",
        method=method,
        reached=reached,
        note="",
    )


def test_the_queue_shows_the_team_its_signals_with_overdue_ones_first(pro, partner_user, oost_area):
    on_time = receive(partner_user, reference="A")
    late = backdate(receive(partner_user, reference="B", last_name="Laat"), 14)
    response = login(pro).get(reverse("partners:queue"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(f">{late}<") < html.index(f">{on_time}<")
    assert "te laat" in html
    assert "1 melding is over de termijn" in html
    entry = AccessLogEntry.objects.get(user=pro, object_id="submission_queue")
    assert sorted(entry.detail["submissions"]) == sorted([on_time.pk, late.pk])


def test_an_attempt_ends_overdue_even_when_nobody_was_reached(pro, partner_user, oost_area):
    late = backdate(receive(partner_user), 14)
    attempt(pro, late, reached=False)
    html = login(pro).get(reverse("partners:queue")).content.decode()
    assert "te laat" not in html
    late.refresh_from_db()
    assert late.status == SubmissionStatus.RECEIVED


def test_another_team_does_not_see_the_signal_and_the_refusal_is_logged(
    pro_west, partner_user, oost_area
):
    submission = receive(partner_user)
    http = login(pro_west)
    assert str(submission) not in http.get(reverse("partners:queue")).content.decode()
    assert http.get(reverse("partners:detail", args=[submission.pk])).status_code == 404
    assert AccessLogEntry.objects.filter(
        user=pro_west, result="refused", object_type="submission"
    ).exists()


def test_a_signal_without_a_team_waits_in_every_team_queue_until_one_takes_it(
    pro, pro_west, partner_user, oost_area, team_west
):
    submission = receive(partner_user, postcode="1234AB")  # no neighbourhood known
    assert submission.team is None
    assert str(submission) in login(pro_west).get(reverse("partners:queue")).content.decode()
    response = login(pro_west).post(
        reverse("partners:take", args=[submission.pk]), {"team": team_west.pk}
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.team == team_west
    assert str(submission) not in login(pro).get(reverse("partners:queue")).content.decode()


def test_the_detail_page_shows_the_signal_and_logs_the_read(pro, partner_user, oost_area):
    submission = receive(partner_user)
    response = login(pro).get(reverse("partners:detail", args=[submission.pk]))
    html = response.content.decode()
    assert "Fenna Achterstand" in html
    assert "€ 1.450,00" in html
    assert "•••••••782" not in html and "••••••782" in html  # masked BSN
    assert AccessLogEntry.objects.filter(
        user=pro, action="read", object_type="submission", object_id=str(submission.pk)
    ).exists()


def test_a_reached_attempt_puts_the_signal_in_contact(pro, partner_user, oost_area):
    submission = receive(partner_user)
    response = login(pro).post(
        reverse("partners:attempt_add", args=[submission.pk]),
        {
            "date": timezone.localdate().isoformat(),
            "part_of_day": "morning",
            "method": "home_visit",
            "reached": "on",
            "note": "Thuis getroffen.",
        },
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.IN_CONTACT
    assert OutreachAttempt.objects.get().method == "home_visit"


def test_an_attempt_before_the_signal_came_in_is_refused_and_the_form_keeps_the_input(
    pro, partner_user, oost_area
):
    submission = receive(partner_user)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = login(pro).post(
        reverse("partners:attempt_add", args=[submission.pk]),
        {"date": yesterday, "part_of_day": "morning", "method": "letter", "note": "Brief gestuurd"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "vóór de ontvangst" in html
    assert "Brief gestuurd" in html
    assert not OutreachAttempt.objects.exists()


def test_not_reached_needs_attempts_first(pro, partner_user, oost_area):
    submission = receive(partner_user)
    http = login(pro)
    url = reverse("partners:change_status", args=[submission.pk])
    data = {
        "to_status": "not_reached",
        "date": timezone.localdate().isoformat(),
        "version": submission.version,
    }
    response = http.post(url, data)
    assert response.status_code == 400
    assert "Leg eerst de pogingen vast" in response.content.decode()
    attempt(pro, submission, reached=False, method="letter")
    attempt(pro, submission, reached=False, method="home_visit")
    submission.refresh_from_db()
    response = http.post(url, {**data, "version": submission.version})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.NOT_REACHED


def test_two_people_changing_the_status_do_not_overwrite_each_other(
    pro, colleague, partner_user, oost_area
):
    submission = receive(partner_user)
    opened_version = submission.version
    url = reverse("partners:change_status", args=[submission.pk])
    today = timezone.localdate().isoformat()
    first = login(pro).post(url, {"to_status": "closed", "date": today, "version": opened_version})
    second = login(colleague).post(
        url, {"to_status": "in_contact", "date": today, "version": opened_version}
    )
    assert first.status_code == 302
    assert second.status_code == 400
    assert "Iemand anders heeft deze melding gewijzigd" in second.content.decode()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.CLOSED


def test_a_closed_submission_takes_no_more_attempts(pro, partner_user, oost_area):
    from vivera.partners.services import submission_change_status

    submission = receive(partner_user)
    submission_change_status(
        user=pro,
        submission=submission,
        to_status="closed",
        date=timezone.localdate(),
        version=submission.version,
    )
    response = login(pro).post(
        reverse("partners:attempt_add", args=[submission.pk]),
        {"date": timezone.localdate().isoformat(), "part_of_day": "morning", "method": "letter"},
    )
    assert response.status_code == 400
    assert not OutreachAttempt.objects.exists()


def test_opening_a_dossier_registers_the_client_and_the_partner_sees_handed_over(
    pro, partner_user, oost_area, team_oost, codes
):
    from vivera.monitor import facts

    facts.rebuild(team_oost.municipality)
    submission = backdate(receive(partner_user), 3)
    attempt(pro, submission, reached=True, day=submission.received_on)
    submission.refresh_from_db()
    signal_referrer = codes["gp"].__class__.objects.get(code="vroegsignaal")
    response = login(pro).post(
        reverse("partners:to_dossier", args=[submission.pk]),
        {"team": team_oost.pk, "referrer": signal_referrer.pk, "version": submission.version},
    )
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("registration:dossier_detail", args=[dossier.pk])
    assert dossier.client.full_name == "Fenna Achterstand"
    assert dossier.client.bsn == "123456782"
    assert dossier.client.neighbourhood == oost_area
    assert dossier.registered_on == submission.received_on
    assert dossier.referrer.kind == "signal"  # counts as proactive in the monitor
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.HANDED_OVER
    assert submission.dossier == dossier
    assert list(submission.status_changes.values_list("to_status", flat=True)) == [
        "received",
        "in_contact",
        "handed_over",
    ]
    # The monitor will recount: the new dossier marked its facts stale.
    assert FactState.objects.get(municipality=team_oost.municipality).stale


def test_opening_a_dossier_reuses_the_client_with_the_same_bsn(
    pro, partner_user, oost_area, team_oost, codes
):
    from vivera.registration.services import client_create

    existing = client_create(user=pro, first_name="Fenna", last_name="Achterstand", bsn="123456782")
    submission = receive(partner_user)
    login(pro).post(
        reverse("partners:to_dossier", args=[submission.pk]),
        {"team": team_oost.pk, "referrer": codes["gp"].pk, "version": submission.version},
    )
    assert Client.objects.count() == 1
    assert Dossier.objects.get().client == existing


def test_a_referral_gets_the_partners_referrer_by_default(pro, partner_user, oost_area):
    submission = receive(
        partner_user,
        kind="referral",
        **{k: REFERRAL[k] for k in ("reference", "reason", "consent")},
        signal_type="",
    )
    html = login(pro).get(reverse("partners:detail", args=[submission.pk])).content.decode()
    # Woonstede is a housing corporation.
    assert "selected>Woningcorporatie</option>" in html


def test_the_menu_of_a_professional_links_the_queue(pro):
    html = login(pro).get(reverse("registration:my_work")).content.decode()
    assert reverse("partners:queue") in html


# --- The partner's own pages -----------------------------------------------------------------


def test_a_gp_practice_refers_a_resident_on_the_web_and_follows_the_status(
    partner_user, oost_area, pro
):
    http = login(partner_user)
    assert http.get(reverse("home")).url == reverse("portal:home")
    response = http.post(
        reverse("portal:send_referral"),
        {
            "reference": "HA-2026-12",
            "first_name": "Rinus",
            "last_name": "Verwezen",
            "postcode": "9991 ab",
            "house_number": "3",
            "reason": "Eenzaam.",
            "consent": "on",
        },
    )
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.kind == "referral" and submission.postcode == "9991AB"
    attempt(pro, submission, reached=True)
    html = http.get(reverse("portal:home")).content.decode()
    assert "HA-2026-12" in html and "In contact" in html
    assert "Verwezen" not in html  # status only, by the partner's own reference


def test_the_web_form_keeps_the_input_and_explains_in_dutch(partner_user, oost_area):
    http = login(partner_user)
    response = http.post(
        reverse("portal:send_signal"),
        {
            "reference": "HUUR-9",
            "last_name": "Achterstand",
            "postcode": "9991AB",
            "house_number": "12",
            "signal_type": "rent",
            "amount": "1200",
            "bsn": "123456789",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "elfproef" in html
    assert 'value="HUUR-9"' in html
    assert not Submission.objects.exists()
    response = http.post(
        reverse("portal:send_referral"),
        {"reference": "HA-1", "last_name": "Zonder", "reason": "Hulp bij post."},
    )
    assert response.status_code == 400
    assert "Dit veld is vereist" in response.content.decode()


def test_the_same_reference_twice_on_the_web_is_refused(partner_user, oost_area):
    http = login(partner_user)
    data = {
        "reference": "HUUR-9",
        "last_name": "Achterstand",
        "postcode": "9991AB",
        "house_number": "12",
        "signal_type": "rent",
        "amount": "1200",
    }
    assert http.post(reverse("portal:send_signal"), data).status_code == 302
    response = http.post(reverse("portal:send_signal"), data)
    assert response.status_code == 400
    assert "al een melding met dit kenmerk" in response.content.decode()
    assert Submission.objects.count() == 1


def test_an_unassigned_signal_is_taken_on_by_the_first_attempt_of_a_one_team_professional(
    pro, partner_user, oost_area, team_oost
):
    submission = receive(partner_user, postcode="1234AB")
    version = submission.version
    attempt(pro, submission, reached=False)
    submission.refresh_from_db()
    assert submission.team == team_oost
    assert submission.version > version  # a form opened before sees it changed


def test_a_professional_in_two_teams_takes_it_on_first(pro, partner_user, oost_area, team_west):
    from vivera.organisation.models import Specialism, TeamMembership

    TeamMembership.objects.create(
        team=team_west,
        user=pro,
        specialism=Specialism.AMW,
        fte="0.20",
        start_date=dt.date(2015, 1, 1),
    )
    submission = receive(partner_user, postcode="1234AB")
    response = login(pro).post(
        reverse("partners:attempt_add", args=[submission.pk]),
        {"date": timezone.localdate().isoformat(), "part_of_day": "morning", "method": "letter"},
    )
    assert response.status_code == 400
    assert "Pak deze melding eerst op" in response.content.decode()
    assert not OutreachAttempt.objects.exists()


def test_a_finished_unassigned_submission_is_seen_by_nobody(pro, pro_west, partner_user, oost_area):
    from vivera.partners.services import submission_change_status

    submission = receive(partner_user, postcode="1234AB")
    submission_change_status(
        user=pro,
        submission=submission,
        to_status="closed",
        date=timezone.localdate(),
        version=submission.version,
    )
    submission.refresh_from_db()
    assert submission.team is not None  # closing took it on for pro's team
    url = reverse("partners:detail", args=[submission.pk])
    assert login(pro).get(url).status_code == 200
    assert login(pro_west).get(url).status_code == 404
    Submission.objects.filter(pk=submission.pk).update(team=None)
    assert login(pro).get(url).status_code == 404


def test_a_professional_without_a_team_sees_no_submissions(
    make_user, municipality, partner_user, oost_area
):
    from vivera.accounts.models import Role

    receive(partner_user, postcode="1234AB")
    loner = make_user("loner", Role.PROFESSIONAL, municipality)
    html = login(loner).get(reverse("partners:queue")).content.decode()
    assert "Geen meldingen om op te pakken" in html


def test_a_dossier_only_in_an_own_team(pro, partner_user, oost_area, team_west, codes):
    submission = receive(partner_user)
    response = login(pro).post(
        reverse("partners:to_dossier", args=[submission.pk]),
        {"team": team_west.pk, "referrer": codes["gp"].pk, "version": submission.version},
    )
    assert response.status_code == 400
    assert not Dossier.objects.exists()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RECEIVED


def test_a_refused_post_that_shows_the_page_is_logged_as_a_read(pro, partner_user, oost_area):
    submission = receive(partner_user)
    login(pro).post(reverse("partners:attempt_add", args=[submission.pk]), {"date": "x"})
    assert (
        AccessLogEntry.objects.filter(
            user=pro, action="read", object_type="submission", object_id=str(submission.pk)
        ).count()
        == 1
    )
