"""Security headers on every page, checked without a browser (the browser test checks that the
pages also work under them)."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from vivera.conftest import login

pytestmark = pytest.mark.django_db


def test_every_page_carries_a_strict_content_security_policy(pro):
    for response in (
        HttpClient().get(reverse("login")),
        login(pro).get(reverse("registration:my_work")),
    ):
        policy = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'"
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_api_carries_it_too(pro):
    response = login(pro).get(reverse("v1:code_list", args=["levensdomeinen"]))
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_no_page_about_a_person_may_be_cached_but_static_files_may(pro):
    """Every page and file is covered by the authorisation matrix's own check (no-store on every
    answer to every role); here the parts outside it: the admin, the login page, and the static
    files that must stay cacheable (they hold nothing about anyone)."""
    http = login(pro)
    for response in (
        http.get(reverse("registration:my_work")),
        HttpClient().get(reverse("login")),
        http.get("/admin/"),
    ):
        cache_control = response["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control
        assert "public" not in cache_control
    static = HttpClient().get("/static/vivera/vivera.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")
