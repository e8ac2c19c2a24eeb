"""A pause point for the kill tests — TEST ONLY.

Long writes (the import, the GGM export, the restore) call `pause_point("<name>")` half-way.
Normally that returns at once. When the environment variable `VIVERA_TEST_PAUSE_AT` holds that
name, the process writes the name to the file `VIVERA_TEST_PAUSED_FILE` names and then waits
there until it is killed: the kill harness (`vivera/devtools/testing/kill.py`) sends SIGKILL at
that moment and checks that the data are as before. Nothing else reads these variables, and they
are ignored on a production installation (`VIVERA_PRODUCTION=1`), so a stray variable cannot
stall a real run.

Why this hook lives in core, not with the harness in devtools: the product's own commands call
it, and the product never imports devtools. It is a few lines, reads only the environment, and
does nothing unless a test asks for it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

PAUSE_AT = "VIVERA_TEST_PAUSE_AT"
PAUSED_FILE = "VIVERA_TEST_PAUSED_FILE"
MAX_SECONDS = 300  # a test that forgot its child does not leave it waiting for ever


def pause_point(name: str) -> None:
    if os.environ.get(PAUSE_AT) != name:
        return
    from django.conf import settings

    if getattr(settings, "PRODUCTION", False):
        return
    flag = os.environ.get(PAUSED_FILE)
    if flag:
        Path(flag).write_text(name)
    deadline = time.monotonic() + MAX_SECONDS
    while time.monotonic() < deadline:  # until the test kills this process
        time.sleep(0.2)
    os._exit(99)  # nobody came: never go on with the write after a pause
