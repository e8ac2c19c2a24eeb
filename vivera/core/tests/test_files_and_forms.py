"""The small test-support and file helpers: `core.files` (all-or-nothing files, work folders of
killed runs) and `core.testing.htmlforms` (a page's forms as a browser submits them)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from vivera.core import files
from vivera.core.testing.htmlforms import parse_forms, post_forms


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
def test_atomic_output_leaves_nothing_when_it_fails(tmp_path: Path, unnamed: bool,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    if not unnamed:
        monkeypatch.delattr(os, "O_TMPFILE")
    target = tmp_path / "export.zip"
    target.write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt), files.atomic_output(target) as out:
        out.write(b"half")
        raise KeyboardInterrupt
    assert os.listdir(tmp_path) == ["export.zip"] and target.read_bytes() == b"old"


def test_the_fallback_file_of_a_killed_run_is_removed_by_the_next(tmp_path: Path) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (tmp_path / f".export.zip-{gone}-ab12cd34.part").write_bytes(b"half, with personal data")
    (tmp_path / f".vivera-restore-{gone}-x1").mkdir()
    (tmp_path / f".vivera-restore-{os.getppid()}-x2").mkdir()  # a process that still runs
    with files.atomic_output(tmp_path / "export.zip") as out:
        out.write(b"new")
    with files.work_directory(tmp_path, "vivera-restore") as work:
        assert work.name.startswith(f".vivera-restore-{os.getpid()}-")
    assert sorted(os.listdir(tmp_path)) == [f".vivera-restore-{os.getppid()}-x2", "export.zip"]


def test_parse_forms_sends_what_a_browser_sends() -> None:
    html = """<form method="post" action="/x"><input type="hidden" name="t" value="a&amp;b">
      <input name="n"><input type="checkbox" name="c" value="3" checked>
      <input type="checkbox" name="c" value="4"><input type="radio" name="r" value="p">
      <input type="radio" name="r" value="q" checked><input name="off" disabled value="1">
      <select name="s"><option value="">---<option value="5">five</select>
      <select name="m" multiple><option value="1" selected>1</option><option value="2" selected>
      </select><textarea name="ta">
line</textarea><button type="submit" name="go">Go</button></form>
      <form><input name="q"></form>"""
    first, second = parse_forms(html)
    assert (first.action, first.method) == ("/x", "post")
    assert first.values == {"t": ["a&b"], "n": [""], "c": ["3"], "r": ["q"], "s": [""],
                            "m": ["1", "2"], "ta": ["line"]}
    assert first.choices["s"] == ["", "5"] and first.choices["c"] == ["3", "4"]
    assert first.types["m"] == "select-multiple" and "go" not in first.types
    assert first.data(n="x", c=["3", "4"])["c"] == ["3", "4"]
    assert second.method == "get" and post_forms(html) == [first]
