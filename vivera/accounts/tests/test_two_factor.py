"""Two-factor login through the pages: a role that sees personal data needs the code from an
authenticator app after its password; it sets the app up on first login; nothing opens before
the second step; a policy advisor logs in with a password alone."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from vivera.audit.models import AccessLogEntry
from vivera.conftest import PASSWORD, login

pytestmark = pytest.mark.django_db


def password_step(username: str) -> HttpClient:
    client = HttpClient()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def code_for(key: bytes) -> str:
    """What the authenticator app shows now, computed by the test from the secret."""
    return f"{TOTP(key).token():06d}"


def test_a_password_alone_never_sets_up_an_app(pro):
    """Before issue 11 the first login showed a QR code to whoever had the password. Now an
    account without an authenticator is sent to its administrator for an activation link."""
    client = password_step("pro")
    response = client.get(reverse("registration:my_work"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_verify"))
    response = client.get(response.url)
    assert response.status_code == 403
    html = response.content.decode()
    assert "<svg" not in html and 'data-testid="secret"' not in html
    assert client.post(reverse("two_factor_verify"), {"code": "123456"}).status_code == 403
    assert not TOTPDevice.objects.filter(user=pro).exists()
    assert client.get(reverse("registration:my_work")).status_code == 302


def test_a_later_login_asks_for_the_code_and_refuses_a_wrong_one(pro):
    device = TOTPDevice.objects.create(user=pro, name="app", confirmed=True)
    client = password_step("pro")
    response = client.post(reverse("two_factor_verify"), {"code": "123456"})
    assert response.status_code == 400
    assert client.get(reverse("registration:my_work")).status_code == 302
    assert AccessLogEntry.objects.filter(
        user=pro, object_type="second_factor", result="refused"
    ).exists()
    device.refresh_from_db()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    response = client.post(
        reverse("two_factor_verify"), {"code": code_for(device.bin_key), "next": "/mijn-werk/"}
    )
    assert response.status_code == 302
    assert client.get(reverse("registration:my_work")).status_code == 200


def test_a_code_is_accepted_only_once(pro):
    device = TOTPDevice.objects.create(user=pro, name="app", confirmed=True)
    code = code_for(device.bin_key)
    assert (
        password_step("pro").post(reverse("two_factor_verify"), {"code": code}).status_code == 302
    )
    assert (
        password_step("pro").post(reverse("two_factor_verify"), {"code": code}).status_code == 400
    )


@pytest.mark.parametrize(
    "persona", ["pro", "coordinator", "admin", "partner", "researcher", "other_pro"]
)
def test_every_role_with_personal_data_needs_the_second_step(persona, all_personas):
    client = password_step(all_personas[persona].username)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor_verify"))


@pytest.mark.parametrize("persona", ["policy", "resident"])
def test_roles_without_personal_data_log_in_with_a_password(persona, all_personas):
    client = password_step(all_personas[persona].username)
    response = client.get(reverse("home"), follow=True)
    assert not any(
        url.startswith(reverse("two_factor_verify")) for url, _status in response.redirect_chain
    )


def test_the_admin_site_waits_for_the_second_step_too(admin_user):
    client = password_step("admin")
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_verify"))


def test_a_session_without_the_second_step_gets_no_api(coordinator):
    client = password_step("coordinator")
    response = client.get(reverse("v1:monitor"))
    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_required"


def test_basic_authentication_is_refused_for_roles_that_need_the_second_step(pro, policy):
    import base64

    url = reverse("v1:code_list", args=["uitkomsten"])
    for user in (pro, policy):
        token = base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
        response = HttpClient().get(url, HTTP_AUTHORIZATION=f"Basic {token}")
        assert response.status_code == (401 if user is pro else 200), user.username


def test_the_administrator_resets_a_lost_app(pro, admin_user):
    TOTPDevice.objects.create(user=pro, name="app", confirmed=True)
    response = login(admin_user).post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_account", "_selected_action": [pro.pk]},
    )
    assert response.status_code == 200
    assert 'data-testid="activation-link"' in response.content.decode()
    assert not TOTPDevice.objects.filter(user=pro).exists()
    # The old password no longer logs in: the owner starts again on the activation link.
    response = HttpClient().post(reverse("login"), {"username": "pro", "password": PASSWORD})
    assert response.status_code == 200


def test_the_next_address_stays_on_this_site(pro):
    device = TOTPDevice.objects.create(user=pro, name="app", confirmed=True)
    client = password_step("pro")
    response = client.post(
        reverse("two_factor_verify"),
        {"code": code_for(device.bin_key), "next": "https://evil.example/"},
    )
    assert response.url == "/"


def test_the_second_step_shows_no_menu_only_the_way_out(pro):
    """Every page but the second step is closed until the code is given: no menu leads there."""
    TOTPDevice.objects.create(user=pro, name="app", confirmed=True)
    client = password_step("pro")
    html = client.get(reverse("two_factor_verify")).content.decode()
    assert 'class="vivera-nav"' not in html
    assert reverse("registration:my_work") not in html
    assert f'action="{reverse("logout")}"' in html
    wrong = client.post(reverse("two_factor_verify"), {"code": "123456"}).content.decode()
    # A wrong code is a wrong code, not a form that "was not saved".
    assert "niet opgeslagen" not in wrong
    assert "Deze code is niet juist" in wrong
