"""`core.files`: all-or-nothing files, and the work folders of killed runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from vivera.core import files


def test_atomic_output_replaces_the_file_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "export.zip"
    target.write_bytes(b"old")
    with files.atomic_output(target) as out:
        out.write(b"new")
        assert target.read_bytes() == b"old"
        assert os.listdir(tmp_path) == ["export.zip"]  # unnamed while it is written
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o600
    assert os.listdir(tmp_path) == ["export.zip"]


@pytest.mark.parametrize("unnamed", [True, False], ids=["O_TMPFILE", "hidden file"])
def test_atomic_output_leaves_nothing_when_it_fails(
    tmp_path: Path, unnamed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not unnamed:
        monkeypatch.delattr(os, "O_TMPFILE")
    target = tmp_path / "export.zip"
    target.write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt), files.atomic_output(target) as out:
        out.write(b"half")
        raise KeyboardInterrupt
    assert os.listdir(tmp_path) == ["export.zip"] and target.read_bytes() == b"old"


def test_the_fallback_file_of_a_killed_run_is_removed_by_the_next(tmp_path: Path) -> None:
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (tmp_path / f".export.zip-{gone}-ab12cd34.part").write_bytes(b"half, with personal data")
    (tmp_path / f".vivera-restore-{gone}-x1").mkdir()
    (tmp_path / f".vivera-restore-{os.getppid()}-x2").mkdir()  # a process that still runs
    with files.atomic_output(tmp_path / "export.zip") as out:
        out.write(b"new")
    with files.work_directory(tmp_path, "vivera-restore") as work:
        assert work.name.startswith(f".vivera-restore-{os.getpid()}-")
    assert sorted(os.listdir(tmp_path)) == [f".vivera-restore-{os.getppid()}-x2", "export.zip"]
