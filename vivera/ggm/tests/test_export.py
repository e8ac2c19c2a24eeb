"""The GGM export's mapping, pseudonyms and privacy, as service tests (docs/ggm.md)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest

from vivera.audit.models import AccessLogEntry
from vivera.ggm.services import ggm_export_write
from vivera.organisation.models import LifeDomain, Referrer
from vivera.registration.models import ZrmScore
from vivera.registration.services import client_create, dossier_create

from .conftest import (
    FREE_TEXT,
    IDENTIFIERS,
    TEST_KEY,
    in_pseudonym_order,
    pseudonym,
    read_zip,
    unzipped_bytes,
)

pytestmark = pytest.mark.django_db

# The column names of GGM v2.5.1, domain Sociale Teams, as in its PostgreSQL DDL (Gemeente-Delft/
# Gemeentelijk-Gegevensmodel, v2.5.1/ddl/6 Sociaal Domein/Sociale Teams/
# Sociale_team_Domeinmodel_postgres.sql), copied by hand; plus Vivera's extension tables.
GGM_COLUMNS = {
    "LEEFGEBIED": ["LEEFGEBIED_ID", "NAAM"],
    "SCORESOORT": ["SCORESOORT_ID", "NIVEAU"],
    "ZELFREDZAAMHEIDMATRIX": [
        "ZELFREDZAAMHEIDMATRIX_ID",
        "DATUMEINDEGELDIGHEID",
        "DATUMSTARTGELDIGHEID",
        "NAAM",
        "OMSCHRIJVING",
    ],
    "KP_ZLFRDZMHDMTRX_LFGBD": [
        "KP_ZLFRDZMHDMTRX_LFGBD_ID",
        "ZELFREDZAAMHEIDMATRIX_ID",
        "LEEFGEBIED_ID",
    ],
    "KP_ZLFRDZMHDMTRX_SCRSRT": [
        "KP_ZLFRDZMHDMTRX_SCRSRT_ID",
        "ZELFREDZAAMHEIDMATRIX_ID",
        "SCORESOORT_ID",
    ],
    "SOCIAALTEAMDOSSIERSOORT": ["SOCIAALTEAMDOSSIERSOORT_ID", "NAAM", "OMSCHRIJVING"],
    "BEHANDELSOORT": ["BEHANDELSOORT_ID", "NAAM", "OMSCHRIJVING"],
    "BIJZONDERHEIDSOORT": ["BIJZONDERHEIDSOORT_ID", "NAAM", "OMSCHRIJVING"],
    "CLIENT": [
        "CLIENT_ID",
        "CODE",
        "GEZAGSDRAGERGEKEND",
        "JURIDISCHESTATUS",
        "WETTELIJKEVERTEGENWOORDIGING",
    ],
    "CLIENTBEGELEIDER": ["CLIENTBEGELEIDER_ID", "BEGELEIDERSCODE"],
    "CASEAANMELDING": ["CASEAANMELDING_ID", "DATUM"],
    "SOCIAALTEAMDOSSIER": [
        "SOCIAALTEAMDOSSIER_ID",
        "DATUMEINDE",
        "DATUMSTART",
        "DATUMVASTSTELLING",
        "HEEFT_AANMELDING_CASEAANMELDING_ID",
        "HEEFT_CLIENTBEGELEIDER_ID",
        "HEEFT_CLIENT_ID",
        "HEEFT_SOORT_SOCIAALTEAMDOSSIERSOORT_ID",
        "OMSCHRIJVING",
        "STATUS",
    ],
    "BEHANDELING": [
        "BEHANDELING_ID",
        "DATUMEINDE",
        "DATUMSTART",
        "HEEFT_BEHANDELING_SOCIAALTEAMDOSSIER_ID",
        "IS_VAN_SOORT_BEHANDELSOORT_ID",
        "TOELICHTING",
    ],
    "BIJZONDERHEID": [
        "BIJZONDERHEID_ID",
        "HEEFT_BIJZONDERHEID_SOCIAALTEAMDOSSIER_ID",
        "IS_VAN_SOORT_BIJZONDERHEIDSOORT_ID",
        "OMSCHRIJVING",
    ],
    "SCORE": [
        "SCORE_ID",
        "DATUM",
        "HEEFT_CLIENT_ID",
        "HOOGTE_SCORE_SCORESOORT_ID",
        "SCORE_BIJ_LEEGGEBIED_LEEFGEBIED_ID",
    ],
}
EXTENSION_COLUMNS = {
    "VIVERA_CLIENT": ["CLIENT_ID", "GEBOORTEJAAR", "WIJKCODE"],
    "VIVERA_SOCIAALTEAMDOSSIER": ["SOCIAALTEAMDOSSIER_ID", "TEAM"],
    "VIVERA_BEHANDELING": ["BEHANDELING_ID", "UITKOMST", "UITKOMSTSOORT"],
    "VIVERA_SCORE": ["SCORE_ID", "SOCIAALTEAMDOSSIER_ID", "MEETMOMENT"],
}


def export(municipality, user=None, **kwargs) -> bytes:
    out = io.BytesIO()
    ggm_export_write(out=out, municipality=municipality, user=user, **kwargs)
    return out.getvalue()


def test_it_writes_one_csv_per_ggm_table_with_ggms_column_names(known, municipality):
    tables = read_zip(export(municipality))
    assert {name: rows[0] for name, rows in tables.items()} == GGM_COLUMNS | EXTENSION_COLUMNS
    with zipfile.ZipFile(io.BytesIO(export(municipality))) as archive:
        assert sorted(archive.namelist()) == sorted(
            [f"{name}.csv" for name in GGM_COLUMNS | EXTENSION_COLUMNS] + ["metadata.json"]
        )


def test_it_maps_a_known_dossier_to_exactly_these_rows(known, municipality, pro, codes):
    tables = read_zip(export(municipality))
    client, dossier = known["client"], known["dossier"]
    c = pseudonym("client", client.pk)
    d = pseudonym("sociaalteamdossier", dossier.pk)
    money, housing = str(codes["money"].pk), str(codes["housing"].pk)

    assert tables["CLIENT"][1:] == [[c, "", "", "", ""]]
    assert tables["VIVERA_CLIENT"][1:] == [[c, "1961", "WK999101"]]
    assert tables["CLIENTBEGELEIDER"][1:] == [[pseudonym("clientbegeleider", pro.pk), ""]]
    assert tables["CASEAANMELDING"][1:] == [[pseudonym("caseaanmelding", dossier.pk), "2024-03-01"]]
    # Aanmelding 1 March, intake (start of the help) 11 March, still active, several questions.
    assert tables["SOCIAALTEAMDOSSIER"][1:] == [
        [
            d,
            "",
            "2024-03-11",
            "",
            pseudonym("caseaanmelding", dossier.pk),
            pseudonym("clientbegeleider", pro.pk),
            c,
            "2",
            "",
            "actief",
        ]
    ]
    assert tables["VIVERA_SOCIAALTEAMDOSSIER"][1:] == [[d, "Oost"]]
    assert tables["BEHANDELING"][1:] == in_pseudonym_order(
        [
            [pseudonym("behandeling", known["money"].pk), "2024-05-01", "2024-03-11", d, money, ""],
            [pseudonym("behandeling", known["housing"].pk), "", "2024-03-18", d, housing, ""],
        ]
    )
    assert tables["VIVERA_BEHANDELING"][1:] == in_pseudonym_order(
        [
            [pseudonym("behandeling", known["money"].pk), "buurthuis", "general"],
            [pseudonym("behandeling", known["housing"].pk), "", ""],
        ]
    )
    gp = 1000 + codes["gp"].pk  # the referrer, and the one network fact that holds: a carer
    assert tables["BIJZONDERHEID"][1:] == in_pseudonym_order(
        [
            [pseudonym("bijzonderheid", f"{dossier.pk}:{gp}"), d, str(gp), ""],
            [pseudonym("bijzonderheid", f"{dossier.pk}:2"), d, "2", ""],
        ]
    )
    scores = ZrmScore.objects.filter(assessment=known["zrm"]).order_by("pk")
    expected = {
        str(s.domain_id): "2"
        if s.domain_id == codes["money"].pk
        else "3"
        if s.domain_id == codes["housing"].pk
        else "4"
        for s in scores
    }
    assert len(tables["SCORE"]) == 1 + 13
    assert tables["SCORE"][1:] == in_pseudonym_order(
        [
            [
                pseudonym("score", s.pk),
                "2024-03-11",
                c,
                expected[str(s.domain_id)],
                str(s.domain_id),
            ]
            for s in scores
        ]
    )
    assert tables["VIVERA_SCORE"][1:] == in_pseudonym_order(
        [[pseudonym("score", s.pk), d, "intake"] for s in scores]
    )


def test_the_code_lists_carry_ggms_zrm_and_vivera_codes(known, municipality, codes):
    tables = read_zip(export(municipality))
    assert tables["SCORESOORT"][1:] == [
        ["1", "1 acute problematiek"],
        ["2", "2 niet zelfredzaam"],
        ["3", "3 beperkt zelfredzaam"],
        ["4", "4 voldoende zelfredzaam"],
        ["5", "5 volledig zelfredzaam"],
    ]
    assert tables["ZELFREDZAAMHEIDMATRIX"][1:] == [
        [
            "1",
            "",
            "",
            "Zelfredzaamheid-Matrix (ZRM) 2017",
            "GGD Amsterdam: 13 leefgebieden, 5 niveaus",
        ]
    ]
    assert len(tables["LEEFGEBIED"]) == 1 + 13
    assert [str(codes["money"].pk), "Financiën"] in tables["LEEFGEBIED"]
    assert len(tables["KP_ZLFRDZMHDMTRX_LFGBD"]) == 1 + 13
    assert len(tables["KP_ZLFRDZMHDMTRX_SCRSRT"]) == 1 + 5
    assert tables["SOCIAALTEAMDOSSIERSOORT"][1:] == [
        ["1", "Enkelvoudig", "Eén vraag"],
        ["2", "Meervoudig", "Meerdere vragen"],
        ["3", "Complex", "Complexe situatie"],
    ]
    assert len(tables["BEHANDELSOORT"]) == 1 + LifeDomain.objects.count()
    assert tables["BIJZONDERHEIDSOORT"][1:5] == [
        ["1", "Netwerk in kaart", "Het sociale netwerk is in kaart gebracht"],
        ["2", "Mantelzorger betrokken", "Een mantelzorger is betrokken"],
        ["3", "Vrijwilliger ingezet", "Een vrijwilliger is ingezet"],
        ["4", "Contact met buurtbewoners", "Er is contact gelegd met andere bewoners"],
    ]
    assert [str(1000 + codes["gp"].pk), "Verwijzer: Huisarts", "Aangemeld via: Huisarts"] in tables[
        "BIJZONDERHEIDSOORT"
    ]
    assert len(tables["BIJZONDERHEIDSOORT"]) == 1 + 4 + Referrer.objects.count()


def test_pseudonyms_are_the_same_in_every_run_and_differ_with_another_key(known, municipality):
    first, second = read_zip(export(municipality)), read_zip(export(municipality))
    assert first == second
    other = read_zip(export(municipality, key="another-key-abcdefghijklmnopqrstuvwxyz0123"))
    client_id = first["CLIENT"][1][0]
    assert client_id == pseudonym("client", known["client"].pk)
    assert other["CLIENT"][1][0] == pseudonym(
        "client", known["client"].pk, key="another-key-abcdefghijklmnopqrstuvwxyz0123"
    )
    assert other["CLIENT"][1][0] != client_id
    assert other["SOCIAALTEAMDOSSIER"][1][0] != first["SOCIAALTEAMDOSSIER"][1][0]
    # Same values, other ids: only the pseudonyms depend on the key.
    assert other["SOCIAALTEAMDOSSIER"][1][1:4] == first["SOCIAALTEAMDOSSIER"][1][1:4]


def test_no_direct_identifier_or_free_text_of_any_client_is_in_the_export(
    known, municipality, pro, codes, team_oost
):
    second = client_create(
        user=pro,
        first_name="Teunis",
        last_name="Zwanenburg",
        bsn="111222333",
        birth_date=dt.date(1948, 12, 5),
        phone="+31 10 555 0199",
        email="t.zwanenburg@voorbeeld.nl",
        postcode="9991QQ",
        house_number="8a",
        household_of=known["client"],
    )
    dossier_create(
        user=pro,
        client=second,
        team=team_oost,
        referrer=codes["self"],
        registered_on=dt.date(2024, 6, 3),
    )
    data = export(municipality)
    content = unzipped_bytes(data) + data
    needles = [
        *(str(v) for k, v in IDENTIFIERS.items() if k not in ("birth_date", "house_number")),
        "Teunis",
        "Zwanenburg",
        "111222333",
        "555 0199",
        "t.zwanenburg",
        "9991QQ",
        "1961-04-23",
        "23-04-1961",
        "1948-12-05",
        "05-12-1948",
        "Huishouden",
        *FREE_TEXT,
        TEST_KEY,
    ]
    for needle in needles:
        assert needle.encode() not in content, needle
        assert needle.lower().encode() not in content.lower(), needle


def test_another_municipalitys_data_is_never_included(
    known, municipality, other_pro, other_team, codes
):
    theirs = client_create(user=other_pro, first_name="Elders", last_name="Buiten")
    dossier = dossier_create(
        user=other_pro,
        client=theirs,
        team=other_team,
        referrer=codes["self"],
        registered_on=dt.date(2024, 3, 5),
    )
    tables = read_zip(export(municipality))
    assert len(tables["SOCIAALTEAMDOSSIER"]) == 2
    assert len(tables["CLIENT"]) == 2
    ids = {cell for rows in tables.values() for row in rows for cell in row}
    assert pseudonym("client", theirs.pk) not in ids
    assert pseudonym("sociaalteamdossier", dossier.pk) not in ids
    assert "Elders-Noord" not in ids


def test_the_period_selects_dossiers_by_registration_date(known, municipality):
    def dossiers(**period) -> int:
        return len(read_zip(export(municipality, **period))["SOCIAALTEAMDOSSIER"]) - 1

    assert dossiers(start=dt.date(2024, 3, 1), end=dt.date(2024, 3, 1)) == 1
    assert dossiers(start=dt.date(2024, 3, 2)) == 0
    assert dossiers(end=dt.date(2024, 2, 29)) == 0
    empty = read_zip(export(municipality, start=dt.date(2024, 3, 2)))
    assert len(empty["SCORE"]) == len(empty["BEHANDELING"]) == len(empty["CLIENT"]) == 1


def test_metadata_describes_the_export_without_the_key(known, municipality):
    data = export(municipality, start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        meta = json.loads(archive.read("metadata.json"))
    assert meta["ggm"]["version"] == "2.5.1"
    assert meta["ggm"]["source"]["repository"] == (
        "https://github.com/Gemeente-Delft/Gemeentelijk-Gegevensmodel"
    )
    assert meta["municipality"] == {"cbs_code": "GM9991", "name": "Wijkstad"}
    assert (meta["period"]["from"], meta["period"]["to"]) == ("2024-01-01", "2024-12-31")
    rows = {table["table"]: table["rows"] for table in meta["tables"]}
    assert rows["SOCIAALTEAMDOSSIER"] == 1
    assert rows["BEHANDELING"] == 2
    assert rows["SCORE"] == 13
    assert "HMAC-SHA256" in meta["pseudonymisation"]["method"]
    assert TEST_KEY not in json.dumps(meta)
    assert meta["generated_at"]


def test_each_export_writes_one_access_log_line(known, municipality, admin_user):
    before = AccessLogEntry.objects.filter(object_type="ggm_export").count()
    export(municipality, user=admin_user, start=dt.date(2024, 1, 1))
    entries = AccessLogEntry.objects.filter(object_type="ggm_export")
    assert entries.count() == before + 1
    entry = entries.get()
    assert (entry.action, entry.user, entry.municipality_id) == (
        "export",
        admin_user,
        municipality.pk,
    )
    assert entry.detail["from"] == "2024-01-01"
    assert entry.detail["to"] is None
    assert entry.detail["rows"]["SOCIAALTEAMDOSSIER"] == 1
    assert pseudonym("client", known["client"].pk) not in json.dumps(entry.detail)


def test_the_export_takes_a_fixed_number_of_queries(
    known, municipality, pro, team_oost, codes, django_assert_max_num_queries
):
    for day in (3, 4, 5):
        other = client_create(user=pro, first_name=f"N{day}", last_name="Extra")
        dossier_create(
            user=pro,
            client=other,
            team=team_oost,
            referrer=codes["self"],
            registered_on=dt.date(2024, 6, day),
            case_director=pro,
        )
    # One query per table whatever the number of dossiers (plus the log line); no N+1.
    with django_assert_max_num_queries(25):
        export(municipality)


def test_names_an_administrator_typed_cannot_run_as_formulas(known, municipality, codes):
    """The warehouse reads RFC 4180; a person who opens a CSV in Excel runs no formula."""
    LifeDomain.objects.filter(pk=codes["money"].pk).update(name='=HYPERLINK("http://x","y")')
    Referrer.objects.filter(pk=codes["gp"].pk).update(name="+31 huisarts")

    tables = read_zip(export(municipality))

    assert [str(codes["money"].pk), '\'=HYPERLINK("http://x","y")'] in tables["LEEFGEBIED"]
    assert [
        str(1000 + codes["gp"].pk),
        "Verwijzer: +31 huisarts",
        "Aangemeld via: +31 huisarts",
    ] in tables["BIJZONDERHEIDSOORT"]
    cells = [cell for rows in tables.values() for row in rows for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@", "\t", "\r")]
    assert not [cell for cell in cells if cell.startswith("-") and not _is_number(cell)]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
