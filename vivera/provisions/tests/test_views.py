"""The administrator's delivery page, the command, and the allocations on the dossier page:
who may see what, and that every read is logged."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

from vivera.accounts.models import User
from vivera.audit.models import AccessLogEntry, ObjectType
from vivera.conftest import login
from vivera.provisions.models import Allocation, AllocationCount, Delivery
from vivera.provisions.services import delivery_import
from vivera.registration.models import Client

from .conftest import CLIENT_BSN, HEADER, OTHER_BSN, csv, message, product

pytestmark = pytest.mark.django_db

URL = "/beheer/toewijzingen/"
LINES = (
    f"{CLIENT_BSN};A1;02;02A01;01-03-2025;31-08-2025;3;04;2;42420001;Zorg Thuis BV;19;9991AB",
    f"{OTHER_BSN};A2;01;01A01;15-01-2025;;4;04;2;42420002;Huishoudhulp Oost;;9991CD",
)


def post(client: Any, *files: tuple[str, bytes], **data: Any) -> Any:
    uploads = [SimpleUploadedFile(name, content) for name, content in files]
    return client.post(URL, {"files": uploads, "start": "01-01-2025", "end": "31-12-2025", **data})


def test_the_administrator_imports_a_delivery_on_the_page(
    admin_user: User, known_client: Client
) -> None:
    browser = login(admin_user)
    assert reverse("provisions:deliveries") == URL
    page = browser.get(URL)
    assert page.status_code == 200 and "Nog geen leveringen." in page.content.decode()
    checked = post(browser, csv(*LINES), only_check="on")
    assert (
        checked.status_code == 200 and "Gecontroleerd: geen problemen" in checked.content.decode()
    )
    assert not Delivery.objects.exists()
    done = post(browser, csv(*LINES))
    text = done.content.decode()
    assert done.status_code == 200 and "Van cliënten in Vivera (bij de cliënt bewaard): 1" in text
    assert Delivery.objects.count() == 1 and Allocation.objects.count() == 1
    again = post(browser, csv(*LINES))
    assert "Al eerder ingelezen: niets veranderd" in again.content.decode()


def test_an_xlsx_export_and_wmo301_messages_go_in_the_same_way(
    admin_user: User, known_client: Client
) -> None:
    book = Workbook()
    sheet = book.active
    for values in [HEADER.split(";"), *(line.split(";") for line in LINES)]:
        sheet.append(values)
    data = io.BytesIO()
    book.save(data)
    browser = login(admin_user)
    assert post(browser, ("toewijzingen.xlsx", data.getvalue())).status_code == 200
    assert Allocation.objects.get().number == "A1"
    response = post(browser, ("a.xml", message(product(number="X1"))), start="01-01-2024")
    assert response.status_code == 200, response.content.decode()[:2000]
    assert sorted(Allocation.objects.values_list("number", flat=True)) == ["X1"]


def test_problems_are_listed_and_the_form_keeps_its_period(admin_user: User) -> None:
    response = post(login(admin_user), csv("123456789;B1;99;;01-03-2025;;;;;42420001;;;"))
    text = response.content.decode()
    assert response.status_code == 400
    assert "Niets geïmporteerd" in text and "Onbekende code “99”" in text and "elfproef" in text
    assert 'value="01-01-2025"' in text
    assert not Delivery.objects.exists() and not AllocationCount.objects.exists()


def test_the_form_shows_every_field_error_at_once(admin_user: User) -> None:
    response = login(admin_user).post(URL, {"start": "31-02-2025", "end": ""})
    text = response.content.decode()
    assert response.status_code == 400
    assert "Kies de bestanden van de levering." in text
    assert "Vul in tot en met welke maand de levering volledig is." in text


@pytest.mark.parametrize("role", ["pro", "coordinator", "policy", "researcher", "partner_user"])
def test_only_the_administrator_may_import(role: str, request: Any, known_client: Client) -> None:
    user = request.getfixturevalue(role)
    assert login(user).get(URL).status_code in (403, 404)
    assert post(login(user), csv(*LINES)).status_code in (403, 404)
    assert not Delivery.objects.exists()


def test_the_command_checks_and_imports(
    admin_user: User, known_client: Client, tmp_path: Any, capsys: Any
) -> None:
    path = tmp_path / "toewijzingen.csv"
    path.write_bytes(csv(*LINES)[1])
    arguments = [str(path), "--gemeente", "GM9991", "--gebruiker", admin_user.username]
    call_command(
        "toewijzingen_import", *arguments, "--van", "2025-01", "--tot", "2025-12", "--controleer"
    )
    assert "Gecontroleerd; niets ingelezen" in capsys.readouterr().out
    assert not Delivery.objects.exists()
    call_command("toewijzingen_import", *arguments, "--van", "01-2025", "--tot", "12-2025")
    assert "Van cliënten in Vivera: 1" in capsys.readouterr().out
    assert Delivery.objects.get().period_end == dt.date(2025, 12, 31)
    bad = tmp_path / "fout.csv"
    bad.write_bytes(csv("123456789;B1;02;;01-03-2025;;;;;42420001;;;")[1])
    with pytest.raises(SystemExit) as exit_code:
        call_command(
            "toewijzingen_import", str(bad), *arguments[1:], "--van", "2025-01", "--tot", "2025-12"
        )
    assert exit_code.value.code == 1
    assert "fout.csv, regel 2, bsn:" in capsys.readouterr().err


# --- The dossier page -----------------------------------------------------------------------------


@pytest.fixture
def delivered(municipality: Any, admin_user: User, known_client: Client) -> None:
    result = delivery_import(
        municipality=municipality,
        files=[csv(*LINES)],
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
        user=admin_user,
    )
    assert result.ok


@pytest.mark.usefixtures("delivered")
def test_the_professional_sees_the_clients_allocations_on_the_dossier_page(
    pro: User, known_client: Client
) -> None:
    dossier = known_client.dossiers.get()
    text = login(pro).get(f"/dossiers/{dossier.pk}/").content.decode()
    assert "Wmo-toewijzingen (sociale dienst)" in text
    assert "02 Begeleiding" in text and "01-03-2025 – 31-08-2025" in text
    assert "Zorg Thuis BV" in text and "3 uur per week" in text
    assert "Volgens plan beëindigd" in text
    assert "Huishoudhulp Oost" not in text  # another resident's
    line = AccessLogEntry.objects.get(object_type=ObjectType.ALLOCATIONS)
    assert line.user == pro and line.client_id == known_client.pk
    assert line.detail == {"dossier": dossier.pk, "allocations": 1}


@pytest.mark.usefixtures("delivered")
def test_a_professional_of_another_team_sees_no_allocations(
    pro_west: User, known_client: Client
) -> None:
    dossier = known_client.dossiers.get()
    assert login(pro_west).get(f"/dossiers/{dossier.pk}/").status_code == 404
    assert not AccessLogEntry.objects.filter(object_type=ObjectType.ALLOCATIONS).exists()


@pytest.mark.usefixtures("delivered")
@pytest.mark.parametrize("role", ["policy", "admin_user", "researcher", "partner_user"])
def test_other_roles_never_reach_the_allocations(
    role: str, request: Any, known_client: Client
) -> None:
    dossier = known_client.dossiers.get()
    response = login(request.getfixturevalue(role)).get(f"/dossiers/{dossier.pk}/")
    assert response.status_code in (403, 404)
    assert not AccessLogEntry.objects.filter(object_type=ObjectType.ALLOCATIONS).exists()


def test_the_dossier_page_says_when_nothing_was_delivered(pro: User, known_client: Client) -> None:
    dossier = known_client.dossiers.get()
    text = login(pro).get(f"/dossiers/{dossier.pk}/").content.decode()
    assert "De sociale dienst heeft nog geen Wmo-toewijzingen geleverd." in text
