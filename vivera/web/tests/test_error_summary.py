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


def test_every_form_that_posts_leaves_the_checks_to_the_server():
    """`novalidate` on every POST form: the browser's own (English, one-at-a-time) bubbles
    never replace the Dutch error summary."""
    from pathlib import Path

    import vivera

    missing = []
    for template in Path(vivera.__file__).parent.rglob("*.html"):
        for tag in re.findall(r"<form\b[^>]*>", template.read_text(), re.S):
            if 'method="post"' in tag and "novalidate" not in tag:
                missing.append(f"{template.name}: {tag[:80]}")
    assert not missing, missing


def test_refusals_collect_every_problem_and_keep_a_lone_code():
    from django.core.exceptions import ValidationError

    from vivera.core.errors import Refusals

    refusals = Refusals()
    refusals.add("date", "Te vroeg.", "early")
    with refusals.check("date"):
        raise ValidationError("Te vroeg.", code="early")  # the same problem: said once
    with refusals.check():
        raise ValidationError({"email": ValidationError("Geen adres.", code="invalid")})
    refusals.add(None, "Al geregistreerd.", "exists")
    with pytest.raises(ValidationError) as refused:
        refusals.raise_if_any()
    assert {
        field: [e.code for e in errors] for field, errors in refused.value.error_dict.items()
    } == {"date": ["early"], "email": ["invalid"], "__all__": ["exists"]}

    alone = Refusals()
    alone.add(None, "Dit dossier is gesloten.", "closed")
    with pytest.raises(ValidationError) as refused:
        alone.raise_if_any()
    assert refused.value.code == "closed"
    Refusals().raise_if_any()  # nothing refused: nothing raised
