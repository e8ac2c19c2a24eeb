"""What retention does to each kind of record about a person, field by field, as data.

Every field of every model that holds or hangs under a person's record is named here, either as
cleared (with the value it gets) or as kept (with the reason, usually: the monitor counts it).
`tests/test_rules.py` fails when a model or field is added under `Client` or `Submission` that is
not named here, so a new field with personal data cannot slip past retention unnoticed.

Why anonymise and not delete (docs/privacy.md): the monitor's facts are rebuilt from the
registration rows (`vivera.monitor.facts`), so deleting a dossier would change last year's
figures; and the access log, a lifted legal hold and the import's mapping refer to a client by
id, which keeps meaning nothing once the row holds no identifier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Case, CharField, F, Q, Value, When
from django.db.models.functions import Cast, Concat, Now, TruncYear

from vivera.carers.models import Application as CarerApplication
from vivera.carers.models import Carer, CareRelation, SupportRecord
from vivera.matching.models import Connection, Listing, Message, Report
from vivera.partners.models import OutreachAttempt, Submission, SubmissionStatusChange
from vivera.privacy.models import AccessRequest
from vivera.provisions.models import Allocation
from vivera.registration.models import (
    Client,
    ClientAccessRequest,
    ContactMoment,
    Dossier,
    DossierStatusChange,
    DossierTeamChange,
    Household,
    OutreachActivity,
    Question,
    Referral,
    SharingConsent,
    ShortContact,
    ZrmAssessment,
    ZrmScore,
)

from .models import LegalHold

# What an anonymised client's or submission's last name becomes (the field may not be empty in
# a form, and a page listing the record should say what happened to it).
ANONYMISED = "(geanonimiseerd)"
REFERENCE_PREFIX = "geanonimiseerd-"


@dataclass(frozen=True)
class Rule:
    model: type[models.Model]
    # field → the value it gets (a constant or an expression on the row)
    cleared: dict[str, Any] = field(default_factory=dict)
    # the fields left as they are
    kept: tuple[str, ...] = ()
    why: str = ""
    # rows that still hold something to clear (retention only touches those, so a second run
    # finds nothing, and a value typed in again after an anonymisation is cleared next time)
    remaining: Q = field(default_factory=Q)


def _not_empty(*names: str) -> Q:
    q = Q()
    for name in names:
        q |= ~Q(**{name: ""})
    return q


CLIENT = Rule(
    Client,
    cleared={
        "first_name": "",
        "name_prefix": "",
        "last_name": ANONYMISED,
        "bsn": "",
        "postcode": "",
        "house_number": "",
        "phone": "",
        "email": "",
        "household": None,
        # The year of birth stays (1 January of it): the GGM export's birth year and any age
        # band need no more.
        "birth_date": TruncYear("birth_date"),
        # An edit form opened before the anonymisation is refused instead of writing back.
        "version": F("version") + 1,
    },
    kept=("id", "municipality", "neighbourhood", "created_at", "created_by"),
    why="The neighbourhood is the monitor's dimension of every fact about a dossier; the rest "
    "is no person.",
    remaining=(
        _not_empty("first_name", "name_prefix", "bsn", "postcode", "house_number", "phone", "email")
        | ~Q(last_name=ANONYMISED)
        | Q(household__isnull=False)
        | Q(birth_date__month__gt=1)
        | Q(birth_date__day__gt=1)
    ),
)

QUESTION = Rule(
    Question,
    cleared={"description": ""},
    kept=(
        "id",
        "dossier",
        "domain",
        "opened_on",
        "closed_on",
        "outcome",
        "created_at",
        "created_by",
    ),
    why="Inflow, lead time, outcomes and integral work count questions by domain and dates.",
    remaining=_not_empty("description"),
)

CONTACT = Rule(
    ContactMoment,
    cleared={"note": ""},
    kept=(
        "id",
        "dossier",
        "date",
        "kind",
        "with_whom",
        "core_task",
        "minutes",
        "professionals",
        "created_at",
        "created_by",
    ),
    why="Time per core task counts contacts and minutes; integral work the specialisms of "
    "the professionals involved.",
    remaining=_not_empty("note"),
)

REFERRAL = Rule(
    Referral,
    cleared={"description": ""},
    kept=(
        "id",
        "dossier",
        "question",
        "referred_on",
        "provision_kind",
        "partner",
        "handover",
        "created_at",
        "created_by",
    ),
    why="Referral flows and heavier care count referrals by kind of provision and date.",
    remaining=_not_empty("description"),
)

CONSENT = Rule(
    SharingConsent,
    cleared={"note": ""},
    kept=(
        "id",
        "dossier",
        "partner",
        "covers_referral",
        "covers_status",
        "given_on",
        "given_how",
        "recorded_by",
        "recorded_at",
        "withdrawn_on",
        "withdrawn_by",
        "withdrawn_at",
    ),
    why="Which sharing was allowed, when: the proof behind referrals and partner feedback that "
    "stay in the figures. The note is free text.",
    remaining=_not_empty("note"),
)

ACCESS_REQUEST = Rule(
    AccessRequest,
    cleared={"note": ""},
    kept=(
        "id",
        "municipality",
        "client",
        "carer",
        "received_on",
        "reference",
        "handled_by",
        "created_at",
        "produced_at",
    ),
    why="The municipality's proof that it answered a request under AVG art. 15, and when. The "
    "note (how the request came in, how identity was checked) is free text.",
    remaining=_not_empty("note"),
)

TEAM_ACCESS_REQUEST = Rule(
    ClientAccessRequest,
    cleared={"reason": "", "answer_note": ""},
    kept=(
        "id",
        "municipality",
        "client",
        "dossier",
        "from_team",
        "to_team",
        "kind",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
        "share_ended_by",
        "share_ended_at",
    ),
    why="Who was given access to the dossier, when, and on whose decision (an approved shared "
    "request is what let the other team see it). The reason and the answer are free text.",
    remaining=_not_empty("reason", "answer_note"),
)

SUBMISSION = Rule(
    Submission,
    cleared={
        "first_name": "",
        "name_prefix": "",
        "last_name": ANONYMISED,
        "birth_date": None,
        "bsn": "",
        "postcode": "",
        "house_number": "",
        "phone": "",
        "email": "",
        "reason": "",
        # The partner's reference is its own number for the person (a tenant number): replaced
        # by one that names only the row, and stays unique per partner.
        "reference": Concat(Value(REFERENCE_PREFIX), Cast("id", CharField())),
        "version": F("version") + 1,
    },
    kept=(
        "id",
        "public_id",
        "municipality",
        "partner",
        "sent_by",
        "kind",
        "received_at",
        "received_on",
        "respond_by",
        "neighbourhood",
        "consent",
        "signal_type",
        "amount",
        "arrears_since",
        "months_in_arrears",
        "crisis",
        "team",
        "status",
        "status_since",
        "dossier",
    ),
    why="What was signalled, when, from which partner, how fast the team acted and with what "
    "result: the figures of early signalling (Monitor Vroegsignalering) without the "
    "person.",
    remaining=(
        _not_empty(
            "first_name",
            "name_prefix",
            "bsn",
            "postcode",
            "house_number",
            "phone",
            "email",
            "reason",
        )
        | ~Q(last_name=ANONYMISED)
        | Q(birth_date__isnull=False)
    ),
)

ATTEMPT = Rule(
    OutreachAttempt,
    cleared={"note": ""},
    kept=(
        "id",
        "submission",
        "date",
        "part_of_day",
        "method",
        "reached",
        "recorded_by",
        "created_at",
    ),
    why="How and when the team tried to reach the person, and whether it did.",
    remaining=_not_empty("note"),
)

OUTREACH = Rule(
    OutreachActivity,
    cleared={"description": ""},
    kept=(
        "id",
        "municipality",
        "team",
        "date",
        "kind",
        "neighbourhood",
        "hours",
        "registered_by",
        "created_at",
    ),
    why="Team work, not a person's record; the monitor counts its hours. The description is "
    "free text that may name residents, so it goes after the dossier term.",
    remaining=_not_empty("description"),
)

ALLOCATION = Rule(
    Allocation,
    cleared={
        # The social service's number would find the person in its system: replaced by one
        # that names only the row (short: the field holds 20 characters).
        "number": Concat(Value("anon-"), Cast("id", CharField())),
        "person": 0,
        "product_code": "",
        "allocated_on": None,
        "volume": None,
        "unit": "",
        "frequency": "",
        "provider": None,
        "end_reason": "",
        "change_reason": "",
    },
    kept=(
        "id",
        "municipality",
        "client",
        "record",
        "category",
        "start_date",
        "end_date",
        "delivery",
    ),
    why="The clients' allocations per category and month and the allocations after a dossier "
    "opened (question 9) need the category and the dates; the rest would name the person to "
    "the social service.",
    remaining=~Q(person=0),
)

MATCHING_LISTING = Rule(
    Listing,
    cleared={"title": ANONYMISED, "text": ""},
    kept=(
        "id",
        "municipality",
        "kind",
        "member",
        "posted_by",
        "client",
        "dossier",
        "help_kind",
        "neighbourhood",
        "parts_of_day",
        "frequency",
        "status",
        "hold_reason",
        "moderated_by",
        "moderated_at",
        "published_at",
        "created_at",
    ),
    why="Voor elkaar's figures count requests by kind, neighbourhood and month; the text of a "
    "client's request may describe the client.",
    remaining=~Q(title=ANONYMISED) | ~Q(text=""),
)
MATCHING_MESSAGE = Rule(
    Message,
    cleared={"text": ""},
    kept=("id", "connection", "from_poster", "written_by", "created_at"),
    why="Free text about the client's request.",
    remaining=~Q(text=""),
)
MATCHING_REPORT = Rule(
    Report,
    cleared={"reason": ""},
    kept=("id", "listing", "created_at", "handled_at", "handled_by"),
    why="Free text about the client's request.",
    remaining=~Q(reason=""),
)

# The carers' register (docs/carers.md): a carer's registration is anonymised two years after
# the carer left; a care relation also when the client it names is anonymised (the name of the
# person cared for is the client's).
CARER = Rule(
    Carer,
    cleared={
        "first_name": "",
        "last_name": ANONYMISED,
        "birth_date": TruncYear("birth_date"),
        "email": "",
        "phone": "",
        "postcode": "",
        "house_number": "",
        "contact_purposes": [],
        "leave_reason": "",
        "token_hash": "",
        "anonymised_at": Now(),
    },
    kept=(
        "id",
        "municipality",
        "neighbourhood",
        "is_working",
        "contact_consent",
        "status",
        "source",
        "registered_on",
        "left_on",
        "token_sent_at",
        "confirmed_at",
        "created_at",
        "created_by",
    ),
    why="The register's figures count carers by the dates on the register, neighbourhood and "
    "group (the year of birth is enough for the age groups).",
    remaining=Q(anonymised_at__isnull=True),
)
CARE_RELATION = Rule(
    CareRelation,
    cleared={
        "cared_for_name": ANONYMISED,
        "cared_for_postcode": "",
        "client": None,
        "client_consent_on": None,
    },
    kept=(
        "id",
        "carer",
        "relation",
        "care_kinds",
        "hours_per_week",
        "since",
        "dementia",
        "ended_on",
        "created_at",
    ),
    why="The carer groups (partner, dementia) and the care given count in the register's "
    "figures; the name and the link are the person cared for's.",
    remaining=~Q(cared_for_name=ANONYMISED) | Q(client__isnull=False),
)
CARER_SUPPORT = Rule(
    SupportRecord,
    cleared={"note": ""},
    kept=(
        "id",
        "carer",
        "date",
        "kind",
        "follow_up_on",
        "followed_up_at",
        "recorded_by",
        "created_at",
    ),
    why="Free text about the carer.",
    remaining=~Q(note=""),
)
CARER_APPLICATION = Rule(
    CarerApplication,
    cleared={
        "iban": "",
        "account_holder": "",
        # A refusal keeps a reason (a database constraint), no longer the consultant's words.
        "refusal_reason": Case(When(status="refused", then=Value(ANONYMISED)), default=Value("")),
    },
    kept=(
        "id",
        "scheme",
        "carer",
        "relation",
        "received_on",
        "source",
        "status",
        "amount",
        "decided_by",
        "decided_at",
        "entered_by",
        "created_at",
    ),
    why="The appreciation's uptake per year counts applications and decisions; the account and "
    "the reason are the carer's.",
    remaining=~Q(iban="")
    | ~Q(account_holder="")
    | (~Q(refusal_reason="") & ~Q(refusal_reason=ANONYMISED)),
)

# Kept whole: no free text, no identifier; the monitor counts them.
KEPT_WHOLE = [
    Rule(
        Connection,
        kept=(
            "id",
            "listing",
            "member",
            "status",
            "status_since",
            "matched_on",
            "follow_up_on",
            "followed_up_at",
            "poster_shares",
            "poster_shared_by",
            "member_shares",
            "created_at",
        ),
        why="Connections and matches per month (question 7); the helper is another person.",
    ),
    Rule(
        Dossier,
        kept=(
            "id",
            "municipality",
            "team",
            "client",
            "case_director",
            "referrer",
            "complexity",
            "registered_on",
            "status",
            "status_since",
            "closed_on",
            "network_mapped",
            "carer_involved",
            "volunteer_deployed",
            "resident_contact",
            "created_at",
            "created_by",
            "version",
        ),
        why="Inflow, waiting list, throughput, social network: all counted per dossier.",
    ),
    Rule(
        DossierStatusChange,
        kept=("id", "dossier", "from_status", "to_status", "date", "changed_by", "changed_at"),
        why="Waiting times and throughput are computed from the status history.",
    ),
    Rule(
        DossierTeamChange,
        kept=(
            "id",
            "dossier",
            "from_team",
            "to_team",
            "date",
            "request",
            "changed_by",
            "changed_at",
        ),
        why="Which team held the dossier when.",
    ),
    Rule(
        ZrmAssessment,
        kept=("id", "dossier", "assessed_on", "moment", "assessed_by", "created_at"),
        why="ZRM change between intake and later measurements.",
    ),
    Rule(
        ZrmScore,
        kept=("id", "assessment", "domain", "score"),
        why="ZRM change between intake and later measurements.",
    ),
    Rule(
        ContactMoment.professionals.through,
        kept=("id", "contactmoment", "user"),
        why="Integral work: the specialisms involved.",
    ),
    Rule(
        SubmissionStatusChange,
        kept=("id", "submission", "from_status", "to_status", "date", "changed_by", "changed_at"),
        why="The status history the partner sees, without the person.",
    ),
    Rule(
        ShortContact,
        kept=(
            "id",
            "municipality",
            "team",
            "date",
            "part_of_day",
            "channel",
            "location",
            "domain",
            "result",
            "registered_by",
            "created_at",
        ),
        why="Anonymous when registered: no person, no free text.",
    ),
    Rule(
        LegalHold,
        kept=(
            "id",
            "municipality",
            "client",
            "reason",
            "placed_by",
            "placed_at",
            "lifted_by",
            "lifted_at",
        ),
        why="The hold itself, lifted or not: the record of why retention waited.",
    ),
]

RULES: list[Rule] = [
    CLIENT,
    QUESTION,
    CONTACT,
    REFERRAL,
    CONSENT,
    ACCESS_REQUEST,
    TEAM_ACCESS_REQUEST,
    SUBMISSION,
    ATTEMPT,
    OUTREACH,
    ALLOCATION,
    MATCHING_LISTING,
    MATCHING_MESSAGE,
    MATCHING_REPORT,
    CARER,
    CARE_RELATION,
    CARER_SUPPORT,
    CARER_APPLICATION,
    *KEPT_WHOLE,
]

# Deleted whole when retention leaves them without members: a household's only content is its
# name ("the family name and address"), and nothing but its members refers to it.
DELETED: dict[type[models.Model], str] = {
    Household: "A name and address only; its members are unlinked when anonymised.",
}
