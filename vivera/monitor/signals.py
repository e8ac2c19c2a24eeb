"""Every write to the registration marks the facts of its municipality stale
(`facts.mark_stale`): saves through the model signals, everything else through the
registration's own `changed` signal. Writes that bypass model signals (`QuerySet.update`,
`bulk_create`, raw SQL) and deletes send `changed`: a receiver for deletes would make Django
fetch every deleted row to signal it, which a bulk delete (the demo reset, retention) cannot
afford."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from vivera.organisation.models import (
    LifeDomain,
    Location,
    Outcome,
    Referrer,
    Team,
    TeamMembership,
)
from vivera.registration.models import (
    Client,
    ContactMoment,
    Dossier,
    DossierStatusChange,
    Question,
    Referral,
    ShortContact,
    ZrmAssessment,
    ZrmScore,
)
from vivera.registration.signals import changed

from .facts import mark_stale


def _municipality_of(instance: Any) -> int | None:
    if isinstance(instance, Dossier | Client | ShortContact | Location):
        return instance.municipality_id
    if isinstance(instance, TeamMembership):
        return (
            Team.objects.filter(pk=instance.team_id)
            .values_list("municipality_id", flat=True)
            .first()
        )
    if isinstance(instance, ZrmScore):
        return (
            ZrmAssessment.objects.filter(pk=instance.assessment_id)
            .values_list("dossier__municipality_id", flat=True)
            .first()
        )
    if type(instance).dossier.is_cached(instance):
        return instance.dossier.municipality_id
    return (
        Dossier.objects.filter(pk=instance.dossier_id)
        .values_list("municipality_id", flat=True)
        .first()
    )


def registration_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        mark_stale()  # loaddata: related rows may not be there yet to say which municipality
        return
    municipality_id = _municipality_of(instance)
    mark_stale(None if municipality_id is None else [municipality_id])


def bulk_write(sender: type, municipality_id: int | None = None, **kwargs: Any) -> None:
    mark_stale(None if municipality_id is None else [municipality_id])


def code_list_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    mark_stale()  # a referrer's or outcome's kind counts in every municipality


def contact_professionals_changed(sender: type, instance: Any, action: str, **kwargs: Any) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if kwargs.get("reverse"):  # user.contacts.add(…): the instance is the professional
        mark_stale([instance.municipality_id] if instance.municipality_id else None)
    else:
        registration_changed(sender, instance)


# Location: its neighbourhood is the neighbourhood of its short contacts.
SOURCES = [
    Dossier,
    Client,
    DossierStatusChange,
    Question,
    ContactMoment,
    Referral,
    ZrmAssessment,
    ZrmScore,
    ShortContact,
    TeamMembership,
    Location,
]


def connect() -> None:
    for model in SOURCES:
        post_save.connect(registration_changed, sender=model, dispatch_uid=f"monitor-{model}")
    for model in (Referrer, Outcome, LifeDomain):
        post_save.connect(code_list_changed, sender=model, dispatch_uid=f"monitor-{model}")
        post_delete.connect(code_list_changed, sender=model, dispatch_uid=f"monitor-del-{model}")
    changed.connect(bulk_write, dispatch_uid="monitor-registration-changed")
    m2m_changed.connect(
        contact_professionals_changed,
        sender=ContactMoment.professionals.through,
        dispatch_uid="monitor-contact-professionals",
    )
