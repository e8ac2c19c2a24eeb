"""Nothing about a person can be left out of the export by accident.

The model graph is walked through Django's own metadata: every model that refers (by a foreign
key, one-to-one or many-to-many field) to a client, a dossier, a submission or any other model
in the export must be in the export itself. A model added later about people (a consent, a
plan, a document) fails here until it gets a part in vivera/privacy/contents.py — or, if it
really holds nothing about a person, a line in NOT_ABOUT_A_PERSON below with the reason.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.utils.functional import Promise

from vivera.accounts.models import User
from vivera.carers.models import Application as CarerApplication
from vivera.carers.models import Carer
from vivera.carers.models import Scheme as CarerScheme
from vivera.imports.models import ImportRun
from vivera.matching.models import Member, Report
from vivera.organisation.models import (
    ContactKind,
    LifeDomain,
    Location,
    Municipality,
    Neighbourhood,
    Outcome,
    PartnerOrganisation,
    Referrer,
    Team,
)
from vivera.partners.models import Submission
from vivera.privacy.contents import (
    CARER_PARTS,
    COMMON_LABELS,
    PARTS,
    Part,
    carer_exported_models,
    exported_models,
)
from vivera.privacy.export import person_export
from vivera.provisions.models import Delivery, Provider
from vivera.registration.models import Client, Dossier, Referral, ZrmScore
from vivera.survey.models import Response, Survey

# Where everything about a person hangs from.
ROOTS = {Client, Dossier, Submission}
# What an exported record may point to without being exported itself: configuration, shown in
# the export by its name or label.
CONFIGURATION = {
    Municipality,
    Neighbourhood,
    Team,
    Location,
    PartnerOrganisation,
    LifeDomain,
    Referrer,
    Outcome,
    ContactKind,
    User,
    # The survey an invitation is for, shown by its title.
    Survey,
    # The provider of an allocation, an organisation, shown by its name.
    Provider,
    # The delivery an allocation came with: the import's bookkeeping (files, period, counts),
    # hidden in the export.
    Delivery,
}
# Models that refer to an exported model but hold nothing about the person, with the reason.
NOT_ABOUT_A_PERSON: dict[type[models.Model], str] = {
    ImportRun: "the import's bookkeeping (files, counts); its records are in the export",
    # An invitation points to its answers only while the survey is open (the resident reads and
    # changes them with its own link); closing cuts the tie for good. The answers name no one.
    Response: "a survey's answers: no person, and no tie to the invitation once it closes",
    # A visitor's report about a public text: names no one, not the resident's.
    Report: "a visitor's report about a public text of a request; it names no one",
    # A public member of Voor elkaar: another person (the helper), never the resident.
    Member: "a helper on Voor elkaar: another person, whose details are theirs",
    # The carer of a client: another person, with its own right of access (carers/export.py).
    Carer: "an informal carer of the client: another person, whose details are theirs",
    CarerApplication: "a carer's application for the appreciation: the carer's, not the client's",
}


def forgotten(exported: set[type[models.Model]]) -> list[str]:
    """Models that refer to an exported model but are not exported themselves."""
    missing = set()
    for model in exported:
        for relation in model._meta.related_objects:
            other = relation.related_model
            if other not in exported and other not in NOT_ABOUT_A_PERSON:
                missing.add(
                    f"{other._meta.label} (refers to {model._meta.label} through "
                    f"{relation.field.name})"
                )
    return sorted(missing)


def unexplained_targets(exported: set[type[models.Model]]) -> list[str]:
    """What exported models point to that is neither exported nor configuration."""
    allowed = exported | CONFIGURATION | set(NOT_ABOUT_A_PERSON)
    return sorted(
        f"{model._meta.label}.{field.name} → {field.related_model._meta.label}"
        for model in exported
        for field in model._meta.get_fields()
        if field.is_relation and not field.auto_created and field.related_model not in allowed
    )


def test_every_model_that_refers_to_a_person_is_in_the_export() -> None:
    exported = exported_models()
    assert exported >= ROOTS
    missing = forgotten(exported)
    assert not missing, (
        f"Not in the right-of-access export (add a Part in vivera/privacy/contents.py): {missing}"
    )


def test_exported_records_point_only_to_exported_records_or_configuration() -> None:
    assert not unexplained_targets(exported_models())


def test_the_walk_finds_a_model_left_out() -> None:
    """The checks above can fail: without ZRM scores, or with referrals pointing nowhere."""
    exported = exported_models()
    assert any(
        name.startswith("registration.ZrmScore") for name in forgotten(exported - {ZrmScore})
    )
    assert any("registration.Referral" in name for name in forgotten(exported - {Referral}))
    assert unexplained_targets(exported - {Dossier})


def test_every_model_that_refers_to_a_carer_is_in_the_carers_export() -> None:
    """The carer's overview (its own parts): every model that refers to the carer or to one of
    its exported records is exported with it; what they point to is exported, configuration, or
    the cared-for client (another person, hidden in the part)."""
    exported = carer_exported_models()
    assert Carer in exported
    missing = sorted(
        f"{relation.related_model._meta.label} (refers to {model._meta.label})"
        for model in exported
        for relation in model._meta.related_objects
        if relation.related_model not in exported
    )
    assert not missing, f"Not in the carer's export (add a Part in CARER_PARTS): {missing}"
    allowed = exported | CONFIGURATION | {CarerScheme, Client}
    assert not [
        f"{model._meta.label}.{field.name}"
        for model in exported
        for field in model._meta.get_fields()
        if field.is_relation and not field.auto_created and field.related_model not in allowed
    ]


def test_the_walk_covers_every_installed_model_that_refers_to_a_person() -> None:
    """Independent of the walk: every installed model with a relation to a root model."""
    exported = exported_models()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and not field.auto_created and field.related_model in ROOTS:
                assert model in exported or model in NOT_ABOUT_A_PERSON, model._meta.label


def _parts() -> list[Part]:
    return [part for top in (*PARTS, *CARER_PARTS) for part in top.walk()]


@pytest.mark.parametrize("part", _parts(), ids=lambda p: p.key)
def test_every_shown_field_has_a_translated_label_and_hidden_fields_exist(part: Part) -> None:
    names = {f.name for f in part.model._meta.get_fields()}
    assert part.hidden <= names
    assert set(part.columns) <= {f.name for f in part.fields()}
    for model_field in part.fields():
        label = part.labels.get(model_field.name) or model_field.verbose_name
        assert isinstance(label, Promise) or model_field.name in COMMON_LABELS, (
            f"{part.model._meta.label}.{model_field.name} has no translated label"
        )


@pytest.mark.django_db
def test_every_field_of_every_row_is_in_the_json(admin_user, person, access_request) -> None:
    export = person_export(
        person=person["client"], access_request=access_request, made_by=admin_user
    )
    seen: set[str] = set()

    def check(section) -> None:
        expected = {f.name for f in section.part.fields()} | {c.key for c in section.part.children}
        for row in section.rows:
            seen.add(section.path)
            assert set(row.as_json()) == expected, section.path
            for child in row.children:
                check(child)

    for section in export.sections:
        check(section)

    # The person fixture has a row in every part and sub-part, so every part was checked.
    def paths(part: Part, prefix: str = "") -> list[str]:
        path = f"{prefix}{part.key}"
        return [path, *(p for child in part.children for p in paths(child, f"{path}."))]

    assert seen == {path for top in PARTS for path in paths(top)}
