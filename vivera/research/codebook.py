"""The tables of a research extract and what each column means: the one definition that the
extract's CSV headers, its codebook.csv and docs/research.md follow.

Column names are English snake_case (what statistics packages accept as variable names); coded
values are Vivera's stable codes, and the codebook lists each code with its label.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, TextChoices

from vivera.organisation.models import (
    ContactKind,
    LifeDomain,
    Location,
    Neighbourhood,
    Outcome,
    OutcomeKind,
    PartnerKind,
    PartOfDay,
    Referrer,
    ReferrerKind,
    Specialism,
    Team,
)
from vivera.registration.models import (
    Channel,
    Complexity,
    ContactWith,
    CoreTask,
    DossierStatus,
    HandoverStatus,
    OutreachKind,
    ProvisionKind,
    ShortContactResult,
    ZrmLevel,
    ZrmMoment,
)

# A value hidden because fewer clients than the suppression threshold share it (docs/research.md).
SUPPRESSED = "*"
# Age at registration, in whole years: (lowest age, label). The last band is open.
AGE_BANDS = ((0, "0-17"), (18, "18-26"), (27, "27-44"), (45, "45-64"), (65, "65-74"), (75, "75+"))

Values = Callable[[int], list[tuple[str, str]]]  # municipality id → [(code, label)]


def choices(enum: type[TextChoices]) -> Values:
    return lambda _municipality_id: [(str(value), str(label)) for value, label in enum.choices]


def code_list(model: type[Model]) -> Values:
    return lambda _municipality_id: list(
        model._default_manager.order_by("order", "name").values_list("code", "name")
    )


def of_municipality(model: type[Model], code: str) -> Values:
    return lambda municipality_id: [
        (value, value)
        for value in model._default_manager.filter(municipality_id=municipality_id)
        .order_by(code)
        .values_list(code, flat=True)
    ]


def neighbourhoods(municipality_id: int) -> list[tuple[str, str]]:
    return [
        *Neighbourhood.objects.filter(municipality_id=municipality_id)
        .order_by("cbs_code")
        .values_list("cbs_code", "name"),
        (SUPPRESSED, "suppressed (small number)"),
    ]


def age_bands(_municipality_id: int) -> list[tuple[str, str]]:
    return [
        (label, f"aged {label.replace('-', ' to ').replace('+', ' or over')} at registration")
        for _low, label in AGE_BANDS
    ] + [(SUPPRESSED, "suppressed (small number)")]


def zrm_levels(_municipality_id: int) -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in ZrmLevel.choices]


def booleans(_municipality_id: int) -> list[tuple[str, str]]:
    return [("1", "yes"), ("0", "no")]


BOOLEAN: Values = booleans


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # pseudonym, date, code, integer, decimal, boolean
    meaning: str
    values: Values | None = None


@dataclass(frozen=True)
class Table:
    name: str
    meaning: str
    columns: tuple[Column, ...]

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


def pseudonym(name: str, what: str) -> Column:
    return Column(
        name,
        "pseudonym",
        f"Pseudonym of the {what}; the same within this grant's "
        "extracts, different in every other grant",
    )


def dossier_ref() -> Column:
    return pseudonym("dossier_id", "dossier (dossiers.dossier_id)")


def team() -> Column:
    return Column("team", "code", "The team", of_municipality(Team, "name"))


DOSSIERS = Table(
    "dossiers",
    "One row per dossier registered in the grant's period and scope",
    (
        pseudonym("dossier_id", "dossier"),
        pseudonym("client_id", "client (one client can have several dossiers)"),
        pseudonym("household_id", "client's household; empty when none was recorded"),
        team(),
        Column(
            "neighbourhood",
            "code",
            "CBS wijk or buurt code of the client's neighbourhood "
            "(not the postcode); empty when unknown",
            neighbourhoods,
        ),
        Column(
            "age_band",
            "code",
            "The client's age at the registration date, in bands; empty "
            "when the date of birth is unknown",
            age_bands,
        ),
        Column("referrer", "code", "Who referred the client (verwijzer)", code_list(Referrer)),
        Column("referrer_kind", "code", "The kind of referrer", choices(ReferrerKind)),
        Column("complexity", "code", "Complexity", choices(Complexity)),
        Column("registered_on", "date", "Registration date (aanmelding)"),
        Column("status", "code", "Status on the day of the extract", choices(DossierStatus)),
        Column("status_since", "date", "Since when the dossier has that status"),
        Column("closed_on", "date", "Closing date; empty while open"),
        Column("network_mapped", "boolean", "Social network mapped", BOOLEAN),
        Column("carer_involved", "boolean", "Informal carer (mantelzorger) involved", BOOLEAN),
        Column("volunteer_deployed", "boolean", "Volunteer deployed", BOOLEAN),
        Column("resident_contact", "boolean", "Contact made with other residents", BOOLEAN),
    ),
)
STATUS_CHANGES = Table(
    "status_changes",
    "Every status change of those dossiers, dated",
    (
        dossier_ref(),
        Column(
            "from_status",
            "code",
            "Status before; empty for the registration itself",
            choices(DossierStatus),
        ),
        Column("to_status", "code", "Status after", choices(DossierStatus)),
        Column("date", "date", "Effective date"),
    ),
)
QUESTIONS = Table(
    "questions",
    "Questions (vragen) in those dossiers; lead time is closed_on minus opened_on",
    (
        pseudonym("question_id", "question"),
        dossier_ref(),
        Column("life_domain", "code", "Life domain", code_list(LifeDomain)),
        Column("opened_on", "date", "Opened on"),
        Column("closed_on", "date", "Closed on; empty while open"),
        Column("outcome", "code", "Outcome; empty while open", code_list(Outcome)),
        Column("outcome_kind", "code", "The kind of outcome", choices(OutcomeKind)),
    ),
)
CONTACTS = Table(
    "contacts",
    "Contact moments in those dossiers (the note is never exported)",
    (
        pseudonym("contact_id", "contact moment"),
        dossier_ref(),
        Column("date", "date", "Date"),
        Column("kind", "code", "Kind of contact", code_list(ContactKind)),
        Column("face_to_face", "boolean", "The kind is face to face", BOOLEAN),
        Column("with_whom", "code", "With whom", choices(ContactWith)),
        Column("core_task", "code", "Core task", choices(CoreTask)),
        Column("minutes", "integer", "Duration in minutes"),
        Column("professionals", "integer", "Number of professionals involved"),
    ),
)
REFERRALS = Table(
    "referrals",
    "Referrals out of the team (the description is never exported)",
    (
        pseudonym("referral_id", "referral"),
        dossier_ref(),
        pseudonym("question_id", "question it belongs to (questions.question_id); may be empty"),
        Column("referred_on", "date", "Date"),
        Column(
            "provision_kind", "code", "General, customised or specialist", choices(ProvisionKind)
        ),
        Column(
            "partner_kind",
            "code",
            "Kind of partner organisation; empty when none",
            choices(PartnerKind),
        ),
        Column("handover", "code", "Warm handover", choices(HandoverStatus)),
    ),
)
ZRM_SCORES = Table(
    "zrm_scores",
    "ZRM scores: one row per life domain per measurement",
    (
        pseudonym("assessment_id", "measurement (all its domains share it)"),
        dossier_ref(),
        Column("assessed_on", "date", "Date of the measurement"),
        Column("moment", "code", "Moment", choices(ZrmMoment)),
        Column("life_domain", "code", "ZRM life domain", code_list(LifeDomain)),
        Column("score", "integer", "Level 1-5", zrm_levels),
    ),
)
SHORT_CONTACTS = Table(
    "short_contacts",
    "Short contacts (anonymous) dated in the period",
    (
        Column("date", "date", "Date"),
        Column("part_of_day", "code", "Part of day", choices(PartOfDay)),
        Column("channel", "code", "Channel", choices(Channel)),
        Column(
            "location",
            "code",
            "Walk-in location; empty when not a walk-in",
            of_municipality(Location, "name"),
        ),
        Column(
            "team", "code", "The team; empty when none was recorded", of_municipality(Team, "name")
        ),
        Column("topic", "code", "Topic (life domain)", code_list(LifeDomain)),
        Column("result", "code", "Answered or referred", choices(ShortContactResult)),
    ),
)
OUTREACH = Table(
    "outreach",
    "Outreach and prevention work dated in the period (the description is never exported)",
    (
        Column("date", "date", "Date"),
        team(),
        Column("kind", "code", "Kind of activity", choices(OutreachKind)),
        Column(
            "neighbourhood", "code", "CBS code of the neighbourhood; may be empty", neighbourhoods
        ),
        Column("hours", "decimal", "Hours"),
    ),
)
FORMATION = Table(
    "formation",
    "The teams' formation: one row per place in a team that overlaps "
    "the period, without the person",
    (
        team(),
        Column("specialism", "code", "Specialism", choices(Specialism)),
        Column("fte", "decimal", "Fte"),
        Column("start_date", "date", "Start date"),
        Column("end_date", "date", "End date; empty while current"),
    ),
)
CAPACITY_INTERVENTIONS = Table(
    "capacity_interventions",
    "Extra capacity (impulsen) dated in the period",
    (
        Column("date", "date", "Date"),
        Column(
            "team",
            "code",
            "The team; empty when it concerns every team",
            of_municipality(Team, "name"),
        ),
        Column("fte_added", "decimal", "Fte added"),
    ),
)

TABLES: tuple[Table, ...] = (
    DOSSIERS,
    STATUS_CHANGES,
    QUESTIONS,
    CONTACTS,
    REFERRALS,
    ZRM_SCORES,
    SHORT_CONTACTS,
    OUTREACH,
    FORMATION,
    CAPACITY_INTERVENTIONS,
)
