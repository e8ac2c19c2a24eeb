"""Refused attempts, logins and logouts in the access log (BIO 8.15), through HTTP."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from rest_framework.test import APIClient

from vivera.accounts.models import User
from vivera.audit.models import AccessLogEntry, Action, Result
from vivera.audit.selectors import access_log_verification
from vivera.conftest import PASSWORD, login
from vivera.partners.services import api_key_create

WRONG_PASSWORD = "Tr0ub4dor&3-not-the-password"


def row_text(entry: AccessLogEntry) -> str:
    """Everything a log line holds, as text: to prove a secret is in none of its fields."""
    values = AccessLogEntry.objects.values().get(pk=entry.pk)
    return " ".join(str(value) for value in values.values())


def refusals(**filters: Any) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(result=Result.REFUSED, **filters).order_by("pk"))


class TestRefusedPages:
    # A few pages with the personas their rule refuses (web/tests/test_authorisation.py).
    @pytest.mark.parametrize(
        ("name", "persona"),
        [
            ("audit:access_log", "pro"),
            ("audit:access_log", "coordinator"),
            ("monitor:benchmark", "coordinator"),
            ("registration:my_work", "policy"),
            ("registration:client_search", "partner_user"),
            ("portal:home", "pro"),
            ("imports:import", "researcher"),
        ],
    )
    def test_it_logs_a_page_refused_by_role(
        self, request: pytest.FixtureRequest, name: str, persona: str
    ) -> None:
        user = request.getfixturevalue(persona)
        url = reverse(name)

        response = login(user).get(url, REMOTE_ADDR="192.0.2.9")

        assert response.status_code == 403
        [line] = refusals(user=user)
        assert line.action == Action.READ
        assert line.object_type == "page"
        assert line.object_id == name
        assert line.path == url
        assert line.ip_address == "192.0.2.9"
        assert line.municipality_id == user.municipality_id
        assert line.role == user.role
        assert line.detail == {"method": "GET"}

    def test_it_logs_a_refused_post_with_its_method(self, policy: User) -> None:
        response = login(policy).post(reverse("imports:cancel"))

        assert response.status_code == 403
        [line] = refusals(user=policy)
        assert line.object_id == "imports:cancel"
        assert line.detail == {"method": "POST"}

    def test_it_writes_no_refusal_for_an_allowed_page(self, admin_user: User) -> None:
        assert login(admin_user).get(reverse("audit:access_log")).status_code == 200

        assert refusals() == []

    def test_it_shows_the_refusal_to_the_administrator(self, admin_user: User, pro: User) -> None:
        login(pro).get(reverse("monitor:dashboard"))

        response = login(admin_user).get(
            reverse("audit:access_log"), {"result": "refused", "object_type": "page"}
        )

        [line] = response.context["page_obj"].object_list
        assert line.username == "pro"
        assert line.object_id == "monitor:dashboard"

    def test_an_anonymous_visitor_is_sent_to_log_in_without_a_line(self, db: None) -> None:
        response = HttpClient().get(reverse("audit:access_log"))

        assert response.status_code == 302
        assert not AccessLogEntry.objects.exists()


class TestTheAdmin:
    @pytest.mark.parametrize("staff", [False, True])
    def test_it_logs_another_role_trying_the_admin(self, pro: User, staff: bool) -> None:
        pro.is_staff = staff
        pro.save(update_fields=["is_staff"])

        response = login(pro).get(reverse("admin:index"), follow=True)

        # The admin sends it to its login page, which is not logged again.
        assert response.redirect_chain[0][0].startswith(reverse("admin:login"))
        [line] = refusals(user=pro)
        assert line.object_type == "page"
        assert line.object_id == "admin:index"

    def test_it_logs_a_change_the_administrator_may_not_make(self, admin_user: User) -> None:
        response = login(admin_user).get(reverse("admin:audit_accesslogentry_add"))

        assert response.status_code == 403
        [line] = refusals(user=admin_user)
        assert line.object_id == "admin:audit_accesslogentry_add"

    def test_the_administrator_in_the_admin_writes_no_refusal(self, admin_user: User) -> None:
        assert login(admin_user).get(reverse("admin:index")).status_code == 200

        assert refusals() == []


class TestLogins:
    def test_it_logs_a_failed_login_without_the_password(self, pro: User) -> None:
        response = HttpClient().post(
            reverse("login"),
            {"username": "pro", "password": WRONG_PASSWORD},
            REMOTE_ADDR="203.0.113.5",
        )

        assert response.status_code == 200  # the form again, with its error
        [line] = AccessLogEntry.objects.all()
        assert line.action == Action.LOGIN
        assert line.result == Result.REFUSED
        assert line.user is None
        assert line.object_type == "account"
        assert line.object_id == "pro"
        assert line.detail == {"username": "pro"}
        # In its municipality's log, where its administrator looks.
        assert line.municipality_id == pro.municipality_id
        assert line.ip_address == "203.0.113.5"
        assert WRONG_PASSWORD not in row_text(line)
        assert "********" not in row_text(line)

    def test_it_logs_an_unknown_username_without_a_municipality(self, db: None) -> None:
        HttpClient().post(reverse("login"), {"username": "nobody", "password": WRONG_PASSWORD})

        [line] = refusals(action=Action.LOGIN)
        assert line.object_id == "nobody"
        assert line.municipality_id is None
        assert WRONG_PASSWORD not in row_text(line)

    def test_it_logs_a_login_and_a_logout(self, pro: User) -> None:
        client = HttpClient()

        response = client.post(reverse("login"), {"username": "pro", "password": PASSWORD})
        client.post(reverse("logout"))

        assert response.status_code == 302
        lines = list(AccessLogEntry.objects.order_by("pk"))
        assert [(line.action, line.result, line.user) for line in lines] == [
            (Action.LOGIN, Result.SUCCESS, pro),
            (Action.LOGOUT, Result.SUCCESS, pro),
        ]
        # A professional has two-factor login: the password alone does not let them in.
        assert lines[0].detail == {"step": "password"}
        assert all(PASSWORD not in row_text(line) for line in lines)
        assert access_log_verification().intact

    def test_it_logs_a_login_on_the_admins_login_page(self, admin_user: User) -> None:
        HttpClient().post(reverse("admin:login"), {"username": "admin", "password": PASSWORD})

        [line] = AccessLogEntry.objects.all()
        assert (line.action, line.result, line.user) == (Action.LOGIN, Result.SUCCESS, admin_user)


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


class TestTheApi:
    MONITOR = reverse("v1:monitor")
    PARTNER_LIST = reverse("v1:partner_submission_list")

    def test_it_logs_a_signed_in_user_without_the_right(self, pro: User) -> None:
        api = APIClient()
        api.force_authenticate(pro)

        response = api.get(self.MONITOR)

        assert response.status_code == 403
        [line] = refusals(user=pro)
        assert line.object_type == "api"
        assert line.object_id == "v1:monitor"
        assert line.detail["method"] == "GET"

    def test_it_logs_a_wrong_key_but_never_the_key(self, partner_user: User) -> None:
        api_key_create(user=partner_user, name="Huurincasso")
        wrong = "vvr_abcdef12_" + "x" * 40
        api = APIClient()

        response = api.get(self.PARTNER_LIST, HTTP_AUTHORIZATION=f"Bearer {wrong}")

        assert response.status_code == 401
        [line] = refusals()
        assert line.object_type == "api"
        assert line.object_id == "v1:partner_submission_list"
        assert line.detail == {"method": "GET", "reason": "invalid_key"}
        assert line.user is None
        assert wrong not in row_text(line)
        assert "abcdef12" not in row_text(line)

    def test_it_logs_a_wrong_password_once_and_without_it(self, policy: User) -> None:
        response = APIClient().get(self.MONITOR, HTTP_AUTHORIZATION=basic("policy", WRONG_PASSWORD))

        assert response.status_code in (401, 403)
        [line] = AccessLogEntry.objects.all()
        assert (line.action, line.result, line.object_id) == (
            Action.LOGIN,
            Result.REFUSED,
            "policy",
        )
        assert WRONG_PASSWORD not in row_text(line)

    def test_it_does_not_log_a_call_without_credentials(self, partner_user: User) -> None:
        assert APIClient().get(self.PARTNER_LIST).status_code == 401
        assert APIClient().get(self.MONITOR).status_code in (401, 403)

        assert not AccessLogEntry.objects.exists()

    def test_it_logs_nothing_extra_for_an_allowed_call(self, policy: User) -> None:
        api = APIClient()
        api.force_authenticate(policy)

        assert api.get(self.MONITOR).status_code == 200
        assert refusals() == []


class TestOnTheAccessLogPage:
    def test_the_administrator_filters_failed_logins(self, admin_user: User, pro: User) -> None:
        HttpClient().post(reverse("login"), {"username": "pro", "password": WRONG_PASSWORD})

        response = login(admin_user).get(
            reverse("audit:access_log"),
            {"action": "login", "result": "refused"},
            HTTP_ACCEPT_LANGUAGE="en",
        )

        [line] = response.context["page_obj"].object_list
        assert line.object_id == "pro"
        content = response.content.decode()
        assert '<option value="login" selected>Inloggen</option>' in content
        assert '<option value="logout">Uitloggen</option>' in content
        assert ">Inloggen<" in content[content.index("<tbody") :]
