"""Issue 11, point 1: the functional administrator cannot give itself access to persons.

Every change of who may see what is a line in the hash-chained access log; a role that sees
persons (or administers) and a team membership wait for a second person; nobody sets another
person's password: a new or reset account gets a one-time activation link.
"""

from __future__ import annotations

import datetime as dt
import re
from base64 import b32decode
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from vivera.accounts import services
from vivera.accounts.models import (
    AccessGrantRequest,
    ActivationLink,
    GrantStatus,
    Role,
    User,
)
from vivera.audit.models import AccessLogEntry
from vivera.audit.selectors import access_log_verification
from vivera.conftest import PASSWORD, login
from vivera.organisation.models import Municipality, Specialism, Team, TeamMembership
from vivera.registration.services import client_create, dossier_create

pytestmark = pytest.mark.django_db

ADD_USER = reverse("admin:accounts_user_add")
ADD_MEMBERSHIP = reverse("admin:organisation_teammembership_add")
GOOD_PASSWORD = "a-long-and-unusual-passphrase-42"


def new_user(**extra: Any) -> dict[str, Any]:
    return {
        "username": "nieuw",
        "first_name": "Nieuwe",
        "last_name": "Coördinator",
        "email": "nieuw@example.org",
        "role": Role.COORDINATOR,
        **extra,
    }


def membership_data(user: User, team: Team, **extra: Any) -> dict[str, Any]:
    return {
        "team": team.pk,
        "user": user.pk,
        "specialism": Specialism.COORDINATION,
        "fte": "0.80",
        "start_date": "2024-01-01",
        "end_date": "",
        **extra,
    }


def token_from(response: Any) -> str:
    html = response.content.decode()
    url = re.search(r'data-testid="activation-link">([^<]+)<', html).group(1)
    return url.rstrip("/").rsplit("/", 1)[-1]


def activate_url(token: str) -> str:
    return reverse("accounts:activate", args=[token])


def activate(
    token: str,
    password: str = GOOD_PASSWORD,
    *,
    code: str | None = None,
    client: HttpClient | None = None,
) -> Any:
    """Open the link as the owner, read the key from the page, answer with the app's code."""
    client = client or HttpClient()
    page = client.get(activate_url(token))
    if code is None:
        secret = re.search(r'data-testid="secret">([A-Z2-7 ]+)<', page.content.decode()).group(1)
        raw = secret.replace(" ", "")
        key = b32decode(raw + "=" * (-len(raw) % 8))
        code = f"{TOTP(key).token():06d}"
    return client.post(
        activate_url(token), {"password1": password, "password2": password, "code": code}
    )


def lines(**filters: Any) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(**filters).order_by("pk"))


def chain_intact() -> bool:
    return access_log_verification().intact


@pytest.fixture
def second_admin(make_user: Any, municipality: Municipality) -> User:
    return make_user("second_admin", Role.ADMIN, municipality)


@pytest.fixture
def oost_client(pro: User, team_oost: Team, codes: dict[str, Any]) -> Any:
    client = client_create(user=pro, first_name="Ans", last_name="Verborgen")
    dossier_create(
        user=pro,
        client=client,
        team=team_oost,
        referrer=codes["gp"],
        registered_on=timezone.localdate() - dt.timedelta(days=3),
    )
    return client


class TestTheReportedPath:
    """beheer made a coordinator, added it to a team, logged in as it and read clients."""

    def test_it_sees_no_client_until_a_second_person_approves(
        self,
        admin_user: User,
        second_admin: User,
        team_oost: Team,
        oost_client: Any,
    ) -> None:
        http = login(admin_user)
        created = http.post(ADD_USER, new_user())
        user = User.objects.get(username="nieuw")
        http.post(ADD_MEMBERSHIP, membership_data(user, team_oost))

        # Nothing took effect: no role, no membership, no password.
        assert created.status_code == 200
        assert user.role == "" and not user.has_usable_password()
        assert not TeamMembership.objects.filter(user=user).exists()
        assert set(AccessGrantRequest.objects.filter(user=user).values_list("kind", "status")) == {
            ("role", "pending"),
            ("membership", "pending"),
        }
        # Even activated through its link (which the administrator holds), it sees nobody.
        assert activate(token_from(created)).status_code == 302
        user.refresh_from_db()
        detail = reverse("registration:client_detail", args=[oost_client.pk])
        assert login(user).get(detail).status_code == 403

        # The requester cannot approve its own requests…
        for grant in AccessGrantRequest.objects.filter(user=user):
            refused = http.post(reverse("accounts:grant_request_approve", args=[grant.pk]))
            assert refused.status_code == 404
        assert not AccessGrantRequest.objects.exclude(status=GrantStatus.PENDING).exists()
        assert login(user).get(detail).status_code == 403

        # …a second administrator can.
        other = login(second_admin)
        for grant in AccessGrantRequest.objects.filter(user=user):
            assert (
                other.post(reverse("accounts:grant_request_approve", args=[grant.pk])).status_code
                == 302
            )
        user.refresh_from_db()
        assert user.role == Role.COORDINATOR
        assert TeamMembership.objects.filter(user=user, team=team_oost).exists()
        assert login(user).get(detail).status_code == 200
        assert chain_intact()

    def test_the_requesters_own_refusal_is_logged(
        self, admin_user: User, pro_west: User, team_oost: Team
    ) -> None:
        grant = services.membership_request(
            user=pro_west,
            team=team_oost,
            specialism=Specialism.AMW,
            fte=Decimal("0.5"),
            start_date=dt.date(2024, 1, 1),
            end_date=None,
            by=admin_user,
        )

        login(admin_user).post(reverse("accounts:grant_request_reject", args=[grant.pk]))

        grant.refresh_from_db()
        assert grant.status == GrantStatus.PENDING
        [line] = lines(object_type="access_grant", result="refused")
        assert line.user == admin_user and line.object_id == str(grant)


class TestWhoDecides:
    @pytest.fixture
    def grant(self, admin_user: User, pro_west: User, team_oost: Team) -> AccessGrantRequest:
        return services.membership_request(
            user=pro_west,
            team=team_oost,
            specialism=Specialism.AMW,
            fte=Decimal("0.5"),
            start_date=dt.date(2024, 1, 1),
            end_date=None,
            by=admin_user,
        )

    def test_the_coordinator_of_the_team_concerned_approves(
        self, grant, coordinator, pro_west, team_oost
    ) -> None:
        assert services.may_decide(user=coordinator, grant=grant)
        response = login(coordinator).post(
            reverse("accounts:grant_request_approve", args=[grant.pk])
        )
        assert response.status_code == 302
        assert TeamMembership.objects.filter(user=pro_west, team=team_oost).exists()

    def test_a_coordinator_of_another_team_does_not(
        self, grant, make_user, municipality, team_west
    ) -> None:
        west_coordinator = make_user("coord_west", Role.COORDINATOR, municipality, team_west)
        response = login(west_coordinator).post(
            reverse("accounts:grant_request_approve", args=[grant.pk])
        )
        assert response.status_code == 404
        grant.refresh_from_db()
        assert grant.status == GrantStatus.PENDING

    def test_the_account_concerned_does_not(
        self, admin_user, make_user, municipality, team_oost
    ) -> None:
        # A coordinator of Oost asked to be in Oost a second time, e.g. for more hours.
        other_coordinator = make_user("coord2", Role.COORDINATOR, municipality, team_oost)
        grant = services.membership_request(
            user=other_coordinator,
            team=team_oost,
            specialism=Specialism.AMW,
            fte=Decimal("0.2"),
            start_date=dt.date(2024, 1, 1),
            end_date=None,
            by=admin_user,
        )
        assert not services.may_decide(user=other_coordinator, grant=grant)

    def test_another_municipalitys_administrator_does_not(
        self, grant, make_user, other_municipality
    ) -> None:
        elsewhere = make_user("admin_elders", Role.ADMIN, other_municipality)
        response = login(elsewhere).post(reverse("accounts:grant_request_approve", args=[grant.pk]))
        assert response.status_code == 404

    def test_an_account_waiting_for_activation_decides_nothing(self, grant, second_admin) -> None:
        second_admin.set_unusable_password()
        second_admin.save()
        assert not services.may_decide(user=second_admin, grant=grant)

    def test_the_requesters_second_account_does_not(
        self, admin_user, municipality, make_user, grant
    ) -> None:
        # beheer makes an administrator, a third person approves it, and beheer activates it
        # itself with the link it was shown: that account may not approve beheer's requests.
        third = make_user("third_admin", Role.ADMIN, municipality)
        _user, issued, role_grant = services.user_create(
            user=User(username="alias", role=Role.ADMIN, municipality=municipality), by=admin_user
        )
        services.grant_request_decide(pk=role_grant.pk, approve=True, by=third)
        assert activate(issued.token).status_code == 302
        alias = User.objects.get(username="alias")
        assert alias.role == Role.ADMIN

        assert not services.may_decide(user=alias, grant=grant)
        assert (
            login(alias)
            .post(reverse("accounts:grant_request_approve", args=[grant.pk]))
            .status_code
            == 404
        )

    def test_a_decided_request_is_not_decided_again(self, grant, coordinator, second_admin) -> None:
        login(coordinator).post(reverse("accounts:grant_request_reject", args=[grant.pk]))
        login(second_admin).post(reverse("accounts:grant_request_approve", args=[grant.pk]))
        grant.refresh_from_db()
        assert (grant.status, grant.decided_by) == (GrantStatus.REJECTED, coordinator)
        assert grant.membership is None

    def test_the_page_lists_what_each_may_decide(
        self, grant, admin_user, second_admin, coordinator
    ) -> None:
        assert login(second_admin).get(reverse("accounts:grant_requests")).context["decide"] == [
            grant
        ]
        assert login(coordinator).get(reverse("accounts:grant_requests")).context["decide"] == [
            grant
        ]
        page = login(admin_user).get(reverse("accounts:grant_requests"))
        assert page.context["decide"] == [] and grant in page.context["recent"]

    @pytest.mark.parametrize("persona", ["pro", "policy", "partner", "resident", "researcher"])
    def test_other_roles_are_refused(self, persona, all_personas, grant) -> None:
        http = login(all_personas[persona])
        assert http.get(reverse("accounts:grant_requests")).status_code == 403
        assert (
            http.post(reverse("accounts:grant_request_approve", args=[grant.pk])).status_code == 403
        )
        grant.refresh_from_db()
        assert grant.status == GrantStatus.PENDING


class TestRoleChanges:
    def test_a_person_role_waits_and_a_lesser_role_is_immediate(
        self, admin_user, policy, second_admin
    ) -> None:
        change = reverse("admin:accounts_user_change", args=[policy.pk])
        data = {
            "username": "policy",
            "first_name": "Policy",
            "last_name": "",
            "email": "",
            "role": Role.PROFESSIONAL,
            "partner": "",
            "is_active": "on",
        }
        assert login(admin_user).post(change, data).status_code == 302
        policy.refresh_from_db()
        assert policy.role == Role.POLICY
        grant = AccessGrantRequest.objects.get(user=policy)
        assert (grant.kind, grant.role, grant.previous_role) == ("role", "professional", "policy")
        # Saving the form again (its role still policy) leaves the request waiting…
        login(admin_user).post(change, {**data, "role": Role.POLICY, "email": "p@x.nl"})
        grant.refresh_from_db()
        assert grant.status == GrantStatus.PENDING
        # …another role that sees no person takes effect at once and cancels it.
        login(admin_user).post(change, {**data, "role": Role.RESEARCHER})
        grant.refresh_from_db()
        policy.refresh_from_db()
        assert (grant.status, policy.role) == (GrantStatus.CANCELLED, Role.RESEARCHER)

    def test_taking_a_role_away_is_immediate_and_logged(self, admin_user, coordinator) -> None:
        change = reverse("admin:accounts_user_change", args=[coordinator.pk])
        login(admin_user).post(
            change,
            {
                "username": "coordinator",
                "first_name": "C",
                "last_name": "",
                "email": "",
                "role": Role.POLICY,
                "partner": "",
            },
        )  # is_active unticked: deactivated too
        coordinator.refresh_from_db()
        assert (coordinator.role, coordinator.is_active) == (Role.POLICY, False)
        [line] = lines(object_type="account", object_id="coordinator", action="update")
        assert line.user == admin_user
        assert line.detail["role"] == ["coordinator", "policy"]
        assert line.detail["active"] == [True, False]
        assert line.detail["fields"] == ["first_name"]
        assert chain_intact()


class TestNobodySetsAnothersPassword:
    @pytest.mark.parametrize("whose", ["pro", "admin"])
    def test_the_admins_password_view_is_refused(self, whose, all_personas, admin_user):
        target = all_personas[whose]
        url = reverse("admin:auth_user_password_change", args=[target.pk])
        http = login(admin_user)
        assert http.get(url).status_code == 403
        response = http.post(
            url, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD, "usable_password": "true"}
        )
        assert response.status_code == 403
        target.refresh_from_db()
        assert target.check_password(PASSWORD)
        assert lines(user=admin_user, result="refused", object_type="page")

    def test_the_forms_have_no_password_fields(self, admin_user, pro) -> None:
        http = login(admin_user)
        change = http.get(reverse("admin:accounts_user_change", args=[pro.pk]))
        add = http.get(ADD_USER)
        for response in (change, add):
            form = response.context["adminform"].form
            assert not {"password", "password1", "password2", "usable_password"} & set(form.fields)
            assert "/password/" not in response.content.decode()

    def test_a_password_posted_to_the_add_form_is_ignored(self, admin_user) -> None:
        login(admin_user).post(
            ADD_USER,
            new_user(
                role=Role.POLICY,
                password1=GOOD_PASSWORD,
                password2=GOOD_PASSWORD,
                usable_password="true",
            ),
        )
        user = User.objects.get(username="nieuw")
        assert not user.has_usable_password()
        assert not user.check_password(GOOD_PASSWORD)


class TestActivationLink:
    @pytest.fixture
    def issued(self, admin_user, municipality) -> services.IssuedLink:
        _user, issued, _grant = services.user_create(
            user=User(
                username="nieuw", role=Role.POLICY, municipality=municipality, first_name="Nieuwe"
            ),
            by=admin_user,
        )
        return issued

    def test_it_works_once_and_then_the_owner_logs_in(self, issued, settings) -> None:
        link = issued.link
        assert link.expires_at - link.issued_at == dt.timedelta(
            hours=settings.VIVERA_ACTIVATION_HOURS
        )
        assert len(issued.token) >= 40 and issued.token not in link.token_hash

        response = activate(issued.token)

        assert response.status_code == 302 and response.url == reverse("login")
        user = User.objects.get(username="nieuw")
        assert user.check_password(GOOD_PASSWORD)
        assert TOTPDevice.objects.get(user=user).confirmed
        link.refresh_from_db()
        assert link.used_at is not None
        again = activate(issued.token, "another-long-passphrase-77", code="123456")
        assert again.status_code == 410
        assert 'data-reason="used"' in again.content.decode()
        user.refresh_from_db()
        assert user.check_password(GOOD_PASSWORD)
        logged_in = HttpClient().post(
            reverse("login"), {"username": "nieuw", "password": GOOD_PASSWORD}
        )
        assert logged_in.status_code == 302

    def test_an_expired_link_changes_nothing(self, issued) -> None:
        ActivationLink.objects.filter(pk=issued.link.pk).update(
            expires_at=timezone.now() - dt.timedelta(seconds=1)
        )

        response = activate(issued.token, code="123456")

        assert response.status_code == 410
        assert 'data-reason="expired"' in response.content.decode()
        assert not User.objects.get(username="nieuw").has_usable_password()
        assert not TOTPDevice.objects.filter(user__username="nieuw").exists()

    def test_a_newer_link_replaces_the_older(self, issued, admin_user) -> None:
        newer = services.account_reset(user=issued.link.user, by=admin_user)
        response = HttpClient().get(activate_url(issued.token))
        assert response.status_code == 410
        assert 'data-reason="replaced"' in response.content.decode()
        assert activate(newer.token).status_code == 302

    def test_a_guessed_token_is_refused_and_logged(self, issued) -> None:
        response = HttpClient().post(
            activate_url("x" * 43),
            {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD, "code": "123456"},
        )
        assert response.status_code == 404
        assert 'data-reason="unknown"' in response.content.decode()
        assert lines(object_type="activation_link", result="refused")[0].detail == {
            "reason": "unknown"
        }
        assert not User.objects.get(username="nieuw").has_usable_password()

    def test_guessing_is_stopped_per_address(self, issued, settings) -> None:
        settings.VIVERA_ACTIVATION_FAILURE_LIMIT = 3
        http = HttpClient()
        for attempt in range(3):
            assert http.get(activate_url(f"guess{attempt:040d}")).status_code == 404
        # Now even the right link waits.
        assert http.get(activate_url(issued.token)).status_code == 429

    @pytest.mark.parametrize(
        ("password", "code"),
        [
            ("kort-1234", None),  # under 12 characters
            ("123456789012345", None),  # only digits
            ("password1234", None),  # a common password
            (GOOD_PASSWORD, "000000"),  # the app's code is wrong
        ],
    )
    def test_bad_input_changes_nothing(self, issued, password, code) -> None:
        response = activate(issued.token, password, code=code)
        assert response.status_code == 400
        assert response.context["form"].errors
        user = User.objects.get(username="nieuw")
        assert not user.has_usable_password()
        assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        issued.link.refresh_from_db()
        assert issued.link.used_at is None

    def test_the_page_is_not_cached_nor_sent_to_another_site(self, issued) -> None:
        response = HttpClient().get(activate_url(issued.token))
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert response["Referrer-Policy"] == "same-origin"


class TestEveryChangeIsLogged:
    def test_the_lines_and_the_chain(
        self, admin_user, second_admin, team_oost, municipality
    ) -> None:
        start = AccessLogEntry.objects.count()
        user, issued, role_grant = services.user_create(
            user=User(username="nieuw", role=Role.PROFESSIONAL, municipality=municipality),
            by=admin_user,
        )
        membership_grant = services.membership_request(
            user=user,
            team=team_oost,
            specialism=Specialism.AMW,
            fte=Decimal("0.6"),
            start_date=dt.date(2024, 1, 1),
            end_date=None,
            by=admin_user,
        )
        activate(issued.token)
        services.grant_request_decide(pk=role_grant.pk, approve=True, by=second_admin)
        services.grant_request_decide(pk=membership_grant.pk, approve=True, by=second_admin)
        user.refresh_from_db()
        membership = TeamMembership.objects.get(user=user)
        services.membership_end(membership=membership, end_date=dt.date(2025, 6, 30), by=admin_user)
        services.account_unlock(user=user, by=admin_user)
        services.account_reset(user=user, by=admin_user)
        services.user_deactivate(user=user, by=admin_user)

        got = [
            (e.username, e.action, e.object_type, e.object_id, e.detail)
            for e in AccessLogEntry.objects.order_by("pk")[start:]
            if e.object_type != "second_factor"
        ]
        role_id, membership_id = str(role_grant), str(membership_grant)
        membership_request = {
            "kind": "membership",
            "account": "nieuw",
            "team": "Oost",
            "specialism": "amw",
            "fte": "0.60",
            "start": "2024-01-01",
            "end": "",
            "requested_by": "admin",
        }
        role_request = {
            "kind": "role",
            "account": "nieuw",
            "role": ["", "professional"],
            "requested_by": "admin",
        }
        link_ids = list(
            ActivationLink.objects.filter(user=user).order_by("pk").values_list("pk", flat=True)
        )
        valid = [
            link.expires_at.isoformat()
            for link in ActivationLink.objects.filter(user=user).order_by("pk")
        ]
        assert got == [
            (
                "admin",
                "create",
                "account",
                "nieuw",
                {
                    "role": "",
                    "municipality": "Wijkstad",
                    "partner": "",
                    "superuser": False,
                    "active": True,
                },
            ),
            ("admin", "create", "access_grant", role_id, {**role_request, "status": "pending"}),
            (
                "admin",
                "create",
                "activation_link",
                str(link_ids[0]),
                {"account": "nieuw", "valid_until": valid[0]},
            ),
            (
                "admin",
                "create",
                "access_grant",
                membership_id,
                {**membership_request, "status": "pending"},
            ),
            (
                "nieuw",
                "update",
                "account",
                "nieuw",
                {"activated": link_ids[0], "password": "set by owner", "second_factor": "set up"},
            ),
            (
                "second_admin",
                "update",
                "account",
                "nieuw",
                {"role": ["", "professional"], "approved": role_id},
            ),
            (
                "second_admin",
                "update",
                "access_grant",
                role_id,
                {**role_request, "status": "approved"},
            ),
            (
                "second_admin",
                "create",
                "team_membership",
                str(membership.pk),
                {
                    "account": "nieuw",
                    "team": "Oost",
                    "specialism": "amw",
                    "fte": "0.60",
                    "start": "2024-01-01",
                    "end": "",
                    "approved": membership_id,
                },
            ),
            (
                "second_admin",
                "update",
                "access_grant",
                membership_id,
                {**membership_request, "status": "approved"},
            ),
            (
                "admin",
                "update",
                "team_membership",
                str(membership.pk),
                {"account": "nieuw", "team": "Oost", "end_date": ["", "2025-06-30"]},
            ),
            ("admin", "update", "account", "nieuw", {"unlocked": True}),
            (
                "admin",
                "update",
                "account",
                "nieuw",
                {"password": "removed", "second_factor": "removed"},
            ),
            (
                "admin",
                "create",
                "activation_link",
                str(link_ids[1]),
                {"account": "nieuw", "valid_until": valid[1]},
            ),
            ("admin", "update", "account", "nieuw", {"active": [True, False]}),
        ]
        assert all(
            e.municipality_id == municipality.pk
            for e in AccessLogEntry.objects.order_by("pk")[start:]
        )
        text = str([e.detail for e in AccessLogEntry.objects.all()])
        assert GOOD_PASSWORD not in text and issued.token not in text
        assert chain_intact()

    def test_the_access_log_page_shows_them_with_labels(
        self, admin_user, pro_west, team_oost
    ) -> None:
        services.membership_request(
            user=pro_west,
            team=team_oost,
            specialism=Specialism.AMW,
            fte=Decimal("0.5"),
            start_date=dt.date(2024, 1, 1),
            end_date=None,
            by=admin_user,
        )
        page = login(admin_user).get(reverse("audit:access_log"), {"object_type": "access_grant"})
        [row] = page.context["rows"]
        assert row.entry.object_type == "access_grant"
        assert str(row.object_type_label) != "access_grant"
        assert "team: Oost" in row.detail_text

    def test_a_membership_is_not_extended_in_the_admin(self, admin_user, pro) -> None:
        membership = TeamMembership.objects.get(user=pro)
        TeamMembership.objects.filter(pk=membership.pk).update(end_date=dt.date(2025, 1, 1))
        url = reverse("admin:organisation_teammembership_change", args=[membership.pk])
        response = login(admin_user).post(
            url,
            {
                "specialism": membership.specialism,
                "fte": "0.80",
                "start_date": "2015-01-01",
                "end_date": "",
            },
        )
        assert response.status_code == 200
        assert "end_date" in response.context["adminform"].form.errors
        membership.refresh_from_db()
        assert membership.end_date == dt.date(2025, 1, 1)


class TestTheFirstAdministrator:
    def test_the_command_prints_a_link_that_works(self, municipality) -> None:
        out = StringIO()
        call_command(
            "activation_link",
            "eerste",
            "--beheerder",
            "--gemeente",
            "GM9991",
            "--naam",
            "Eerste Beheerder",
            stdout=out,
        )
        token = out.getvalue().strip().rstrip("/").rsplit("/", 1)[-1]
        user = User.objects.get(username="eerste")
        assert (user.role, user.is_staff, user.municipality) == (Role.ADMIN, True, municipality)
        assert activate(token).status_code == 302
        [line] = lines(object_type="account", action="create")
        assert line.user is None and line.detail["by"] == "command"
        assert line.municipality_id == municipality.pk

    def test_it_resets_a_superuser(self, db) -> None:
        User.objects.create_superuser(username="root", password=PASSWORD, email="r@x.nl")
        out = StringIO()
        call_command("activation_link", "root", stdout=out)
        root = User.objects.get(username="root")
        assert not root.has_usable_password()
        token = out.getvalue().strip().rstrip("/").rsplit("/", 1)[-1]
        assert activate(token).status_code == 302


class TestTheSuperuserDecidesInTheAdmin:
    def test_it_approves_and_the_requester_cannot(self, admin_user, pro_west, team_oost):
        root = User.objects.create_superuser(username="root", password=PASSWORD, email="r@x.nl")
        grant = services.membership_request(
            user=pro_west,
            team=team_oost,
            specialism=Specialism.AMW,
            fte=Decimal("0.5"),
            start_date=dt.date(2024, 1, 1),
            end_date=None,
            by=admin_user,
        )
        url = reverse("admin:accounts_accessgrantrequest_changelist")
        data = {"action": "approve", "_selected_action": [grant.pk]}

        login(admin_user).post(url, data)
        grant.refresh_from_db()
        assert grant.status == GrantStatus.PENDING

        login(root).post(url, data)
        grant.refresh_from_db()
        assert (grant.status, grant.decided_by) == (GrantStatus.APPROVED, root)
        assert TeamMembership.objects.filter(user=pro_west, team=team_oost).exists()
