"""The monitor's facts: a write to the registration shows in the next figures, a rebuild
replaces the facts instead of adding to them, and the facts hold no person."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import models

from vivera.conftest import login
from vivera.monitor import facts
from vivera.monitor.indicators import BY_CODE
from vivera.monitor.models import FACT_MODELS, DossierInflow, FactState
from vivera.monitor.scope import Scope
from vivera.registration import services
from vivera.registration.models import Client, Dossier, DossierStatus

pytestmark = pytest.mark.django_db
D = dt.date


def totals(table):
    return [c.value for c in next(r for r in table.rows if r.key == "total").cells]


@pytest.fixture
def jan_2017(municipality):
    return Scope((municipality,), D(2017, 1, 1), D(2017, 1, 31), suppress=False)


@pytest.fixture
def registered(pro, team_oost, codes):
    """A client registered through the services, as a professional does, with one dossier."""
    client = services.client_create(user=pro, first_name="Sam", last_name="Jansen")
    dossier = services.dossier_create(
        user=pro, client=client, team=team_oost, referrer=codes["gp"], registered_on=D(2017, 1, 10)
    )
    return client, dossier


def test_every_write_through_the_services_shows_in_the_next_figures(
    registered, pro, codes, jan_2017, neighbourhood
):
    client, dossier = registered
    assert totals(BY_CODE["new_dossiers"].compute(jan_2017)) == [1, 1]
    assert totals(BY_CODE["new_questions"].compute(jan_2017)) == [0, 0]

    services.question_add(
        user=pro, dossier=dossier, domain=codes["money"], opened_on=D(2017, 1, 12)
    )
    assert totals(BY_CODE["new_questions"].compute(jan_2017)) == [1, 1]

    services.contact_add(
        user=pro,
        dossier=dossier,
        date=D(2017, 1, 13),
        kind=codes["phone"],
        with_whom="client",
        core_task="support",
        minutes=45,
    )
    hours = next(r for r in BY_CODE["core_tasks"].compute(jan_2017).rows if r.key == "total")
    assert hours.cells[0].value == 0.8  # 45 minutes

    # An update that bypasses the model signals (QuerySet.update) counts too: the client
    # moves into the neighbourhood (postcode 9991), the dossier gets another complexity.
    services.client_update(
        user=pro,
        client=client,
        version=client.version,
        first_name="Sam",
        last_name="Jansen",
        postcode="9991AB",
        house_number="1",
    )
    by_hood = BY_CODE["by_neighbourhood"].compute(jan_2017)
    assert next(r for r in by_hood.rows if r.key == neighbourhood.cbs_code).cells[0].value == 1
    dossier.refresh_from_db()
    services.dossier_update(
        user=pro, dossier=dossier, version=dossier.version, complexity="multiple"
    )
    complexity = BY_CODE["new_dossiers_by_complexity"].compute(jan_2017)
    assert next(r for r in complexity.rows if r.key == "multiple").cells[0].value == 1


def test_a_status_change_moves_the_waiting_list(registered, pro, jan_2017):
    _client, dossier = registered
    assert totals(BY_CODE["waiting_list"].compute(jan_2017)) == [1]
    services.dossier_change_status(
        user=pro, dossier=dossier, to_status=DossierStatus.WAITING, date=D(2017, 1, 20)
    )
    assert totals(BY_CODE["waiting_list"].compute(jan_2017)) == [1]
    dossier.refresh_from_db()
    services.dossier_change_status(
        user=pro, dossier=dossier, to_status=DossierStatus.CLOSED, date=D(2017, 1, 25)
    )
    assert totals(BY_CODE["waiting_list"].compute(jan_2017)) == [0]


def test_a_rebuild_replaces_the_facts(registered, municipality, jan_2017):
    first = totals(BY_CODE["new_dossiers"].compute(jan_2017))
    rows = DossierInflow.objects.filter(municipality=municipality).count()
    facts.rebuild(municipality)
    facts.rebuild(municipality)
    assert DossierInflow.objects.filter(municipality=municipality).count() == rows == 1
    assert totals(BY_CODE["new_dossiers"].compute(jan_2017)) == first == [1, 1]


def test_a_write_in_another_municipality_leaves_these_facts_current(
    registered, municipality, other_municipality, other_pro, other_team, codes, jan_2017
):
    BY_CODE["new_dossiers"].compute(jan_2017)
    assert not FactState.objects.get(municipality=municipality).stale
    client = services.client_create(user=other_pro, first_name="A", last_name="B")
    services.dossier_create(
        user=other_pro,
        client=client,
        team=other_team,
        referrer=codes["gp"],
        registered_on=D(2017, 1, 10),
    )
    assert not FactState.objects.get(municipality=municipality).stale


def test_scheduled_refresh_waits_for_the_command(
    settings, registered, pro, team_oost, codes, municipality, jan_2017
):
    settings.VIVERA_MONITOR_REFRESH = "scheduled"
    assert totals(BY_CODE["new_dossiers"].compute(jan_2017)) == [1, 1]  # first build
    client = services.client_create(user=pro, first_name="Kim", last_name="Vos")
    services.dossier_create(
        user=pro, client=client, team=team_oost, referrer=codes["gp"], registered_on=D(2017, 1, 11)
    )
    assert FactState.objects.get(municipality=municipality).stale
    assert totals(BY_CODE["new_dossiers"].compute(jan_2017)) == [1, 1]  # not yet
    out = StringIO()
    call_command("monitor_facts", stdout=out)
    assert "Wijkstad: feiten opgebouwd" in out.getvalue()
    assert totals(BY_CODE["new_dossiers"].compute(jan_2017)) == [2, 2]
    out = StringIO()
    call_command("monitor_facts", stdout=out)
    assert out.getvalue().strip() == "Alle feiten zijn actueel."


def test_the_facts_hold_no_person():
    # No fact table points at a client, a dossier or a user, or stores a name or a number
    # that identifies one: only code lists, the organisation and counts.
    personal = {Client, Dossier, "accounts.User"}
    for model in FACT_MODELS:
        for field in model._meta.get_fields():
            if isinstance(field, models.ForeignKey):
                target = field.related_model
                assert target not in personal
                assert target._meta.label not in personal, (model, field)
        names = {f.name for f in model._meta.get_fields()}
        assert not names & {"client", "dossier", "bsn", "first_name", "last_name", "user"}


def test_a_scope_covers_whole_months(municipality):
    scope = Scope((municipality,), D(2017, 1, 15), D(2017, 3, 3))
    assert (scope.start, scope.end) == (D(2017, 1, 1), D(2017, 3, 31))
    with pytest.raises(ValueError):
        Scope((municipality,), D(2017, 3, 3), D(2017, 3, 2))


def test_a_slow_municipality_is_not_rebuilt_on_read(
    registered, pro, team_oost, codes, municipality, policy, jan_2017
):
    assert totals(BY_CODE["new_dossiers"].compute(jan_2017)) == [1, 1]
    FactState.objects.filter(municipality=municipality).update(build_seconds=60)
    client = services.client_create(user=pro, first_name="Kim", last_name="Vos")
    services.dossier_create(
        user=pro, client=client, team=team_oost, referrer=codes["gp"], registered_on=D(2017, 1, 11)
    )
    assert totals(BY_CODE["new_dossiers"].compute(jan_2017)) == [1, 1]
    page = login(policy).get("/monitor/?van=2017-01-01&tot=2017-01-31")
    assert "Registraties sindsdien volgen bij de volgende bijwerking" in page.content.decode()
    call_command("monitor_facts", stdout=StringIO())
    assert totals(BY_CODE["new_dossiers"].compute(jan_2017)) == [2, 2]


def test_a_failed_rebuild_keeps_the_old_facts_marked_stale(
    registered, municipality, jan_2017, monkeypatch
):
    assert totals(BY_CODE["new_dossiers"].compute(jan_2017)) == [1, 1]
    FactState.objects.filter(municipality=municipality).update(stale=True)

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(facts, "_build", broken)
    with pytest.raises(RuntimeError):
        facts.rebuild(municipality)
    assert FactState.objects.get(municipality=municipality).stale
    assert DossierInflow.objects.filter(municipality=municipality).exists()
