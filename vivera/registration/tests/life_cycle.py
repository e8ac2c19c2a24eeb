"""Assertions shared by the tests of every generator of dossiers (demo, benchmark region): a
generated status history must be one the services could have written."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import pairwise

from vivera.registration.models import (
    ALLOWED_STATUS_CHANGES,
    Dossier,
    DossierStatus,
    DossierStatusChange,
)


def histories(dossiers: Iterable[Dossier]) -> dict[int, list[DossierStatusChange]]:
    """Each dossier's status changes in the order they took effect."""
    ids = [d.pk for d in dossiers]
    changes: dict[int, list[DossierStatusChange]] = defaultdict(list)
    for change in DossierStatusChange.objects.filter(dossier_id__in=ids).order_by(
        "date", "changed_at", "pk"
    ):
        changes[change.dossier_id].append(change)
    return changes


def assert_follows_the_life_cycle(dossier: Dossier, history: list[DossierStatusChange]) -> None:
    """Registered first on the registration date, then only allowed steps forward in time, and
    the dossier's status, status date and closing date agree with the last step."""
    assert history[0].from_status == "" and history[0].to_status == DossierStatus.REGISTERED
    assert history[0].date == dossier.registered_on
    for before, after in pairwise(history):
        assert after.from_status == before.to_status
        assert after.to_status in ALLOWED_STATUS_CHANGES[before.to_status]
        assert after.date >= before.date
    last = history[-1]
    assert (dossier.status, dossier.status_since) == (last.to_status, last.date)
    if dossier.status == DossierStatus.CLOSED:
        assert dossier.closed_on == last.date >= dossier.registered_on
    else:
        assert dossier.closed_on is None
