"""Every form built on the shared renderer (includes/form.html) opens, after a refused submit,
with the error summary: every problem at once, each linked to its field."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from vivera.conftest import login
from vivera.registration.models import Client

pytestmark = pytest.mark.django_db


def test_the_summary_lists_every_field_error_with_a_link_to_the_field(pro):
    response = login(pro).post(
        reverse("registration:client_create"),
        {"first_name": "Piet", "last_name": "", "bsn": "123456789"},
    )
    html = response.content.decode()
    summary = re.search(r'<div class="[^"]*vivera-error-summary[^"]*"(.*?)</div>', html, re.S)
    assert summary, "no error summary"
    links = re.findall(r'<a class="utrecht-link" href="#(id_\w+)">', summary.group(1))
    assert set(links) == {"id_last_name", "id_bsn"}
    assert "data-vivera-error-summary" in summary.group(0)
    assert "Verbeter eerst deze 2 dingen" in html
    assert not Client.objects.exists()


def test_a_form_without_errors_has_no_summary(pro):
    html = login(pro).get(reverse("registration:client_create")).content.decode()
    assert "vivera-error-summary" not in html
