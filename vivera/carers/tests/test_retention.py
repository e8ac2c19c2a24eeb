"""Retention of the register (docs/carers.md): a carer's registration is anonymised two years
after the carer left; the name of a client a carer cares for goes when the client is
anonymised."""

from __future__ import annotations

import datetime as dt

import pytest

from vivera.audit.models import AccessLogEntry
from vivera.carers import appreciation, services
from vivera.carers.models import Carer
from vivera.privacy.models import AccessRequest
from vivera.retention.rules import ANONYMISED
from vivera.retention.selectors import Terms
from vivera.retention.services import retention_run

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def run(today: dt.date) -> None:
    terms = Terms(years=15, years_without_provision=5, months_without_dossier=12, today=today)
    retention_run(terms=terms, execute=True)


def test_a_carer_is_anonymised_two_years_after_leaving(consultant, admin_user, registered, scheme):
    application = appreciation.application_submit(
        user=None,
        scheme=scheme,
        carer=registered,
        relation=registered.relations.get(),
        iban="NL91ABNA0417164300",
        account_holder="M. de Zorg",
    )
    services.support_add(
        user=consultant,
        carer=registered,
        date=TODAY,
        kind="conversation",
        note="Moeder heeft dementie",
        follow_up_on=None,
    )
    access_request = AccessRequest.objects.create(
        municipality=registered.municipality,
        carer=registered,
        received_on=TODAY,
        reference="AVG-MZ-7",
        note="Aan de balie, rijbewijs getoond",
        handled_by=admin_user,
    )
    services.carer_leave(user=None, carer=registered, on=TODAY)
    # Two years less a day after leaving: kept.
    run(TODAY.replace(year=TODAY.year + 2) - dt.timedelta(days=1))
    registered.refresh_from_db()
    assert registered.anonymised_at is None and registered.first_name == "Mira"
    # Two years and a day: anonymised, what the figures count kept.
    run(TODAY.replace(year=TODAY.year + 2) + dt.timedelta(days=1))
    carer = Carer.objects.get()
    assert (carer.first_name, carer.last_name, carer.email, carer.postcode) == (
        "",
        ANONYMISED,
        "",
        "",
    )
    assert carer.birth_date == dt.date(1970, 1, 1) and carer.left_on == TODAY
    relation = carer.relations.get()
    assert (relation.cared_for_name, relation.hours_per_week, relation.dementia) == (
        ANONYMISED,
        12,
        True,
    )
    assert carer.support.get().note == ""
    application.refresh_from_db()
    assert (application.iban, application.account_holder, application.status) == (
        "",
        "",
        "submitted",
    )
    assert AccessLogEntry.objects.filter(
        object_type="carer", action="delete", object_id=str(carer.pk)
    ).exists()
    # The record of an answered request for access stays, its note (free text) goes.
    access_request.refresh_from_db()
    assert (access_request.carer, access_request.reference, access_request.note) == (
        carer,
        "AVG-MZ-7",
        "",
    )


def test_a_registered_carer_is_kept(registered):
    run(TODAY.replace(year=TODAY.year + 10))
    registered.refresh_from_db()
    assert registered.anonymised_at is None
