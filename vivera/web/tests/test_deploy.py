"""Production settings are safe: `check --deploy` is clean, and a missing secret stops start-up.

Settings are read once per process, so each case starts `vivera` in a subprocess with its own
environment (docs/deploy.md lists the variables). The unsafe variants prove the check would
notice a regression instead of passing whatever the settings say.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

PROJECT_DIR = Path(__file__).resolve().parents[3]

# Every variable vivera/settings.py reads; the tests set the ones they need and drop the rest, so
# the developer's own shell cannot make a case pass or fail.
SETTINGS_VARIABLES = (
    "DEBUG",
    "VIVERA_PRODUCTION",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "DATABASE_CONN_MAX_AGE",
    "SESSION_COOKIE_AGE",
    "VIVERA_HTTPS",
    "VIVERA_TRUST_X_FORWARDED_FOR",
    "VIVERA_SUPPRESSION_THRESHOLD",
    "STATIC_ROOT",
    "VIVERA_NODE_MODULES",
    "VIVERA_VAR_DIR",
    "LOG_LEVEL",
    "VIVERA_PSEUDONYM_KEY",
    "VIVERA_CELL_KEY_SECRET",
    "VIVERA_CACHE",
    "VIVERA_API_KEY_FAILURE_LIMIT",
    "VIVERA_RETENTION_YEARS",
    "VIVERA_RETENTION_YEARS_WITHOUT_PROVISION",
    "VIVERA_RETENTION_MONTHS_WITHOUT_DOSSIER",
)


def production_env(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="vivera.settings",
        VIVERA_PRODUCTION="1",
        SECRET_KEY=secrets.token_urlsafe(64),
        VIVERA_PSEUDONYM_KEY=secrets.token_urlsafe(48),
        VIVERA_CELL_KEY_SECRET=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="vivera.example.nl",
        DATABASE_URL=f"sqlite:///{tmp_path / 'vivera.sqlite3'}",
        VIVERA_VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=str(tmp_path / "static"),
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def vivera(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vivera.manage", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return vivera("check", "--deploy", "--fail-level", "WARNING", env=env)


def test_it_passes_the_deploy_check_in_production(tmp_path: Path) -> None:
    result = deploy_check(production_env(tmp_path))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "ERRORS" not in output
    assert "no issues" in output


@pytest.mark.parametrize(
    ("overrides", "check_id"),
    [
        ({"DEBUG": "1"}, "security.W018"),
        ({"SECRET_KEY": "too-short"}, "security.W009"),
        ({"VIVERA_HTTPS": "0"}, "security.W004"),
        ({"VIVERA_HTTPS": "0"}, "security.W008"),
        ({"VIVERA_HTTPS": "0"}, "security.W012"),
        ({"VIVERA_HTTPS": "0"}, "security.W016"),
    ],
)
def test_it_fails_the_deploy_check_when_production_is_weakened(
    tmp_path: Path, overrides: dict[str, str], check_id: str
) -> None:
    result = deploy_check(production_env(tmp_path, **overrides))
    assert result.returncode != 0
    assert check_id in result.stdout + result.stderr


@pytest.mark.parametrize("secret_key", [None, ""], ids=["unset", "empty"])
def test_it_refuses_to_start_in_production_without_a_secret_key(
    tmp_path: Path, secret_key: str | None
) -> None:
    result = vivera("check", env=production_env(tmp_path, SECRET_KEY=secret_key))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set when VIVERA_PRODUCTION=1." in result.stderr


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (None, "VIVERA_PSEUDONYM_KEY must be set when VIVERA_PRODUCTION=1."),
        ("", "VIVERA_PSEUDONYM_KEY must be set when VIVERA_PRODUCTION=1."),
        ("short-key", "VIVERA_PSEUDONYM_KEY must be at least 32 characters long."),
        ("same", "VIVERA_PSEUDONYM_KEY must differ from SECRET_KEY."),
    ],
    ids=["unset", "empty", "short", "secret-key"],
)
def test_it_refuses_to_start_in_production_without_its_own_pseudonym_key(
    tmp_path: Path, key: str | None, message: str
) -> None:
    env = production_env(tmp_path)
    env = production_env(
        tmp_path,
        SECRET_KEY=env["SECRET_KEY"],
        VIVERA_PSEUDONYM_KEY=env["SECRET_KEY"] if key == "same" else key,
    )
    result = vivera("check", env=env)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (None, "VIVERA_CELL_KEY_SECRET must be set when VIVERA_PRODUCTION=1."),
        ("short-key", "VIVERA_CELL_KEY_SECRET must be at least 32 characters long."),
        ("same", "VIVERA_CELL_KEY_SECRET must differ from SECRET_KEY and VIVERA_PSEUDONYM_KEY."),
    ],
    ids=["unset", "short", "pseudonym-key"],
)
def test_it_refuses_to_start_in_production_without_its_own_cell_key_secret(
    tmp_path: Path, key: str | None, message: str
) -> None:
    env = production_env(tmp_path)
    env = production_env(
        tmp_path,
        VIVERA_PSEUDONYM_KEY=env["VIVERA_PSEUDONYM_KEY"],
        VIVERA_CELL_KEY_SECRET=env["VIVERA_PSEUDONYM_KEY"] if key == "same" else key,
    )
    result = vivera("check", env=env)
    assert result.returncode != 0
    assert message in result.stderr


def test_it_starts_in_development_without_a_secret_key(tmp_path: Path) -> None:
    result = vivera(
        "check",
        env=production_env(
            tmp_path,
            VIVERA_PRODUCTION=None,
            SECRET_KEY=None,
            VIVERA_PSEUDONYM_KEY=None,
            VIVERA_CELL_KEY_SECRET=None,
        ),
    )
    assert result.returncode == 0, result.stdout + result.stderr


# With VIVERA_PRODUCTION=1 the manifest storage raises on any {% static %} path collectstatic
# did not collect, so a stylesheet the finders miss turns every page into a server error.
BASE_TEMPLATE = settings.BASE_DIR / "templates" / "base.html"
STATIC_PATHS = re.findall(r"""{%\s*static\s+['"]([^'"]+)['"]\s*%}""", BASE_TEMPLATE.read_text())


@pytest.mark.parametrize("path", STATIC_PATHS)
def test_it_finds_every_static_file_the_base_template_links(path: str) -> None:
    if path.startswith("vendor/") and not settings.NODE_MODULES.exists():
        pytest.skip(
            "node_modules is missing: run `npm ci` (make assets) for the NL Design "
            "System CSS and htmx"
        )
    assert finders.find(path), f"collectstatic would not collect {path}"


def test_it_refuses_an_unknown_cache(tmp_path: Path) -> None:
    result = vivera("check", env=production_env(tmp_path, VIVERA_CACHE="memcache://x"))
    assert result.returncode != 0
    assert "VIVERA_CACHE must be empty, 'database' or a redis:// address" in result.stderr


def test_the_database_cache_is_shared_between_processes(tmp_path: Path) -> None:
    """What several gunicorn workers need for one rate-limit count: a value one process
    writes, another reads."""
    env = production_env(
        tmp_path,
        VIVERA_PRODUCTION=None,
        VIVERA_CACHE="database",
        DATABASE_URL=f"sqlite:///{tmp_path / 'shared.sqlite3'}",
    )
    assert vivera("createcachetable", env=env).returncode == 0
    write = vivera(
        "shell", "-c", "from django.core.cache import cache; cache.set('n', 7, 60)", env=env
    )
    assert write.returncode == 0, write.stderr
    read = vivera(
        "shell", "-c", "from django.core.cache import cache; print(cache.get('n'))", env=env
    )
    assert read.stdout.strip().splitlines()[-1] == "7", read.stdout + read.stderr
