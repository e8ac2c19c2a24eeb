"""The rest of the API — every operation in the OpenAPI schema outside the partner API, which has
its own fuzz with a partner's key (vivera/partners/tests/test_api_fuzz.py) — fuzzed from the
schema (schemathesis): whatever a client sends, the answer is never a server error, and every
answer has a status code, content type and body the schema documents.

The client is a policy advisor's reporting tool with HTTP Basic (a role without the second
login step, so Basic is allowed), in a municipality with a week of registrations, so the
monitor has figures to compute and suppress. A new endpoint is fuzzed as soon as it is in the
schema; one a policy advisor may not use is fuzzed for its refusal.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
from typing import Any

import pytest
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, settings

from vivera.conftest import PASSWORD
from vivera.devtools.testing.fuzz import CHECKS, keep_the_test_connection  # noqa: F401
from vivera.registration.services import client_create, dossier_create, question_add
from vivera.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application).exclude(
    path_regex=r"^/api/v1/partner/"
)

EXAMPLES = int(os.environ.get("VIVERA_FUZZ_EXAMPLES", "25"))


pytestmark = pytest.mark.usefixtures("keep_the_test_connection")


@pytest.fixture
def registrations(pro: Any, team_oost: Any, codes: dict[str, Any]) -> None:
    today = timezone.localdate()
    for n in range(6):
        client = client_create(user=pro, first_name="Fuzz", last_name=f"Test{n}")
        dossier = dossier_create(
            user=pro,
            client=client,
            team=team_oost,
            referrer=codes["gp"],
            registered_on=today - dt.timedelta(days=n),
        )
        question_add(user=pro, dossier=dossier, domain=codes["money"], opened_on=today)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_the_api_answers_every_request_without_a_server_error(case, policy, registrations):
    token = base64.b64encode(f"{policy.username}:{PASSWORD}".encode()).decode()
    case.call_and_validate(headers={"Authorization": f"Basic {token}"}, checks=CHECKS)
