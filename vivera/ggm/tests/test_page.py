"""The administrator's GGM export page, through the HTTP interface."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from vivera.audit.models import AccessLogEntry
from vivera.conftest import login

from .conftest import pseudonym, read_zip

pytestmark = pytest.mark.django_db

URL = reverse("ggm:export")
# What a browser set to English asks for: the page answers in Dutch all the same.
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def download(response) -> bytes:
    return b"".join(response.streaming_content)


class TestTheAdministrator:
    def test_it_sees_the_form_and_the_tables(self, admin_user):
        response = login(admin_user).get(URL, **ENGLISH)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'name="date_from"' in html and 'name="date_to"' in html
        assert "SOCIAALTEAMDOSSIER.csv" in html
        assert AccessLogEntry.objects.filter(object_type="ggm_export").count() == 0

    def test_it_finds_the_page_in_its_menu(self, admin_user):
        response = login(admin_user).get(reverse("audit:access_log"))
        assert f'href="{URL}"' in response.content.decode()

    def test_it_downloads_its_municipalitys_export_and_the_download_is_logged(
        self, admin_user, known, municipality
    ):
        response = login(admin_user).post(URL, {"date_from": "2024-03-01", "date_to": "2024-03-31"})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        assert 'filename="ggm-GM9991-' in response["Content-Disposition"]
        tables = read_zip(download(response))
        assert tables["SOCIAALTEAMDOSSIER"][1][0] == pseudonym(
            "sociaalteamdossier", known["dossier"].pk
        )
        entry = AccessLogEntry.objects.get(object_type="ggm_export")
        assert (entry.action, entry.user, entry.municipality_id) == (
            "export",
            admin_user,
            municipality.pk,
        )
        assert (entry.detail["from"], entry.detail["to"]) == ("2024-03-01", "2024-03-31")
        assert entry.detail["rows"]["SCORE"] == 13
        assert entry.path == URL

    def test_a_period_that_ends_before_it_starts_is_refused_without_export(self, admin_user):
        response = login(admin_user).post(
            URL, {"date_from": "2024-03-01", "date_to": "2024-02-01"}, **ENGLISH
        )
        assert response.status_code == 200
        assert "De einddatum ligt vóór de begindatum." in response.content.decode()
        assert not AccessLogEntry.objects.filter(object_type="ggm_export").exists()

    def test_another_municipalitys_admin_gets_its_own_municipality_only(
        self, known, make_user, other_municipality
    ):
        from vivera.accounts.models import Role

        other_admin = make_user("other_admin", Role.ADMIN, other_municipality)
        tables = read_zip(download(login(other_admin).post(URL, {})))
        assert len(tables["SOCIAALTEAMDOSSIER"]) == 1  # the header only


class TestEveryoneElse:
    @pytest.mark.parametrize("persona", ["pro", "coordinator", "policy", "researcher"])
    def test_other_roles_are_refused(self, all_personas, persona, known):
        http = login(all_personas[persona])
        assert http.get(URL).status_code == 403
        assert http.post(URL, {}).status_code == 403
        assert not AccessLogEntry.objects.filter(object_type="ggm_export").exists()

    def test_an_anonymous_visitor_is_sent_to_the_login_page(self, known):
        for response in (HttpClient().get(URL), HttpClient().post(URL, {})):
            assert response.status_code == 302
            assert response.url.startswith(reverse("login"))
