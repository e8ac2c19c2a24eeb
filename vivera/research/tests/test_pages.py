"""The researcher's and the administrator's pages, through the HTTP interface."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from vivera.accounts.models import Role
from vivera.audit.models import AccessLogEntry
from vivera.conftest import login
from vivera.research.models import ResearchGrant

from .conftest import read_zip

pytestmark = pytest.mark.django_db

HOME = reverse("research:home")
GRANTS = reverse("research:grants")
# What a browser set to English asks for: the pages answer in Dutch all the same.
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def download_url(grant) -> str:
    return reverse("research:download", args=[grant.pk])


def exports(**filters) -> list[AccessLogEntry]:
    return list(
        AccessLogEntry.objects.filter(object_type="research_grant", action="export", **filters)
    )


def content(response) -> bytes:
    return b"".join(response.streaming_content)


class TestTheResearcher:
    def test_it_starts_on_its_grants_and_finds_them_in_its_menu(self, researcher, grant):
        http = login(researcher)
        assert http.get(reverse("home")).url == HOME
        html = http.get(HOME, **ENGLISH).content.decode()
        assert f'href="{HOME}"' in html
        assert "Effect van de wijkteams op zelfredzaamheid" in html
        assert f'action="{download_url(grant)}"' in html

    def test_it_downloads_the_extract_and_the_download_is_logged(
        self, researcher, grant, study, municipality
    ):
        response = login(researcher).post(download_url(grant))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        assert f"M{grant.pk:05d}" in response["Content-Disposition"]
        tables = read_zip(content(response))
        (entry,) = exports(result="success")
        assert (entry.user, entry.municipality_id, entry.object_id) == (
            researcher,
            municipality.pk,
            str(grant.pk),
        )
        assert entry.detail["grant"] == grant.pk
        assert entry.detail["rows"]["dossiers"] == len(tables["dossiers"]) == 7
        assert entry.detail["rows"]["zrm_scores"] == len(tables["zrm_scores"])
        assert entry.path == download_url(grant)

    def test_without_a_grant_it_sees_none_and_downloads_nothing(
        self, researcher, study, make_user, municipality, make_grant
    ):
        colleague = make_user("researcher2", Role.RESEARCHER, municipality)
        theirs = make_grant(researcher=colleague)
        html = login(researcher).get(HOME, **ENGLISH).content.decode()
        assert "Je hebt geen onderzoeksmachtigingen." in html
        assert download_url(theirs) not in html
        assert login(researcher).post(download_url(theirs)).status_code == 404
        (entry,) = exports()
        assert (entry.result, entry.user, entry.detail["reason"]) == (
            "refused",
            researcher,
            "not_theirs",
        )

    def test_a_grant_that_does_not_exist_is_refused_the_same_way(self, researcher):
        response = login(researcher).post(reverse("research:download", args=[4242]))
        assert response.status_code == 404
        assert exports()[0].result == "refused"

    @pytest.mark.parametrize("how", ["expired", "revoked"])
    def test_an_expired_or_revoked_grant_is_refused_and_logged(
        self, researcher, grant, admin_user, how
    ):
        if how == "expired":
            ResearchGrant.objects.filter(pk=grant.pk).update(
                valid_until=timezone.localdate() - dt.timedelta(days=1)
            )
        else:
            login(admin_user).post(reverse("research:revoke", args=[grant.pk]))
        http = login(researcher)
        response = http.post(download_url(grant), **ENGLISH)
        assert response.status_code == 403
        assert "kan niet meer worden gedownload" in response.content.decode()
        (entry,) = exports()
        assert (entry.result, entry.detail["reason"]) == ("refused", how)
        assert f'action="{download_url(grant)}"' not in http.get(HOME).content.decode()

    def test_the_last_valid_day_still_counts(self, researcher, grant, study):
        ResearchGrant.objects.filter(pk=grant.pk).update(valid_until=timezone.localdate())
        assert login(researcher).post(download_url(grant)).status_code == 200

    def test_a_download_is_a_post(self, researcher, grant):
        assert login(researcher).get(download_url(grant)).status_code == 405
        assert exports() == []


class TestEveryoneElse:
    @pytest.mark.parametrize(
        "persona",
        ["pro", "pro_west", "coordinator", "policy", "admin", "partner", "resident", "other_pro"],
    )
    def test_other_roles_download_nothing(self, all_personas, persona, grant, study):
        http = login(all_personas[persona])
        assert http.post(download_url(grant)).status_code == 403
        assert http.get(HOME).status_code == 403
        assert exports() == []

    def test_a_researcher_of_another_municipality_gets_nothing(
        self, make_user, other_municipality, grant
    ):
        elsewhere = make_user("elders", Role.RESEARCHER, other_municipality)
        assert login(elsewhere).post(download_url(grant)).status_code == 404


class TestTheAdministrator:
    def form(self, researcher, team_oost, **changes) -> dict:
        today = timezone.localdate()
        data = {
            "researcher": researcher.pk,
            "purpose": "Wachttijden 2024",
            "legal_basis": "DPIA-2025-3",
            "teams": [team_oost.pk],
            "period_start": "2024-01-01",
            "period_end": "2024-12-31",
            "valid_until": (today + dt.timedelta(days=90)).isoformat(),
        }
        data.update(changes)
        return data

    def test_it_grants_an_extract_and_the_grant_is_logged(self, admin_user, researcher, team_oost):
        response = login(admin_user).post(GRANTS, self.form(researcher, team_oost))
        assert response.status_code == 302
        grant = ResearchGrant.objects.get()
        assert (grant.researcher, grant.granted_by, grant.legal_basis) == (
            researcher,
            admin_user,
            "DPIA-2025-3",
        )
        assert list(grant.teams.all()) == [team_oost]
        assert (grant.period_start, grant.period_end) == (
            dt.date(2024, 1, 1),
            dt.date(2024, 12, 31),
        )
        entry = AccessLogEntry.objects.get(object_type="research_grant")
        assert (entry.action, entry.user, entry.object_id) == ("create", admin_user, str(grant.pk))
        assert entry.detail["researcher"] == "researcher"

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"period_end": "2023-12-31"}, "De einddatum ligt vóór de begindatum."),
            ({"valid_until": "2020-01-01"}, "De machtiging zou dan al verlopen zijn."),
            ({"purpose": ""}, "Dit veld is vereist."),
            ({"legal_basis": ""}, "Dit veld is vereist."),
        ],
    )
    def test_bad_input_is_refused_with_a_message_and_nothing_is_granted(
        self, admin_user, researcher, team_oost, changes, message
    ):
        response = login(admin_user).post(
            GRANTS, self.form(researcher, team_oost, **changes), **ENGLISH
        )
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not ResearchGrant.objects.exists()
        assert not AccessLogEntry.objects.filter(object_type="research_grant").exists()

    @pytest.mark.parametrize("who", ["other_municipality", "not_a_researcher"])
    def test_only_its_own_municipalitys_researchers_and_teams_can_be_chosen(
        self, admin_user, researcher, team_oost, other_team, make_user, other_municipality, pro, who
    ):
        if who == "other_municipality":
            data = self.form(make_user("elders", Role.RESEARCHER, other_municipality), team_oost)
        else:
            data = self.form(pro, team_oost)
        response = login(admin_user).post(GRANTS, data)
        assert response.status_code == 200
        response = login(admin_user).post(GRANTS, self.form(researcher, other_team))
        assert response.status_code == 200
        assert not ResearchGrant.objects.exists()

    def test_it_sees_its_municipalitys_grants_with_their_downloads(
        self, admin_user, grant, researcher, study
    ):
        login(researcher).post(download_url(grant))
        html = login(admin_user).get(GRANTS, **ENGLISH).content.decode()
        assert f"Machtiging {grant}" in html
        assert "Eén keer gedownload" in html
        assert reverse("research:revoke", args=[grant.pk]) in html
        assert (
            f'href="{GRANTS}"'
            in login(admin_user).get(reverse("audit:access_log")).content.decode()
        )

    def test_it_revokes_a_grant_once_and_the_revocation_is_logged(self, admin_user, grant):
        http = login(admin_user)
        assert http.post(reverse("research:revoke", args=[grant.pk])).status_code == 302
        grant.refresh_from_db()
        assert (grant.revoked_by, grant.current_state) == (admin_user, "revoked")
        entry = AccessLogEntry.objects.filter(object_type="research_grant", action="update").get()
        assert entry.detail["revoked"] is True
        response = http.post(reverse("research:revoke", args=[grant.pk]), follow=True, **ENGLISH)
        assert "al ingetrokken" in response.content.decode()
        assert (
            AccessLogEntry.objects.filter(object_type="research_grant", action="update").count()
            == 1
        )

    def test_another_municipalitys_administrator_cannot_see_or_revoke_it(
        self, grant, make_user, other_municipality
    ):
        elsewhere = make_user("elders_admin", Role.ADMIN, other_municipality)
        http = login(elsewhere)
        assert f"Machtiging {grant}" not in http.get(GRANTS, **ENGLISH).content.decode()
        assert http.post(reverse("research:revoke", args=[grant.pk])).status_code == 404
        grant.refresh_from_db()
        assert grant.revoked_at is None

    @pytest.mark.parametrize(
        "persona", ["pro", "coordinator", "policy", "partner", "resident", "researcher"]
    )
    def test_other_roles_cannot_grant_or_revoke(
        self, all_personas, persona, grant, team_oost, researcher
    ):
        http = login(all_personas[persona])
        assert http.get(GRANTS).status_code == 403
        assert http.post(GRANTS, self.form(researcher, team_oost)).status_code == 403
        assert http.post(reverse("research:revoke", args=[grant.pk])).status_code == 403
        assert ResearchGrant.objects.count() == 1
        grant.refresh_from_db()
        assert grant.revoked_at is None
