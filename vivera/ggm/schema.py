"""The tables of the Gemeentelijk Gegevensmodel (GGM) that Vivera exports, with GGM's own names.

Looked up, not guessed: table and column names are those of the PostgreSQL DDL of GGM release
v2.5.1, domain Sociale Teams (see SOURCE and docs/ggm.md). GGM's attributes are camelCase in the
model (`datumStart`) and upper case in its DDL (`DATUMSTART`); the export uses the DDL's names, so
a data warehouse built from that DDL loads the files as they are.

Vivera records a few things GGM's Sociale Teams model has no attribute for (the team, a client's
birth year and neighbourhood, a question's outcome, a ZRM measurement's moment). Those go into
extension tables named `VIVERA_<GGM table>`, keyed by the same id, so the GGM tables stay exactly
GGM's.
"""

from __future__ import annotations

from dataclasses import dataclass

GGM_VERSION = "2.5.1"
GGM_DOMAIN = "Sociale Teams"
SOURCE = {
    "repository": "https://github.com/Gemeente-Delft/Gemeentelijk-Gegevensmodel",
    "release": "v2.5.1",
    "path": "v2.5.1/ddl/6 Sociaal Domein/Sociale Teams/Sociale_team_Domeinmodel_postgres.sql",
    "commit": "af24d6328d026ee3c09830bd7e81b479090c338f",
}


@dataclass(frozen=True)
class Table:
    name: str  # the DDL's table name, also the file name (<name>.csv)
    entity: str  # the GGM object type, or what the extension extends
    columns: tuple[str, ...]
    extension: bool = False  # Vivera's own table next to GGM's

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


# In the order they are written: code lists first, then the records that refer to them.
LEEFGEBIED = Table("LEEFGEBIED", "Leefgebied", ("LEEFGEBIED_ID", "NAAM"))
SCORESOORT = Table("SCORESOORT", "Scoresoort", ("SCORESOORT_ID", "NIVEAU"))
ZELFREDZAAMHEIDMATRIX = Table(
    "ZELFREDZAAMHEIDMATRIX",
    "Zelfredzaamheidmatrix",
    (
        "ZELFREDZAAMHEIDMATRIX_ID",
        "DATUMEINDEGELDIGHEID",
        "DATUMSTARTGELDIGHEID",
        "NAAM",
        "OMSCHRIJVING",
    ),
)
KP_ZLFRDZMHDMTRX_LFGBD = Table(
    "KP_ZLFRDZMHDMTRX_LFGBD",
    "Zelfredzaamheidmatrix–Leefgebied",
    ("KP_ZLFRDZMHDMTRX_LFGBD_ID", "ZELFREDZAAMHEIDMATRIX_ID", "LEEFGEBIED_ID"),
)
KP_ZLFRDZMHDMTRX_SCRSRT = Table(
    "KP_ZLFRDZMHDMTRX_SCRSRT",
    "Zelfredzaamheidmatrix–Scoresoort",
    ("KP_ZLFRDZMHDMTRX_SCRSRT_ID", "ZELFREDZAAMHEIDMATRIX_ID", "SCORESOORT_ID"),
)
SOCIAALTEAMDOSSIERSOORT = Table(
    "SOCIAALTEAMDOSSIERSOORT",
    "SociaalteamDossiersoort",
    ("SOCIAALTEAMDOSSIERSOORT_ID", "NAAM", "OMSCHRIJVING"),
)
BEHANDELSOORT = Table(
    "BEHANDELSOORT", "Behandelsoort", ("BEHANDELSOORT_ID", "NAAM", "OMSCHRIJVING")
)
BIJZONDERHEIDSOORT = Table(
    "BIJZONDERHEIDSOORT",
    "Bijzonderheidsoort",
    ("BIJZONDERHEIDSOORT_ID", "NAAM", "OMSCHRIJVING"),
)
CLIENT = Table(
    "CLIENT",
    "Client",
    ("CLIENT_ID", "CODE", "GEZAGSDRAGERGEKEND", "JURIDISCHESTATUS", "WETTELIJKEVERTEGENWOORDIGING"),
)
CLIENTBEGELEIDER = Table(
    "CLIENTBEGELEIDER", "Clientbegeleider", ("CLIENTBEGELEIDER_ID", "BEGELEIDERSCODE")
)
CASEAANMELDING = Table("CASEAANMELDING", "Caseaanmelding", ("CASEAANMELDING_ID", "DATUM"))
SOCIAALTEAMDOSSIER = Table(
    "SOCIAALTEAMDOSSIER",
    "SociaalTeamDossier",
    (
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
    ),
)
BEHANDELING = Table(
    "BEHANDELING",
    "Behandeling",
    (
        "BEHANDELING_ID",
        "DATUMEINDE",
        "DATUMSTART",
        "HEEFT_BEHANDELING_SOCIAALTEAMDOSSIER_ID",
        "IS_VAN_SOORT_BEHANDELSOORT_ID",
        "TOELICHTING",
    ),
)
BIJZONDERHEID = Table(
    "BIJZONDERHEID",
    "Bijzonderheid",
    (
        "BIJZONDERHEID_ID",
        "HEEFT_BIJZONDERHEID_SOCIAALTEAMDOSSIER_ID",
        "IS_VAN_SOORT_BIJZONDERHEIDSOORT_ID",
        "OMSCHRIJVING",
    ),
)
SCORE = Table(
    "SCORE",
    "Score",
    (
        "SCORE_ID",
        "DATUM",
        "HEEFT_CLIENT_ID",
        "HOOGTE_SCORE_SCORESOORT_ID",
        "SCORE_BIJ_LEEGGEBIED_LEEFGEBIED_ID",
    ),  # sic: GGM's DDL spells it LEEGGEBIED
)
# Vivera's extensions: what GGM's Sociale Teams model has no attribute for.
VIVERA_CLIENT = Table(
    "VIVERA_CLIENT", "Client", ("CLIENT_ID", "GEBOORTEJAAR", "WIJKCODE"), extension=True
)
VIVERA_SOCIAALTEAMDOSSIER = Table(
    "VIVERA_SOCIAALTEAMDOSSIER",
    "SociaalTeamDossier",
    ("SOCIAALTEAMDOSSIER_ID", "TEAM"),
    extension=True,
)
VIVERA_BEHANDELING = Table(
    "VIVERA_BEHANDELING",
    "Behandeling",
    ("BEHANDELING_ID", "UITKOMST", "UITKOMSTSOORT"),
    extension=True,
)
VIVERA_SCORE = Table(
    "VIVERA_SCORE",
    "Score",
    ("SCORE_ID", "SOCIAALTEAMDOSSIER_ID", "MEETMOMENT"),
    extension=True,
)

TABLES: tuple[Table, ...] = (
    LEEFGEBIED,
    SCORESOORT,
    ZELFREDZAAMHEIDMATRIX,
    KP_ZLFRDZMHDMTRX_LFGBD,
    KP_ZLFRDZMHDMTRX_SCRSRT,
    SOCIAALTEAMDOSSIERSOORT,
    BEHANDELSOORT,
    BIJZONDERHEIDSOORT,
    CLIENT,
    CLIENTBEGELEIDER,
    CASEAANMELDING,
    SOCIAALTEAMDOSSIER,
    BEHANDELING,
    BIJZONDERHEID,
    SCORE,
    VIVERA_CLIENT,
    VIVERA_SOCIAALTEAMDOSSIER,
    VIVERA_BEHANDELING,
    VIVERA_SCORE,
)
