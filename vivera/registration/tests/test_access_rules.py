"""The access rule in two forms agrees: `dossiers_for` / `clients_for` (the querysets the lists
use) and the checks on one fetched dossier or client (`_any_seen`, `_client_seen`, what
`get_dossier_for_user` and `get_client_for_user` use since issue 19 made them cheaper). Every
user below is asked about every dossier and client of a municipality built to hold each branch
of the rule: own team, directed in another team, shared (running, ended, pending), households,
clients without a dossier registered by oneself, a colleague, a former colleague or another
team, and another municipality."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from vivera.accounts.models import Role
from vivera.organisation.models import TeamMembership
from vivera.registration import access
from vivera.registration.models import (
    AccessRequestKind,
    AccessRequestStatus,
    Client,
    ClientAccessRequest,
    Dossier,
)
from vivera.registration.services import client_create, dossier_create

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def world(
    make_user, municipality, other_municipality, team_oost, team_west, other_team, codes
) -> dict:
    pro = make_user("pro", Role.PROFESSIONAL, municipality, team_oost)
    colleague = make_user("colleague", Role.PROFESSIONAL, municipality, team_oost)
    former = make_user("former", Role.PROFESSIONAL, municipality, team_oost)
    TeamMembership.objects.filter(user=former).update(end_date=TODAY - dt.timedelta(days=1))
    west = make_user("west", Role.PROFESSIONAL, municipality, team_west)
    coordinator = make_user("coordinator", Role.COORDINATOR, municipality, team_oost)
    teamless = make_user("teamless", Role.PROFESSIONAL, municipality)
    policy = make_user("policy", Role.POLICY, municipality)
    elsewhere = make_user("elsewhere", Role.PROFESSIONAL, other_municipality, other_team)

    def client(by, name: str, household_of: Client | None = None) -> Client:
        return client_create(user=by, first_name=name, last_name="Regel", household_of=household_of)

    def dossier(by, person: Client, team) -> Dossier:
        return dossier_create(
            user=by, client=person, team=team, referrer=codes["self"], registered_on=TODAY
        )

    def share(d: Dossier, to_team, *, status=AccessRequestStatus.APPROVED, ended=False) -> None:
        decided = status != AccessRequestStatus.PENDING
        ClientAccessRequest.objects.create(
            municipality=d.municipality,
            client=d.client,
            dossier=d,
            from_team=d.team,
            to_team=to_team,
            kind=AccessRequestKind.SHARED,
            reason="samen",
            status=status,
            requested_by=pro,
            decided_by=west if decided else None,
            decided_at=timezone.now() if decided else None,
            share_ended_by=west if ended else None,
            share_ended_at=timezone.now() if ended else None,
        )

    own = dossier(pro, client(pro, "Oost"), team_oost)
    dossier(west, client(west, "West"), team_west)
    # Directed by pro in West (pro left West after taking it on).
    directed = dossier(west, client(west, "Geregisseerd"), team_west)
    Dossier.objects.filter(pk=directed.pk).update(case_director=pro)
    share(dossier(west, client(west, "Gedeeld"), team_west), team_oost)
    share(dossier(west, client(west, "Beeindigd"), team_west), team_oost, ended=True)
    share(
        dossier(west, client(west, "Gevraagd"), team_west),
        team_oost,
        status=AccessRequestStatus.PENDING,
    )
    # A household: one member with a dossier in Oost, one without, one with only a West dossier.
    head = own.client
    client(pro, "Huisgenoot", household_of=head)
    dossier(west, client(pro, "HuisgenootWest", household_of=head), team_west)
    # A West household that shares nothing with Oost.
    west_head = client(west, "WestHoofd")
    dossier(west, west_head, team_west)
    client(west, "WestGenoot", household_of=west_head)
    # Clients without a dossier, registered by various people.
    client(pro, "Zelf")
    client(colleague, "Collega")
    client(former, "OudCollega")
    client(west, "AnderTeam")
    # Another municipality.
    dossier(elsewhere, client(elsewhere, "Elders"), other_team)
    return {
        "users": [pro, colleague, former, west, coordinator, teamless, policy, elsewhere],
    }


def agree(user, records, listed, seen, fetch) -> set:
    """The one-record check and the fetch say yes exactly for the records the list holds."""
    listed = set(listed)
    assert {r for r in records if seen(user, r)} == listed, user.username
    for record in records:
        if record in listed:
            assert fetch(user=user, pk=record.pk) == record
        else:
            with pytest.raises(Http404):
                fetch(user=user, pk=record.pk)
    return listed


def test_one_dossier_is_seen_exactly_when_the_list_holds_it(world):
    dossiers = list(Dossier.objects.all())
    assert len(dossiers) == 9
    for user in world["users"]:
        user.refresh_from_db()
        agree(
            user,
            dossiers,
            access.dossiers_for(user),
            lambda u, d: access._any_seen(u, [d]),
            access.get_dossier_for_user,
        )


def test_one_client_is_seen_exactly_when_the_list_holds_it(world):
    clients = list(Client.objects.all())
    assert len(clients) == 15
    seen_by = {}
    for user in world["users"]:
        user.refresh_from_db()
        listed = agree(
            user,
            clients,
            access.clients_for(user),
            access._client_seen,
            access.get_client_for_user,
        )
        seen_by[user.username] = {c.first_name for c in listed}
    # The world holds every branch (else the comparison above proves little).
    assert seen_by["pro"] >= {
        "Oost",
        "Geregisseerd",
        "Gedeeld",
        "Huisgenoot",
        "HuisgenootWest",
        "Zelf",
        "Collega",
    }
    assert not seen_by["pro"] & {"West", "Beeindigd", "Gevraagd", "OudCollega", "AnderTeam"}
    assert not seen_by["pro"] & {"WestHoofd", "WestGenoot", "Elders"}
    assert seen_by["policy"] == set()
    assert seen_by["teamless"] == set()
    assert seen_by["elsewhere"] == {"Elders"}
