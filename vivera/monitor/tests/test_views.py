"""The monitor through its pages, exports, API and command, per role."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from vivera.conftest import login
from vivera.monitor.scope import Scope
from vivera.monitor.selectors import before_after
from vivera.monitor.tables import Unit
from vivera.organisation.models import CapacityIntervention, InterventionAssumption
from vivera.registration.models import ProvisionKind, Referral

pytestmark = pytest.mark.django_db
D = dt.date
JANUARY = {"van": "2017-01-01", "tot": "2017-01-31"}


@pytest.fixture
def three_in_oost_one_in_west(make_dossier, team_oost, team_west):
    for day in (2, 3, 4):
        make_dossier(team_oost, D(2017, 1, day))
    make_dossier(team_west, D(2017, 1, 5))


def panel(response, code):
    for section in response.context["sections"]:
        for p in section.panels:
            if p.indicator.code == code:
                return p
    raise KeyError(code)


def test_the_policy_advisor_sees_small_counts_suppressed(
    policy, three_in_oost_one_in_west, team_oost
):
    response = login(policy).get(reverse("monitor:dashboard"), JANUARY)
    assert response.status_code == 200
    for section in response.context["sections"]:
        for p in section.panels:
            for row in p.table.rows:
                for j, cell in enumerate(row.cells):
                    if p.table.unit_of(j) == Unit.COUNT and 0 < (cell.value or 0) < 5:
                        assert cell.suppressed, (p.indicator.code, row.label)
    oost = next(r for r in panel(response, "new_dossiers").table.rows if r.key == str(team_oost.pk))
    assert [c.display for c in oost.cells] == ["<5", "<5"]
    assert "&lt;5" in response.content.decode()


def test_the_coordinator_sees_exact_figures_of_its_own_teams_only(
    coordinator, three_in_oost_one_in_west, team_oost, team_west
):
    response = login(coordinator).get(reverse("monitor:dashboard"), JANUARY)
    table = panel(response, "new_dossiers").table
    assert [r.key for r in table.rows] == [str(team_oost.pk), "total"]
    assert [c.display for c in table.rows[-1].cells] == ["3", "3"]  # West's dossier is not in
    refused = login(coordinator).get(
        reverse("monitor:dashboard"), {**JANUARY, "team": team_west.pk}
    )
    assert refused.status_code == 400
    assert "sections" not in refused.context


def test_a_period_that_ends_before_it_starts_is_refused_in_dutch(policy):
    response = login(policy).get(
        reverse("monitor:dashboard"), {"van": "2017-03-01", "tot": "2017-01-31"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Het einde van de periode kan niet voor het begin liggen." in page
    assert 'value="2017-03-01"' in page  # what the user typed stays
    response = login(policy).get(reverse("monitor:dashboard"), {"van": "31-02-2017"})
    assert response.status_code == 400
    assert "Voer een geldige datum in." in response.content.decode()


def test_the_csv_export_holds_no_suppressed_value(policy, three_in_oost_one_in_west, team_oost):
    response = login(policy).get(reverse("monitor:export", args=["csv"]), JANUARY)
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    oost = [r for r in rows if r["indicator"] == "new_dossiers" and r["rij"] == str(team_oost.pk)]
    assert oost and all(r["waarde"] == "" and r["onderdrukt"] == "ja" for r in oost)
    for r in rows:
        if r["eenheid"] == "aantal" and r["waarde"]:
            assert int(r["waarde"]) == 0 or int(r["waarde"]) >= 5, r


def test_the_xlsx_export_has_a_sheet_per_indicator(policy, three_in_oost_one_in_west):
    response = login(policy).get(reverse("monitor:export", args=["xlsx"]), JANUARY)
    book = load_workbook(io.BytesIO(response.content))
    assert "Nieuwe dossiers per maand" in book.sheetnames
    sheet = book["Nieuwe dossiers per maand"]
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "<5" in values
    assert not [v for v in values if isinstance(v, int) and 0 < v < 5]
    assert login(policy).get(reverse("monitor:export", args=["pdf"]), JANUARY).status_code == 404


def test_the_effect_report_answers_the_ten_questions_in_order(
    coordinator, three_in_oost_one_in_west
):
    response = login(coordinator).get(reverse("monitor:report"), JANUARY)
    page = response.content.decode()
    positions = [page.index(f'id="vraag-{n}"') for n in range(1, 11)]
    assert positions == sorted(positions)
    assert "<svg" in page and "<table" in page


def test_the_effect_report_as_pdf(coordinator, three_in_oost_one_in_west):
    from vivera.monitor.pdf import PdfUnavailable, render_pdf

    try:
        render_pdf("<p>x</p>")
    except PdfUnavailable:
        if os.environ.get("VIVERA_REQUIRE_BROWSER"):
            raise
        pytest.skip("WeasyPrint cannot load Pango here: PDF NOT TESTED")
    response = login(coordinator).get(reverse("monitor:report"), {**JANUARY, "formaat": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="vivera-monitor-20170101-20170131.pdf"' in response["Content-Disposition"]


def test_the_benchmark_compares_municipalities_on_suppressed_aggregates(
    policy, three_in_oost_one_in_west, other_municipality, other_team, make_dossier
):
    for day in range(1, 13):
        make_dossier(other_team, D(2017, 1, day))
    response = login(policy).get(reverse("monitor:benchmark"), JANUARY)
    table = response.context["table"]
    assert table.columns == ["Elders", "Wijkstad"]  # a column per municipality
    new = next(r for r in table.rows if r.key == "new_dossiers")
    assert new.label == "Nieuwe dossiers per maand: totaal van de periode"
    elders, wijkstad = new.cells  # 12 new dossiers (perturbed by at most 4) and 4
    assert wijkstad.display == "<5"
    assert not elders.suppressed and elders.perturbed and 8 <= elders.value <= 16
    assert "licht verstoord" in response.content.decode()


def test_every_compared_figure_says_whether_it_is_a_total_or_a_last_month(
    policy, three_in_oost_one_in_west
):
    """With one municipality the page compares the period with the one before it; a stock
    (the waiting list) names the month it is from, a flow says it is the period's total."""
    response = login(policy).get(
        reverse("monitor:benchmark"), {"van": "2017-01-01", "tot": "2017-03-31"}
    )
    table = response.context["table"]
    assert response.context["by_periods"]
    assert table.columns == ["01-01-2017 – 31-03-2017", "01-10-2016 – 31-12-2016"]
    labels = {row.key: row.label for row in table.rows}
    assert labels["new_dossiers"].endswith("totaal van de periode")
    assert labels["waiting_list"].endswith("in de laatste maand van de periode (mrt 2017)")
    assert "laatste kwartaal van de periode (K1 2017)" in labels["provision_shares"]
    new = next(r for r in table.rows if r.key == "new_dossiers")
    assert [c.display for c in new.cells] == ["<5", "0"]  # 4 in January; none before


# --- interventions -----------------------------------------------------------------------------


def test_before_and_after_an_intervention(make_dossier, team_oost, pro, municipality):
    d = make_dossier(team_oost, D(2016, 9, 1))
    intervention = CapacityIntervention.objects.create(
        municipality=municipality, date=D(2017, 4, 10), name="Impuls", fte_added=Decimal("2")
    )
    InterventionAssumption.objects.create(intervention=intervention, effect="less_heavier_care")
    # Two referrals to specialist care in each of the six months before April 2017 (Oct–Mar),
    # one in each of the six months from April on (Apr–Sep): mean 2.0 → 1.0, change −1.0.
    months = [D(2016, m, 15) for m in (10, 11, 12)] + [D(2017, m, 15) for m in range(1, 10)]
    for month in months:
        for _i in range(2 if month < D(2017, 4, 1) else 1):
            Referral.objects.create(
                dossier=d,
                referred_on=month,
                provision_kind=ProvisionKind.SPECIALIST,
                created_by=pro,
            )
    scope = Scope((municipality,), D(2017, 1, 1), D(2017, 12, 31), suppress=False)
    reading = before_after(scope, intervention)
    assert reading.before == (D(2016, 10, 1), D(2017, 3, 31))
    assert reading.after == (D(2017, 4, 1), D(2017, 9, 30))
    row = reading.table.rows[0]
    assert [c.value for c in row.cells] == [2.0, 1.0, -1.0]
    assert row.note == "zoals verwacht"


# --- API and command ---------------------------------------------------------------------------


def test_the_api_gives_the_same_suppressed_figures(policy, three_in_oost_one_in_west, team_oost):
    response = login(policy).get(reverse("v1:monitor"), {**JANUARY, "indicator": "new_dossiers"})
    assert response.status_code == 200
    data = response.json()
    assert [i["code"] for i in data["indicators"]] == ["new_dossiers"]
    oost = next(r for r in data["indicators"][0]["rows"] if r["key"] == str(team_oost.pk))
    assert oost["values"] == [None, None]
    assert oost["suppressed"] == [True, True]
    assert data["suppression"] == {"applied": True, "threshold": 5}


@pytest.mark.parametrize("persona", ["pro", "admin", "partner", "resident", "researcher"])
def test_the_api_refuses_roles_without_the_monitor(all_personas, persona):
    response = login(all_personas[persona]).get(reverse("v1:monitor"), JANUARY)
    assert response.status_code == 403


def test_the_api_explains_bad_input(policy):
    response = login(policy).get(
        reverse("v1:monitor"), {"van": "2017-02-01", "tot": "2017-01-01", "indicator": "x"}
    )
    assert response.status_code == 400
    errors = response.json()["fouten"]
    assert errors["tot"] == ["Het einde van de periode kan niet voor het begin liggen."]
    assert errors["indicator"] == ["Onbekende indicator: x."]


def test_the_command_writes_json_and_csv(municipality, three_in_oost_one_in_west, capsys, tmp_path):
    call_command(
        "monitor",
        "--gemeente",
        municipality.cbs_code,
        "--van",
        "2017-01-01",
        "--tot",
        "2017-01-31",
        "--indicator",
        "new_dossiers",
        "--exact",
    )
    data = json.loads(capsys.readouterr().out)
    total = data["indicators"][0]["rows"][-1]
    assert total["values"] == [4, 4]
    target = tmp_path / "monitor.csv"
    call_command(
        "monitor",
        "--gemeente",
        municipality.name,
        "--van",
        "2017-01-01",
        "--tot",
        "2017-01-31",
        "--formaat",
        "csv",
        "--uitvoer",
        str(target),
    )
    assert target.read_text(encoding="utf-8").startswith("\ufeffvraag;indicator;")
    with pytest.raises(CommandError, match="Onbekende gemeente"):
        call_command("monitor", "--gemeente", "Nergens")
    with pytest.raises(CommandError, match="Onbekende indicator"):
        call_command("monitor", "--gemeente", municipality.name, "--indicator", "x")


def test_a_reading_for_the_municipality_never_averages_over_a_suppressed_month(
    make_dossier, team_oost, pro, municipality
):
    d = make_dossier(team_oost, D(2016, 9, 1))
    intervention = CapacityIntervention.objects.create(
        municipality=municipality, date=D(2017, 4, 10), name="Impuls", fte_added=Decimal("2")
    )
    InterventionAssumption.objects.create(intervention=intervention, effect="less_heavier_care")
    # Two referrals a month: each month is "<5" in the series, so its mean (2.0) — times six
    # months, the exact total — may not be shown either.
    for m in [D(2016, m, 15) for m in (10, 11, 12)] + [D(2017, m, 15) for m in range(1, 10)]:
        for _i in range(2):
            Referral.objects.create(
                dossier=d, referred_on=m, provision_kind=ProvisionKind.SPECIALIST, created_by=pro
            )
    scope = Scope((municipality,), D(2017, 1, 1), D(2017, 12, 31), suppress=True)
    row = before_after(scope, intervention).table.rows[0]
    assert all(c.suppressed for c in row.cells)
    assert row.note == "onderdrukt: te weinig registraties"


def test_the_policy_advisor_reads_whole_months_and_one_narrowing_at_a_time(
    policy, three_in_oost_one_in_west, team_oost, neighbourhood
):
    # Asking up to the 30th of January still counts the whole of January, so two requests
    # a day apart cannot be subtracted from each other.
    response = login(policy).get(
        reverse("v1:monitor"),
        {"van": "2017-01-02", "tot": "2017-01-30", "indicator": "new_dossiers"},
    )
    assert response.json()["scope"]["start"] == "2017-01-01"
    assert response.json()["scope"]["end"] == "2017-01-31"
    # The answer says when its figures were derived from the registration.
    assert response.json()["figures"]["stale"] is False
    assert response.json()["figures"]["built_at"].startswith(str(timezone.now().year))
    response = login(policy).get(
        reverse("monitor:dashboard"), {**JANUARY, "team": team_oost.pk, "wijk": neighbourhood.pk}
    )
    assert response.status_code == 400
    assert "Kies één van team, wijk of inlooppunt tegelijk." in response.content.decode()


# --- the cell-key method: the same cell, the same number everywhere ----------------------------


@pytest.fixture
def two_months(make_dossier, team_oost, team_west):
    # Oost: 9 new dossiers in January and 7 in February; West: 6 in January.
    for day in range(1, 10):
        make_dossier(team_oost, D(2017, 1, day))
    for day in range(1, 8):
        make_dossier(team_oost, D(2017, 2, day))
    for day in range(10, 16):
        make_dossier(team_west, D(2017, 1, day))


def _api(user, **params):
    response = login(user).get(reverse("v1:monitor"), {"indicator": "new_dossiers", **params})
    assert response.status_code == 200
    rows = response.json()["indicators"][0]["rows"]
    return {r["key"]: r["values"] for r in rows}, response.json()


def test_the_policy_advisor_sees_each_figure_perturbed_but_always_the_same(
    policy, coordinator, two_months, team_oost, team_west
):
    oost, west = str(team_oost.pk), str(team_west.pk)
    both, data = _api(policy, van="2017-01-01", tot="2017-02-28")
    assert data["perturbation"]["applied"] is True and data["perturbation"]["max_noise"] == 4
    january, _data = _api(policy, van="2017-01-01", tot="2017-01-31")
    february, _data = _api(policy, van="2017-02-01", tot="2017-02-28")
    only_oost, _data = _api(policy, van="2017-01-01", tot="2017-02-28", team=team_oost.pk)
    # Every figure lies within 4 of the exact one (9, 7, 16; 6; 15, 7, 22).
    exact = {oost: [9, 7, 16], west: [6, 0, 6], "total": [15, 7, 22]}
    for key, values in exact.items():
        for shown, value in zip(both[key], values, strict=True):
            assert shown is None or abs(shown - value) <= 4, (key, both[key])
    assert both[west][1] == 0  # zero stays zero
    # A month in the two-month table is the month asked alone; a team's row is the team asked
    # alone (its total row holds the same records); asking again gives the same again.
    assert both[oost][0] == january[oost][0] == january[oost][1]
    assert both[oost][1] == february[oost][0]
    assert only_oost[oost] == only_oost["total"] == both[oost]
    assert _api(policy, van="2017-01-01", tot="2017-02-28")[0] == both
    # The period's total is a count of its own: perturbed with its own key, not the sum.
    assert both["total"][2] is not None and abs(both["total"][2] - 22) <= 4
    # The page, the CSV and the JSON of the command show the same numbers.
    page = login(policy).get(
        reverse("monitor:dashboard"), {"van": "2017-01-01", "tot": "2017-02-28"}
    )
    table = panel(page, "new_dossiers").table
    assert [c.shown for c in next(r for r in table.rows if r.key == oost).cells] == both[oost]
    assert "licht verstoord" in page.content.decode() or "perturbed" in page.content.decode()
    text = (
        login(policy)
        .get(reverse("monitor:export", args=["csv"]), {"van": "2017-01-01", "tot": "2017-02-28"})
        .content.decode()
    )
    lines = [
        r
        for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
        if r["indicator"] == "new_dossiers" and r["rij"] == oost
    ]
    assert [int(r["waarde"]) if r["waarde"] else None for r in lines] == both[oost]
    assert {r["verstoord"] for r in lines} == {"ja"}
    # The coordinator of Oost sees its own team exactly.
    own, data = _api(coordinator, van="2017-01-01", tot="2017-02-28")
    assert own[oost] == [9, 7, 16] and data["perturbation"]["applied"] is False


# --- exports: names an administrator typed cannot run as formulas ------------------------------


def test_exports_neutralise_formulas_in_names(
    policy, make_dossier, team_oost, location, neighbourhood
):
    team_oost.name = '=HYPERLINK("http://evil.example","klik")'
    team_oost.save()
    location.name = "+SUM(1,2)"
    location.save()
    neighbourhood.cbs_code = "@WK1"
    neighbourhood.name = "-Centrum"
    neighbourhood.save()
    make_dossier(team_oost, D(2017, 1, 3))
    text = login(policy).get(reverse("monitor:export", args=["csv"]), JANUARY).content.decode()
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    names = {r["rij_naam"] for r in rows} | {r["rij"] for r in rows}
    assert "'" + team_oost.name in names and "'+SUM(1,2)" in names
    assert "'@WK1" in names and "'-Centrum (@WK1)" in names
    assert not [n for n in names if n[:1] in ("=", "+", "-", "@", "\t", "\r")]
    book = load_workbook(
        io.BytesIO(
            login(policy)
            .get(reverse("monitor:export", args=["xlsx"]), {**JANUARY, "team": team_oost.pk})
            .content
        )
    )
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.value for c in cells if c.data_type == "f"]  # no formula anywhere
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert "'" + team_oost.name in texts and "'+SUM(1,2)" in texts
    # Negative figures stay numbers.
    assert "'-" not in "".join(r["waarde"] for r in rows)


def test_the_facts_are_checked_once_per_page_however_many_figures_it_shows(
    coordinator, make_dossier, team_oost, municipality, pro
):
    """Every figure, the default period and each intervention's reading read the facts; their
    freshness is checked once per request, not once per indicator (23×) and per reading."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_dossier(team_oost, D(2017, 1, 2))
    for day in (D(2017, 3, 1), D(2017, 6, 1)):
        CapacityIntervention.objects.create(
            municipality=municipality, date=day, name="Impuls", fte_added=Decimal("1")
        )
    http = login(coordinator)
    http.get(reverse("monitor:dashboard"), {"van": "2017-01-01", "tot": "2017-12-31"})  # built
    with CaptureQueriesContext(connection) as queries:
        response = http.get(
            reverse("monitor:dashboard"), {"van": "2017-01-01", "tot": "2017-12-31"}
        )
    assert response.status_code == 200
    state_reads = [
        q["sql"]
        for q in queries.captured_queries
        if "monitor_factstate" in q["sql"] and q["sql"].lstrip().startswith("SELECT")
    ]
    # One check of freshness, one read of the "built at" line under the figures.
    assert len(state_reads) == 2, state_reads


def test_a_coordinator_asking_for_another_team_is_refused_as_a_permission(coordinator, team_west):
    from django.core.exceptions import PermissionDenied

    from vivera.monitor.selectors import scope_for

    with pytest.raises(PermissionDenied):
        scope_for(coordinator, start=D(2017, 1, 1), end=D(2017, 1, 31), team=team_west)


def test_the_old_address_of_the_key_figures_leads_to_them(policy):
    response = login(policy).get("/overzicht/?jaar=2017")
    assert response.status_code == 302
    assert response["Location"] == reverse("monitor:key_figures") + "?jaar=2017"
