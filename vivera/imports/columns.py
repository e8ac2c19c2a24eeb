"""What the legacy export files look like: which files Vivera recognises by name, their
columns (documented in docs/import.md; keep the two in step), and the fixed Dutch words for the
lists that are not code lists."""

from __future__ import annotations

from dataclasses import dataclass

from vivera.organisation.models import (
    CodeListEntry,
    ContactKind,
    LifeDomain,
    Outcome,
    PartOfDay,
    Referrer,
)
from vivera.registration.models import (
    Channel,
    Complexity,
    ContactWith,
    CoreTask,
    ShortContactResult,
)

from .models import Kind
from .readers import canonical_header


@dataclass(frozen=True)
class Column:
    name: str  # as documented; matched through readers.canonical_header
    required: bool = False

    @property
    def key(self) -> str:
        return canonical_header(self.name)


@dataclass(frozen=True)
class FileSpec:
    kind: str  # a Kind, or "codes" for the mapping table
    stems: tuple[str, ...]  # file names start with one of these (canonical form)
    columns: tuple[Column, ...]


CODES = "codes"
SPECS: tuple[FileSpec, ...] = (
    FileSpec(
        Kind.CLIENT,
        ("clienten", "client"),
        (
            Column("clientnummer", True),
            Column("voornaam", True),
            Column("tussenvoegsel"),
            Column("achternaam", True),
            Column("geboortedatum"),
            Column("bsn"),
            Column("postcode"),
            Column("huisnummer"),
        ),
    ),
    FileSpec(
        Kind.DOSSIER,
        ("dossiers", "dossier"),
        (
            Column("dossiernummer", True),
            Column("clientnummer", True),
            Column("team", True),
            Column("verwijzer", True),
            Column("casusregisseur"),
            Column("aanmelddatum", True),
            Column("wachtlijstdatum"),
            Column("intakedatum"),
            Column("afsluitdatum"),
            Column("complexiteit"),
        ),
    ),
    FileSpec(
        Kind.QUESTION,
        ("vragen", "vraag"),
        (
            Column("vraagnummer", True),
            Column("dossiernummer", True),
            Column("levensdomein", True),
            Column("geopend", True),
            Column("gesloten"),
            Column("uitkomst"),
        ),
    ),
    # "kortecontacten" before "contacten": the longer name wins.
    FileSpec(
        Kind.SHORT_CONTACT,
        ("kortecontacten", "kortcontact"),
        (
            Column("nummer"),
            Column("datum", True),
            Column("dagdeel", True),
            Column("kanaal", True),
            Column("inlooppunt"),
            Column("onderwerp", True),
            Column("resultaat", True),
            Column("team"),
        ),
    ),
    FileSpec(
        Kind.CONTACT,
        ("contacten", "contactmomenten", "contact"),
        (
            Column("contactnummer", True),
            Column("dossiernummer", True),
            Column("datum", True),
            Column("soort", True),
            Column("duur_minuten", True),
            Column("met"),
            Column("kerntaak"),
            Column("medewerkers"),
        ),
    ),
    FileSpec(
        CODES,
        ("codetabel", "codes"),
        (
            Column("lijst", True),
            Column("oude_code", True),
            Column("vivera_code", True),
        ),
    ),
)
KEY_COLUMN: dict[str, str] = {
    Kind.CLIENT: "clientnummer",
    Kind.DOSSIER: "dossiernummer",
    Kind.QUESTION: "vraagnummer",
    Kind.CONTACT: "contactnummer",
    Kind.SHORT_CONTACT: "nummer",
}
MAX_KEY = 80  # ImportedRecord.external_id

# Fixed lists with their import codes (Dutch words; Vivera's own values are accepted too).
CHOICE_WORDS: dict[str, dict[str, str]] = {
    "dagdeel": {
        "ochtend": PartOfDay.MORNING,
        "middag": PartOfDay.AFTERNOON,
        "avond": PartOfDay.EVENING,
    },
    "kanaal": {
        "inloop": Channel.WALK_IN,
        "telefoon": Channel.PHONE,
        "email": Channel.EMAIL,
        "chat": Channel.CHAT,
    },
    "resultaat": {
        "beantwoord": ShortContactResult.ANSWERED,
        "verwezen": ShortContactResult.REFERRED,
    },
    "met": {
        "client": ContactWith.CLIENT,
        "netwerk": ContactWith.NETWORK,
        "partner": ContactWith.PARTNER,
    },
    "kerntaak": {
        "informatie": CoreTask.INFORMATION,
        "ondersteuning": CoreTask.SUPPORT,
        "verwijzing": CoreTask.REFERRAL,
        "overdracht": CoreTask.HANDOVER,
        "waakvlam": CoreTask.WATCHING,
        "outreach": CoreTask.OUTREACH,
    },
    "complexiteit": {
        "enkelvoudig": Complexity.SINGLE,
        "meervoudig": Complexity.MULTIPLE,
        "complex": Complexity.COMPLEX,
    },
}
CODE_LISTS: dict[str, type[CodeListEntry]] = {
    "verwijzer": Referrer,
    "levensdomein": LifeDomain,
    "uitkomst": Outcome,
    "contactsoort": ContactKind,
}
# The `lijst` values of codetabel and the column each list is used in.
LIST_OF_COLUMN = {
    "verwijzer": "verwijzer",
    "levensdomein": "levensdomein",
    "onderwerp": "levensdomein",
    "uitkomst": "uitkomst",
    "soort": "contactsoort",
    "dagdeel": "dagdeel",
    "kanaal": "kanaal",
    "resultaat": "resultaat",
    "met": "met",
    "kerntaak": "kerntaak",
    "complexiteit": "complexiteit",
}


def spec_for(file_name: str) -> FileSpec | None:
    stem = canonical_header(file_name.rsplit(".", 1)[0])
    for spec in SPECS:
        if stem.startswith(spec.stems):
            return spec
    return None


def spec_of(kind: str) -> FileSpec:
    return next(spec for spec in SPECS if spec.kind == kind)
