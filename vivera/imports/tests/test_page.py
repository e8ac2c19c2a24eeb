"""The import page as the functional administrator uses it: upload, check, read the report,
import; and where the uploaded files rest meanwhile."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from vivera.audit.models import AccessLogEntry
from vivera.conftest import login
from vivera.imports.models import ImportRun
from vivera.imports.tests.conftest import CLIENT_HEADER
from vivera.registration.models import Client, Dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending_dir(settings, tmp_path) -> Path:
    settings.VIVERA_IMPORT_DIR = str(tmp_path / "pending")
    return tmp_path / "pending"


def uploads(folder: Path) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(p.name, p.read_bytes()) for p in sorted(folder.iterdir())]


def check(http: HttpClient, folder: Path):
    return http.post(reverse("imports:import"), {"files": uploads(folder)})


def test_it_checks_then_imports_and_deletes_the_files(admin_user, legacy, pending_dir):
    http = login(admin_user)
    assert http.get(reverse("imports:import")).status_code == 200

    response = check(http, legacy())

    assert response.status_code == 200
    assert Client.objects.count() == 0  # checked, not imported
    run = ImportRun.objects.get()
    html = response.content.decode()
    assert f'name="run" value="{run.pk}"' in html and 'value="all"' in html
    assert run.outcome == "pending" and Path(run.pending_dir).parent == pending_dir
    assert sorted(p.name for p in Path(run.pending_dir).iterdir()) == [
        "clienten.csv",
        "contacten.csv",
        "dossiers.csv",
        "korte_contacten.csv",
        "vragen.csv",
    ]
    assert oct(Path(run.pending_dir).stat().st_mode & 0o777) == "0o700"

    response = http.post(reverse("imports:confirm"), {"run": run.pk, "mode": "all"})

    assert response.status_code == 200
    assert Client.objects.count() == 2 and Dossier.objects.count() == 2
    run.refresh_from_db()
    assert run.outcome == "imported" and run.pending_dir == ""
    assert list(pending_dir.iterdir()) == []
    assert (
        AccessLogEntry.objects.filter(
            object_type="import", action="create", result="success"
        ).count()
        == 1
    )
    # The run is done: a second confirmation imports nothing more.
    http.post(reverse("imports:confirm"), {"run": run.pk, "mode": "all"})
    assert Client.objects.count() == 2


def test_errors_are_listed_and_only_the_valid_rows_can_be_imported(admin_user, legacy, pending_dir):
    folder = legacy(
        clienten=[
            ["1", "Dédé", "", "Verbeek", "14-03-1961", "123456782", "9991 AB", "12"],
            ["2", "Ans", "van der", "Berg", "1975-01-31", "123456789", "9991CD", "3a"],
        ]
    )
    http = login(admin_user)
    response = check(http, folder)

    html = response.content.decode()
    assert '<td class="utrecht-table__cell">clienten.csv</td>' in html
    assert "123456789" not in html  # the bad BSN is located, not repeated
    assert 'value="valid_only"' in html and 'value="all"' not in html
    run = ImportRun.objects.get()

    http.post(reverse("imports:confirm"), {"run": run.pk, "mode": "valid_only"})

    assert list(Client.objects.values_list("first_name", flat=True)) == ["Dédé"]
    run.refresh_from_db()
    assert run.mode == "valid_only" and run.outcome == "imported" and run.problems == 4


def test_importing_everything_is_refused_when_there_are_errors(admin_user, legacy, pending_dir):
    folder = legacy(vragen=[["V1", "D1", "financien", "02-01-2017", "01-06-2017", "onbekend"]])
    http = login(admin_user)
    check(http, folder)
    run = ImportRun.objects.get()
    # A hand-made request for "all" despite the errors: nothing is written.
    http.post(reverse("imports:confirm"), {"run": run.pk, "mode": "all"})
    assert Client.objects.count() == 0
    run.refresh_from_db()
    assert run.outcome == "invalid" and list(pending_dir.iterdir()) == []


def test_cancel_deletes_the_files(admin_user, legacy, pending_dir):
    http = login(admin_user)
    check(http, legacy())
    run = ImportRun.objects.get()
    response = http.post(reverse("imports:cancel"), {"run": run.pk})
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.outcome == "cancelled" and list(pending_dir.iterdir()) == []
    assert Client.objects.count() == 0


def test_waiting_files_expire(admin_user, legacy, pending_dir):
    http = login(admin_user)
    check(http, legacy())
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - dt.timedelta(minutes=61))

    http.get(reverse("imports:import"))

    run.refresh_from_db()
    assert run.outcome == "expired" and list(pending_dir.iterdir()) == []
    http.post(reverse("imports:confirm"), {"run": run.pk, "mode": "all"})
    assert Client.objects.count() == 0


def test_another_administrator_cannot_import_my_upload(
    admin_user, make_user, municipality, legacy, pending_dir
):
    from vivera.accounts.models import Role

    check(login(admin_user), legacy())
    run = ImportRun.objects.get()
    colleague = make_user("beheer2", Role.ADMIN, municipality)

    login(colleague).post(reverse("imports:confirm"), {"run": run.pk, "mode": "all"})

    assert Client.objects.count() == 0
    assert AccessLogEntry.objects.filter(
        user=colleague, object_type="import", result="refused"
    ).exists()
    run.refresh_from_db()
    assert run.outcome == "pending"


def test_only_the_administrator_may_upload(pro, coordinator, legacy, pending_dir):
    for user in (pro, coordinator):
        assert check(login(user), legacy()).status_code == 403
    response = check(HttpClient(), legacy())
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not ImportRun.objects.exists() and not pending_dir.exists()


def test_the_upload_refuses_other_files(admin_user, pending_dir):
    http = login(admin_user)
    response = http.post(
        reverse("imports:import"), {"files": [SimpleUploadedFile("clienten.pdf", b"%PDF")]}
    )
    assert response.status_code == 200
    assert not ImportRun.objects.exists()
    assert "utrecht-form-field--invalid" in response.content.decode()


def test_the_upload_refuses_two_files_of_the_same_name(admin_user, pending_dir):
    response = login(admin_user).post(
        reverse("imports:import"),
        {
            "files": [
                SimpleUploadedFile("clienten.csv", b"clientnummer\n1\n"),
                SimpleUploadedFile("Clienten.csv", b"clientnummer\n2\n"),
            ]
        },
    )
    assert response.status_code == 200 and not ImportRun.objects.exists()
    assert "utrecht-form-field--invalid" in response.content.decode()


def test_the_admin_menu_links_the_import(admin_user):
    html = login(admin_user).get(reverse("audit:access_log")).content.decode()
    assert f'href="{reverse("imports:import")}"' in html


def test_a_failed_import_deletes_the_files_and_cannot_be_retried(
    admin_user, legacy, pending_dir, monkeypatch
):
    from vivera.imports import services
    from vivera.registration.models import ShortContact

    http = login(admin_user)
    check(http, legacy())
    run = ImportRun.objects.get()
    insert = services.insert_rows

    def failing(model, columns, rows, **kwargs):
        if model is ShortContact:
            raise RuntimeError("disk full")
        return insert(model, columns, rows, **kwargs)

    monkeypatch.setattr(services, "insert_rows", failing)
    with pytest.raises(RuntimeError):
        http.post(reverse("imports:confirm"), {"run": run.pk, "mode": "all"})

    run.refresh_from_db()
    assert (run.outcome, run.pending_dir) == ("failed", "")
    assert list(pending_dir.iterdir()) == [] and Client.objects.count() == 0
    monkeypatch.undo()
    http.post(reverse("imports:confirm"), {"run": run.pk, "mode": "all"})
    assert Client.objects.count() == 0


def test_files_removed_meanwhile_expire_the_upload(admin_user, legacy, pending_dir):
    import shutil

    http = login(admin_user)
    check(http, legacy())
    run = ImportRun.objects.get()
    shutil.rmtree(run.pending_dir)  # e.g. the system's tmp cleaner

    response = http.post(reverse("imports:confirm"), {"run": run.pk, "mode": "all"})

    assert response.status_code == 302
    run.refresh_from_db()
    assert run.outcome == "expired" and Client.objects.count() == 0


def test_an_upload_without_rows_asks_for_the_files_and_changes_nothing(admin_user, pending_dir):
    http = login(admin_user)
    url = reverse("imports:import")
    # No file chosen.
    html = http.post(url, {}).content.decode()
    assert "Kies de exportbestanden" in html
    # A file of zero bytes.
    html = http.post(url, {"files": [SimpleUploadedFile("clienten.csv", b"")]}).content.decode()
    assert "Het bestand is leeg" in html
    # Column names, but not one row.
    header = (";".join(CLIENT_HEADER) + "\r\n").encode()
    response = http.post(url, {"files": [SimpleUploadedFile("clienten.csv", header)]})
    html = response.content.decode()
    assert "geen rijen" in html
    assert "al eerder" not in html  # not "every row was imported before"
    assert Client.objects.count() == 0
    assert not ImportRun.objects.filter(outcome="pending").exists()
    assert not pending_dir.exists() or list(pending_dir.iterdir()) == []
