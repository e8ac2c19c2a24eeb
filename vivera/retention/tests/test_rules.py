"""Retention knows every field under a person's record: a new model or field there fails here
until someone decides whether retention clears it or keeps it (vivera/retention/rules.py)."""

from __future__ import annotations

from django.db import models

from vivera.partners.models import Submission
from vivera.registration.models import Client, Household
from vivera.retention.rules import DELETED, RULES


def forward_fields(model: type[models.Model]) -> set[str]:
    return {
        f.name
        for f in model._meta.get_fields()
        if not (f.is_relation and f.auto_created and not f.concrete)
    }


def reachable(model: type[models.Model], seen: set[type[models.Model]]) -> None:
    """Every model that refers to `model`, and to those, and so on: what hangs under it."""
    if model in seen:
        return
    seen.add(model)
    for related in model._meta.related_objects:
        reachable(related.related_model, seen)
    for m2m in model._meta.many_to_many:
        reachable(m2m.remote_field.through, seen)


def test_every_field_of_every_ruled_model_is_cleared_or_kept_and_not_both() -> None:
    for rule in RULES:
        fields = forward_fields(rule.model)
        cleared, kept = set(rule.cleared), set(rule.kept)
        assert not cleared & kept, (rule.model, cleared & kept)
        assert cleared | kept == fields, (
            f"{rule.model.__name__}: not in rules.py: {sorted(fields - cleared - kept)}; "
            f"no such field: {sorted((cleared | kept) - fields)}"
        )
        assert rule.why


def test_every_model_under_a_client_a_household_or_a_submission_has_a_rule() -> None:
    under: set[type[models.Model]] = set()
    for root in (Client, Household, Submission):
        reachable(root, under)
    ruled = {rule.model for rule in RULES} | set(DELETED)
    assert sorted(m.__name__ for m in under - ruled) == []


def test_no_model_has_two_rules() -> None:
    models_ruled = [rule.model for rule in RULES]
    assert len(models_ruled) == len(set(models_ruled))
