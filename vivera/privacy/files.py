"""Files that appear whole or not at all, and leave nothing behind when the process dies."""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

from vivera.core.files import hidden_name, name_unnamed, remove_stale


class PendingFile:
    """A file that gets its name only once it is complete (`publish`).

    On Linux it is written as an unnamed file in the target's directory: if the process dies,
    even by SIGKILL, the file goes with it, so no half-written copy of personal data stays on
    disk. Elsewhere it is a hidden temporary file next to the target (readable by the owner
    only), removed on any error or stop, but left behind by SIGKILL."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.temporary: Path | None = None
        try:
            handle = os.open(self.directory, os.O_TMPFILE | os.O_WRONLY, 0o600)
        except (AttributeError, OSError):  # not Linux, or a file system without O_TMPFILE
            remove_stale(self.directory, "vivera")
            self.temporary = hidden_name(self.directory / "vivera")
            handle = os.open(self.temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
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
            self.temporary = hidden_name(path)
            name_unnamed(self._file.fileno(), self.temporary)
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

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if not self.published:
            self.discard()
