"""What the schemathesis fuzzes of the API share (vivera/api/tests/test_api_fuzz.py and
vivera/partners/tests/test_api_fuzz.py): the checks every answer must pass, and the fixture that
keeps the test's database connection open while the WSGI application is called directly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core import signals
from django.db import close_old_connections
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# Never a server error, and the status code, content type and body as the schema documents.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def keep_the_test_connection() -> Iterator[None]:
    """Calling the WSGI application directly fires request_started/finished, whose
    close_old_connections would close the test transaction's connection (on PostgreSQL every
    later request then fails). Django's test client disconnects them the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
