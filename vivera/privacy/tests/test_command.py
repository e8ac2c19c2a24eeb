"""`vivera inzage`: both files and the records, or nothing at all, also when killed half-way.

The kill tests run the real command in a child process against a database of its own (the test
database lives in this process's transaction) and stop it with SIGKILL at two points: after the
JSON file is written but before the PDF, and after the request and the log line are written but
before they are committed and the files named. Afterwards every row of every table must be as
before and the folder empty: not even a temporary file with personal data stays behind.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from vivera.audit.models import AccessLogEntry
from vivera.backup.tests.test_backup import (  # noqa: F401 (postgres_database: a fixture)
    VIVERA,
    environment,
    ok,
    postgres_database,
    postgres_dump,
    sqlite_dump,
)
from vivera.privacy.files import PendingFile
from vivera.privacy.models import AccessRequest
from vivera.privacy.services import PAUSE
from vivera.privacy.tests.test_export import require_pdf

SETUP = """
from vivera.accounts.models import User
from vivera.organisation.models import Municipality
from vivera.registration.models import Client
m = Municipality.objects.create(name="Killstad", cbs_code="GM9993")
User.objects.create_user(username="beheer", role="admin", municipality=m)
pro = User.objects.create_user(username="pro", role="professional", municipality=m)
c = Client.objects.create(municipality=m, first_name="Kees", last_name="Onderbroken",
                          created_by=pro)
print(c.pk)
"""


@pytest.fixture(scope="module")
def migrated_sqlite(
    tmp_path_factory: pytest.TempPathFactory, migrated_sqlite_template: Path
) -> tuple[Path, str]:
    """A migrated database file with one administrator and one client, made once."""
    folder = tmp_path_factory.mktemp("inzage")
    path = folder / "vivera.sqlite3"
    shutil.copyfile(migrated_sqlite_template, path)
    env = environment(f"sqlite:///{path}", folder / "import")
    client_id = ok(env, "shell", "-c", SETUP).split()[-1]
    return path, client_id


@pytest.fixture
def site(migrated_sqlite: tuple[Path, str], tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A copy of the database for one test, and an empty folder for the files."""
    source, client_id = migrated_sqlite
    database = tmp_path / "vivera.sqlite3"
    shutil.copy(source, database)
    folder = tmp_path / "uit"
    folder.mkdir()
    yield {
        "env": environment(f"sqlite:///{database}", tmp_path / "import"),
        "dump": lambda: sqlite_dump(database),
        "folder": folder,
        "client": client_id,
        "tmp": tmp_path,
    }


def inzage(site: dict[str, Any], reference: str = "AVG-KILL-1") -> list[str]:
    return [
        VIVERA,
        "inzage",
        "--client",
        site["client"],
        "--kenmerk",
        reference,
        "--gebruiker",
        "beheer",
        "--map",
        str(site["folder"]),
    ]


def kill_at(site: dict[str, Any], phase: str) -> None:
    marker = site["tmp"] / f"{phase}.pid"
    child = subprocess.Popen(
        inzage(site),
        env={**site["env"], PAUSE: f"{phase}:{marker}"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 90
    while not marker.exists():
        if child.poll() is not None:
            pytest.fail(f"the command ended before {phase}: {child.communicate()}")
        assert time.monotonic() < deadline, f"the command never reached {phase}"
        time.sleep(0.1)
    os.kill(child.pid, signal.SIGKILL)
    child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL


@pytest.mark.slow
@pytest.mark.parametrize("phase", ["generated", "recorded"])
def test_killed_half_way_it_leaves_no_file_and_no_record(site: dict[str, Any], phase: str) -> None:
    require_pdf()
    before = site["dump"]()
    kill_at(site, phase)
    assert site["dump"]() == before
    leftovers = sorted(p.name for p in site["folder"].iterdir())
    if _has_unnamed_files(site["folder"]):
        assert leftovers == []
    else:  # a file system without O_TMPFILE: only the hidden temporary file may remain
        assert all(name.startswith(".") and name.endswith(".part") for name in leftovers)

    # The same run without the kill does make both files and the records: the checks above
    # are not empty.
    ok(site["env"], *inzage(site)[1:])
    after = site["dump"]()
    assert after != before
    assert sorted(p.name for p in site["folder"].iterdir()) == [
        "inzage-AVG-KILL-1.json",
        "inzage-AVG-KILL-1.pdf",
    ]
    assert len(after["privacy_accessrequest"]) == 1
    exports = [row for row in after["audit_accesslogentry"] if "'export'" in row]
    assert len(exports) == 1


def _has_unnamed_files(folder: Path) -> bool:
    with PendingFile(folder) as probe:
        return probe.unnamed


# --- PostgreSQL: the same kill, against a throwaway database on the test run's server ----------


@pytest.fixture
def postgres_site(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the tests run on SQLite; this one runs when they run on PostgreSQL")
    name, server = request.getfixturevalue("postgres_database")
    password = f":{server['password']}" if server["password"] else ""
    env = environment(
        f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}",
        tmp_path / "import",
    )
    ok(env, "migrate", "--no-input", "-v0")
    client_id = ok(env, "shell", "-c", SETUP).split()[-1]
    folder = tmp_path / "uit"
    folder.mkdir()
    return {
        "env": env,
        "dump": lambda: postgres_dump(name, server),
        "folder": folder,
        "client": client_id,
        "tmp": tmp_path,
    }


@pytest.mark.slow
def test_killed_while_recording_on_postgresql_it_leaves_nothing(
    postgres_site: dict[str, Any],
) -> None:
    require_pdf()
    before = postgres_site["dump"]()
    kill_at(postgres_site, "recorded")
    assert postgres_site["dump"]() == before
    assert not [p for p in postgres_site["folder"].iterdir() if not p.name.startswith(".")]


# --- In this process: what the command says and refuses ------------------------------------------


@pytest.mark.django_db
def test_the_command_records_a_new_request_and_writes_both_files(
    admin_user, person, tmp_path: Path
) -> None:
    require_pdf()
    call_command(
        "inzage",
        "--client",
        str(person["client"].pk),
        "--kenmerk",
        "AVG-2026-030",
        "--gebruiker",
        "admin",
        "--map",
        str(tmp_path),
        "--ontvangen",
        "2026-01-05",
        "--notitie",
        "Per brief",
    )
    access_request = AccessRequest.objects.get(reference="AVG-2026-030")
    assert (
        access_request.client,
        access_request.handled_by,
        str(access_request.received_on),
        access_request.note,
    ) == (person["client"], admin_user, "2026-01-05", "Per brief")
    assert access_request.produced_at is not None
    document = json.loads((tmp_path / "inzage-AVG-2026-030.json").read_text())
    assert document["data"]["client"][0]["last_name"] == "Inzagehof"
    pdf = tmp_path / "inzage-AVG-2026-030.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf.stat().st_mode & 0o077 == 0  # personal data: readable by the owner only
    [line] = AccessLogEntry.objects.filter(action="export", client_id=person["client"].pk)
    assert line.user == admin_user
    assert line.detail["formats"] == ["json", "pdf"]
    assert line.detail["via"].startswith("command (")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--client": "999999"}, "Geen inwoner"),
        ({"--gebruiker": "pro"}, "Geen actieve functioneel beheerder"),
        ({"--map": "/nonexistent/inzage"}, "bestaat niet"),
        ({"--kenmerk": "AVG-2026-017", "--client": "neighbour"}, "al gebruikt"),
        ({"--ontvangen": "2999-01-01", "--kenmerk": "AVG-NEW"}, "toekomst"),
    ],
)
def test_the_command_refuses_and_changes_nothing(
    admin_user,
    pro,
    person,
    neighbour,
    access_request,
    tmp_path: Path,
    change: dict[str, str],
    message: str,
) -> None:
    options = {
        "--client": str(person["client"].pk),
        "--kenmerk": "AVG-2026-017",
        "--gebruiker": "admin",
        "--map": str(tmp_path),
        **change,
    }
    if options["--client"] == "neighbour":
        options["--client"] = str(neighbour["client"].pk)
    before = (AccessRequest.objects.count(), AccessLogEntry.objects.count())
    with pytest.raises(CommandError, match=message):
        call_command("inzage", *[part for pair in options.items() for part in pair])
    assert (AccessRequest.objects.count(), AccessLogEntry.objects.count()) == before
    assert list(tmp_path.iterdir()) == []
