"""The professional's daily registration, through the HTTP interface."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from vivera.audit.models import AccessLogEntry
from vivera.conftest import login
from vivera.registration.models import (
    Client,
    ContactMoment,
    Dossier,
    DossierStatus,
    Question,
    ShortContact,
    ZrmAssessment,
)
from vivera.registration.services import client_create, dossier_create, zrm_domains

pytestmark = pytest.mark.django_db

VALID_BSN = "123456782"


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def client_jan(pro, neighbourhood):
    return client_create(
        user=pro,
        first_name="Jan",
        last_name="Jansen",
        birth_date=dt.date(1960, 5, 1),
        bsn=VALID_BSN,
        postcode="9991AB",
    )


@pytest.fixture
def dossier(pro, client_jan, team_oost, codes):
    return dossier_create(
        user=pro,
        client=client_jan,
        team=team_oost,
        referrer=codes["gp"],
        registered_on=today() - dt.timedelta(days=30),
        case_director=pro,
    )


def test_it_registers_a_short_contact_and_keeps_channel_and_location(pro, location, codes):
    http = login(pro)
    form = http.get(reverse("registration:shortcontact_create"))
    token = form.context["form"].initial["form_token"]
    response = http.post(
        reverse("registration:shortcontact_create"),
        {
            "channel": "walk_in",
            "location": location.pk,
            "domain": codes["money"].pk,
            "result": "answered",
            "part_of_day": "morning",
            "date": today().isoformat(),
            "form_token": token,
        },
    )
    assert response.status_code == 302
    contact = ShortContact.objects.get()
    assert (contact.location, contact.domain, contact.registered_by) == (
        location,
        codes["money"],
        pro,
    )
    again = http.get(reverse("registration:shortcontact_create"))
    assert again.context["form"].initial["channel"] == "walk_in"
    assert again.context["form"].initial["location"] == location.pk
    assert len(again.context["today"]) == 1


def test_it_refuses_a_walk_in_without_location_and_keeps_the_input(pro, codes):
    http = login(pro)
    response = http.post(
        reverse("registration:shortcontact_create"),
        {
            "channel": "walk_in",
            "domain": codes["money"].pk,
            "result": "referred",
            "part_of_day": "evening",
            "date": today().isoformat(),
        },
    )
    assert response.status_code == 200
    assert ShortContact.objects.count() == 0
    assert "location" in response.context["form"].errors
    assert response.context["form"]["result"].value() == "referred"


def test_it_saves_a_double_submitted_short_contact_once(pro, location, codes):
    http = login(pro)
    data = {
        "channel": "phone",
        "domain": codes["money"].pk,
        "result": "answered",
        "part_of_day": "morning",
        "date": today().isoformat(),
        "form_token": str(uuid.uuid4()),
    }
    http.post(reverse("registration:shortcontact_create"), data)
    second = http.post(reverse("registration:shortcontact_create"), data)
    assert ShortContact.objects.count() == 1
    assert second.status_code == 200
    assert "niet nogmaals opgeslagen" in str(second.context["form"].non_field_errors())


def test_it_runs_the_whole_dossier_flow(pro, team_oost, neighbourhood, codes):
    http = login(pro)
    # Register a client; the postcode puts them in the right neighbourhood.
    response = http.post(
        reverse("registration:client_create"),
        {
            "first_name": "Fatima",
            "last_name": "El Amrani",
            "birth_date": "1975-03-02",
            "bsn": "1234 567 82",
            "postcode": "9991 ab",
            "house_number": "12",
        },
    )
    client = Client.objects.get()
    assert response.url == reverse("registration:client_detail", args=[client.pk])
    assert (client.bsn, client.postcode, client.neighbourhood) == (
        VALID_BSN,
        "9991AB",
        neighbourhood,
    )
    # Open a dossier.
    registered = today() - dt.timedelta(days=10)
    response = http.post(
        reverse("registration:dossier_create", args=[client.pk]),
        {
            "team": team_oost.pk,
            "referrer": codes["gp"].pk,
            "registered_on": registered.isoformat(),
            "complexity": "multiple",
            "case_director": pro.pk,
        },
    )
    dossier = Dossier.objects.get()
    assert response.url == reverse("registration:dossier_detail", args=[dossier.pk])
    assert dossier.status == DossierStatus.REGISTERED
    # Two questions.
    for domain in (codes["money"], codes["housing"]):
        http.post(
            reverse("registration:question_add", args=[dossier.pk]),
            {
                "domain": domain.pk,
                "opened_on": registered.isoformat(),
                "description": "…",
            },
        )
    assert dossier.questions.count() == 2
    # A contact.
    http.post(
        reverse("registration:contact_add", args=[dossier.pk]),
        {
            "date": (registered + dt.timedelta(days=2)).isoformat(),
            "kind": codes["home_visit"].pk,
            "with_whom": "client",
            "core_task": "support",
            "minutes": 45,
        },
    )
    contact = ContactMoment.objects.get()
    assert list(contact.professionals.all()) == [pro]
    # ZRM at intake: every domain scored.
    zrm = {f"domain_{d.pk}": 3 for d in zrm_domains()}
    http.post(
        reverse("registration:zrm_add", args=[dossier.pk]),
        {
            "assessed_on": registered.isoformat(),
            "moment": "intake",
            **zrm,
        },
    )
    assert ZrmAssessment.objects.get().scores.count() == 13
    # Close one question.
    question = dossier.questions.get(domain=codes["money"])
    closed = registered + dt.timedelta(days=7)
    http.post(
        reverse("registration:question_close", args=[question.pk]),
        {
            "closed_on": closed.isoformat(),
            "outcome": codes["general"].pk,
        },
    )
    question.refresh_from_db()
    assert question.closed_on == closed
    assert question.lead_time_days() == 7
    # And it all shows on the dossier page.
    page = http.get(reverse("registration:dossier_detail", args=[dossier.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    for text in ("Financiën", "Huisvesting", codes["general"].name, "Huisbezoek", "45"):
        assert text in html
    assert len(page.context["zrm"]["rows"]) == 13


def test_it_moves_a_dossier_through_its_life_cycle(pro, dossier):
    http = login(pro)
    start = dossier.registered_on
    steps = [("waiting", 1), ("intake", 5), ("active", 6), ("watching", 20), ("closed", 25)]
    for status, offset in steps:
        response = http.post(
            reverse("registration:dossier_status", args=[dossier.pk]),
            {
                "to_status": status,
                "date": (start + dt.timedelta(days=offset)).isoformat(),
            },
        )
        assert response.status_code == 302, response.content.decode()[:500]
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.CLOSED
    assert dossier.closed_on == start + dt.timedelta(days=25)
    history = list(dossier.status_changes.values_list("to_status", "changed_by"))
    assert history == [("registered", pro.pk)] + [(s, pro.pk) for s, _ in steps]


def test_it_refuses_an_impossible_status_change(pro, dossier):
    http = login(pro)
    response = http.post(
        reverse("registration:dossier_status", args=[dossier.pk]),
        {
            "to_status": "watching",
            "date": today().isoformat(),
        },
    )
    assert response.status_code == 400
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.REGISTERED
    assert dossier.status_changes.count() == 1


def test_it_refuses_to_close_a_dossier_with_open_questions(pro, dossier, codes):
    Question.objects.create(
        dossier=dossier, domain=codes["money"], opened_on=dossier.registered_on, created_by=pro
    )
    response = login(pro).post(
        reverse("registration:dossier_status", args=[dossier.pk]),
        {
            "to_status": "closed",
            "date": today().isoformat(),
        },
    )
    assert response.status_code == 400
    assert "to_status" in response.context["form"].errors
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.REGISTERED


@pytest.mark.parametrize("closed_on", ["", "2017-02-31", "31-02-2017", "not a date"])
def test_it_refuses_empty_or_impossible_closing_dates(pro, dossier, codes, closed_on):
    question = Question.objects.create(
        dossier=dossier, domain=codes["money"], opened_on=dossier.registered_on, created_by=pro
    )
    response = login(pro).post(
        reverse("registration:question_close", args=[question.pk]),
        {
            "closed_on": closed_on,
            "outcome": codes["solved"].pk,
        },
    )
    assert response.status_code == 200
    assert "closed_on" in response.context["form"].errors
    question.refresh_from_db()
    assert question.closed_on is None


def test_it_refuses_a_closing_date_before_the_opening_date(pro, dossier, codes):
    question = Question.objects.create(
        dossier=dossier, domain=codes["money"], opened_on=dossier.registered_on, created_by=pro
    )
    response = login(pro).post(
        reverse("registration:question_close", args=[question.pk]),
        {
            "closed_on": (question.opened_on - dt.timedelta(days=1)).isoformat(),
            "outcome": codes["solved"].pk,
        },
    )
    errors = response.context["form"].errors["closed_on"]
    assert errors
    question.refresh_from_db()
    assert question.closed_on is None
    # What the user typed is still there.
    assert response.context["form"]["outcome"].value() == str(codes["solved"].pk)


def test_it_refuses_a_future_date(pro, dossier, codes):
    response = login(pro).post(
        reverse("registration:question_add", args=[dossier.pk]),
        {
            "domain": codes["money"].pk,
            "opened_on": (today() + dt.timedelta(days=1)).isoformat(),
        },
    )
    assert "opened_on" in response.context["form"].errors
    assert dossier.questions.count() == 0


def test_it_refuses_an_invalid_bsn_and_keeps_the_input(pro):
    response = login(pro).post(
        reverse("registration:client_create"),
        {
            "first_name": "Piet",
            "last_name": "Pieters",
            "bsn": "123456789",
        },
    )
    assert response.status_code == 200
    assert "bsn" in response.context["form"].errors
    assert response.context["form"]["first_name"].value() == "Piet"
    assert Client.objects.count() == 0


def test_it_refuses_a_second_client_with_the_same_bsn(pro, client_jan):
    response = login(pro).post(
        reverse("registration:client_create"),
        {
            "first_name": "Jan",
            "last_name": "Dubbel",
            "bsn": VALID_BSN,
        },
    )
    assert "bsn" in response.context["form"].errors
    assert Client.objects.count() == 1


def test_it_refuses_an_incomplete_zrm(pro, dossier):
    domains = zrm_domains()
    scores = {f"domain_{d.pk}": 4 for d in domains[:-1]}
    response = login(pro).post(
        reverse("registration:zrm_add", args=[dossier.pk]),
        {
            "assessed_on": today().isoformat(),
            "moment": "intake",
            **scores,
        },
    )
    assert f"domain_{domains[-1].pk}" in response.context["form"].errors
    assert ZrmAssessment.objects.count() == 0


def test_it_refuses_a_stale_dossier_edit(pro, colleague, dossier, codes):
    """Two people edit one dossier: the second save is refused, not silently applied."""
    mine, theirs = login(pro), login(colleague)
    form_data = {
        "case_director": pro.pk,
        "referrer": codes["gp"].pk,
        "complexity": "single",
        "version": dossier.version,
    }
    mine.get(reverse("registration:dossier_edit", args=[dossier.pk]))
    theirs.get(reverse("registration:dossier_edit", args=[dossier.pk]))
    first = theirs.post(
        reverse("registration:dossier_edit", args=[dossier.pk]),
        {**form_data, "carer_involved": "on"},
    )
    assert first.status_code == 302
    second = mine.post(
        reverse("registration:dossier_edit", args=[dossier.pk]),
        {**form_data, "complexity": "complex"},
    )
    assert second.status_code == 200
    assert second.context["merge"].choices  # the merge view (tested in test_merge.py)
    dossier.refresh_from_db()
    assert dossier.carer_involved is True
    assert dossier.complexity == "single"


def test_it_masks_the_bsn_until_asked_and_logs_the_reveal(pro, client_jan):
    http = login(pro)
    page = http.get(reverse("registration:client_detail", args=[client_jan.pk]))
    assert VALID_BSN not in page.content.decode()
    assert "782" in page.content.decode()
    revealed = http.post(reverse("registration:client_reveal_bsn", args=[client_jan.pk]))
    assert VALID_BSN in revealed.content.decode()
    assert (
        AccessLogEntry.objects.filter(action="reveal", client_id=client_jan.pk, user=pro).count()
        == 1
    )


def test_it_logs_every_read_of_a_dossier(pro, dossier):
    http = login(pro)
    http.get(reverse("registration:dossier_detail", args=[dossier.pk]), REMOTE_ADDR="10.1.2.3")
    entry = AccessLogEntry.objects.filter(action="read", object_type="dossier").latest("pk")
    assert (entry.user, entry.client_id, entry.ip_address, entry.result) == (
        pro,
        dossier.client_id,
        "10.1.2.3",
        "success",
    )


def test_it_finds_clients_by_name_birth_date_postcode_or_bsn(pro, client_jan):
    http = login(pro)
    for query in (
        {"q": "jans"},
        {"birth_date": "01-05-1960"},
        {"postcode": "9991"},
        {"bsn": VALID_BSN},
    ):
        response = http.post(reverse("registration:client_search"), query)
        assert response.context["results"] == [client_jan], query
    nothing = http.post(reverse("registration:client_search"), {"q": "Pietersen"})
    assert nothing.context["results"] == []
    assert AccessLogEntry.objects.filter(action="search", user=pro).count() == 5


def test_the_coordinator_assigns_a_case_director_from_the_waiting_list(
    coordinator, pro, client_jan, team_oost, codes
):
    dossier = dossier_create(
        user=pro, client=client_jan, team=team_oost, referrer=codes["self"], registered_on=today()
    )
    http = login(coordinator)
    page = http.get(reverse("registration:waiting_list"))
    assert [d.pk for d in page.context["dossiers"]] == [dossier.pk]
    http.post(
        reverse("registration:dossier_assign", args=[dossier.pk]),
        {f"d{dossier.pk}-case_director": pro.pk},
    )
    dossier.refresh_from_db()
    assert dossier.case_director == pro


def test_my_work_shows_my_dossiers_and_open_questions_by_age(pro, dossier, codes):
    old = Question.objects.create(
        dossier=dossier, domain=codes["money"], opened_on=dossier.registered_on, created_by=pro
    )
    new = Question.objects.create(
        dossier=dossier, domain=codes["housing"], opened_on=today(), created_by=pro
    )
    page = login(pro).get(reverse("registration:my_work"))
    assert [d.pk for d in page.context["dossiers"]] == [dossier.pk]
    rows = page.context["questions"]
    assert [(row.question.pk, row.days) for row in rows] == [(old.pk, 30), (new.pk, 0)]


def test_it_registers_outreach_with_hours(pro, team_oost):
    http = login(pro)
    http.post(
        reverse("registration:outreach_list"),
        {
            "team": team_oost.pk,
            "date": today().isoformat(),
            "kind": "network",
            "description": "Buurtnetwerk Oost",
            "hours": "2.5",
        },
    )
    page = http.get(reverse("registration:outreach_list"))
    assert [str(a.hours) for a in page.context["activities"]] == ["2.50"]


def test_it_registers_a_household_member(pro, client_jan):
    http = login(pro)
    form = http.get(reverse("registration:client_create"), {"huishouden": client_jan.pk})
    assert form.context["form"].initial["last_name"] == "Jansen"
    response = http.post(
        reverse("registration:client_create") + f"?huishouden={client_jan.pk}",
        {"first_name": "Mia", "last_name": "Jansen", "postcode": "9991AB"},
    )
    mia = Client.objects.get(first_name="Mia")
    client_jan.refresh_from_db()
    assert response.status_code == 302
    assert mia.household is not None and mia.household == client_jan.household
    page = http.get(reverse("registration:client_detail", args=[client_jan.pk]))
    assert page.context["household"] == [mia]


def test_my_work_flags_dossiers_that_linger_without_contact(pro, dossier):
    from vivera.registration.services import dossier_change_status

    start = dossier.registered_on - dt.timedelta(days=200)
    Dossier.objects.filter(pk=dossier.pk).update(registered_on=start, status_since=start)
    dossier.refresh_from_db()
    dossier_change_status(
        user=pro, dossier=dossier, to_status="intake", date=start + dt.timedelta(days=1)
    )
    dossier_change_status(
        user=pro, dossier=dossier, to_status="active", date=start + dt.timedelta(days=2)
    )
    page = login(pro).get(reverse("registration:my_work"))
    assert [d.pk for d in page.context["stale"]] == [dossier.pk]


def test_a_client_without_dossier_is_visible_to_the_registering_team_only(pro, colleague, pro_west):
    fresh = client_create(user=pro, first_name="Nieuw", last_name="Zonderdossier")
    assert (
        login(colleague).get(reverse("registration:client_detail", args=[fresh.pk])).status_code
        == 200
    )
    assert (
        login(pro_west).get(reverse("registration:client_detail", args=[fresh.pk])).status_code
        == 404
    )


def test_household_members_of_a_visible_dossier_are_visible(pro, pro_west, client_jan, dossier):
    from vivera.registration.services import household_ensure

    household = household_ensure(user=pro, client=client_jan)
    partner = client_create(user=pro_west, first_name="Els", last_name="Jansen")
    Client.objects.filter(pk=partner.pk).update(household=household)
    page = login(pro).get(reverse("registration:client_detail", args=[partner.pk]))
    assert page.status_code == 200


def test_list_pages_show_only_the_own_teams_dossiers_and_log_them(
    pro, pro_west, other_pro, client_jan, team_oost, codes
):
    waiting = dossier_create(
        user=pro, client=client_jan, team=team_oost, referrer=codes["self"], registered_on=today()
    )
    oost = login(pro).get(reverse("registration:waiting_list"))
    assert [d.pk for d in oost.context["dossiers"]] == [waiting.pk]
    line = AccessLogEntry.objects.filter(user=pro, object_type="list").latest("pk")
    assert line.detail == {"clients": [client_jan.pk]}
    for outsider in (pro_west, other_pro):
        for name in ("registration:waiting_list", "registration:my_work"):
            page = login(outsider).get(reverse(name))
            assert "Jansen" not in page.content.decode(), (outsider, name)
        found = login(outsider).post(reverse("registration:client_search"), {"q": "Jansen"})
        assert found.context["results"] == []


def test_the_waiting_list_runs_a_fixed_number_of_queries(
    coordinator, pro, team_oost, codes, django_assert_max_num_queries
):
    for i in range(6):
        client = client_create(user=pro, first_name=f"W{i}", last_name="Wacht")
        dossier_create(
            user=pro, client=client, team=team_oost, referrer=codes["self"], registered_on=today()
        )
    http = login(coordinator)
    with django_assert_max_num_queries(20):
        page = http.get(reverse("registration:waiting_list"))
    assert len(page.context["dossiers"]) == 6


def test_a_failed_post_still_logs_the_read_of_the_record(pro, dossier):
    before = AccessLogEntry.objects.filter(user=pro, action="read", object_type="dossier").count()
    login(pro).post(reverse("registration:question_add", args=[dossier.pk]), {"domain": ""})
    after = AccessLogEntry.objects.filter(user=pro, action="read", object_type="dossier").count()
    assert after == before + 1


def test_assigning_with_htmx_returns_just_the_updated_row(
    coordinator, pro, client_jan, team_oost, codes
):
    dossier = dossier_create(
        user=pro, client=client_jan, team=team_oost, referrer=codes["self"], registered_on=today()
    )
    response = login(coordinator).post(
        reverse("registration:dossier_assign", args=[dossier.pk]),
        {f"d{dossier.pk}-case_director": pro.pk},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<tr") and "<html" not in html
    assert 'role="status"' in html
    dossier.refresh_from_db()
    assert dossier.case_director == pro


def test_adding_to_a_dossier_is_one_line_in_the_access_log(pro, dossier, codes):
    """A saved question is its create line, not also a read; a refused one is the read of the
    page shown again."""
    http = login(pro)
    url = reverse("registration:question_add", args=[dossier.pk])
    before = AccessLogEntry.objects.count()
    http.post(url, {"domain": codes["money"].pk, "opened_on": today().isoformat()})
    lines = list(
        AccessLogEntry.objects.order_by("pk")[before:].values_list("action", "object_type")
    )
    assert lines == [("create", "question")]
    before = AccessLogEntry.objects.count()
    http.post(url, {"domain": "", "opened_on": today().isoformat()})
    lines = list(
        AccessLogEntry.objects.order_by("pk")[before:].values_list("action", "object_type")
    )
    assert lines == [("read", "dossier")]
