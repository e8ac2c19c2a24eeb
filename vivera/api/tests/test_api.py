from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command
from django.test import Client as HttpClient
from django.urls import reverse

from vivera.conftest import PASSWORD, login

pytestmark = pytest.mark.django_db


def test_it_serves_a_valid_openapi_3_schema(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(target), "--api-version", "v1"
    )
    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/codes/{kind}/" in schema["paths"]
    response = HttpClient().get(reverse("schema"))
    assert response.status_code == 200


def test_it_lists_a_code_list_for_a_logged_in_user(pro):
    response = login(pro).get(reverse("v1:code_list", args=["levensdomeinen"]))
    codes = {entry["code"] for entry in response.json()}
    assert response.status_code == 200
    assert {"financien", "justitie", "sociaal-netwerk"} <= codes


def test_it_accepts_basic_authentication_for_machine_clients(policy):
    """A role without a second factor (a policy advisor's reporting tool); roles with one are
    refused (vivera/accounts/tests/test_two_factor.py)."""
    import base64

    token = base64.b64encode(f"policy:{PASSWORD}".encode()).decode()
    response = HttpClient().get(
        reverse("v1:code_list", args=["uitkomsten"]), HTTP_AUTHORIZATION=f"Basic {token}"
    )
    assert response.status_code == 200


def test_it_refuses_an_anonymous_client_with_401_not_a_redirect(db):
    response = HttpClient().get(reverse("v1:code_list", args=["verwijzers"]))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response["Content-Type"].startswith("application/json")


def test_it_answers_404_for_an_unknown_code_list(pro):
    response = login(pro).get(reverse("v1:code_list", args=["bestaat-niet"]))
    assert response.status_code == 404
