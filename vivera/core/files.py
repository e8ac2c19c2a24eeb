"""Files written all or nothing, also when the process is killed half-way.

`atomic_output(path)` gives a file that appears under `path` only when it is complete. It is
written as an unnamed file in the target's folder (Linux `O_TMPFILE`): if the process dies
before the end — even by SIGKILL or a power cut, when no `finally` runs — the kernel frees the
file and nothing is left, not even a hidden partial file with personal data in it. When complete
it is linked under a temporary name and renamed over `path` in one step (an older file under
that name stays as it was until then). Where the file system has no unnamed files, it falls back
to a hidden `.<name>-<pid>-<random>.part` file, removed on any error; after a kill that one
stays until the next `atomic_output` for the same name removes it (`remove_stale`).

`work_directory(parent, prefix)` is a private folder (`.<prefix>-<pid>-<random>`) that is
removed afterwards; folders of the same kind whose process no longer runs (a killed run) are
removed when the next one is made.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def remove_stale(parent: Path, prefix: str) -> list[Path]:
    """Remove `.<prefix>-<pid>-…` files and folders in `parent` whose process is gone."""
    removed = []
    for path in parent.glob(f".{prefix}-*"):
        pid = path.name[len(prefix) + 2 :].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def hidden_name(path: Path) -> Path:
    return path.parent / f".{path.name}-{os.getpid()}-{secrets.token_hex(4)}.part"


def name_unnamed(descriptor: int, target: Path) -> None:
    """Give an O_TMPFILE file a name: linkat(2) of /proc/self/fd/N with AT_SYMLINK_FOLLOW, as
    open(2) describes. (Python's os.link only uses linkat, and so only follows the link, when
    it is given a directory descriptor.)"""
    folder = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.link(f"/proc/self/fd/{descriptor}", target.name, dst_dir_fd=folder, follow_symlinks=True)
    finally:
        os.close(folder)


@contextmanager
def atomic_output(path: Path, mode: int = 0o600) -> Iterator[BinaryIO]:
    """Write `path` all or nothing (see the module docstring); the file gets `mode`."""
    path = Path(path)
    remove_stale(path.parent, path.name)
    named: Path | None = None
    try:
        descriptor = os.open(path.parent, os.O_TMPFILE | os.O_WRONLY, mode)
    except (AttributeError, OSError):  # not Linux, or a file system without O_TMPFILE
        named = hidden_name(path)
        descriptor = os.open(named, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(descriptor, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
            if named is None:
                named = hidden_name(path)
                name_unnamed(out.fileno(), named)
        os.chmod(named, mode)
        os.replace(named, path)
    except BaseException:
        if named is not None:
            with suppress(OSError):
                named.unlink()
        raise


@contextmanager
def work_directory(parent: Path, prefix: str) -> Iterator[Path]:
    """A private folder in `parent` for the duration (see the module docstring)."""
    parent.mkdir(parents=True, exist_ok=True)
    remove_stale(parent, prefix)
    path = Path(tempfile.mkdtemp(prefix=f".{prefix}-{os.getpid()}-", dir=parent))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
