"""Speed measurements of the monitor, for `vivera monitor_benchmark` (see docs/benchmarks.md):
each indicator on its own (`indicator_profile`), the chart page through Django's test client as
a logged-in user (`dashboard_timing`), the size of the data measured (`data_size`) and the
targets. The data come from the demo municipality or from the synthetic region (`region.py`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlencode

from django.conf import settings
from django.test import Client as HttpClient
from django.test.utils import override_settings
from django.urls import reverse

from vivera.accounts.models import Role, User
from vivera.monitor.indicators import INDICATORS, compute_all
from vivera.monitor.scope import Scope
from vivera.organisation.models import Municipality
from vivera.registration.models import (
    ContactMoment,
    Dossier,
    DossierStatusChange,
    OutreachActivity,
    Question,
    Referral,
    ShortContact,
    ZrmScore,
)

from .measure import BenchmarkError, Timing, measure

TARGETS = {
    "demo": 0.5,  # (a) the whole indicator set, one municipality, two years, demo size, SQLite
    "region": 3.0,  # (b) the whole set for a region of 1M dossiers / 10M contacts, PostgreSQL
    "page": 1.0,  # (b) the chart page (dashboard)
}


def indicator_profile(
    scope: Scope, repeats: int = 1, *, warm_up: bool = True
) -> list[tuple[str, float]]:
    """Each indicator computed on its own (median of `repeats` runs, after one warm-up of the
    whole set unless the caller just ran it), slowest first."""
    if warm_up:
        compute_all(scope)
    times = []
    for indicator in INDICATORS:
        timing = measure(partial(indicator.compute, scope), repeats, warm_up=False)
        times.append((indicator.code, timing.median))
    return sorted(times, key=lambda item: -item[1])


@dataclass(frozen=True)
class PageTiming:
    url: str
    username: str
    status: int
    size: int  # bytes of the response body
    timing: Timing


def dashboard_timing(user: User, start: dt.date, end: dt.date, repeats: int) -> PageTiming:
    """GET the monitor dashboard as `user` through Django's test client: URL routing,
    middleware, the view, every chart and the template, but no network or web server."""
    client = HttpClient()
    client.force_login(user)
    url = f"{reverse('monitor:dashboard')}?{urlencode({'van': start, 'tot': end})}"
    hosts = list(settings.ALLOWED_HOSTS)
    if "*" not in hosts and "testserver" not in hosts:
        hosts.append("testserver")
    secure = bool(getattr(settings, "SECURE_SSL_REDIRECT", False))
    sizes: list[tuple[int, int]] = []

    def get() -> None:
        response = client.get(url, secure=secure)
        sizes.append((response.status_code, len(response.content)))
        if response.status_code != 200:
            raise BenchmarkError(
                f"Het dashboard gaf status {response.status_code} voor {user.username} ({url})."
            )

    try:
        with override_settings(ALLOWED_HOSTS=hosts):
            timing = measure(get, repeats)
    finally:
        client.logout()
    status, size = sizes[-1]
    return PageTiming(url, user.username, status, size, timing)


def policy_user(municipality: Municipality) -> User | None:
    """An active policy advisor of the municipality (the dashboard's widest view)."""
    return (
        User.objects.filter(municipality=municipality, role=Role.POLICY, is_active=True)
        .order_by("pk")
        .first()
    )


DATA_LABELS = (
    ("dossiers", "dossiers"),
    ("status_changes", "statuswijzigingen"),
    ("questions", "vragen"),
    ("contacts", "contactmomenten"),
    ("professionals", "contact–professional-koppelingen"),
    ("referrals", "verwijzingen"),
    ("zrm_scores", "ZRM-scores"),
    ("short_contacts", "korte contacten"),
    ("outreach", "outreach-activiteiten"),
)


def data_size(municipality_ids: Sequence[int]) -> dict[str, int]:
    ids = list(municipality_ids)
    below = {"dossier__municipality_id__in": ids}
    return {
        "dossiers": Dossier.objects.filter(municipality_id__in=ids).count(),
        "status_changes": DossierStatusChange.objects.filter(**below).count(),
        "questions": Question.objects.filter(**below).count(),
        "contacts": ContactMoment.objects.filter(**below).count(),
        "professionals": ContactMoment.professionals.through.objects.filter(
            contactmoment__dossier__municipality_id__in=ids
        ).count(),
        "referrals": Referral.objects.filter(**below).count(),
        "zrm_scores": ZrmScore.objects.filter(assessment__dossier__municipality_id__in=ids).count(),
        "short_contacts": ShortContact.objects.filter(municipality_id__in=ids).count(),
        "outreach": OutreachActivity.objects.filter(municipality_id__in=ids).count(),
    }


def data_size_dossiers(municipalities: Sequence[Municipality]) -> int:
    return Dossier.objects.filter(municipality__in=list(municipalities)).count()
