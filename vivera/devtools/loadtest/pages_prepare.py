"""The page benchmark's database (`vivera page_benchmark --voorbereiden`, run by the command in
a child process): the synthetic region (or the demo municipality), its professionals made able
to log in with the demo's public password and authenticator key, and per account what it opens.

Because the password and key are public, this refuses a database that holds any municipality
besides the region's (or besides the demo)."""

from __future__ import annotations

from itertools import zip_longest
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from vivera.accounts.models import Role, User
from vivera.core.formatting import number
from vivera.devtools.benchmarks import region
from vivera.devtools.benchmarks.measure import machine
from vivera.devtools.benchmarks.monitor import data_size
from vivera.devtools.demo import reference as ref
from vivera.devtools.demo.services import demo_exists, demo_generate, demo_municipality
from vivera.organisation.models import Municipality
from vivera.registration import selectors
from vivera.registration.access import dossiers_for
from vivera.registration.models import Client, DossierStatus

from .prepare import LoadTestRefused, _unlock


def pages_prepare(*, dossiers: int, users: int, demo: bool) -> dict[str, Any]:
    """The data (made when missing), `users` accounts able to log in, and for each the dossier,
    client and surname it uses."""
    if demo:
        _refuse_others(exclude_codes=(ref.MUNICIPALITY_CBS_CODE,), what="de demogemeente")
        if not demo_exists():
            demo_generate(scale=1.0)
        municipality = demo_municipality()
        assert municipality is not None
        municipalities = [municipality]
        professionals = User.objects.filter(municipality=municipality)
    else:
        _refuse_others(exclude_codes=region.REGION_CODES, what="de benchmarkregio")
        if not region.region_exists():
            region.region_generate(
                dossiers=dossiers, contacts=10 * dossiers, short_contacts=2 * dossiers
            )
            region.analyze()
        municipalities = region.region_municipalities()
        professionals = User.objects.filter(username__startswith=region.USERNAME_PREFIX)
    chosen = _spread(
        list(
            professionals.filter(role=Role.PROFESSIONAL, is_active=True)
            .prefetch_related("memberships")
            .order_by("pk")
        ),
        users,
    )
    accounts = _enable(chosen)
    size = data_size([m.pk for m in municipalities])
    clients = Client.objects.filter(municipality__in=municipalities).count()
    return {
        "accounts": accounts,
        "password": ref.DEMO_PASSWORD,
        "totp_key": ref.DEMO_TOTP_KEY_BASE32,
        "machine": machine().lines(),
        "description": (
            f"{number(size['dossiers'])} dossiers, {number(clients)} cliënten, "
            f"{number(size['contacts'])} contactmomenten, "
            f"{number(size['short_contacts'])} korte contacten in "
            f"{len(municipalities)} gemeente(n)"
            + (" (de demogemeente)" if demo else " (de benchmarkregio)")
        ),
    }


def _refuse_others(*, exclude_codes: tuple[str, ...], what: str) -> None:
    others = Municipality.objects.exclude(cbs_code__in=exclude_codes)
    if others.exists():
        raise LoadTestRefused(
            f"Deze database bevat andere gemeenten dan {what} ("
            + ", ".join(others.order_by("name").values_list("name", flat=True)[:5])
            + "). De benchmark geeft accounts een openbaar wachtwoord: gebruik een aparte "
            "database."
        )


def _spread(professionals: list[User], count: int) -> list[User]:
    """`count` professionals, one team after the other (so sixteen users are sixteen teams'
    professionals where there are that many teams), repeating when there are fewer."""
    by_team: dict[int, list[User]] = {}
    for user in professionals:
        memberships = list(user.memberships.all())
        by_team.setdefault(memberships[0].team_id if memberships else 0, []).append(user)
    order = [u for row in zip_longest(*by_team.values()) for u in row if u is not None]
    if not order:
        raise LoadTestRefused("Er zijn geen actieve wijkteamleden in deze database.")
    return order[:count] if len(order) >= count else order


@transaction.atomic
def _enable(users: list[User]) -> list[dict[str, Any]]:
    password = make_password(ref.DEMO_PASSWORD)  # one slow hash for all
    User.objects.filter(pk__in=[u.pk for u in users]).update(password=password)
    TOTPDevice.objects.filter(user__in=users).delete()
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=user, name="paginabenchmark", key=ref.DEMO_TOTP_KEY_HEX, confirmed=True)
        for user in users
    )
    _unlock([u.username for u in users])
    accounts = []
    for user in users:
        dossier = (
            selectors.my_dossiers(user=user).first()
            or selectors.waiting_list(user=user).first()
            or dossiers_for(user).exclude(status=DossierStatus.CLOSED).first()
        )
        if dossier is None:
            raise LoadTestRefused(f"{user.username} heeft geen open dossier om te openen.")
        accounts.append(
            {
                "username": user.username,
                "dossier": dossier.pk,
                "client": dossier.client_id,
                "surname": dossier.client.last_name,
            }
        )
    return accounts
