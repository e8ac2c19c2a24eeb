"""Brute-force protection through the login page: five wrong passwords lock the account with a
clear Dutch message; the administrator can unlock it at once; other accounts are not affected."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from vivera.conftest import PASSWORD, login

pytestmark = pytest.mark.django_db


def attempt(username: str, password: str, client: HttpClient | None = None):
    return (client or HttpClient()).post(
        reverse("login"), {"username": username, "password": password}
    )


def test_five_wrong_passwords_lock_the_account_with_a_clear_message(pro, colleague):
    for _ in range(4):
        response = attempt("pro", "wrong-password-123")
        assert response.status_code == 200  # the form again, with its error
    response = attempt("pro", "wrong-password-123")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Te veel mislukte pogingen" in html
    assert "15 minuten" in html
    # Locked: even the right password does not open it now, from any address.
    locked = HttpClient(REMOTE_ADDR="10.9.8.7").post(
        reverse("login"), {"username": "pro", "password": PASSWORD}
    )
    assert locked.status_code == 429
    # Another account (a colleague at the same office address) logs in as usual.
    response = attempt("colleague", PASSWORD)
    assert response.status_code == 302


def test_a_successful_login_resets_the_count(pro):
    for _ in range(4):
        attempt("pro", "wrong-password-123")
    assert attempt("pro", PASSWORD).status_code == 302
    for _ in range(4):
        assert attempt("pro", "wrong-password-123").status_code == 200


def test_the_administrator_unlocks_an_account_at_once(pro, admin_user):
    for _ in range(5):
        attempt("pro", "wrong-password-123")
    assert attempt("pro", PASSWORD).status_code == 429
    response = login(admin_user).post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock", "_selected_action": [pro.pk]},
    )
    assert response.status_code == 302
    assert attempt("pro", PASSWORD).status_code == 302


def test_the_api_basic_login_counts_and_locks_too(policy):
    import base64

    url = reverse("v1:code_list", args=["uitkomsten"])
    right = base64.b64encode(f"policy:{PASSWORD}".encode()).decode()
    assert HttpClient().get(url, HTTP_AUTHORIZATION=f"Basic {right}").status_code == 200
    wrong = base64.b64encode(b"policy:wrong-password-123").decode()
    for _ in range(5):
        assert HttpClient().get(url, HTTP_AUTHORIZATION=f"Basic {wrong}").status_code == 401
    assert HttpClient().get(url, HTTP_AUTHORIZATION=f"Basic {right}").status_code == 401


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("kort-1234", "te kort"),  # under 12 characters
        ("123456789012345", "bevat alleen cijfers"),
        ("password1234", "te algemeen"),  # on the list of common passwords
    ],
)
def test_the_password_policy_refuses_weak_passwords(admin_user, municipality, password, reason):
    """On the activation link, the only place a password is chosen besides the owner's own
    password page."""
    from vivera.accounts.models import Role, User
    from vivera.accounts.services import user_create

    _user, issued, _grant = user_create(
        user=User(
            username="nieuw",
            role=Role.POLICY,
            municipality=municipality,
            first_name="Nieuwe",
            last_name="Collega",
        ),
        by=admin_user,
    )
    response = HttpClient().post(
        reverse("accounts:activate", args=[issued.token]),
        {"password1": password, "password2": password, "code": "123456"},
    )
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not User.objects.get(username="nieuw").has_usable_password()
