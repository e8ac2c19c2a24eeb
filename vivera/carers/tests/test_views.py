"""The consultant's pages and the dossier section, through HTTP: reads logged, another
municipality's consultant refused (404), an application approved within the budget and the
payout list."""

from __future__ import annotations

import csv
import io

import pytest

from vivera.accounts.models import Role
from vivera.audit.models import AccessLogEntry
from vivera.carers import appreciation
from vivera.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_consultant(make_user, other_municipality):
    return make_user("consultant2", Role.CARER_CONSULTANT, other_municipality)


def test_the_register_and_the_carer_page_log_every_read(consultant, registered):
    http = login(consultant)
    response = http.get("/mantelzorgers/")
    assert response.status_code == 200 and "Mira de Zorg" in response.text
    assert AccessLogEntry.objects.filter(
        object_type="list", detail__carers=[registered.pk]
    ).exists()
    response = http.get(f"/mantelzorgers/{registered.pk}/")
    assert response.status_code == 200 and "Jan de Zorg" in response.text
    assert AccessLogEntry.objects.filter(
        object_type="carer", action="read", object_id=str(registered.pk), user=consultant
    ).exists()


@pytest.mark.parametrize("page", ["wijzigen", "stoppen", "zorgrelatie", "steun"])
def test_a_refused_form_on_a_carer_is_a_read_and_a_saved_one_is_not(consultant, registered, page):
    """The refused form shows the carer again: that is a read. A saved one is the service's
    change, without a read beside it."""
    http = login(consultant)
    url = f"/mantelzorgers/{registered.pk}/{page}/"
    reads = AccessLogEntry.objects.filter(
        object_type="carer", action="read", object_id=str(registered.pk), user=consultant
    )
    assert http.get(url).status_code == 200 and reads.count() == 1
    # Bound, with required fields empty and the dates not dates.
    response = http.post(url, {"on": "geen datum", "date": "geen datum"})
    assert response.status_code == 400 and "Mira" in response.text
    assert reads.count() == 2
    if page == "stoppen":
        saved = http.post(url, {"on": "01-01-2026", "reason": "verhuisd"})
        assert saved.status_code == 302, saved.content[:2000]
        assert reads.count() == 2


def test_another_municipalitys_consultant_gets_404_and_a_refused_line(other_consultant, registered):
    http = login(other_consultant)
    assert http.get(f"/mantelzorgers/{registered.pk}/").status_code == 404
    assert AccessLogEntry.objects.filter(
        object_type="carer", result="refused", user=other_consultant
    ).exists()
    assert "Mira" not in http.get("/mantelzorgers/").text


def test_approval_budget_and_payout_list(consultant, registered, scheme):
    application = appreciation.application_submit(
        user=None,
        scheme=scheme,
        carer=registered,
        relation=registered.relations.get(),
        iban="NL91ABNA0417164300",
        account_holder="M. de Zorg",
    )
    http = login(consultant)
    response = http.post(
        f"/mantelzorgers/aanvraag/{application.pk}/besluit/", {"decision": "approve"}
    )
    assert response.status_code == 302
    page = http.get(f"/mantelzorgers/waardering/{scheme.pk}/").text
    # Budget 300, one of 150 approved: 150 used, 150 left.
    assert 'data-testid="budget-used">150,00 euro' in page
    assert 'data-testid="budget-left">150,00 euro' in page
    response = http.get(f"/mantelzorgers/waardering/{scheme.pk}/uitbetaling.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][1:5] == ["Mira de Zorg", "NL91 ABNA 0417 1643 00", "M. de Zorg", "150"]
    assert AccessLogEntry.objects.filter(action="export", object_type="carer_application").exists()
    xlsx = http.get(f"/mantelzorgers/waardering/{scheme.pk}/uitbetaling.xlsx")
    assert xlsx.content[:2] == b"PK"


def test_the_dossier_shows_the_clients_carers(pro, consultant, client_oost):
    from vivera.carers import services
    from vivera.registration.models import Dossier

    from .conftest import carer_fields

    dossier = Dossier.objects.get(client=client_oost)
    http = login(pro)
    response = http.post(
        f"/mantelzorgers/dossier/{dossier.pk}/",
        {
            **{k: v for k, v in carer_fields().items() if not isinstance(v, (list, bool))},
            "birth_date": "04-03-1970",
            "cared_for_name": "Jan de Zorg",
            "relation": "child",
            "care_kinds": ["household"],
            "hours_per_week": "9",
            "since": "01-01-2022",
            "client_consent_on": "01-01-2024",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    page = http.get(f"/dossiers/{dossier.pk}/").text
    assert 'data-testid="dossier-carers"' in page and "Mira de Zorg" in page
    assert services  # the service wrote the line; the read of the section is logged:
    assert AccessLogEntry.objects.filter(
        object_type="carer", action="read", client_id=client_oost.pk, user=pro
    ).exists()


def test_the_register_shows_fifty_a_page_and_logs_only_those(consultant, municipality):
    import datetime as dt

    from vivera.carers.models import Carer

    Carer.objects.bulk_create(
        Carer(
            municipality=municipality,
            first_name="Mantel",
            last_name=f"Zorger {n:02d}",
            birth_date=dt.date(1960, 1, 1),
            status="registered",
            source="staff",
            registered_on=dt.date(2024, 1, 1),
        )
        for n in range(60)
    )
    http = login(consultant)
    first = http.get("/mantelzorgers/").text
    assert "60 mantelzorgers gevonden" in first and "Pagina 1 van 2" in first
    assert "Zorger 49" in first and "Zorger 50" not in first
    second = http.get("/mantelzorgers/?pagina=2").text
    assert "Zorger 50" in second and "Zorger 59" in second and "Zorger 00" not in second
    line = AccessLogEntry.objects.filter(object_id="carers:register").latest("pk")
    assert len(line.detail["carers"]) == 10


def test_the_new_scheme_form_proposes_the_first_year_without_one(consultant, scheme):
    from django.utils import timezone

    page = login(consultant).get("/mantelzorgers/waardering/").text
    next_year = timezone.localdate().year + 1  # this year's scheme exists (the fixture)
    assert f'name="year" value="{next_year}"' in page


def test_the_carer_page_speaks_dutch_about_status_and_contact(consultant, registered):
    page = login(consultant).get(f"/mantelzorgers/{registered.pk}/").text
    assert "Ingeschreven" in page and "Aanmelding" not in page  # not the dossier's word
    assert "Nieuws en informatie voor mantelzorgers" in page and ": news" not in page
