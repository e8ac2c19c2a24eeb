"""Shared test fixtures: two municipalities, teams, and one persona per role.

Personas (password for all: `PASSWORD`):
- `pro` professional in team Oost; `pro_west` professional in team West;
- `coordinator` of team Oost; `policy` policy advisor; `admin` functional administrator;
- `partner`, `resident`, `researcher`; `consultant` the carers' consultant;
- `other_pro`: a professional in another municipality (Elders).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client as HttpClient

from vivera.accounts.models import Role, User
from vivera.organisation.models import (
    ContactKind,
    LifeDomain,
    Location,
    Municipality,
    Neighbourhood,
    Outcome,
    PartnerKind,
    PartnerOrganisation,
    PostcodeArea,
    Referrer,
    Specialism,
    Team,
    TeamMembership,
)

PASSWORD = "correct-horse-battery-staple"

# Fixtures through which a test reaches the database (pytest-django's, and the live server's).
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
    }
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-sensitive",
        action="store_true",
        help="Run only the tests whose outcome can depend on the database: those that use it, "
        "without the browser tests (CI's PostgreSQL leg; the rest already ran on SQLite).",
    )


def uses_database(item: pytest.Item) -> bool:
    return (
        item.get_closest_marker("django_db") is not None
        or item.get_closest_marker("child_database") is not None
        or bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With --database-sensitive: leave out what gives the same answer on every database (no
    database at all, or the browser's side of a page whose views the other tests cover)."""
    if not config.getoption("--database-sensitive"):
        return
    keep = [
        item for item in items if uses_database(item) and item.get_closest_marker("browser") is None
    ]
    kept = {id(item) for item in keep}
    left_out = [item for item in items if id(item) not in kept]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = keep


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Production hashing is deliberately slow; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with no rate-limit counts: ids are reused after a rollback, so one test's
    counts would otherwise land on another's member or key."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def municipality(db: Any) -> Municipality:
    return Municipality.objects.create(name="Wijkstad", cbs_code="GM9991")


@pytest.fixture
def other_municipality(db: Any) -> Municipality:
    return Municipality.objects.create(name="Elders", cbs_code="GM9992")


@pytest.fixture
def neighbourhood(municipality: Municipality) -> Neighbourhood:
    wijk = Neighbourhood.objects.create(
        municipality=municipality, name="Centrum", cbs_code="WK999101"
    )
    PostcodeArea.objects.create(neighbourhood=wijk, postcode="9991")
    return wijk


@pytest.fixture
def team_oost(municipality: Municipality) -> Team:
    return Team.objects.create(municipality=municipality, name="Oost")


@pytest.fixture
def team_west(municipality: Municipality) -> Team:
    return Team.objects.create(municipality=municipality, name="West")


@pytest.fixture
def other_team(other_municipality: Municipality) -> Team:
    return Team.objects.create(municipality=other_municipality, name="Elders-Noord")


@pytest.fixture
def location(municipality: Municipality, team_oost: Team) -> Location:
    return Location.objects.create(
        municipality=municipality, team=team_oost, name="Buurthuis De Brug"
    )


@pytest.fixture
def partner_org(municipality: Municipality) -> PartnerOrganisation:
    return PartnerOrganisation.objects.create(
        municipality=municipality, name="Woonstede", kind=PartnerKind.HOUSING
    )


@pytest.fixture
def make_listing(municipality: Municipality, neighbourhood: Neighbourhood) -> Callable[..., Any]:
    """Make a published Voor elkaar listing (a one-off request for "something else" in
    `neighbourhood`, online since now); any field can be given."""
    from django.utils import timezone

    from vivera.matching.models import Listing

    def make(**fields: Any) -> Listing:
        values: dict[str, Any] = {
            "municipality": municipality,
            "kind": "request",
            "title": "Hulp gezocht",
            "text": "Wie helpt een handje?",
            "help_kind": "other",
            "neighbourhood": neighbourhood,
            "frequency": "once",
            "status": "published",
            "published_at": timezone.now(),
            **fields,
        }
        return Listing.objects.create(**values)

    return make


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    def make(
        username: str,
        role: Role,
        municipality: Municipality | None,
        team: Team | None = None,
        **extra: Any,
    ) -> User:
        user = User.objects.create_user(
            username=username,
            password=PASSWORD,
            role=role,
            municipality=municipality,
            first_name=username.capitalize(),
            is_staff=(role == Role.ADMIN),
            **extra,
        )
        if team is not None:
            TeamMembership.objects.create(
                team=team,
                user=user,
                specialism=Specialism.AMW,
                fte=Decimal("0.80"),
                start_date=dt.date(2015, 1, 1),
            )
        return user

    return make


@pytest.fixture
def pro(make_user: Callable[..., User], municipality: Municipality, team_oost: Team) -> User:
    return make_user("pro", Role.PROFESSIONAL, municipality, team_oost)


@pytest.fixture
def colleague(make_user: Callable[..., User], municipality: Municipality, team_oost: Team) -> User:
    return make_user("colleague", Role.PROFESSIONAL, municipality, team_oost)


@pytest.fixture
def pro_west(make_user: Callable[..., User], municipality: Municipality, team_west: Team) -> User:
    return make_user("pro_west", Role.PROFESSIONAL, municipality, team_west)


@pytest.fixture
def coordinator(
    make_user: Callable[..., User], municipality: Municipality, team_oost: Team
) -> User:
    return make_user("coordinator", Role.COORDINATOR, municipality, team_oost)


@pytest.fixture
def policy(make_user: Callable[..., User], municipality: Municipality) -> User:
    return make_user("policy", Role.POLICY, municipality)


@pytest.fixture
def admin_user(make_user: Callable[..., User], municipality: Municipality) -> User:
    return make_user("admin", Role.ADMIN, municipality)


@pytest.fixture
def partner_user(
    make_user: Callable[..., User], municipality: Municipality, partner_org: PartnerOrganisation
) -> User:
    return make_user("partner", Role.PARTNER, municipality, partner=partner_org)


@pytest.fixture
def resident(make_user: Callable[..., User], municipality: Municipality) -> User:
    return make_user("resident", Role.RESIDENT, municipality)


@pytest.fixture
def researcher(make_user: Callable[..., User], municipality: Municipality) -> User:
    return make_user("researcher", Role.RESEARCHER, municipality)


@pytest.fixture
def consultant(
    make_user: Callable[..., User], municipality: Municipality, partner_org: PartnerOrganisation
) -> User:
    """The carers' consultant, employed by a partner organisation (docs/carers.md)."""
    return make_user("consultant", Role.CARER_CONSULTANT, municipality, partner=partner_org)


@pytest.fixture
def other_pro(
    make_user: Callable[..., User], other_municipality: Municipality, other_team: Team
) -> User:
    return make_user("other_pro", Role.PROFESSIONAL, other_municipality, other_team)


@pytest.fixture
def all_personas(
    pro: User,
    pro_west: User,
    coordinator: User,
    policy: User,
    admin_user: User,
    partner_user: User,
    resident: User,
    researcher: User,
    other_pro: User,
    consultant: User,
) -> dict[str, User]:
    return {
        "pro": pro,
        "pro_west": pro_west,
        "coordinator": coordinator,
        "policy": policy,
        "admin": admin_user,
        "partner": partner_user,
        "resident": resident,
        "researcher": researcher,
        "other_pro": other_pro,
        "consultant": consultant,
    }


def login(user: User) -> HttpClient:
    """A client logged in as `user`, past both login steps: a role that needs two-factor login
    gets a confirmed authenticator and a session that has given its code (the second step itself
    is tested in vivera/accounts/tests/test_two_factor.py)."""
    client = HttpClient()
    client.force_login(user)
    verify_second_factor(client, user)
    return client


def verify_second_factor(client: HttpClient, user: User) -> None:
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from vivera.accounts.two_factor import required_for

    if not required_for(user):
        return
    device = TOTPDevice.objects.filter(
        user=user, confirmed=True
    ).first() or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def codes(db: Any) -> dict[str, Any]:
    """The seeded code lists (from the data migration)."""
    return {
        "money": LifeDomain.objects.get(code="financien"),
        "housing": LifeDomain.objects.get(code="huisvesting"),
        "gp": Referrer.objects.get(code="huisarts"),
        "self": Referrer.objects.get(code="zelf"),
        "solved": Outcome.objects.get(code="opgelost-team"),
        "general": Outcome.objects.get(code="buurthuis"),
        "home_visit": ContactKind.objects.get(code="huisbezoek"),
        "phone": ContactKind.objects.get(code="telefoon"),
    }


# --- Databases for child processes, built once per test process ------------------------------
# The kill tests, the backup and the right-of-access and research commands run `vivera` in child
# processes on a database of their own. Migrating one takes seconds and loading the demo more,
# so each test process makes them once and the tests work on copies.

DEMO_CHILD = ("demo", "--scale=0.05", "--seed=7", "--today=2026-03-16")


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty SQLite database file. Never change it: copy it."""
    from vivera.devtools.testing.kill import environment, ok

    path = tmp_path_factory.mktemp("migrated") / "vivera.sqlite3"
    ok(environment(f"sqlite:///{path}"), "migrate", "--no-input", "-v0")
    return path


@pytest.fixture(scope="session")
def demo_sqlite_template(
    migrated_sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A SQLite database file with the small demo municipality (`DEMO_CHILD`). Never change it:
    copy it."""
    from vivera.devtools.testing.kill import environment, ok

    path = tmp_path_factory.mktemp("demo-template") / "vivera.sqlite3"
    shutil.copyfile(migrated_sqlite_template, path)
    ok(environment(f"sqlite:///{path}"), *DEMO_CHILD)
    return path


@pytest.fixture(scope="session")
def demo_child_template(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """The demo database of the suite's own kind: the SQLite file above, or a database on the
    suite's PostgreSQL server (dropped at the end). Tests change clones (`.clone(folder)`)."""
    from vivera.devtools.testing.kill import child_database, ok, postgres_server, sqlite_database

    if postgres_server() is None:
        yield sqlite_database(request.getfixturevalue("demo_sqlite_template"))
        return
    with child_database(tmp_path_factory.mktemp("child"), prefix="vivera_demo") as db:
        ok(db.env(), "migrate", "--no-input", "-v0")
        ok(db.env(), *DEMO_CHILD)
        yield db
