"""Files that appear whole or not at all, and leave nothing behind when the process dies."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from types import TracebackType


def _unnamed(directory: Path) -> int | None:
    """An unnamed file in `directory` (Linux O_TMPFILE), or None where there is none."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not Path("/proc/self/fd").is_dir():
        return None
    try:
        return os.open(directory, flag | os.O_WRONLY, 0o600)
    except OSError:  # a file system without O_TMPFILE
        return None


class PendingFile:
    """A file that gets its name only once it is complete (`publish`).

    On Linux it is written as an unnamed file in the target's directory: if the process dies,
    even by SIGKILL, the file goes with it, so no half-written copy of personal data stays on
    disk. Elsewhere it is a hidden temporary file next to the target (readable by the owner
    only), removed on any error or stop, but left behind by SIGKILL."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.temporary: Path | None = None
        handle = _unnamed(self.directory)
        if handle is None:
            handle, name = tempfile.mkstemp(dir=self.directory, prefix=".vivera-",
                                            suffix=".part")
            self.temporary = Path(name)
        self.unnamed = self.temporary is None
        self._file = os.fdopen(handle, "wb")
        self.published = False

    def write(self, data: bytes) -> None:
        self._file.write(data)

    def publish(self, path: Path) -> None:
        """Give the complete file its name, replacing a file of that name."""
        self._file.flush()
        os.fsync(self._file.fileno())
        if self.temporary is None:
            # linkat() names an unnamed file but refuses an existing name: name it hidden,
            # then rename that over the target.
            name = f".{path.name}.{secrets.token_hex(4)}.part"
            directory = os.open(self.directory, os.O_RDONLY | os.O_DIRECTORY)
            try:
                # Given a directory descriptor, os.link calls linkat() and follows the /proc
                # link to the unnamed file; plain link() would try to link the link itself.
                os.link(f"/proc/self/fd/{self._file.fileno()}", name, dst_dir_fd=directory,
                        follow_symlinks=True)
            finally:
                os.close(directory)
            self.temporary = self.directory / name
        os.replace(self.temporary, path)
        self.temporary = None
        self.published = True
        self._file.close()

    def discard(self) -> None:
        self._file.close()
        if self.temporary is not None:
            self.temporary.unlink(missing_ok=True)
            self.temporary = None

    def __enter__(self) -> PendingFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if not self.published:
            self.discard()
