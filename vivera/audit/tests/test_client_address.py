from __future__ import annotations

from django.test import RequestFactory, override_settings

from vivera.audit.services import client_address


def test_it_ignores_x_forwarded_for_unless_a_proxy_is_trusted():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    assert client_address(request) == "10.0.0.1"


@override_settings(VIVERA_TRUST_X_FORWARDED_FOR=True)
def test_it_takes_the_address_the_trusted_proxy_appended_not_a_forged_one():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    assert client_address(request) == "203.0.113.7"
