"""The partner API fuzzed from its own OpenAPI schema (schemathesis): whatever a partner's system
sends — valid, invalid, odd — the answer is never a server error, and every answer has a status
code and a body the schema documents.

Hypothesis generates the requests; they go to the Django WSGI application in-process, with the
partner's API key, against the test database (one transaction per operation, rolled back).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from vivera.devtools.testing.fuzz import CHECKS, keep_the_test_connection  # noqa: F401
from vivera.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application).include(
    path_regex=r"^/api/v1/partner/"
)

# Enough to find the classic failures (types, bounds, unicode, missing fields) in about a minute
# on CI; raise with VIVERA_FUZZ_EXAMPLES for a longer run.
EXAMPLES = int(os.environ.get("VIVERA_FUZZ_EXAMPLES", "60"))


pytestmark = pytest.mark.usefixtures("keep_the_test_connection")


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
def test_the_partner_api_answers_every_request_without_a_server_error(case, partner_key, oost_area):
    case.call_and_validate(headers={"Authorization": f"Bearer {partner_key}"}, checks=CHECKS)
