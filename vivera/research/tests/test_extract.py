"""What an extract holds: the right rows for the grant's scope and period, no identifiers,
pseudonyms of its own, suppressed small groups, and a codebook that covers every column."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import zipfile
from pathlib import Path

import pytest

from vivera.ggm.services import ggm_export_write
from vivera.organisation.models import TeamMembership
from vivera.research import codebook
from vivera.research.models import ResearchGrant
from vivera.research.selectors import age_band
from vivera.research.services import extract_write

from .conftest import FREE_TEXT, TEST_KEY, read_zip, whole_text

pytestmark = pytest.mark.django_db

OOST_2024 = {"teams": {"Oost"}, "start": dt.date(2024, 1, 1), "end": dt.date(2024, 12, 31)}


def extract(grant, user) -> bytes:
    out = io.BytesIO()
    extract_write(out=out, grant=grant, user=user)
    return out.getvalue()


def documented_pseudonym(grant, kind: str, internal_id: int) -> str:
    """The method docs/research.md describes, written out apart from the code under test."""
    key = hmac.new(
        TEST_KEY.encode(), f"vivera:research-grant:{grant.key_salt}".encode(), hashlib.sha256
    ).digest()
    digest = hmac.new(key, f"{kind}:{internal_id}".encode(), hashlib.sha256).digest()
    return str(int.from_bytes(digest[:8], "big") >> 1)


class TestRows:
    def test_it_holds_the_rows_of_the_grants_teams_and_period(self, study, grant, researcher):
        tables = read_zip(extract(grant, researcher))
        expected = study.expected(**OOST_2024)
        assert expected["dossiers"] == 7  # the fixture's own sanity: six + the rare one
        for name, count in expected.items():
            assert len(tables[name]) == count, name
        assert {row["team"] for row in tables["dossiers"]} == {"Oost"}
        assert (
            len(tables["formation"]) == TeamMembership.objects.filter(team__name="Oost").count() > 0
        )
        assert [row["date"] for row in tables["capacity_interventions"]] == ["2024-07-01"]
        assert all(
            "2024-01-01" <= row["registered_on"] <= "2024-12-31" for row in tables["dossiers"]
        )

    def test_every_team_when_none_was_chosen(self, study, make_grant, researcher):
        tables = read_zip(extract(make_grant(teams=[]), researcher))
        expected = study.expected(
            teams={"Oost", "West"}, start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)
        )
        for name, count in expected.items():
            assert len(tables[name]) == count, name

    def test_a_period_selects_dossiers_by_registration_date(self, study, make_grant, researcher):
        grant = make_grant(period_start=dt.date(2023, 1, 1), period_end=dt.date(2024, 3, 31))
        tables = read_zip(extract(grant, researcher))
        expected = study.expected(
            teams={"Oost"}, start=dt.date(2023, 1, 1), end=dt.date(2024, 3, 31)
        )
        assert expected["dossiers"] == 2
        for name, count in expected.items():
            assert len(tables[name]) == count, name

    def test_the_rows_refer_to_each_other(self, study, grant, researcher):
        tables = read_zip(extract(grant, researcher))
        dossier_ids = {row["dossier_id"] for row in tables["dossiers"]}
        for name in ("status_changes", "questions", "contacts", "referrals", "zrm_scores"):
            assert {row["dossier_id"] for row in tables[name]} <= dossier_ids, name
        question_ids = {row["question_id"] for row in tables["questions"]}
        assert {row["question_id"] for row in tables["referrals"]} <= question_ids

    def test_the_values_are_what_was_registered(self, study, grant, researcher, pro):
        tables = read_zip(extract(grant, researcher))
        first = study.clients[0].dossiers.get()
        dossier = next(
            row
            for row in tables["dossiers"]
            if row["dossier_id"] == documented_pseudonym(grant, "dossier", first.pk)
        )
        assert dossier["registered_on"] == "2024-03-01"
        assert (dossier["status"], dossier["referrer"], dossier["complexity"]) == (
            "active",
            "huisarts",
            "multiple",
        )
        assert (dossier["neighbourhood"], dossier["age_band"]) == ("WK999101", "45-64")
        questions = [
            row for row in tables["questions"] if row["dossier_id"] == dossier["dossier_id"]
        ]
        closed = next(row for row in questions if row["closed_on"])
        assert (
            closed["life_domain"],
            closed["opened_on"],
            closed["closed_on"],
            closed["outcome_kind"],
        ) == ("financien", "2024-03-11", "2024-04-10", "general")
        contact = next(
            row for row in tables["contacts"] if row["dossier_id"] == dossier["dossier_id"]
        )
        assert (
            contact["kind"],
            contact["minutes"],
            contact["professionals"],
            contact["face_to_face"],
        ) == ("telefoon", "20", "1", "0")
        changes = [
            row["to_status"]
            for row in tables["status_changes"]
            if row["dossier_id"] == dossier["dossier_id"]
        ]
        assert changes == ["registered", "waiting", "intake", "active"]


class TestNoIdentifiers:
    def test_no_name_bsn_address_phone_email_birth_date_or_free_text(
        self, study, grant, researcher
    ):
        text = whole_text(extract(grant, researcher))
        assert "WK999101" in text  # the search below searches real output
        for person in study.identifiers:
            birth: dt.date = person["birth_date"]
            forbidden = [
                person["first_name"],
                person["last_name"],
                person["bsn"],
                person["phone"],
                person["email"],
                person["postcode"],
                f"{person['postcode'][:4]} {person['postcode'][4:]}",
                birth.isoformat(),
                birth.strftime("%d-%m-%Y"),
                birth.strftime("%d/%m/%Y"),
                birth.strftime("%Y%m%d"),
            ]
            for value in forbidden:
                assert value not in text, value
        for value in FREE_TEXT:
            assert value not in text
        assert "Lindelaan" not in text and "Woonstede" not in text

    def test_the_identifiers_searched_for_are_in_the_database(self, study):
        # The search above is only as good as what it searches for: the identifiers are in
        # the database, the household is named after the family and its address.
        client = study.clients[6]
        client.refresh_from_db()
        assert client.bsn == study.identifiers[6]["bsn"]
        assert study.identifiers[6]["postcode"] in client.household.name


class TestPseudonyms:
    def test_they_follow_the_documented_method_under_the_grants_own_key(
        self, study, grant, researcher
    ):
        tables = read_zip(extract(grant, researcher))
        client = study.clients[0]
        dossier = client.dossiers.get()
        row = next(
            row
            for row in tables["dossiers"]
            if row["dossier_id"] == documented_pseudonym(grant, "dossier", dossier.pk)
        )
        assert row["client_id"] == documented_pseudonym(grant, "client", client.pk)

    def test_they_differ_between_grants_and_from_the_ggm_export(
        self, study, make_grant, researcher, admin_user, municipality
    ):
        first = read_zip(extract(make_grant(), researcher))
        second = read_zip(extract(make_grant(), researcher))
        assert len(first["dossiers"]) == len(second["dossiers"]) > 0
        for table, column in (
            ("dossiers", "dossier_id"),
            ("dossiers", "client_id"),
            ("questions", "question_id"),
            ("contacts", "contact_id"),
            ("zrm_scores", "assessment_id"),
        ):
            ours = {row[column] for row in first[table]}
            theirs = {row[column] for row in second[table]}
            assert ours and not ours & theirs, (table, column)
        ggm = io.BytesIO()
        ggm_export_write(out=ggm, municipality=municipality, user=admin_user)
        with zipfile.ZipFile(ggm) as archive:
            ggm_text = b"".join(archive.read(name) for name in archive.namelist()).decode()
        assert all(
            row["dossier_id"] not in ggm_text and row["client_id"] not in ggm_text
            for row in first["dossiers"]
        )

    def test_the_row_order_differs_between_grants(self, study, make_grant, researcher):
        """In the database's order the rows of two extracts would pair up by position."""
        orders = []
        for salt in ("a", "b"):  # fixed salts: the orders are then fixed too
            grant = make_grant()
            ResearchGrant.objects.filter(pk=grant.pk).update(key_salt=salt * 64)
            grant.refresh_from_db()
            tables = read_zip(extract(grant, researcher))
            by_pseudonym = {
                documented_pseudonym(grant, "dossier", c.dossiers.get().pk): c.pk
                for c in study.clients
                if c.dossiers.get().team.name == "Oost"
            }
            orders.append([by_pseudonym[row["dossier_id"]] for row in tables["dossiers"]])
        assert sorted(orders[0]) == sorted(orders[1])
        assert orders[0] != orders[1]

    def test_they_stay_the_same_for_the_same_grant(self, study, grant, researcher):
        first = read_zip(extract(grant, researcher))
        second = read_zip(extract(grant, researcher))
        assert first["dossiers"] == second["dossiers"]


class TestSmallGroups:
    def test_a_rare_neighbourhood_and_age_band_are_suppressed(
        self, study, grant, researcher, settings
    ):
        tables = read_zip(extract(grant, researcher))
        rare = study.clients[6]
        row = next(
            row
            for row in tables["dossiers"]
            if row["client_id"] == documented_pseudonym(grant, "client", rare.pk)
        )
        assert (row["neighbourhood"], row["age_band"]) == (codebook.SUPPRESSED, codebook.SUPPRESSED)
        assert not any(
            "WK999102" in row.values()
            for name, rows in tables.items()
            if name != "codebook"
            for row in rows
        )
        shown = [r for r in tables["dossiers"] if r["client_id"] != row["client_id"]]
        assert {(r["neighbourhood"], r["age_band"]) for r in shown} == {("WK999101", "45-64")}

    def test_six_clients_are_shown_and_with_a_threshold_of_seven_they_are_not(
        self, study, grant, researcher, settings
    ):
        settings.VIVERA_SUPPRESSION_THRESHOLD = 7
        tables = read_zip(extract(grant, researcher))
        assert {(r["neighbourhood"], r["age_band"]) for r in tables["dossiers"]} == {
            (codebook.SUPPRESSED, codebook.SUPPRESSED)
        }

    def test_the_metadata_says_what_was_suppressed(self, study, grant, researcher):
        with zipfile.ZipFile(io.BytesIO(extract(grant, researcher))) as archive:
            metadata = json.loads(archive.read("metadata.json"))
        assert metadata["suppression"]["k"] == 5
        assert metadata["suppression"]["dossiers_with_suppressed_value"] == {
            "age_band": 1,
            "neighbourhood": 1,
        }
        assert metadata["grant"]["legal_basis"] == "DPIA 2024-07; besluit B&W 2024/123"
        assert {t["file"]: t["rows"] for t in metadata["tables"]}["dossiers.csv"] == 7

    @pytest.mark.parametrize(
        ("birth", "on", "band"),
        [
            (dt.date(2006, 5, 1), dt.date(2024, 4, 30), "0-17"),
            (dt.date(2006, 5, 1), dt.date(2024, 5, 1), "18-26"),
            (dt.date(1997, 5, 1), dt.date(2024, 5, 1), "27-44"),
            (dt.date(1959, 5, 2), dt.date(2024, 5, 1), "45-64"),
            (dt.date(1959, 5, 1), dt.date(2024, 5, 1), "65-74"),
            (dt.date(1949, 5, 1), dt.date(2024, 5, 1), "75+"),
            (None, dt.date(2024, 5, 1), ""),
        ],
    )
    def test_age_bands_count_whole_years_at_registration(self, birth, on, band):
        assert age_band(birth, on) == band


class TestCodebook:
    def test_it_describes_every_column_of_every_file(self, study, grant, researcher):
        data = extract(grant, researcher)
        tables = read_zip(data)
        described = {(row["table"], row["column"]) for row in tables["codebook"]}
        for table in codebook.TABLES:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                header = archive.read(table.filename).decode().splitlines()[0].split(",")
            assert {(table.filename, column) for column in header} <= described

    def test_it_lists_the_codes_used(self, study, grant, researcher):
        tables = read_zip(extract(grant, researcher))
        values = {(row["table"], row["column"]): row["values"] for row in tables["codebook"]}
        assert "huisarts = " in values[("dossiers.csv", "referrer")]
        assert "WK999101 = Centrum" in values[("dossiers.csv", "neighbourhood")]
        assert "Oost = Oost" in values[("dossiers.csv", "team")]

    def test_the_documentation_describes_every_column(self):
        docs = (Path(__file__).resolve().parents[3] / "docs" / "research.md").read_text()
        for table in codebook.TABLES:
            assert f"`{table.filename}`" in docs, table.filename
            for column in table.columns:
                assert f"`{column.name}`" in docs, (table.name, column.name)


class TestFormulas:
    def test_a_name_an_administrator_typed_cannot_run_as_a_formula(
        self, study, grant, researcher, team_oost
    ):
        team_oost.name = "=SUM(A1:A9)"
        team_oost.save(update_fields=["name"])

        tables = read_zip(extract(grant, researcher))

        assert {row["team"] for row in tables["dossiers"]} == {"'=SUM(A1:A9)"}
        cells = [value for rows in tables.values() for row in rows for value in row.values()]
        assert not [cell for cell in cells if cell[:1] in ("=", "+", "@", "\t", "\r")]
        # The extract keeps its own dialect (commas), for R, SPSS, Stata and Python.
        with zipfile.ZipFile(io.BytesIO(extract(grant, researcher))) as archive:
            header = archive.read("dossiers.csv").decode().splitlines()[0]
        assert header.startswith("dossier_id,")
