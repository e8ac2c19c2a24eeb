"""The access log page and its CSV export (NEN 7513), through the HTTP interface."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from vivera.accounts.models import Role, User
from vivera.audit.models import AccessLogEntry, Action, Result
from vivera.audit.services import log_access
from vivera.conftest import login
from vivera.core.spreadsheets import DutchExcel
from vivera.organisation.models import Municipality

LOG_URL = reverse("audit:access_log")
EXPORT_URL = reverse("audit:access_log_export")
# What a browser set to English asks for: the page and the export answer in Dutch all the same.
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def other_admin(make_user: Callable[..., User], other_municipality: Municipality) -> User:
    return make_user("other_admin", Role.ADMIN, other_municipality)


def shown_object_ids(response: HttpResponse) -> list[str]:
    return [entry.object_id for entry in response.context["page_obj"].object_list]


def table_body(response: HttpResponse) -> str:
    content = response.content.decode()
    return content[content.index("<tbody") : content.index("</tbody>")]


def exported_rows(response: HttpResponse) -> list[dict[str, str]]:
    """The export read back as Dutch Excel reads it: UTF-8 after a byte-order mark, `;`."""
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), dialect=DutchExcel))


def logged_at(moment: dt.datetime, **kwargs: Any) -> AccessLogEntry:
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return log_access(**kwargs)


def local(*args: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


class TestWhatTheAdminSees:
    def test_it_shows_the_admin_its_own_municipalitys_log_lines_only(
        self, admin_user: User, pro: User, other_pro: User
    ) -> None:
        log_access(
            user=pro, action=Action.READ, object_type="dossier", object_id=1001, client_id=501
        )
        log_access(
            user=other_pro, action=Action.READ, object_type="dossier", object_id=2002, client_id=502
        )

        response = login(admin_user).get(LOG_URL)

        assert response.status_code == 200
        assert shown_object_ids(response) == ["1001"]
        assert ">501<" in table_body(response)
        assert ">502<" not in table_body(response)

    def test_it_shows_the_other_municipalitys_admin_only_its_lines(
        self, other_admin: User, pro: User, other_pro: User
    ) -> None:
        log_access(user=pro, action=Action.READ, object_type="dossier", object_id=1001)
        log_access(user=other_pro, action=Action.READ, object_type="dossier", object_id=2002)

        response = login(other_admin).get(LOG_URL)

        assert shown_object_ids(response) == ["2002"]

    def test_it_shows_time_user_role_action_result_object_client_and_address(
        self, admin_user: User, pro: User
    ) -> None:
        request = RequestFactory().get("/dossiers/7/", REMOTE_ADDR="192.0.2.17")
        log_access(
            user=pro,
            action=Action.UPDATE,
            object_type="dossier",
            object_id=7,
            client_id=4242,
            request=request,
            result=Result.REFUSED,
        )

        response = login(admin_user).get(LOG_URL, **ENGLISH)

        cells = table_body(response)
        for expected in (
            ">pro<",
            ">Wijkteamlid<",
            ">Wijziging<",
            "Geweigerd",
            ">dossier 7<",
            ">4242<",
            ">192.0.2.17<",
        ):
            assert expected in cells
        content = response.content.decode()
        assert '<h1 class="utrecht-heading-1">Toegangslog</h1>' in content
        assert '<table class="utrecht-table">' in content

    def test_it_lists_the_newest_line_first(self, admin_user: User, pro: User) -> None:
        logged_at(
            local(2026, 3, 1, 9),
            user=pro,
            action=Action.READ,
            object_type="client",
            object_id="old",
        )
        logged_at(
            local(2026, 3, 2, 9),
            user=pro,
            action=Action.READ,
            object_type="client",
            object_id="new",
        )

        response = login(admin_user).get(LOG_URL)

        assert shown_object_ids(response) == ["new", "old"]

    def test_it_shows_fifty_lines_a_page(self, admin_user: User, pro: User) -> None:
        for number in range(51):
            log_access(user=pro, action=Action.READ, object_type="client", object_id=number)
        client = login(admin_user)

        first = client.get(LOG_URL, {"action": "read"})
        second = client.get(LOG_URL, {"action": "read", "page": 2})

        assert len(shown_object_ids(first)) == 50
        assert shown_object_ids(second) == ["0"]
        # The page links keep the filters.
        assert "?action=read&amp;page=2" in first.content.decode()

    def test_it_links_to_the_configuration(self, admin_user: User) -> None:
        response = login(admin_user).get(LOG_URL)

        assert reverse("admin:index") in response.content.decode()

    def test_it_labels_every_filter_field(self, admin_user: User) -> None:
        content = login(admin_user).get(LOG_URL, **ENGLISH).content.decode()

        for name in ("user", "client", "action", "result", "object_type", "date_from", "date_to"):
            assert f'<label class="utrecht-form-label" for="id_{name}">' in content


@pytest.fixture
def varied_log(pro: User, pro_west: User, coordinator: User) -> None:
    logged_at(
        local(2026, 1, 10, 12),
        user=pro,
        action=Action.READ,
        object_type="dossier",
        object_id="a",
        client_id=1,
    )
    logged_at(
        local(2026, 1, 20, 12),
        user=pro_west,
        action=Action.UPDATE,
        object_type="client",
        object_id="b",
        client_id=2,
    )
    logged_at(
        local(2026, 2, 5, 12),
        user=coordinator,
        action=Action.READ,
        object_type="dossier",
        object_id="c",
        client_id=1,
        result=Result.REFUSED,
    )
    # Just before midnight local time on 5 February: still that day.
    logged_at(
        local(2026, 2, 5, 23, 59),
        user=pro,
        action=Action.EXPORT,
        object_type="ggm_export",
        object_id="d",
    )


class TestFilters:
    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({}, ["d", "c", "b", "a"]),
            ({"user": "WEST"}, ["b"]),
            ({"client": "1"}, ["c", "a"]),
            ({"action": "read"}, ["c", "a"]),
            ({"result": "refused"}, ["c"]),
            ({"object_type": "dossier"}, ["c", "a"]),
            ({"date_from": "2026-01-20"}, ["d", "c", "b"]),
            ({"date_to": "2026-01-20"}, ["b", "a"]),
            ({"date_from": "2026-02-05", "date_to": "2026-02-05"}, ["d", "c"]),
            ({"date_from": "20-01-2026", "date_to": "05-02-2026"}, ["d", "c", "b"]),
            ({"action": "read", "client": "1", "result": "success"}, ["a"]),
        ],
    )
    def test_it_narrows_the_list(
        self, admin_user: User, varied_log: None, query: dict[str, str], expected: list[str]
    ) -> None:
        response = login(admin_user).get(LOG_URL, query)

        assert shown_object_ids(response) == expected

    def test_it_explains_a_reversed_date_range_and_shows_nothing(
        self, admin_user: User, varied_log: None
    ) -> None:
        response = login(admin_user).get(
            LOG_URL, {"date_from": "2026-02-01", "date_to": "2026-01-01"}, **ENGLISH
        )

        assert response.status_code == 200
        assert shown_object_ids(response) == []
        assert "De einddatum ligt vóór de begindatum." in response.content.decode()

    def test_it_rejects_an_unknown_action(self, admin_user: User, varied_log: None) -> None:
        response = login(admin_user).get(LOG_URL, {"action": "hack"})

        assert response.context["form"].errors["action"]
        assert shown_object_ids(response) == []


class TestExport:
    def test_it_exports_the_filtered_rows_as_csv(
        self, admin_user: User, varied_log: None, other_pro: User
    ) -> None:
        log_access(
            user=other_pro, action=Action.READ, object_type="dossier", object_id="x", client_id=1
        )

        response = login(admin_user).get(EXPORT_URL, {"client": "1"}, **ENGLISH)

        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith('attachment; filename="toegangslog-')
        rows = exported_rows(response)
        assert [row["Object-id"] for row in rows] == ["c", "a"]
        assert rows[0]["Gebruiker"] == "coordinator"
        assert rows[0]["Rol"] == "Coördinator"
        assert rows[0]["Actie"] == "Inzien"
        assert rows[0]["Resultaat"] == "Geweigerd"
        assert rows[0]["Soort object"] == "dossier"
        assert rows[0]["Inwonernummer"] == "1"
        # Local time, as Dutch Excel reads a date and time.
        assert rows[0]["Tijdstip"] == "2026-02-05 12:00:00"

    def test_it_writes_an_export_line_to_the_log(self, admin_user: User, varied_log: None) -> None:
        before = AccessLogEntry.objects.count()

        response = login(admin_user).get(
            EXPORT_URL, {"client": "1", "action": "read"}, REMOTE_ADDR="198.51.100.4", **ENGLISH
        )
        exported = exported_rows(response)

        assert AccessLogEntry.objects.count() == before + 1
        line = AccessLogEntry.objects.latest("pk")
        assert line.action == Action.EXPORT
        assert line.user == admin_user
        assert line.municipality_id == admin_user.municipality_id
        assert line.object_type == "access_log"
        assert line.client_id == 1
        assert line.ip_address == "198.51.100.4"
        assert line.detail == {"filters": {"client_id": 1, "action": "read"}, "rows": 2}
        # The file holds what was asked for, not the export's own line.
        assert len(exported) == 2

    def test_it_shows_the_export_in_the_log_afterwards(
        self, admin_user: User, varied_log: None
    ) -> None:
        client = login(admin_user)
        exported_rows(client.get(EXPORT_URL))

        response = client.get(LOG_URL, {"action": "export", "user": "admin"})

        assert [entry.object_type for entry in response.context["page_obj"].object_list] == [
            "access_log"
        ]

    def test_it_links_the_export_with_the_current_filters(
        self, admin_user: User, varied_log: None
    ) -> None:
        response = login(admin_user).get(LOG_URL, {"client": "1", "page": "1"})

        assert f'href="{EXPORT_URL}?client=1"' in response.content.decode()

    def test_it_never_exports_another_municipalitys_lines(
        self, other_admin: User, varied_log: None
    ) -> None:
        response = login(other_admin).get(EXPORT_URL)

        assert exported_rows(response) == []

    def test_it_neutralises_spreadsheet_formulas(self, admin_user: User, pro: User) -> None:
        request = RequestFactory().get("/", HTTP_USER_AGENT='=HYPERLINK("http://evil")')
        log_access(user=pro, action=Action.READ, object_type="client", request=request)

        rows = exported_rows(
            login(admin_user).get(EXPORT_URL, {"object_type": "client"}, **ENGLISH)
        )

        assert rows[0]["Apparaat"] == '\'=HYPERLINK("http://evil")'

    def test_it_sends_invalid_filters_back_to_the_page(self, admin_user: User) -> None:
        response = login(admin_user).get(EXPORT_URL, {"date_from": "gisteren"})

        assert response.status_code == 302
        assert response["Location"] == f"{LOG_URL}?date_from=gisteren"
        assert not AccessLogEntry.objects.filter(action=Action.EXPORT).exists()


class TestWhoMayOpenIt:
    @pytest.mark.parametrize("url", [LOG_URL, EXPORT_URL])
    @pytest.mark.parametrize(
        "persona",
        ["pro", "coordinator", "policy", "partner_user", "resident", "researcher", "other_pro"],
    )
    def test_it_refuses_every_other_role(
        self, request: pytest.FixtureRequest, persona: str, url: str
    ) -> None:
        user = request.getfixturevalue(persona)
        log_access(user=user, action=Action.READ, object_type="client")

        response = login(user).get(url)

        assert response.status_code == 403
        assert not AccessLogEntry.objects.filter(action=Action.EXPORT).exists()

    def test_it_refuses_a_staff_professional(self, pro: User) -> None:
        pro.is_staff = True
        pro.save(update_fields=["is_staff"])

        assert login(pro).get(LOG_URL).status_code == 403

    @pytest.mark.parametrize("url", [LOG_URL, EXPORT_URL])
    def test_it_sends_an_anonymous_visitor_to_the_login_page(self, db: Any, url: str) -> None:
        from django.test import Client as HttpClient

        response = HttpClient().get(url)

        assert response.status_code == 302
        assert response["Location"].startswith(f"{reverse('login')}?next=")

    def test_it_only_answers_get(self, admin_user: User) -> None:
        assert login(admin_user).post(LOG_URL).status_code == 405
        assert login(admin_user).post(EXPORT_URL).status_code == 405
