"""Every API endpoint × every role, generated from the URL configuration (the API half of the
authorisation matrix; the pages are in vivera/web/tests/test_authorisation.py).

An endpoint without a rule here fails `test_every_endpoint_has_a_rule`. Each persona is
authenticated as DRF sees it (`force_authenticate`, so the role is tested, not the credential
type); a role that may not use the endpoint gets 403 and nothing changes, an allowed role gets an
answer (2xx, or 400 for an empty body), and nobody without credentials gets more than 401.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import get_resolver, reverse
from rest_framework.test import APIClient

from vivera.partners.models import Submission
from vivera.web.tests.test_authorisation import ALL_PERSONAS, _names

pytestmark = pytest.mark.django_db

EVERYONE = set(ALL_PERSONAS)


@dataclass(frozen=True)
class Endpoint:
    allowed: frozenset[str]
    method: str = "get"
    args: tuple[str, ...] = ()


def endpoint(allowed: set[str], method: str = "get", *args: str) -> Endpoint:
    return Endpoint(frozenset(allowed), method, args)


RULES: dict[str, Endpoint] = {
    # Code lists are not personal data: every logged-in user (partners' systems need the codes).
    "v1:code_list": endpoint(EVERYONE, "get", "levensdomeinen"),
    "v1:monitor": endpoint({"coordinator", "policy"}),
    "v1:partner_referral_create": endpoint({"partner"}, "post"),
    "v1:partner_signal_create": endpoint({"partner"}, "post"),
    "v1:partner_submission_list": endpoint({"partner"}),
    "v1:partner_submission_detail": endpoint(
        {"partner"}, "get", "00000000-0000-0000-0000-000000000000"
    ),
}


def endpoint_names() -> list[str]:
    return sorted(n for n in _names(get_resolver()) if n.startswith("v1:"))


def test_every_endpoint_has_a_rule() -> None:
    missing = [name for name in endpoint_names() if name not in RULES]
    assert not missing, f"API endpoints without an authorisation rule: {missing}"
    stale = [name for name in RULES if name not in endpoint_names()]
    assert not stale, f"Rules for endpoints that no longer exist: {stale}"


CASES = [(name, persona) for name in RULES for persona in ALL_PERSONAS]


@pytest.mark.parametrize(("name", "persona"), CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_each_role_gets_only_what_it_may(name, persona, all_personas, settings):
    settings.VIVERA_PARTNER_API_RATE = "100000/min"
    rule = RULES[name]
    client = APIClient()
    client.force_authenticate(all_personas[persona])
    response = getattr(client, rule.method)(reverse(name, args=rule.args), {}, format="json")
    assert "no-store" in response["Cache-Control"], (name, persona)
    if persona not in rule.allowed:
        assert response.status_code == 403, (name, persona, response.status_code)
        assert response.json()["code"]  # the API's refusal shape
    else:
        # 404 for the detail of a submission that does not exist, 400 for an empty body.
        assert response.status_code in (200, 400, 404), (name, persona, response.status_code)
    assert not Submission.objects.exists()


@pytest.mark.parametrize("name", list(RULES))
def test_without_credentials_every_endpoint_answers_401(name, db):
    rule = RULES[name]
    response = getattr(APIClient(), rule.method)(reverse(name, args=rule.args), {}, format="json")
    assert response.status_code == 401, (name, response.status_code)
