"""The load test's database: the demo municipality with the load-test professionals and partner
users, and the count of the records a run left behind.

The load-test accounts (`belasting-01` …) are professionals of the demo teams with the demo's
public password and its public authenticator key (`demo/reference.py`): the simulated users log
in through both steps exactly as a person with the demo key in an app would. Nothing about the
login is switched off. Because the password and key are public, the accounts are only made in a
database that holds nothing but the demo municipality (and the command refuses a production
installation).

The load-test partner users (`belasting-partner-01` …) belong to the demo's partner organisation
and get a fresh API key each run (the keys of an earlier run are revoked); they send referrals
and early signals through the partner API, which the professionals then act on.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from vivera.accounts.models import Role, User
from vivera.devtools.demo import reference as ref
from vivera.devtools.demo.services import demo_exists, demo_generate, demo_municipality
from vivera.organisation.models import (
    Municipality,
    PartnerOrganisation,
    Specialism,
    Team,
    TeamMembership,
)
from vivera.partners.models import ApiKey, OutreachAttempt, Submission, SubmissionStatusChange
from vivera.partners.services import api_key_create
from vivera.registration.models import (
    Client,
    ContactMoment,
    Dossier,
    Question,
    ShortContact,
)

USERNAME = "belasting-{:02d}"
PARTNER_USERNAME = "belasting-partner-{:02d}"
# Every record a run registers carries "<MARKER><run>-<user>-<n>": the client as its last name,
# the question in its description, the contact in its note (a short contact has no text; it is
# counted by its load-test author and time).
MARKER = "Belasting"
QUESTION_TEXT = "Vraag "
CONTACT_TEXT = "Contact "
# A partner's submission carries "<SUBMISSION_MARKER><run>-<user>-<n>" as its reference and the
# resident's last name (so the client a dossier opens for it carries it too); an outreach attempt
# carries "<ATTEMPT_TEXT><MARKER><run>-<user>-<n>" in its note.
SUBMISSION_MARKER = "Partner"
ATTEMPT_TEXT = "Poging "


class LoadTestRefused(Exception):
    """This database is not one to load-test in; nothing was changed."""


@dataclass
class Prepared:
    usernames: list[str]
    password: str
    totp_key: str  # base32
    partner_keys: list[str]  # one API key per load-test partner user
    municipality: str
    size: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def data_size(municipality: Municipality) -> dict[str, int]:
    dossiers = Dossier.objects.filter(municipality=municipality)
    return {
        "clients": Client.objects.filter(municipality=municipality).count(),
        "dossiers": dossiers.count(),
        "questions": Question.objects.filter(dossier__in=dossiers).count(),
        "contacts": ContactMoment.objects.filter(dossier__in=dossiers).count(),
        "short_contacts": ShortContact.objects.filter(municipality=municipality).count(),
        "professionals": User.objects.filter(
            municipality=municipality, role=Role.PROFESSIONAL, is_active=True
        ).count(),
    }


@transaction.atomic
def load_test_prepare(*, users: int, partners: int = 0, demo_scale: float = 1.0) -> Prepared:
    """The demo municipality (generated when missing), `users` load-test professionals, each
    with a fresh authenticator (so a code used in an earlier run does not count as reused), and
    `partners` partner users with a fresh API key each."""
    others = Municipality.objects.exclude(cbs_code=ref.MUNICIPALITY_CBS_CODE)
    if others.exists():
        raise LoadTestRefused(
            "Deze database bevat andere gemeenten dan de demogemeente ("
            + ", ".join(others.order_by("name").values_list("name", flat=True)[:5])
            + "). De belastingstest maakt accounts met een openbaar wachtwoord: gebruik een "
            "aparte database."
        )
    today = timezone.localdate()
    if not demo_exists():
        demo_generate(scale=demo_scale, today=today)
    municipality = demo_municipality()
    assert municipality is not None
    teams = list(Team.objects.filter(municipality=municipality).order_by("name"))
    password = make_password(ref.DEMO_PASSWORD)  # one slow hash for all
    names = [USERNAME.format(i) for i in range(1, users + 1)]
    existing = {u.username: u for u in User.objects.filter(username__in=names)}
    for index, name in enumerate(names):
        user = existing.get(name) or User(username=name)
        user.first_name, user.last_name = "Belasting", f"{index + 1:02d}"
        user.role, user.municipality, user.partner = Role.PROFESSIONAL, municipality, None
        user.is_active, user.is_staff, user.is_superuser = True, False, False
        user.password = password
        user.save()
        team = teams[index % len(teams)]
        if not TeamMembership.objects.filter(user=user, team=team, end_date__isnull=True).exists():
            TeamMembership.objects.create(
                team=team,
                user=user,
                specialism=Specialism.AMW,
                fte=Decimal("0.80"),
                start_date=today - dt.timedelta(days=365),
            )
    accounts = User.objects.filter(username__in=names)
    TOTPDevice.objects.filter(user__in=accounts).delete()
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=user, name="belastingstest", key=ref.DEMO_TOTP_KEY_HEX, confirmed=True)
        for user in accounts
    )
    _unlock(names)
    return Prepared(
        usernames=names,
        password=ref.DEMO_PASSWORD,
        totp_key=ref.DEMO_TOTP_KEY_BASE32,
        partner_keys=_partner_keys(municipality, partners, password),
        municipality=municipality.name,
        size=data_size(municipality),
    )


def _partner_keys(municipality: Municipality, count: int, password: str) -> list[str]:
    organisation = PartnerOrganisation.objects.get(
        municipality=municipality, name=ref.PARTNER_USER_ORG
    )
    keys = []
    for index in range(1, count + 1):
        user = User.objects.filter(username=PARTNER_USERNAME.format(index)).first() or User(
            username=PARTNER_USERNAME.format(index)
        )
        user.first_name, user.last_name = "Belasting", f"partner {index:02d}"
        user.role, user.municipality, user.partner = Role.PARTNER, municipality, organisation
        user.is_active, user.is_staff, user.is_superuser = True, False, False
        user.password = password
        user.save()
        ApiKey.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        keys.append(api_key_create(user=user, name="belastingstest")[1])
    return keys


def _unlock(usernames: list[str]) -> None:
    """Forget failed logins of an earlier, failed run (django-axes)."""
    from axes.models import AccessAttempt, AccessFailureLog

    AccessAttempt.objects.filter(username__in=usernames).delete()
    AccessFailureLog.objects.filter(username__in=usernames).delete()


def load_test_count(*, run: str, usernames: list[str], since: dt.datetime) -> dict[str, Any]:
    """What run `run` left in the database: per kind, how often each marker occurs (a marker
    that occurs twice is a duplicate), and the number of short contacts its users registered
    since `since`."""
    marker = f"{MARKER}{run}-"
    return {
        "client": Counter(
            Client.objects.filter(last_name__startswith=marker).values_list("last_name", flat=True)
        ),
        "dossier": Counter(
            Dossier.objects.filter(client__last_name__startswith=marker).values_list(
                "client__last_name", flat=True
            )
        ),
        "question": Counter(
            text.removeprefix(QUESTION_TEXT)
            for text in Question.objects.filter(
                description__startswith=QUESTION_TEXT + marker
            ).values_list("description", flat=True)
        ),
        "contact": Counter(
            text.removeprefix(CONTACT_TEXT)
            for text in ContactMoment.objects.filter(
                note__startswith=CONTACT_TEXT + marker
            ).values_list("note", flat=True)
        ),
        "short_contact": ShortContact.objects.filter(
            registered_by__username__in=usernames, created_at__gte=since
        ).count(),
        **_count_partner_work(run, usernames),
    }


def _count_partner_work(run: str, usernames: list[str]) -> dict[str, Any]:
    """The partners' submissions by reference, the outreach attempts by note, the dossiers
    opened for submissions by their client's name, and how many status changes the
    professionals made on the run's submissions (an attempt is recorded unreached, so only a
    status change or a dossier changes the status)."""
    marker = f"{SUBMISSION_MARKER}{run}-"
    attempt = f"{ATTEMPT_TEXT}{MARKER}{run}-"
    return {
        "submission": Counter(
            Submission.objects.filter(reference__startswith=marker).values_list(
                "reference", flat=True
            )
        ),
        "attempt": Counter(
            text.removeprefix(ATTEMPT_TEXT)
            for text in OutreachAttempt.objects.filter(note__startswith=attempt).values_list(
                "note", flat=True
            )
        ),
        "submission_dossier": Counter(
            Dossier.objects.filter(client__last_name__startswith=marker).values_list(
                "client__last_name", flat=True
            )
        ),
        "status_change": SubmissionStatusChange.objects.filter(
            submission__reference__startswith=marker, changed_by__username__in=usernames
        ).count(),
    }
