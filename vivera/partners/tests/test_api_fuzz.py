"""The partner API fuzzed from its own OpenAPI schema (schemathesis): whatever a partner's system
sends — valid, invalid, odd — the answer is never a server error, and every answer has a status
code and a body the schema documents.

Hypothesis generates the requests; they go to the Django WSGI application in-process, with the
partner's API key, against the test database (one transaction per operation, rolled back).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from vivera.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application).include(
    path_regex=r"^/api/v1/partner/"
)

# Enough to find the classic failures (types, bounds, unicode, missing fields) in about a minute
# on CI; raise with VIVERA_FUZZ_EXAMPLES for a longer run.
EXAMPLES = int(os.environ.get("VIVERA_FUZZ_EXAMPLES", "60"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Calling the WSGI application directly fires request_started/finished, whose
    close_old_connections would close the test transaction's connection (on PostgreSQL every
    later request then fails). Django's test client disconnects them the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_the_partner_api_answers_every_request_without_a_server_error(case, partner_key,
                                                                      oost_area):
    case.call_and_validate(headers={"Authorization": f"Bearer {partner_key}"}, checks=CHECKS)
