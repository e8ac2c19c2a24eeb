"""Real headless Chromium for the browser tests, driven by Playwright's sync API.

Chromium is Debian's package (`apt-get install chromium`), never a browser Playwright downloads
itself (that download fails on a closed network). Where it comes from, in this order:
`VIVERA_CHROMIUM` (a path; `VIVERA_CHROMIUM=/nonexistent` simulates a machine without it),
`chromium` or `chromium-browser` on PATH, `/usr/bin/chromium`.

Without Chromium:
- a developer's `make test` skips the browser tests LOUDLY: the skip reason in pytest's short
  summary and a red banner at the end of the run;
- with `VIVERA_REQUIRE_BROWSER=1` (set by `.ci/run`) every browser test errors at setup, so the
  run fails instead of skipping.

One browser for all browser tests, a new context (cookies, storage) per test. Screenshots go to
`test-artifacts/` (gitignored).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

ARTIFACTS_DIR = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium phones home at start-up and the closed network refuses it.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEFAULT_TIMEOUT_MS = 10_000
INSTALL_HINT = "apt-get install chromium"

_SKIPPED = pytest.StashKey[str]()


def find_chromium() -> tuple[str | None, str]:
    """The Chromium executable, or None and why not."""
    override = os.environ.get("VIVERA_CHROMIUM")
    if override:
        if Path(override).is_file() and os.access(override, os.X_OK):
            return override, ""
        return None, f"Chromium not found at VIVERA_CHROMIUM={override}"
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found, ""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium", ""
    return None, "Chromium not found"


def browser_required() -> bool:
    return os.environ.get("VIVERA_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes"}


def _unavailable(config: pytest.Config, problem: str) -> NoReturn:
    """Fail (CI) or skip loudly (a developer's machine); never returns."""
    if browser_required():
        pytest.fail(
            f"VIVERA_REQUIRE_BROWSER=1 but the browser tests cannot run: {problem}. "
            f"Install Debian's Chromium ({INSTALL_HINT}) or point VIVERA_CHROMIUM at it.",
            pytrace=False,
        )
    message = f"BROWSER TESTS SKIPPED: {problem} ({INSTALL_HINT})"
    config.stash[_SKIPPED] = message
    pytest.skip(message)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    message = config.stash.get(_SKIPPED, None)
    if message:
        terminalreporter.write_sep("!", message, red=True, bold=True)
        terminalreporter.write_line(
            "The real-browser tests of the main flows did not run. CI runs them always "
            "(.ci/run sets VIVERA_REQUIRE_BROWSER=1, which turns this skip into a failure).",
            red=True,
        )


@pytest.fixture(scope="package")
def browser(request: pytest.FixtureRequest, django_db_setup: None) -> Iterator[Browser]:
    """One Chromium for all browser tests.

    Package-scoped rather than session-scoped, on purpose: sync Playwright keeps an asyncio loop
    marked as running in this thread for as long as it lives, and that changes Django for every
    test after it (see `_running_loop_workarounds`). The browser tests run one after the other
    (pytest-django runs transactional tests together), so this is still one browser per run,
    and the rest of the suite runs without the loop.
    """
    executable, problem = find_chromium()
    if executable is None:
        _unavailable(request.config, problem)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable(
            request.config,
            "the Python package playwright is not installed (pip install -e '.[dev]')",
        )

    with _running_loop_workarounds():
        playwright = sync_playwright().start()
        _keep_serialized_contents()
        try:
            # `launch` gives every browser a fresh, temporary user-data dir of its own.
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield browser
            finally:
                browser.close()
        finally:
            _close_connections()
            playwright.stop()


_serialized_contents: dict[str, str] = {}


@contextlib.contextmanager
def _running_loop_workarounds() -> Iterator[None]:
    """What Django needs while sync Playwright's loop runs in the test thread.

    1. Django refuses ORM calls from a thread with a running loop: the tests' own ORM calls
       (fixtures, assertions) need DJANGO_ALLOW_ASYNC_UNSAFE. Set only while the browser lives,
       so it leaks into nothing else (e.g. a `manage.py check --deploy` subprocess refuses it).
    2. With a running loop, asgiref hands this thread new database connection objects, which
       lack the serialized test data that `serialized_rollback` restores (the seeded code
       lists): `_keep_serialized_contents` copies it across, `_close_connections` closes them.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    from django.db import connections

    _serialized_contents.clear()
    for connection in connections.all():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None:
            _serialized_contents[connection.alias] = contents
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _keep_serialized_contents() -> None:
    from django.db import connections

    for alias, contents in _serialized_contents.items():
        connection = connections[alias]
        if getattr(connection, "_test_serialized_contents", None) is None:
            connection._test_serialized_contents = contents  # type: ignore[attr-defined]


def _close_connections() -> None:
    """Close the loop-context connections, or PostgreSQL cannot drop the test database."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()


@pytest.fixture
def context(browser: Browser, live_server: Any) -> Iterator[BrowserContext]:
    """A fresh context per test: no cookies or session carried over. Dutch, as the users."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def axe_page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """As `page`, but the accessibility check (`helpers.accessible`) may inject axe-core: the
    site's Content Security Policy rightly refuses inline scripts, so this context bypasses it.
    A test module that checks accessibility names this its `page`."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        viewport={"width": 1280, "height": 900},
        bypass_csp=True,
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    yield context.new_page()
    context.close()


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    return ARTIFACTS_DIR
