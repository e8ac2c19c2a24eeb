"""The professional's daily pages stay the same size however much a professional has (issue 19):
"my work" shows the first rows of each list with how many there are and a link to the whole list,
which is paged; the waiting list is paged and has assign forms only for a coordinator. The
number of queries does not grow with the rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from vivera.audit.models import AccessLogEntry
from vivera.conftest import login
from vivera.registration import views
from vivera.registration.models import ContactMoment, Dossier, DossierStatus, Question
from vivera.registration.services import client_create, dossier_create

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def make_dossiers(user, team, referrer, n: int, *, director=None) -> list[Dossier]:
    made = []
    for i in range(n):
        client = client_create(user=user, first_name=f"Rij{i:03d}", last_name="Veelwerk")
        made.append(
            dossier_create(
                user=user,
                client=client,
                team=team,
                referrer=referrer,
                registered_on=TODAY - dt.timedelta(days=200 + i),
                case_director=director,
            )
        )
    return made


@pytest.fixture
def busy(pro, team_oost, codes) -> list[Dossier]:
    """31 open dossiers directed by `pro`, active for over 90 days without a contact, each with
    an open question: more than "my work" shows of each list."""
    dossiers = make_dossiers(pro, team_oost, codes["self"], 31, director=pro)
    Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).update(
        status=DossierStatus.ACTIVE, status_since=TODAY - dt.timedelta(days=120)
    )
    Question.objects.bulk_create(
        Question(dossier=d, domain=codes["money"], opened_on=d.registered_on, created_by=pro)
        for d in dossiers
    )
    return dossiers


def test_my_work_shows_the_first_rows_of_each_list_with_the_total(pro, busy):
    page = login(pro).get(reverse("registration:my_work"))
    assert len(page.context["dossiers"]) == views.MY_WORK_ROWS == 25
    assert page.context["dossiers_total"] == 31
    # Open questions and dossiers to close: "more", not counted (a count over 1,500 dossiers
    # costs more than the rows shown); the whole list's page counts them.
    assert len(page.context["questions"]) == 25 and page.context["questions_total"] is None
    assert len(page.context["stale"]) == views.MY_WORK_STALE_ROWS
    assert page.context["stale_total"] is None
    html = page.content.decode()
    assert reverse("registration:my_list", args=["dossiers"]) in html
    assert reverse("registration:my_list", args=["vragen"]) in html
    assert reverse("registration:my_list", args=["afsluiten"]) in html
    # Each dossier's open questions are counted for the rows shown.
    assert {d.open_questions for d in page.context["dossiers"]} == {1}
    # The log names exactly the clients shown, not the 31.
    line = AccessLogEntry.objects.filter(user=pro, object_id="my_work").latest("pk")
    shown = {d.client_id for d in page.context["dossiers"]} | {
        d.client_id for d in page.context["stale"]
    }
    shown |= {row.question.dossier.client_id for row in page.context["questions"]}
    assert set(line.detail["clients"]) == shown


def test_a_small_my_work_has_no_links_to_whole_lists(pro, team_oost, codes):
    make_dossiers(pro, team_oost, codes["self"], 2, director=pro)
    html = login(pro).get(reverse("registration:my_work")).content.decode()
    assert reverse("registration:my_list", args=["dossiers"]) not in html


@pytest.mark.parametrize("kind", ["dossiers", "afsluiten", "vragen"])
def test_the_whole_lists_are_paged(pro, busy, kind, settings):
    http = login(pro)
    first = http.get(reverse("registration:my_list", args=[kind]))
    assert first.status_code == 200
    assert first.context["page_obj"].paginator.count == 31
    assert len(first.context["rows"]) == 31  # fits one page of 50
    views.MY_LIST_PAGE_SIZE, size = 20, views.MY_LIST_PAGE_SIZE
    try:
        second = http.get(reverse("registration:my_list", args=[kind]), {"page": 2})
    finally:
        views.MY_LIST_PAGE_SIZE = size
    assert len(second.context["rows"]) == 11
    line = AccessLogEntry.objects.filter(user=pro, object_type="list").latest("pk")
    assert len(line.detail["clients"]) == 11


def test_an_unknown_list_is_not_found(pro):
    assert login(pro).get(reverse("registration:my_list", args=["alles"])).status_code == 404


def test_another_professional_sees_none_of_my_lists(pro, busy, pro_west):
    http = login(pro_west)
    for kind in ("dossiers", "afsluiten", "vragen"):
        page = http.get(reverse("registration:my_list", args=[kind]))
        assert page.context["page_obj"].paginator.count == 0
        assert "Veelwerk" not in page.content.decode()


def test_my_work_runs_a_fixed_number_of_queries(pro, busy, django_assert_max_num_queries):
    http = login(pro)
    http.get(reverse("registration:my_work"))  # the session is renewed on the first request
    with django_assert_max_num_queries(20):
        page = http.get(reverse("registration:my_work"))
    assert page.status_code == 200


def test_the_waiting_list_is_paged_and_only_a_coordinator_gets_forms(
    pro, coordinator, team_oost, codes
):
    make_dossiers(pro, team_oost, codes["self"], 53)
    as_pro = login(pro).get(reverse("registration:waiting_list"))
    assert len(as_pro.context["rows"]) == views.WAITING_PAGE_SIZE == 50
    assert as_pro.context["page_obj"].paginator.count == 53
    assert all(row.assign_form is None for row in as_pro.context["rows"])
    assert "<select" not in as_pro.content.decode()
    as_coordinator = login(coordinator).get(reverse("registration:waiting_list"), {"page": 2})
    assert len(as_coordinator.context["rows"]) == 3
    assert all(row.assign_form is not None for row in as_coordinator.context["rows"])
    # The oldest first: page 1 ends where page 2 begins.
    assert as_pro.context["rows"][-1].waiting_days > as_coordinator.context["rows"][0].waiting_days


def test_the_dossier_page_shows_the_latest_contacts_a_page_at_a_time(
    pro, team_oost, codes, django_assert_max_num_queries
):
    [dossier] = make_dossiers(pro, team_oost, codes["self"], 1, director=pro)
    kind = codes["phone"]
    ContactMoment.objects.bulk_create(
        ContactMoment(
            dossier=dossier,
            date=TODAY - dt.timedelta(days=i),
            kind=kind,
            minutes=10 + i,
            created_by=pro,
        )
        for i in range(27)
    )
    http = login(pro)
    url = reverse("registration:dossier_detail", args=[dossier.pk])
    http.get(url)
    # 28 today: the dossier, its parts, and the sections of other apps (provisions, Voor
    # elkaar, carers; they trust the page's access check); not one per contact.
    with django_assert_max_num_queries(30):
        first = http.get(url)
    contacts = list(first.context["contacts"])
    assert len(contacts) == views.DOSSIER_CONTACTS_PAGE_SIZE == 20
    assert contacts[0].date == TODAY  # the latest first
    assert "?contacten=2" in first.content.decode()
    second = http.get(url, {"contacten": 2})
    assert [c.minutes for c in second.context["contacts"]] == list(range(30, 37))


def test_the_short_contact_page_shows_the_newest_of_today(pro, team_oost, codes):
    from vivera.registration.services import short_contact_create

    for _ in range(views.SHORT_CONTACTS_SHOWN + 3):
        short_contact_create(
            user=pro,
            date=TODAY,
            part_of_day="morning",
            channel="phone",
            domain=codes["money"],
            result="answered",
        )
    page = login(pro).get(reverse("registration:shortcontact_create"))
    assert len(page.context["today"]) == 20 and page.context["today_total"] == 23
    assert page.content.decode().count('data-testid="short-contact-row"') == 20


def test_a_dossier_fetched_for_one_user_is_trusted_only_for_that_user(
    pro, pro_west, team_oost, codes
):
    from vivera.registration.access import get_dossier_for_user, may_see_dossier

    [dossier] = make_dossiers(pro, team_oost, codes["self"], 1, director=pro)
    fetched = get_dossier_for_user(user=pro, pk=dossier.pk)
    assert may_see_dossier(pro, fetched)
    assert not may_see_dossier(pro_west, fetched)  # asked anew, and refused
    assert may_see_dossier(pro, Dossier.objects.get(pk=dossier.pk))  # asked anew
