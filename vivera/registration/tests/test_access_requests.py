"""Asking the team that holds a resident's dossier for access (issue 11, point 3): the request,
who may answer it, what approving a transfer or a shared dossier changes, and the log lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from vivera.accounts.models import Role
from vivera.audit.models import AccessLogEntry
from vivera.conftest import login
from vivera.organisation.models import Specialism, Team, TeamMembership
from vivera.registration.access import clients_for, get_dossier_for_user
from vivera.registration.bsn import is_valid_bsn
from vivera.registration.models import (
    Client,
    ClientAccessRequest,
    Dossier,
    DossierTeamChange,
)
from vivera.registration.services import (
    access_request_create,
    access_request_decide,
    client_create,
    dossier_create,
)

pytestmark = pytest.mark.django_db

BSN = "123456782"
CREATE = reverse("registration:access_request_create")
LIST = reverse("registration:access_requests")


def valid_bsns(count: int, start: int = 100000000) -> list[str]:
    found: list[str] = []
    number = start
    while len(found) < count:
        if is_valid_bsn(str(number)) and str(number) != BSN:
            found.append(str(number))
        number += 1
    return found


def oost_resident(pro, team_oost, codes, *, bsn: str = BSN, last_name: str = "Jansen"):
    client = client_create(user=pro, first_name="Jan", last_name=last_name, bsn=bsn)
    dossier_create(
        user=pro,
        client=client,
        team=team_oost,
        referrer=codes["gp"],
        registered_on=timezone.localdate() - dt.timedelta(days=30),
        case_director=pro,
    )
    return client


@pytest.fixture
def jan_oost(pro, team_oost, codes):
    return oost_resident(pro, team_oost, codes)


@pytest.fixture
def coordinator_west(make_user, municipality, team_west):
    return make_user("coordinator_west", Role.COORDINATOR, municipality, team_west)


@pytest.fixture
def coordinator_noord(make_user, municipality):
    noord = Team.objects.create(municipality=municipality, name="Noord")
    return make_user("coordinator_noord", Role.COORDINATOR, municipality, noord)


def ask(user, kind: str = "transfer", bsn: str = BSN, team: Team | None = None):
    data = {
        "toegang-bsn": bsn,
        "toegang-kind": kind,
        "toegang-reason": "Zelfde gezin, wij begeleiden de moeder.",
    }
    if team is not None:
        data["toegang-team"] = team.pk
    else:
        data["toegang-team"] = next(iter(user.team_ids()))
    return login(user).post(CREATE, data)


def request_of(jan_oost) -> ClientAccessRequest:
    return ClientAccessRequest.objects.get(client=jan_oost)


def sees_dossier(user, dossier: Dossier) -> bool:
    try:
        get_dossier_for_user(user=user, pk=dossier.pk)
    except Http404:
        return False
    return True


def test_a_request_goes_to_the_coordinator_of_the_team_holding_the_dossier(
    pro_west, coordinator, coordinator_noord, jan_oost, team_oost, team_west
):
    response = ask(pro_west)
    assert response.status_code == 302 and response.url == LIST
    access_request = request_of(jan_oost)
    assert (
        access_request.from_team,
        access_request.to_team,
        access_request.requested_by,
        access_request.status,
        access_request.dossier,
    ) == (team_oost, team_west, pro_west, "pending", jan_oost.dossiers.get())
    created = AccessLogEntry.objects.get(
        user=pro_west, action="create", object_type="client_access_request"
    )
    assert created.client_id == jan_oost.pk and BSN not in str(created.detail)
    assert AccessLogEntry.objects.filter(
        user=pro_west, action="search", client_id=jan_oost.pk, detail__purpose="access_request"
    ).exists()
    html = login(coordinator).get(LIST).content.decode()
    assert "Jansen" in html
    assert reverse("registration:access_request_decide", args=[access_request.pk]) in html
    assert AccessLogEntry.objects.filter(
        user=coordinator, object_id="access_requests", detail__clients=[jan_oost.pk]
    ).exists()
    # A coordinator of an unrelated team does not see it.
    assert "Jansen" not in login(coordinator_noord).get(LIST).content.decode()


def test_while_pending_the_requester_sees_nothing_of_the_resident(pro_west, jan_oost):
    ask(pro_west)
    html = login(pro_west).get(LIST).content.decode()
    assert "Jansen" not in html and "Oost" not in html
    assert jan_oost.masked_bsn in html  # what the requester typed, masked
    assert not sees_dossier(pro_west, jan_oost.dossiers.get())
    assert not clients_for(pro_west).filter(pk=jan_oost.pk).exists()


def test_asking_twice_for_the_same_resident_is_refused(pro_west, jan_oost):
    ask(pro_west)
    response = ask(pro_west)
    assert response.status_code == 400
    assert ClientAccessRequest.objects.count() == 1


def test_asking_about_a_resident_within_reach_only_points_to_it(pro, colleague, jan_oost):
    response = ask(colleague)
    assert response.status_code == 400
    assert reverse("registration:client_detail", args=[jan_oost.pk]) in response.content.decode()
    assert not ClientAccessRequest.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("pro", 403),
        ("pro_west", 403),
        ("coordinator_west", 404),
        ("coordinator_noord", 404),
        ("policy", 403),
        ("admin", 403),
        ("partner", 403),
        ("resident", 403),
        ("researcher", 403),
        ("other_pro", 403),
    ],
)
def test_only_the_coordinator_of_the_holding_team_may_answer(
    persona, status, request, all_personas, jan_oost
):
    ask(all_personas["pro_west"])
    access_request = request_of(jan_oost)
    user = all_personas.get(persona) or request.getfixturevalue(persona)
    url = reverse("registration:access_request_decide", args=[access_request.pk])
    http = login(user)
    assert http.get(url).status_code == status
    assert http.post(url, {"decision": "approve"}).status_code == status
    assert (
        http.post(reverse("registration:access_share_end", args=[access_request.pk])).status_code
        == status
    )
    access_request.refresh_from_db()
    assert access_request.status == "pending"
    assert AccessLogEntry.objects.filter(user=user, result="refused").exists()


def test_approving_a_transfer_moves_the_dossier_to_the_requesting_team(
    pro, pro_west, coordinator, jan_oost, team_oost, team_west
):
    ask(pro_west, kind="transfer")
    access_request = request_of(jan_oost)
    dossier = jan_oost.dossiers.get()
    http = login(coordinator)
    url = reverse("registration:access_request_decide", args=[access_request.pk])
    assert "Jansen" in http.get(url).content.decode()
    response = http.post(url, {"decision": "approve", "note": ""})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.team, dossier.case_director, dossier.version) == (team_west, pro_west, 2)
    change = DossierTeamChange.objects.get()
    assert (
        change.dossier,
        change.from_team,
        change.to_team,
        change.changed_by,
        change.request,
    ) == (dossier, team_oost, team_west, coordinator, access_request)
    assert sees_dossier(pro_west, dossier)
    assert not sees_dossier(pro, dossier)  # Oost no longer holds it
    assert AccessLogEntry.objects.filter(
        user=coordinator,
        action="update",
        object_type="client_access_request",
        object_id=str(access_request.pk),
        detail__status="approved",
    ).exists()
    moved = AccessLogEntry.objects.get(user=coordinator, action="update", object_type="dossier")
    assert moved.detail["team"] == {"from": team_oost.pk, "to": team_west.pk}
    assert moved.client_id == jan_oost.pk
    page = login(pro_west).get(LIST).content.decode()
    assert reverse("registration:dossier_detail", args=[dossier.pk]) in page
    history = login(pro_west).get(reverse("registration:dossier_detail", args=[dossier.pk]))
    assert list(history.context["team_changes"]) == [change]


def test_approving_a_shared_dossier_lets_both_teams_see_it_until_sharing_stops(
    pro, pro_west, coordinator, jan_oost, team_oost, team_west
):
    ask(pro_west, kind="shared")
    access_request = request_of(jan_oost)
    dossier = jan_oost.dossiers.get()
    login(coordinator).post(
        reverse("registration:access_request_decide", args=[access_request.pk]),
        {"decision": "approve"},
    )
    dossier.refresh_from_db()
    assert dossier.team == team_oost and dossier.case_director == pro
    assert sees_dossier(pro_west, dossier) and sees_dossier(pro, dossier)
    assert clients_for(pro_west).filter(pk=jan_oost.pk).exists()
    page = login(pro).get(reverse("registration:dossier_detail", args=[dossier.pk]))
    assert list(page.context["shares"]) == [access_request]
    assert AccessLogEntry.objects.filter(
        user=coordinator,
        object_type="dossier",
        object_id=str(dossier.pk),
        detail__shared_with_team=team_west.pk,
    ).exists()
    response = login(coordinator).post(
        reverse("registration:access_share_end", args=[access_request.pk])
    )
    assert response.status_code == 302
    assert not sees_dossier(pro_west, dossier)
    assert AccessLogEntry.objects.filter(
        user=coordinator, object_type="dossier", detail__share_ended_for_team=team_west.pk
    ).exists()


def test_declining_changes_nothing_and_the_requester_reads_the_note(
    pro_west, coordinator, jan_oost, team_oost
):
    ask(pro_west, kind="shared")
    access_request = request_of(jan_oost)
    url = reverse("registration:access_request_decide", args=[access_request.pk])
    http = login(coordinator)
    without_note = http.post(url, {"decision": "decline", "note": ""})
    assert without_note.status_code == 400
    access_request.refresh_from_db()
    assert access_request.status == "pending"
    assert (
        http.post(
            url, {"decision": "decline", "note": "Wij hebben contact; bel mij even."}
        ).status_code
        == 302
    )
    access_request.refresh_from_db()
    assert (access_request.status, access_request.decided_by) == ("declined", coordinator)
    dossier = jan_oost.dossiers.get()
    assert dossier.team == team_oost and not sees_dossier(pro_west, dossier)
    assert not AccessLogEntry.objects.filter(user=coordinator, object_type="dossier").exists()
    assert AccessLogEntry.objects.filter(
        user=coordinator, object_type="client_access_request", detail__status="declined"
    ).exists()
    assert "bel mij even" in login(pro_west).get(LIST).content.decode()
    # An answered request cannot be answered again.
    with pytest.raises(ValidationError):
        access_request_decide(user=coordinator, access_request=access_request, approve=True)


def test_a_requester_cannot_answer_its_own_request(
    coordinator_west, jan_oost, team_oost, team_west
):
    [access_request] = access_request_create(
        user=coordinator_west,
        client=jan_oost,
        to_team=team_west,
        kind="transfer",
        reason="Verhuisd naar West.",
    )
    # Even after joining the holding team, its own request is not its to answer.
    TeamMembership.objects.create(
        team=team_oost,
        user=coordinator_west,
        specialism=Specialism.AMW,
        fte=Decimal("0.1"),
        start_date=dt.date(2015, 1, 1),
    )
    with pytest.raises(ValidationError) as refused:
        access_request_decide(user=coordinator_west, access_request=access_request, approve=True)
    assert refused.value.code == "own_request"
    access_request.refresh_from_db()
    assert access_request.status == "pending"


def test_requests_across_municipalities_are_impossible(other_pro, other_team, jan_oost):
    response = ask(other_pro)
    assert response.status_code == 400
    assert not ClientAccessRequest.objects.exists()
    line = AccessLogEntry.objects.get(user=other_pro, action="search")
    assert (line.client_id, line.detail["found"]) == (None, "none")
    with pytest.raises(ValidationError) as refused:
        access_request_create(
            user=other_pro, client=jan_oost, to_team=other_team, kind="shared", reason="Elders."
        )
    assert refused.value.code == "other_municipality"


def test_the_bsn_checks_of_one_professional_are_limited(settings, pro, pro_west, team_oost, codes):
    settings.VIVERA_BSN_CHECK_LIMIT = 3
    first, second, third, nobody = valid_bsns(4)
    for n, bsn in enumerate((first, second, third)):
        oost_resident(pro, team_oost, codes, bsn=bsn, last_name=f"Oost{n}")
    http = login(pro_west)
    create = reverse("registration:client_create")
    for bsn in (first, second, first, third):  # the same resident twice counts once
        form = http.post(create, {"first_name": "A", "last_name": "B", "bsn": bsn}).context["form"]
        assert form.has_error("bsn", "known_elsewhere")
    for bsn in (nobody, first):  # refused whatever it would find
        form = http.post(create, {"first_name": "A", "last_name": "B", "bsn": bsn}).context["form"]
        assert form.has_error("bsn", "bsn_check_limit")
    assert not Client.objects.filter(bsn=nobody).exists()
    refused = AccessLogEntry.objects.filter(user=pro_west, action="search", result="refused")
    assert refused.count() == 2
    assert all(line.client_id is None for line in refused)
    # Asking for access checks the BSN too, and is limited the same way.
    assert ask(pro_west, bsn=first).context["form"].has_error("bsn", "bsn_check_limit")
    assert not ClientAccessRequest.objects.exists()


def test_my_work_tells_the_coordinator_that_a_request_waits(
    pro_west, coordinator, coordinator_west, jan_oost
):
    ask(pro_west)
    assert (
        login(coordinator).get(reverse("registration:my_work")).context["requests_to_answer"] == 1
    )
    assert (
        login(coordinator_west).get(reverse("registration:my_work")).context["requests_to_answer"]
        == 0
    )
