"""The configuration screens (Django admin) for the functional administrator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client as HttpClient
from django.urls import reverse

from vivera.accounts.models import AccessGrantRequest, Role, User
from vivera.audit.models import AccessLogEntry
from vivera.conftest import PASSWORD, login, verify_second_factor
from vivera.organisation.models import (
    CapacityIntervention,
    ConsultationHour,
    ContactKind,
    LifeDomain,
    Location,
    Municipality,
    Neighbourhood,
    Outcome,
    OutcomeKind,
    PartnerOrganisation,
    PostcodeArea,
    Referrer,
    Specialism,
    Team,
    TeamMembership,
)
from vivera.partners.models import ApiKey, Covenant
from vivera.retention.models import LegalHold, RetentionRun

# Configuration only. Adding a model here is a decision: the admin role never sees a person.
CONFIGURATION_MODELS = {
    Municipality,
    Neighbourhood,
    Team,
    Location,
    PartnerOrganisation,
    LifeDomain,
    Referrer,
    Outcome,
    ContactKind,
    TeamMembership,
    CapacityIntervention,
    User,
    AccessLogEntry,
    # Partners: the covenant's terms and the API keys (hashes); never a submission.
    Covenant,
    ApiKey,
    # Retention: legal holds (a client as a number, placed by dossier number) and the record
    # of each run (ids and counts); see vivera/retention/admin.py.
    LegalHold,
    RetentionRun,
    # Accounts: requests for a role or a team membership (about staff, not clients), read-only
    # with approve and reject; see vivera/accounts/admin.py.
    AccessGrantRequest,
}


def admin_url(model: type, view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def superuser(db: None) -> User:
    return User.objects.create_superuser(
        username="root", password=PASSWORD, email="root@example.org"
    )


@pytest.fixture
def other_admin(make_user: Callable[..., User], other_municipality: Municipality) -> User:
    return make_user("other_admin", Role.ADMIN, other_municipality)


@pytest.fixture
def other_location(other_municipality: Municipality, other_team: Team) -> Location:
    return Location.objects.create(
        municipality=other_municipality, team=other_team, name="Wijkcentrum Elders"
    )


class TestWhatIsRegistered:
    def test_it_registers_configuration_and_nothing_with_personal_data(self) -> None:
        assert set(admin.site._registry) == CONFIGURATION_MODELS

    def test_it_registers_no_model_of_the_registration_app(self) -> None:
        for model in apps.get_app_config("registration").get_models():
            assert not admin.site.is_registered(model), model

    def test_it_calls_the_site_vivera_beheer(self) -> None:
        assert admin.site.site_header == "Vivera beheer"
        assert admin.site.site_title == "Vivera beheer"


class TestWhoMayEnter:
    def test_it_lets_the_admin_open_every_changelist(
        self,
        admin_user: User,
        team_oost: Team,
        location: Location,
        partner_org: Any,
        neighbourhood: Neighbourhood,
    ) -> None:
        client = login(admin_user)

        for model in admin.site._registry:
            response = client.get(admin_url(model, "changelist"))
            assert response.status_code == 200, model

    def test_it_lets_the_admin_open_the_add_forms(self, admin_user: User) -> None:
        client = login(admin_user)

        for model in (
            Neighbourhood,
            Team,
            Location,
            PartnerOrganisation,
            TeamMembership,
            CapacityIntervention,
            User,
        ):
            assert client.get(admin_url(model, "add")).status_code == 200, model

    @pytest.mark.parametrize(
        "persona", ["pro", "coordinator", "policy", "partner_user", "resident", "researcher"]
    )
    def test_it_refuses_other_roles_even_when_made_staff_by_mistake(
        self, request: pytest.FixtureRequest, persona: str
    ) -> None:
        user = request.getfixturevalue(persona)
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        client = login(user)

        index = client.get(reverse("admin:index"))
        assert index.status_code == 302
        assert index["Location"].startswith(reverse("admin:login"))
        # Every model registered in the admin, so a new one cannot slip in unchecked.
        for model in admin.site._registry:
            for view in ("changelist", "add"):
                response = client.get(admin_url(model, view))
                assert response.status_code == 302, (model, view)
                assert response["Location"].startswith(reverse("admin:login")), (model, view)

    def test_it_refuses_a_staff_professional_at_the_admin_login(self, pro: User) -> None:
        pro.is_staff = True
        pro.save(update_fields=["is_staff"])
        client = HttpClient()

        client.post(reverse("admin:login"), {"username": "pro", "password": PASSWORD})
        verify_second_factor(client, pro)  # even past both login steps
        response = client.get(admin_url(Team, "changelist"))

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))

    def test_it_refuses_an_admin_whose_account_was_deactivated(self, admin_user: User) -> None:
        client = login(admin_user)
        User.objects.filter(pk=admin_user.pk).update(is_active=False)

        response = client.get(reverse("admin:index"))

        assert response.status_code == 302

    def test_it_sends_an_anonymous_visitor_to_a_login_page(self, db: None) -> None:
        response = HttpClient().get(admin_url(Team, "changelist"))

        assert response.status_code == 302
        assert response["Location"].startswith((reverse("login"), reverse("admin:login")))


class TestMunicipalityScope:
    def test_it_shows_only_the_admins_own_teams(
        self, admin_user: User, team_oost: Team, team_west: Team, other_team: Team
    ) -> None:
        response = login(admin_user).get(admin_url(Team, "changelist"))

        assert set(response.context["cl"].result_list) == {team_oost, team_west}

    def test_it_shows_only_the_admins_own_locations(
        self, admin_user: User, location: Location, other_location: Location
    ) -> None:
        response = login(admin_user).get(admin_url(Location, "changelist"))

        assert list(response.context["cl"].result_list) == [location]

    def test_it_shows_the_other_admin_only_its_own_teams(
        self, other_admin: User, team_oost: Team, other_team: Team
    ) -> None:
        response = login(other_admin).get(admin_url(Team, "changelist"))

        assert list(response.context["cl"].result_list) == [other_team]

    def test_it_shows_only_the_admins_own_municipality(
        self, admin_user: User, municipality: Municipality, other_municipality: Municipality
    ) -> None:
        response = login(admin_user).get(admin_url(Municipality, "changelist"))

        assert list(response.context["cl"].result_list) == [municipality]

    def test_it_does_not_open_another_municipalitys_team(
        self, admin_user: User, other_team: Team
    ) -> None:
        client = login(admin_user)

        change = client.get(admin_url(Team, "change", other_team.pk))
        post = client.post(admin_url(Team, "change", other_team.pk), {"name": "Overgenomen"})

        assert change.status_code == 302
        assert change["Location"] == reverse("admin:index")
        assert post.status_code == 302
        other_team.refresh_from_db()
        assert other_team.name == "Elders-Noord"

    def test_it_gives_a_new_team_the_admins_municipality(
        self, admin_user: User, municipality: Municipality, other_municipality: Municipality
    ) -> None:
        response = login(admin_user).post(
            admin_url(Team, "add"),
            {
                "name": "Noord",
                "municipality": other_municipality.pk,
            },
        )

        assert response.status_code == 302
        assert Team.objects.get(name="Noord").municipality == municipality

    def test_it_reports_a_duplicate_team_name_in_the_form(
        self, admin_user: User, team_oost: Team
    ) -> None:
        response = login(admin_user).post(admin_url(Team, "add"), {"name": "Oost"})

        assert response.status_code == 200
        assert response.context["adminform"].form.errors
        assert Team.objects.filter(name="Oost").count() == 1

    def test_it_offers_only_own_teams_and_neighbourhoods_for_a_location(
        self,
        admin_user: User,
        team_oost: Team,
        other_team: Team,
        neighbourhood: Neighbourhood,
        other_municipality: Municipality,
    ) -> None:
        elsewhere = Neighbourhood.objects.create(
            municipality=other_municipality, name="Buiten", cbs_code="WK999201"
        )

        response = login(admin_user).get(admin_url(Location, "add"))

        fields = response.context["adminform"].form.fields
        assert list(fields["team"].queryset) == [team_oost]
        assert list(fields["neighbourhood"].queryset) == [neighbourhood]
        assert elsewhere not in fields["neighbourhood"].queryset

    def test_it_refuses_another_municipalitys_team_for_a_location(
        self, admin_user: User, other_team: Team
    ) -> None:
        response = login(admin_user).post(
            admin_url(Location, "add"),
            {
                "name": "Nieuw",
                "team": other_team.pk,
                "active": "on",
                "hours-TOTAL_FORMS": "0",
                "hours-INITIAL_FORMS": "0",
            },
        )

        assert response.status_code == 200
        assert "team" in response.context["adminform"].form.errors
        assert not Location.objects.filter(name="Nieuw").exists()

    def test_it_saves_a_location_with_its_consultation_hours(
        self, admin_user: User, municipality: Municipality, team_oost: Team
    ) -> None:
        response = login(admin_user).post(
            admin_url(Location, "add"),
            {
                "name": "Wijkpunt Noord",
                "team": team_oost.pk,
                "active": "on",
                "hours-TOTAL_FORMS": "1",
                "hours-INITIAL_FORMS": "0",
                "hours-0-weekday": "1",
                "hours-0-part_of_day": "morning",
                "hours-0-valid_from": "2026-01-01",
            },
        )

        assert response.status_code == 302
        new = Location.objects.get(name="Wijkpunt Noord")
        assert new.municipality == municipality
        assert ConsultationHour.objects.filter(location=new, weekday=1).exists()

    def test_it_saves_a_neighbourhood_with_its_postcodes(
        self, admin_user: User, municipality: Municipality
    ) -> None:
        response = login(admin_user).post(
            admin_url(Neighbourhood, "add"),
            {
                "name": "Noord",
                "cbs_code": "WK999102",
                "postcodes-TOTAL_FORMS": "1",
                "postcodes-INITIAL_FORMS": "0",
                "postcodes-0-postcode": "9992",
            },
        )

        assert response.status_code == 302
        wijk = Neighbourhood.objects.get(cbs_code="WK999102")
        assert wijk.municipality == municipality
        assert PostcodeArea.objects.get(postcode="9992").neighbourhood == wijk

    def test_it_lets_a_superuser_see_every_municipality(
        self, superuser: User, team_oost: Team, other_team: Team
    ) -> None:
        response = login(superuser).get(admin_url(Team, "changelist"))

        assert set(response.context["cl"].result_list) == {team_oost, other_team}

    def test_it_stops_a_superuser_mixing_municipalities(
        self, superuser: User, municipality: Municipality, other_team: Team
    ) -> None:
        response = login(superuser).post(
            admin_url(Location, "add"),
            {
                "municipality": municipality.pk,
                "name": "Mix",
                "team": other_team.pk,
                "active": "on",
                "hours-TOTAL_FORMS": "0",
                "hours-INITIAL_FORMS": "0",
            },
        )

        assert response.status_code == 200
        assert "team" in response.context["adminform"].form.errors


class TestNothingIsDeleted:
    @pytest.mark.parametrize("fixture", ["team_oost", "location", "partner_org", "neighbourhood"])
    def test_it_refuses_to_delete_configuration(
        self, request: pytest.FixtureRequest, admin_user: User, fixture: str
    ) -> None:
        obj = request.getfixturevalue(fixture)

        response = login(admin_user).post(admin_url(type(obj), "delete", obj.pk), {"post": "yes"})

        assert response.status_code == 403
        assert type(obj).objects.filter(pk=obj.pk).exists()

    def test_it_deactivates_a_location_from_the_list(
        self, admin_user: User, location: Location
    ) -> None:
        response = login(admin_user).post(
            admin_url(Location, "changelist"),
            {
                "form-TOTAL_FORMS": "1",
                "form-INITIAL_FORMS": "1",
                "form-0-id": str(location.pk),
                "_save": "Save",
            },
        )

        assert response.status_code == 302
        location.refresh_from_db()
        assert location.active is False

    def test_it_lets_a_wrong_capacity_intervention_be_deleted(
        self, admin_user: User, municipality: Municipality
    ) -> None:
        intervention = CapacityIntervention.objects.create(
            municipality=municipality,
            date=dt.date(2026, 1, 1),
            name="Impuls",
            fte_added=Decimal("2.00"),
        )

        response = login(admin_user).post(
            admin_url(CapacityIntervention, "delete", intervention.pk), {"post": "yes"}
        )

        assert response.status_code == 302
        assert not CapacityIntervention.objects.filter(pk=intervention.pk).exists()


class TestFormation:
    def test_it_shows_only_own_memberships(
        self, admin_user: User, pro: User, other_pro: User
    ) -> None:
        response = login(admin_user).get(admin_url(TeamMembership, "changelist"))

        assert {m.user for m in response.context["cl"].result_list} == {pro}

    def test_it_offers_only_own_professionals_and_coordinators_as_members(
        self, admin_user: User, pro: User, coordinator: User, policy: User, other_pro: User
    ) -> None:
        response = login(admin_user).get(admin_url(TeamMembership, "add"))

        fields = response.context["adminform"].form.fields
        assert set(fields["user"].queryset) == {pro, coordinator}

    def test_it_adds_a_member_to_a_team(self, admin_user: User, pro: User, team_west: Team) -> None:
        response = login(admin_user).post(
            admin_url(TeamMembership, "add"),
            {
                "team": team_west.pk,
                "user": pro.pk,
                "specialism": Specialism.YOUTH,
                "fte": "0.50",
                "start_date": "2026-02-01",
            },
        )

        assert response.status_code == 302
        # A membership gives access to the team's clients: it waits for a second person
        # (vivera/accounts/tests/test_staff_accounts.py).
        assert not TeamMembership.objects.filter(team=team_west, user=pro).exists()
        grant = AccessGrantRequest.objects.get(user=pro)
        assert (grant.kind, grant.team, grant.fte, grant.status) == (
            "membership",
            team_west,
            Decimal("0.50"),
            "pending",
        )

    def test_it_refuses_a_member_of_another_municipality(
        self, superuser: User, team_west: Team, other_pro: User
    ) -> None:
        response = login(superuser).post(
            admin_url(TeamMembership, "add"),
            {
                "team": team_west.pk,
                "user": other_pro.pk,
                "specialism": Specialism.AMW,
                "fte": "0.50",
                "start_date": "2026-02-01",
            },
        )

        assert response.status_code == 200
        assert "user" in response.context["adminform"].form.errors


class TestCodeLists:
    @pytest.mark.parametrize("model", [LifeDomain, Referrer, Outcome, ContactKind])
    def test_it_lists_code_name_and_order(self, admin_user: User, model: type) -> None:
        response = login(admin_user).get(admin_url(model, "changelist"))

        assert response.status_code == 200
        assert response.context["cl"].result_count == model.objects.count() > 0
        assert {"code", "name", "order", "active"} <= set(response.context["cl"].list_display)

    @pytest.mark.parametrize("model", [LifeDomain, Referrer, Outcome, ContactKind])
    def test_it_leaves_adding_entries_to_the_superuser(
        self, admin_user: User, superuser: User, model: type
    ) -> None:
        assert login(admin_user).get(admin_url(model, "add")).status_code == 403
        assert login(superuser).get(admin_url(model, "add")).status_code == 200

    @pytest.mark.parametrize("model", [LifeDomain, Referrer, Outcome, ContactKind])
    def test_it_never_deletes_an_entry(self, superuser: User, model: type) -> None:
        entry = model.objects.first()

        response = login(superuser).post(admin_url(model, "delete", entry.pk), {"post": "yes"})

        assert response.status_code == 403
        assert model.objects.filter(pk=entry.pk).exists()

    def test_it_lets_the_admin_rename_and_deactivate_an_entry(
        self, admin_user: User, codes: dict[str, Any]
    ) -> None:
        outcome = codes["general"]

        response = login(admin_user).post(
            admin_url(Outcome, "change", outcome.pk),
            {
                "name": "Naar het buurthuis",
                "order": "7",
                # Tampered: the code and kind are read-only and must not change.
                "code": "iets-anders",
                "kind": OutcomeKind.WITHDRAWN,
            },
        )

        assert response.status_code == 302
        outcome.refresh_from_db()
        assert (outcome.name, outcome.order, outcome.active) == ("Naar het buurthuis", 7, False)
        assert outcome.code == "buurthuis"
        assert outcome.kind == OutcomeKind.GENERAL_PROVISION

    def test_it_reorders_entries_in_the_list(self, admin_user: User, codes: dict[str, Any]) -> None:
        phone = codes["phone"]

        response = login(admin_user).post(
            admin_url(ContactKind, "changelist") + f"?q={phone.code}",
            {
                "form-TOTAL_FORMS": "1",
                "form-INITIAL_FORMS": "1",
                "form-0-id": str(phone.pk),
                "form-0-order": "99",
                "form-0-active": "on",
                "_save": "Save",
            },
        )

        assert response.status_code == 302
        phone.refresh_from_db()
        assert phone.order == 99

    def test_it_lets_a_superuser_add_an_entry_with_its_kind(self, superuser: User) -> None:
        response = login(superuser).post(
            admin_url(Referrer, "add"),
            {
                "code": "wijkagent",
                "name": "Wijkagent",
                "kind": "partner",
                "order": "5",
                "active": "on",
            },
        )

        assert response.status_code == 302
        assert Referrer.objects.get(code="wijkagent").kind == "partner"
