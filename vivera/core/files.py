"""Writing a file all or nothing."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

# Linux can make a file without a name (O_TMPFILE) and give it one when it is complete.
UNNAMED_FILES = hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd")


@contextmanager
def atomic_write(path: Path) -> Iterator[BinaryIO]:
    """A file that appears at `path` only when the block completes; until then an earlier file
    there stays as it was. The content is written to a file without a name in the same folder
    (Linux), so a process killed half-way, even with SIGKILL, leaves nothing behind; elsewhere
    to a hidden `.<name>.….part` that an exception removes but SIGKILL cannot. Readable by the
    owner only: the files hold (pseudonymised) personal data."""
    path = Path(path)
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    named: str | None = None
    try:
        if UNNAMED_FILES:
            handle = os.open(".", os.O_TMPFILE | os.O_WRONLY, 0o600, dir_fd=folder)
        else:
            handle, named = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                             suffix=".part")
        with os.fdopen(handle, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
            if named is None:
                temporary = f".{path.name}.{secrets.token_hex(8)}.part"
                os.link(f"/proc/self/fd/{out.fileno()}", temporary, src_dir_fd=folder,
                        dst_dir_fd=folder, follow_symlinks=True)
                named = str(path.parent / temporary)
        os.replace(named, path)
        os.fsync(folder)  # the rename itself survives a power cut
    except BaseException:
        if named is not None:
            Path(named).unlink(missing_ok=True)
        raise
    finally:
        os.close(folder)
