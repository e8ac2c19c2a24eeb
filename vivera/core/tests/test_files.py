"""`atomic_write`: the file appears complete or not at all, with and without Linux's unnamed
files."""

from __future__ import annotations

from pathlib import Path

import pytest

from vivera.core import files


@pytest.fixture(params=[True, False], ids=["unnamed", "named"])
def unnamed(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    if request.param and not files.UNNAMED_FILES:
        pytest.skip("this system has no unnamed files (O_TMPFILE)")
    monkeypatch.setattr(files, "UNNAMED_FILES", request.param)
    return request.param


def test_it_writes_the_file_readable_by_the_owner_only(tmp_path: Path, unnamed: bool) -> None:
    target = tmp_path / "a.zip"
    target.write_bytes(b"old")
    with files.atomic_write(target) as out:
        out.write(b"new")
        assert target.read_bytes() == b"old"  # not before the block is done
        assert len(list(tmp_path.iterdir())) == (1 if unnamed else 2)
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o600
    assert list(tmp_path.iterdir()) == [target]


def test_an_error_half_way_leaves_the_folder_as_it_was(tmp_path: Path, unnamed: bool) -> None:
    target = tmp_path / "a.zip"
    target.write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt), files.atomic_write(target) as out:
        out.write(b"half")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == [target]
    assert target.read_bytes() == b"old"
