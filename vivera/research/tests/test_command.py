"""`vivera research_extract`: the file, the log line, refusals, and all or nothing, also when
the process is killed half-way."""

from __future__ import annotations

import datetime as dt
import os
import select
import shutil
import signal
import sqlite3
import subprocess
import time
import zipfile
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from vivera.audit.models import AccessLogEntry
from vivera.backup.tests.test_backup import VIVERA, environment, ok
from vivera.research import codebook, selectors
from vivera.research.models import ResearchGrant
from vivera.research.services import PAUSE_AFTER

from .conftest import read_zip

pytestmark = pytest.mark.django_db


def export_lines(**filters) -> list[AccessLogEntry]:
    return list(
        AccessLogEntry.objects.filter(object_type="research_grant", action="export", **filters)
    )


def test_it_writes_the_zip_and_logs_the_export(study, grant, municipality, tmp_path: Path, capsys):
    target = tmp_path / "extract.zip"
    call_command("research_extract", "--machtiging", f"M{grant.pk:05d}", "--uitvoer", str(target))
    tables = read_zip(target.read_bytes())
    assert (
        len(tables["dossiers"])
        == study.expected(teams={"Oost"}, start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))[
            "dossiers"
        ]
    )
    assert list(tmp_path.iterdir()) == [target]
    assert target.stat().st_mode & 0o777 == 0o600
    assert "Geschreven:" in capsys.readouterr().out
    (entry,) = export_lines()
    assert (entry.result, entry.user, entry.municipality_id) == ("success", None, municipality.pk)
    assert entry.detail["via"].startswith("command")
    assert entry.detail["rows"]["dossiers"] == len(tables["dossiers"])


@pytest.mark.parametrize("how", ["expired", "revoked"])
def test_an_inactive_grant_is_refused_logged_and_nothing_written(
    grant, admin_user, tmp_path: Path, how
):
    if how == "expired":
        ResearchGrant.objects.filter(pk=grant.pk).update(
            valid_until=timezone.localdate() - dt.timedelta(days=1)
        )
    else:
        ResearchGrant.objects.filter(pk=grant.pk).update(
            revoked_at=timezone.now(), revoked_by=admin_user
        )
    with pytest.raises(CommandError, match="er is niets geschreven"):
        call_command(
            "research_extract", "--machtiging", str(grant.pk), "--uitvoer", str(tmp_path / "x.zip")
        )
    assert list(tmp_path.iterdir()) == []
    (entry,) = export_lines()
    assert (entry.result, entry.detail["reason"]) == ("refused", how)


def test_a_failure_half_way_leaves_no_file_no_log_line_and_an_earlier_file_as_it_was(
    study, grant, tmp_path: Path
):
    target = tmp_path / "extract.zip"
    target.write_bytes(b"last week's extract")

    def broken(extract):
        yield ("half a row",)
        raise RuntimeError("database went away")

    with mock.patch.dict(selectors.ROWS, {codebook.CONTACTS: broken}), pytest.raises(RuntimeError):
        call_command("research_extract", "--machtiging", str(grant.pk), "--uitvoer", str(target))
    assert list(tmp_path.iterdir()) == [target]
    assert target.read_bytes() == b"last week's extract"
    assert export_lines() == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--machtiging", "999"], "Onbekende machtiging"),
        (["--machtiging", "X12"], "Geen machtigingsnummer"),
    ],
)
def test_bad_arguments_stop_it_with_a_message(db, tmp_path: Path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("research_extract", *args, "--uitvoer", str(tmp_path / "x.zip"))
    assert list(tmp_path.iterdir()) == []


def test_a_missing_directory_is_refused(grant, tmp_path: Path):
    with pytest.raises(CommandError, match="bestaat niet"):
        call_command(
            "research_extract",
            "--machtiging",
            str(grant.pk),
            "--uitvoer",
            str(tmp_path / "nope" / "x.zip"),
        )


# --- Killed half-way: the real command in a child process ---------------------------------------

GRANT = """
import datetime as dt
from vivera.accounts.models import User
from vivera.research.services import grant_create
admin = User.objects.filter(role="admin").order_by("pk").first()
researcher = User.objects.filter(role="researcher", municipality=admin.municipality).first()
grant = grant_create(user=admin, researcher=researcher, purpose="Wachttijden",
                     legal_basis="DPIA 1", teams=[], period_start=dt.date(2023, 1, 1),
                     period_end=dt.date(2026, 3, 16),
                     valid_until=dt.date.today() + dt.timedelta(days=30))
print(grant.pk)
"""


def _exports_in(database: Path) -> list[str]:
    with sqlite3.connect(database) as db:
        return [
            row[0]
            for row in db.execute(
                "SELECT result FROM audit_accesslogentry WHERE object_type = 'research_grant' "
                "AND action = 'export'"
            )
        ]


def _wait_for_line(process: subprocess.Popen, text: str, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    seen = ""
    while time.monotonic() < deadline and process.poll() is None:
        ready, _w, _x = select.select([process.stderr], [], [], 1)
        if ready:
            seen += os.read(process.stderr.fileno(), 4096).decode()
            if text in seen:
                return seen
    raise AssertionError(f"never saw {text!r}; stderr: {seen}")


def _open_files_in(pid: int, folder: Path) -> list[int]:
    """Sizes of the files the process has open in `folder` (Linux)."""
    sizes = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}").startswith(str(folder)):
                sizes.append(os.stat(f"/proc/{pid}/fd/{fd}").st_size)
        except OSError:
            continue
    return sizes


@pytest.mark.slow
@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs Linux /proc")
def test_killed_half_way_it_leaves_no_file_and_no_record(
    tmp_path: Path, demo_sqlite_template: Path
) -> None:
    database = tmp_path / "db" / "vivera.sqlite3"
    database.parent.mkdir()
    shutil.copyfile(demo_sqlite_template, database)  # the demo as of 16 March 2026
    env = environment(f"sqlite:///{database}", tmp_path / "import")
    grant_id = ok(env, "shell", "-v0", "-c", GRANT).strip().splitlines()[-1]
    out = tmp_path / "out"
    out.mkdir()
    target = out / "extract.zip"
    target.write_bytes(b"last week's extract")

    process = subprocess.Popen(
        [VIVERA, "research_extract", "--machtiging", grant_id, "--uitvoer", str(target)],
        env={**env, PAUSE_AFTER: codebook.QUESTIONS.name},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for_line(process, "paused after questions", 120)
        # Half-way indeed: three tables are in a file without a name in the folder.
        assert any(size > 0 for size in _open_files_in(process.pid, out))
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
        process.stderr.close()

    assert list(out.iterdir()) == [target]
    assert target.read_bytes() == b"last week's extract"
    assert _exports_in(database) == []

    # The same run, not killed: the test can tell the difference.
    ok(env, "research_extract", "--machtiging", grant_id, "--uitvoer", str(target))
    with zipfile.ZipFile(target) as archive:
        assert {table.filename for table in codebook.TABLES} <= set(archive.namelist())
        assert len(archive.read("dossiers.csv").splitlines()) > 1
    assert list(out.iterdir()) == [target]
    assert _exports_in(database) == ["success"]
