"""Vivera settings: one module, read from the environment.

Safe defaults for development (an embedded SQLite database under ``var/``); production sets
``VIVERA_PRODUCTION=1``, ``DATABASE_URL``, ``SECRET_KEY`` and ``ALLOWED_HOSTS`` (see
docs/deploy.md). A bad value fails loudly at start-up instead of being silently ignored.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("VIVERA_VAR_DIR", PROJECT_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from exc


DEBUG = env_bool("DEBUG", False)
# Production mode demands a real secret, HTTPS and hashed static files; development and tests
# run with a fixed key that is useless outside this machine.
PRODUCTION = env_bool("VIVERA_PRODUCTION", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when VIVERA_PRODUCTION=1.")
    SECRET_KEY = "insecure-development-key-" + "x" * 40

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when VIVERA_PRODUCTION=1.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "vivera.core",
    "vivera.accounts",
    "vivera.organisation",
    "vivera.registration",
    "vivera.audit",
    "vivera.monitor",
    "vivera.partners",
    "vivera.ggm",
    "vivera.imports",
    "vivera.backup",
    "vivera.retention",
    "vivera.privacy",
    "vivera.research",
    "vivera.survey",
    "vivera.provisions",
    "vivera.plans",
    "vivera.matching",
    "vivera.carers",
    # The site as a whole (menu, start pages, the admin site's entry): on top of the apps above.
    "vivera.web",
    # Tooling, not product: the demo generator, the benchmarks and the test harness with their
    # commands (vivera demo, demo_logins, demo_code, monitor_benchmark, import_benchmark,
    # load_benchmark). Nothing above imports it; it has no models.
    "vivera.devtools",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files stay cacheable), before everything that can answer: every
    # page, file, redirect and refusal is marked no-store (core/middleware.py).
    "vivera.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Renews an active session at most once a minute instead of saving it on every request.
    "vivera.core.middleware.SessionRenewalMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "vivera.accounts.middleware.RequestUserMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Two-factor login: django-otp says whether the session passed the second step; Vivera's
    # middleware holds every page until it has (accounts/two_factor.py names the roles).
    "django_otp.middleware.OTPMiddleware",
    "vivera.accounts.middleware.TwoFactorMiddleware",
    "vivera.audit.middleware.RefusedAccessMiddleware",
    # A page view's access-log lines in one transaction, written before the response leaves.
    "vivera.audit.middleware.AccessLogBatchMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vivera.urls"
WSGI_APPLICATION = "vivera.wsgi.application"
ASGI_APPLICATION = "vivera.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vivera.web.context_processors.navigation",
            ],
        },
    },
]

# Form widgets (inputs, selects and their options, radio buttons, error lists) are rendered by
# Jinja2 from Django's own Jinja2 copies of its widget templates: the same HTML at two thirds of
# the cost of Django's template engine, which renders every option through an include (issue
# 19). Widgets with only Django templates (the admin's) and the pages stay Django templates.
FORM_RENDERER = "vivera.core.renderers.WidgetRenderer"

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'vivera.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several gunicorn workers (or runserver's threads) write at once. A transaction that reads
    # first and writes later fails at once with "database is locked" when another connection
    # writes (SQLite cannot wait there without risking a deadlock); IMMEDIATE takes the write
    # lock at the start of every transaction and waits for it up to `timeout` seconds. Found by
    # the load test (docs/benchmarks.md). A URL can still set its own (?transaction_mode=…).
    _sqlite_options = DATABASES["default"].setdefault("OPTIONS", {})
    _sqlite_options.setdefault("transaction_mode", "IMMEDIATE")
    _sqlite_options.setdefault("timeout", 20)
elif "postgresql" in DATABASES["default"]["ENGINE"]:
    # PostgreSQL's JIT compiles any query whose cost estimate is high; Vivera's queries are short
    # and JIT only made them slow (the client search over a million dossiers: 477 ms with it, 18
    # ms without; issue 19, docs/deploy.md). Off for Vivera's connections; a DATABASE_URL with
    # its own ?options=… keeps those.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Brute-force protection (django-axes, docs/deploy.md): after VIVERA_LOGIN_FAILURE_LIMIT failed
# logins an account is locked for VIVERA_LOGIN_LOCKOUT_MINUTES, from every address; a
# successful login resets the count. Per account, not per address: colleagues share the
# municipality's address, and an office should not be locked out by one person's typos.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "vivera.accounts.backends.ModelBackend",
]
# Two-factor login (TOTP) for every role that sees personal data (accounts/two_factor.py).
# Only a development machine may switch it off (VIVERA_TWO_FACTOR=0); production refuses to.
VIVERA_TWO_FACTOR_REQUIRED = env_bool("VIVERA_TWO_FACTOR", True)
if PRODUCTION and not VIVERA_TWO_FACTOR_REQUIRED:
    raise ImproperlyConfigured("VIVERA_TWO_FACTOR cannot be switched off in production.")
OTP_TOTP_ISSUER = "Vivera"
AXES_FAILURE_LIMIT = env_int("VIVERA_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("VIVERA_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# axes warns that a lockout without the address can be bypassed by rotating user agents or
# cookies; a lockout per account cannot (it counts the account whatever the client sends).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_CALLABLE = "vivera.accounts.lockout.lockout_response"
# The functional administrator unlocks from the user list (action), not from axes' own screens.
AXES_ENABLE_ADMIN = False
AXES_CLIENT_IP_CALLABLE = "vivera.audit.services.client_address"
# Vivera's own access log records logins; axes keeps only the failure counts it needs.
AXES_DISABLE_ACCESS_LOG = True
# A wrong or revoked partner API key is counted per address: after VIVERA_API_KEY_FAILURE_LIMIT
# failures that address gets a 429 for VIVERA_LOGIN_LOCKOUT_MINUTES. The refused keys are in
# the access log, the 429s are not, so guessing keys cannot flood it.
VIVERA_API_KEY_FAILURE_LIMIT = env_int("VIVERA_API_KEY_FAILURE_LIMIT", 20)
# Activation links (vivera/accounts/services.py, docs/deploy.md): a new or reset account gets a
# one-time link on which its owner chooses a password and sets up the authenticator. Valid for
# VIVERA_ACTIVATION_HOURS; after VIVERA_ACTIVATION_FAILURE_LIMIT refused links from one address
# within VIVERA_LOGIN_LOCKOUT_MINUTES the page answers 429.
VIVERA_ACTIVATION_HOURS = env_int("VIVERA_ACTIVATION_HOURS", 72)
if not 1 <= VIVERA_ACTIVATION_HOURS <= 24 * 14:
    raise ImproperlyConfigured("VIVERA_ACTIVATION_HOURS must lie between 1 and 336.")
VIVERA_ACTIVATION_FAILURE_LIMIT = env_int("VIVERA_ACTIVATION_FAILURE_LIMIT", 10)
# The survey's public code page (vivera/survey/public_views.py): after this many wrong codes or
# links from one address within VIVERA_LOGIN_LOCKOUT_MINUTES it answers 429.
VIVERA_SURVEY_CODE_FAILURE_LIMIT = env_int("VIVERA_SURVEY_CODE_FAILURE_LIMIT", 10)
# A professional learns from the BSN duplicate check that a resident is known to another team.
# Each check is a `search` line in the access log; after answers about
# VIVERA_BSN_CHECK_LIMIT different residents known elsewhere within 24 hours, the user's BSN
# checks are refused until the oldest of them is a day old (registration/access.py, counted
# from the access log itself, so every worker sees the same count).
VIVERA_BSN_CHECK_LIMIT = env_int("VIVERA_BSN_CHECK_LIMIT", 10)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60)  # expire after 30 minutes idle
# Not on every request: core.middleware.SessionRenewalMiddleware renews an active session once
# a minute (one write and commit less per page view).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Dutch only (docs/architecture.md, "Internationalisation"): the users are Dutch municipal
# professionals and the code lists are Dutch data. There is no LocaleMiddleware, so a browser
# that asks for English (Accept-Language) still gets Dutch, as do the API and the admin.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", PROJECT_DIR / "staticfiles"))
NODE_MODULES = Path(os.environ.get("VIVERA_NODE_MODULES", PROJECT_DIR / "node_modules"))
STATICFILES_DIRS = [
    ("vendor/utrecht-css", NODE_MODULES / "@utrecht/component-library-css/dist"),
    ("vendor/nlds-theme", NODE_MODULES / "@nl-design-system-unstable/voorbeeld-design-tokens/dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org/dist"),
    ("vendor/accessible-autocomplete", NODE_MODULES / "accessible-autocomplete/dist"),
]
STATICFILES_DIRS = [entry for entry in STATICFILES_DIRS if entry[1].exists()]
# Outside production WhiteNoise serves straight from the finders (node_modules, app static), so
# development and tests need no collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Security: sensible on every instance, strict where HTTPS is in front (docs/deploy.md).
HTTPS = env_bool("VIVERA_HTTPS", PRODUCTION)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# A strict Content Security Policy (Django's own middleware): every script, style, image and font
# comes from Vivera itself; no inline script or style, no plug-ins, no framing, forms post only
# to Vivera. The templates have no inline script or style attribute, the charts are SVG with
# presentation attributes, and htmx is told not to inject its indicator styles (base.html).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
# The client's address in the access log: only trust X-Forwarded-For behind a known proxy.
VIVERA_TRUST_X_FORWARDED_FOR = env_bool("VIVERA_TRUST_X_FORWARDED_FOR", False)
# Aggregates for the municipality hide counts below this number (DOMAIN.md: default 5).
VIVERA_SUPPRESSION_THRESHOLD = env_int("VIVERA_SUPPRESSION_THRESHOLD", 5)
# When the monitor's facts are rebuilt after the registration changed: "on-read" (the first
# monitor read after a change rebuilds them) or "scheduled" (only `vivera monitor_facts`, e.g.
# nightly; the pages say how old the figures are). See docs/monitor.md.
VIVERA_MONITOR_REFRESH = os.environ.get("VIVERA_MONITOR_REFRESH", "on-read")
if VIVERA_MONITOR_REFRESH not in ("on-read", "scheduled"):
    raise ImproperlyConfigured("VIVERA_MONITOR_REFRESH must be 'on-read' or 'scheduled'.")
# On read, a municipality whose last rebuild took longer than this is not rebuilt: the reader
# sees the figures of the last rebuild (and is told so) until `vivera monitor_facts` runs.
VIVERA_MONITOR_REBUILD_ON_READ_SECONDS = env_int("VIVERA_MONITOR_REBUILD_ON_READ_SECONDS", 10)
# The key of the pseudonyms in exports for the municipality's data warehouse (docs/ggm.md): the
# same person gets the same pseudonym in every export made with this key, and nobody without it
# can turn a pseudonym back into a client. Production needs its own key, not SECRET_KEY (which
# is rotated for other reasons, and rotating this one breaks the warehouse's links between runs).
VIVERA_PSEUDONYM_KEY = os.environ.get("VIVERA_PSEUDONYM_KEY", "")
if not VIVERA_PSEUDONYM_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("VIVERA_PSEUDONYM_KEY must be set when VIVERA_PRODUCTION=1.")
    VIVERA_PSEUDONYM_KEY = "insecure-development-pseudonym-key-" + "p" * 30
elif PRODUCTION and VIVERA_PSEUDONYM_KEY == SECRET_KEY:
    raise ImproperlyConfigured("VIVERA_PSEUDONYM_KEY must differ from SECRET_KEY.")
elif PRODUCTION and len(VIVERA_PSEUDONYM_KEY) < 32:
    raise ImproperlyConfigured("VIVERA_PSEUDONYM_KEY must be at least 32 characters long.")
# The secret from which the monitor derives its record keys (docs/monitor.md, "Protecting the
# figures"): the perturbation of every figure the policy advisor sees follows from it. Production
# needs its own, kept outside the municipality's reach and never changed: a new secret gives
# every cell new noise, and the old and new figures side by side average the noise away.
VIVERA_CELL_KEY_SECRET = os.environ.get("VIVERA_CELL_KEY_SECRET", "")
if not VIVERA_CELL_KEY_SECRET:
    if PRODUCTION:
        raise ImproperlyConfigured("VIVERA_CELL_KEY_SECRET must be set when VIVERA_PRODUCTION=1.")
    VIVERA_CELL_KEY_SECRET = "insecure-development-cell-key-secret-" + "c" * 30
elif PRODUCTION and VIVERA_CELL_KEY_SECRET in (SECRET_KEY, VIVERA_PSEUDONYM_KEY):
    raise ImproperlyConfigured(
        "VIVERA_CELL_KEY_SECRET must differ from SECRET_KEY and VIVERA_PSEUDONYM_KEY."
    )
elif PRODUCTION and len(VIVERA_CELL_KEY_SECRET) < 32:
    raise ImproperlyConfigured("VIVERA_CELL_KEY_SECRET must be at least 32 characters long.")
# The import page (docs/import.md): the folder where checked uploads (personal data) wait for
# the administrator's "import" (empty: the system's temporary folder, subfolder vivera-import),
# how long they may wait, and how large the files of one upload may be together.
VIVERA_IMPORT_DIR = os.environ.get("VIVERA_IMPORT_DIR", "")
VIVERA_IMPORT_PENDING_MINUTES = env_int("VIVERA_IMPORT_PENDING_MINUTES", 60)
# 15 MB is about 230,000 rows: checked or imported well within gunicorn's 30-second timeout.
VIVERA_IMPORT_MAX_MB = env_int("VIVERA_IMPORT_MAX_MB", 15)


def env_int_between(name: str, default: int, low: int, high: int) -> int:
    value = env_int(name, default)
    if not low <= value <= high:
        raise ImproperlyConfigured(f"{name} must lie between {low} and {high}, got {value}.")
    return value


# What one file of the import may hold (docs/import.md "Grenzen"), so that a small file cannot
# unpack or expand into more than memory holds (an XLSX is a ZIP: 0.5 MB can be a million rows):
# lines below the header; the size of a CSV and the unpacked size of an XLSX; and how many times
# one part of an XLSX may grow when unpacked (real exports grow 5 to 20 times; a bomb hundreds).
# 250,000 lines is 2.5 times the import benchmark's 100,000 rows in all and 8 times its largest
# file; an XLSX of 250,000 contacts unpacks to about 110 MB.
VIVERA_IMPORT_MAX_ROWS = env_int_between("VIVERA_IMPORT_MAX_ROWS", 250_000, 1, 10_000_000)
VIVERA_IMPORT_MAX_UNCOMPRESSED_MB = env_int_between(
    "VIVERA_IMPORT_MAX_UNCOMPRESSED_MB", 200, 1, 10_000
)
VIVERA_IMPORT_MAX_COMPRESSION_RATIO = env_int_between(
    "VIVERA_IMPORT_MAX_COMPRESSION_RATIO", 100, 10, 10_000
)
# A delivery of Wmo allocations (docs/provisions.md) is a region's whole register: larger than a
# legacy export. Lines per file, and megabytes per CSV file (or unpacked XLSX).
# Voor elkaar (docs/matching.md): the municipality of the public pages (a CBS code; without it
# the first), and how many confirmation links or reports one address may ask for per hour.
VIVERA_MATCHING_MUNICIPALITY = os.environ.get("VIVERA_MATCHING_MUNICIPALITY", "")
VIVERA_MATCHING_LIMIT_PER_HOUR = env_int_between("VIVERA_MATCHING_LIMIT_PER_HOUR", 10, 1, 10_000)
# The carers' register (docs/carers.md): the municipality of the public registration form (a CBS
# code; without it Voor elkaar's, else the first) and its attempts per address and hour.
VIVERA_CARERS_MUNICIPALITY = (
    os.environ.get("VIVERA_CARERS_MUNICIPALITY", "") or VIVERA_MATCHING_MUNICIPALITY
)
VIVERA_CARERS_LIMIT_PER_HOUR = env_int_between("VIVERA_CARERS_LIMIT_PER_HOUR", 10, 1, 10_000)
# Outgoing e-mail (the voor-elkaar confirmation links), as Django 6.1's MAILERS: SMTP with
# VIVERA_EMAIL_HOST (in production without it: the server's own mail service on localhost:25),
# else written to the console (development).
_EMAIL_HOST = os.environ.get("VIVERA_EMAIL_HOST", "") or ("localhost" if PRODUCTION else "")
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _EMAIL_HOST,
                "port": env_int_between(
                    "VIVERA_EMAIL_PORT", 25 if _EMAIL_HOST == "localhost" else 587, 1, 65_535
                ),
                "username": os.environ.get("VIVERA_EMAIL_USER", ""),
                "password": os.environ.get("VIVERA_EMAIL_PASSWORD", ""),
                "use_tls": os.environ.get(
                    "VIVERA_EMAIL_TLS", "0" if _EMAIL_HOST == "localhost" else "1"
                )
                == "1",
            },
        }
        if _EMAIL_HOST
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
DEFAULT_FROM_EMAIL = os.environ.get("VIVERA_EMAIL_FROM", "Voor elkaar <noreply@localhost>")
VIVERA_PROVISIONS_MAX_ROWS = env_int_between("VIVERA_PROVISIONS_MAX_ROWS", 2_000_000, 1, 20_000_000)
VIVERA_PROVISIONS_MAX_MB = env_int_between("VIVERA_PROVISIONS_MAX_MB", 400, 1, 10_000)


# Retention (`vivera retention`, docs/privacy.md): how long after closing a dossier the client's
# personal data is kept before it is anonymised. 15 years, the Wmo 2015's term (art. 5.3.4);
# a shorter term for dossiers without a referral to a customised provision or specialist care
# if the municipality's archivist set one (default: the same); and the term for what never
# became a dossier (a partner's signal or referral, a client registered without one).
VIVERA_RETENTION_YEARS = env_int_between("VIVERA_RETENTION_YEARS", 15, 1, 100)
VIVERA_RETENTION_YEARS_WITHOUT_PROVISION = env_int_between(
    "VIVERA_RETENTION_YEARS_WITHOUT_PROVISION", VIVERA_RETENTION_YEARS, 1, 100
)
VIVERA_RETENTION_MONTHS_WITHOUT_DOSSIER = env_int_between(
    "VIVERA_RETENTION_MONTHS_WITHOUT_DOSSIER", 24, 1, 1200
)

REST_FRAMEWORK = {
    # A partner's API key first, so a request without credentials is a 401 that names the
    # scheme (Bearer); then Basic credentials of a role without a second factor (counted by the
    # lockout); then the session (past both login steps: accounts/middleware.py).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "vivera.partners.authentication.ApiKeyAuthentication",
        "vivera.accounts.two_factor.PasswordOnlyBasicAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "EXCEPTION_HANDLER": "vivera.api.errors.exception_handler",
    # JSON only: the API is for machines (people use the pages), and DRF's browsable API would
    # need inline script and style that the Content Security Policy forbids.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
# The cache holds the API's rate-limit and key-guessing counts. The default (local memory) is
# per process: with several gunicorn workers each counts for itself. "database" shares it through
# a table (run `vivera createcachetable` once); a redis:// address shares it through Redis (needs
# the `redis` package, in the `prod` extra).
VIVERA_CACHE = os.environ.get("VIVERA_CACHE", "")
if VIVERA_CACHE == "":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif VIVERA_CACHE == "database":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "vivera_cache",
        }
    }
elif VIVERA_CACHE.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": VIVERA_CACHE,
        }
    }
else:
    raise ImproperlyConfigured(
        f"VIVERA_CACHE must be empty, 'database' or a redis:// address, got {VIVERA_CACHE!r}."
    )
# Requests per partner user (DRF rate syntax: "120/min", "5000/day"); a 429 above it.
VIVERA_PARTNER_API_RATE = os.environ.get("VIVERA_PARTNER_API_RATE", "120/min")
if not re.fullmatch(r"\d+/(s|sec|m|min|h|hour|d|day)", VIVERA_PARTNER_API_RATE):
    raise ImproperlyConfigured("VIVERA_PARTNER_API_RATE must look like 120/min or 5000/day.")
SPECTACULAR_SETTINGS = {
    "TITLE": "Vivera API",
    "DESCRIPTION": "API voor machine-clients van Vivera.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
