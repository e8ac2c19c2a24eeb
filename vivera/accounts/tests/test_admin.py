"""User accounts in the admin: the functional administrator keeps its own municipality's users."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from vivera.accounts.models import Role, User
from vivera.conftest import PASSWORD, login
from vivera.organisation.models import Municipality, PartnerOrganisation

CHANGELIST = reverse("admin:accounts_user_changelist")
ADD = reverse("admin:accounts_user_add")
NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


def change_url(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def new_user_data(**extra: Any) -> dict[str, Any]:
    return {
        "username": "nieuw",
        "first_name": "Nieuwe",
        "last_name": "Collega",
        "email": "nieuw@example.org",
        "role": Role.PROFESSIONAL,
        **extra,
    }


def change_data(user: User, **extra: Any) -> dict[str, Any]:
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "partner": user.partner_id or "",
        "is_active": "on",
        **extra,
    }


@pytest.fixture
def superuser(db: None) -> User:
    return User.objects.create_superuser(
        username="root", password=PASSWORD, email="root@example.org"
    )


class TestWhomTheAdminSees:
    def test_it_lists_only_the_admins_own_municipalitys_users(
        self, admin_user: User, pro: User, policy: User, other_pro: User, superuser: User
    ) -> None:
        response = login(admin_user).get(CHANGELIST)

        shown = set(response.context["cl"].result_list)
        assert {admin_user, pro, policy} <= shown
        assert other_pro not in shown
        assert superuser not in shown

    def test_it_does_not_open_another_municipalitys_user(
        self, admin_user: User, other_pro: User
    ) -> None:
        client = login(admin_user)

        change = client.get(change_url(other_pro))
        password = client.post(
            reverse("admin:auth_user_password_change", args=[other_pro.pk]),
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
        )

        assert change.status_code == 302
        assert password.status_code == 403  # refused for every account (test_staff_accounts)
        other_pro.refresh_from_db()
        assert not other_pro.check_password(NEW_PASSWORD)

    def test_it_does_not_open_a_superuser(self, admin_user: User, superuser: User) -> None:
        response = login(admin_user).get(change_url(superuser))

        assert response.status_code == 302

    def test_it_has_no_groups_screen(self) -> None:
        assert not admin.site.is_registered(Group)


class TestCreatingUsers:
    def test_it_creates_a_user_in_the_admins_municipality(
        self, admin_user: User, municipality: Municipality, other_municipality: Municipality
    ) -> None:
        response = login(admin_user).post(ADD, new_user_data(municipality=other_municipality.pk))

        assert response.status_code == 200  # the page with the activation link
        user = User.objects.get(username="nieuw")
        assert user.municipality == municipality
        # The role sees persons: it waits for a second person (test_staff_accounts).
        assert user.role == ""
        assert user.grant_requests.get().role == Role.PROFESSIONAL
        assert user.is_staff is False
        assert not user.has_usable_password()

    def test_it_makes_a_new_administrator_staff_once_approved(
        self, admin_user: User, make_user: Any, municipality: Municipality
    ) -> None:
        second = make_user("second_admin", Role.ADMIN, municipality)
        login(admin_user).post(ADD, new_user_data(role=Role.ADMIN))
        user = User.objects.get(username="nieuw")
        assert user.is_staff is False

        login(second).post(
            reverse("accounts:grant_request_approve", args=[user.grant_requests.get().pk])
        )

        user.refresh_from_db()
        assert (user.role, user.is_staff) == (Role.ADMIN, True)

    def test_it_asks_a_partner_user_for_its_organisation(self, admin_user: User) -> None:
        response = login(admin_user).post(ADD, new_user_data(role=Role.PARTNER))

        assert response.status_code == 200
        assert "partner" in response.context["adminform"].form.errors
        assert not User.objects.filter(username="nieuw").exists()

    def test_it_offers_only_own_partner_organisations(
        self,
        admin_user: User,
        partner_org: PartnerOrganisation,
        other_municipality: Municipality,
    ) -> None:
        elsewhere = PartnerOrganisation.objects.create(
            municipality=other_municipality, name="Elders Wonen", kind="housing"
        )

        response = login(admin_user).get(ADD)
        refused = login(admin_user).post(
            ADD, new_user_data(role=Role.PARTNER, partner=elsewhere.pk)
        )

        assert list(response.context["adminform"].form.fields["partner"].queryset) == [partner_org]
        assert "partner" in refused.context["adminform"].form.errors

    def test_it_creates_a_partner_user(
        self, admin_user: User, partner_org: PartnerOrganisation
    ) -> None:
        response = login(admin_user).post(
            ADD, new_user_data(role=Role.PARTNER, partner=partner_org.pk)
        )

        assert response.status_code == 200
        user = User.objects.get(username="nieuw")
        assert (user.partner, user.role) == (partner_org, Role.PARTNER)


class TestChangingUsers:
    def test_it_cannot_make_a_superuser(self, admin_user: User, pro: User) -> None:
        response = login(admin_user).post(
            change_url(pro), change_data(pro, is_superuser="on", is_staff="on")
        )

        assert response.status_code == 302
        pro.refresh_from_db()
        assert pro.is_superuser is False
        assert pro.is_staff is False

    def test_it_deactivates_an_account(self, admin_user: User, pro: User) -> None:
        data = change_data(pro)
        del data["is_active"]

        response = login(admin_user).post(change_url(pro), data)

        assert response.status_code == 302
        pro.refresh_from_db()
        assert pro.is_active is False

    def test_it_takes_staff_away_when_the_admin_role_is_taken_away(
        self, admin_user: User, make_user: Any, municipality: Municipality
    ) -> None:
        second = make_user("second_admin", Role.ADMIN, municipality)

        login(admin_user).post(change_url(second), change_data(second, role=Role.POLICY))

        second.refresh_from_db()
        assert (second.role, second.is_staff) == (Role.POLICY, False)

    def test_it_never_deletes_an_account(self, admin_user: User, pro: User) -> None:
        response = login(admin_user).post(
            reverse("admin:accounts_user_delete", args=[pro.pk]), {"post": "yes"}
        )

        assert response.status_code == 403
        assert User.objects.filter(pk=pro.pk).exists()

    def test_it_lets_a_superuser_move_a_user_to_another_municipality(
        self, superuser: User, pro: User, other_municipality: Municipality
    ) -> None:
        response = login(superuser).post(
            change_url(pro), change_data(pro, municipality=other_municipality.pk)
        )

        assert response.status_code == 302
        pro.refresh_from_db()
        assert pro.municipality == other_municipality

    def test_it_refuses_a_professional_opening_the_user_list(self, pro: User) -> None:
        pro.is_staff = True
        pro.save(update_fields=["is_staff"])

        response = login(pro).get(CHANGELIST)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
