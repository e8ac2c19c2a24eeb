"""The page benchmark cannot rot: a short run of the real command over a small region (2,000
dossiers, two users, 5 seconds a measurement) on its own database prints a line per daily page
and the requests per second; and it refuses a database with another municipality, because it
gives accounts a public password.

The full run (1,000,000 dossiers, 16 users, PostgreSQL) is in docs/benchmarks.md.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from vivera.devtools.loadtest.pages import PAGES
from vivera.devtools.loadtest.prepare import LoadTestRefused
from vivera.devtools.tests.test_load_benchmark import database  # noqa: F401  (a fixture)

VIVERA = str(Path(sys.executable).with_name("vivera"))
SMOKE = [
    "page_benchmark",
    "--dossiers",
    "2000",
    "--gebruikers",
    "2",
    "--duur",
    "5",
    "--workers",
    "2",
    "--zonder-collectstatic",
]


@pytest.mark.child_database
@pytest.mark.slow
def test_a_short_run_measures_every_daily_page(database: list[str]) -> None:  # noqa: F811
    if database:
        # The region's generator has its own test on PostgreSQL (monitor), the server and locust
        # are the same on both: once is enough for CI's time.
        pytest.skip("the page benchmark's short run is part of the SQLite leg")
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    done = subprocess.run(
        [VIVERA, *SMOKE, *database],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    lines = output.splitlines()
    for page in PAGES:
        name = page.replace(" ", "-")
        assert any(
            re.match(rf"{re.escape(name)} median=[\d.]+ p95=[\d.]+ ", line) for line in lines
        ), (
            name,
            output,
        )
    assert lines[-1].startswith("requests/s="), output
    assert "2.000 dossiers" in output


@pytest.mark.django_db
def test_it_refuses_a_database_with_another_municipality(municipality) -> None:
    from vivera.devtools.loadtest.pages_prepare import pages_prepare

    with pytest.raises(LoadTestRefused, match="openbaar wachtwoord"):
        pages_prepare(dossiers=1000, users=1, demo=False)
    with pytest.raises(LoadTestRefused, match="openbaar wachtwoord"):
        pages_prepare(dossiers=1000, users=1, demo=True)
