"""What the export of one person holds: the parts in their order, each a model with how its rows
are found, and how a row becomes values (for the JSON file) and text (for the PDF).

The fields come from the models themselves, so a field added later appears without a change
here; only the fields in a part's `hidden` are left out, each for a reason given there. Which
models are parts is checked by `tests/test_completeness.py`: every model that refers to a client,
a dossier, a submission or any other part must be a part itself, so a new model about people
cannot be forgotten. How to add one: see docs/architecture.md, "The right of access".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vivera.accounts.models import Role
from vivera.audit.labels import OBJECT_TYPE_LABELS
from vivera.audit.models import AccessLogEntry
from vivera.carers.models import Application as CarerApplication
from vivera.carers.models import CareKind, Carer, CareRelation, ContactPurpose, SupportRecord
from vivera.core.formatting import number
from vivera.imports.models import ImportedRecord
from vivera.imports.models import Kind as ImportKind
from vivera.matching.models import Connection, Listing, Message
from vivera.partners.models import OutreachAttempt, Submission, SubmissionStatusChange
from vivera.provisions.models import Allocation
from vivera.registration.models import (
    Client,
    ClientAccessRequest,
    ContactMoment,
    Dossier,
    DossierStatusChange,
    DossierTeamChange,
    Household,
    Question,
    Referral,
    SharingConsent,
    ZrmAssessment,
    ZrmScore,
)
from vivera.retention.models import LegalHold
from vivera.survey.models import Invitation, Objection

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from .models import AccessRequest
from .selectors import access_log_about, access_log_about_carer, submissions_about

# Called with a `selectors.Subject` (a client's overview) or a `selectors.CarerSubject`.
Finder = Callable[[Any], QuerySet]


@dataclass(frozen=True)
class Part:
    key: str
    model: type[models.Model]
    title: Promise
    explanation: Promise
    # Top-level parts: how the rows are found. Child parts: the foreign key to the parent row,
    # left out of the child's values because the nesting already says it.
    find: Finder | None = None
    parent: str = ""
    children: tuple[Part, ...] = ()
    hidden: frozenset[str] = frozenset()
    labels: Mapping[str, Promise] = field(default_factory=dict)
    # Values shown differently from what is stored (a code with its label, other people's ids
    # left out): stored value → (value for the JSON file, text).
    shown_as: Mapping[str, Callable[[Any], tuple[Any, str]]] = field(default_factory=dict)
    # A title per row: the PDF shows each row as a block. Without it the rows are one table.
    heading: Callable[[Any], str] | None = None
    # The table's columns in the PDF (the JSON has every field); empty: every field.
    columns: tuple[str, ...] = ()
    # In the PDF one line of text per row instead of a table row: WeasyPrint lays out a table
    # cell by cell, ten times slower (a person with thousands of access-log lines).
    as_lines: bool = False

    def fields(self) -> list[models.Field]:
        meta = self.model._meta
        return [
            f
            for f in [*meta.concrete_fields, *meta.many_to_many]
            if f.name not in self.hidden and f.name != self.parent
        ]

    def label(self, model_field: models.Field) -> str:
        label = self.labels.get(model_field.name) or (
            model_field.verbose_name
            if isinstance(model_field.verbose_name, Promise)
            else COMMON_LABELS.get(model_field.name, model_field.verbose_name)
        )
        return str(label)

    def rows(self, queryset: QuerySet) -> QuerySet:
        """Every foreign key and many-to-many field fetched with the rows, not one by one."""
        fields = self.fields()
        related = [f.name for f in fields if f.many_to_one or f.one_to_one]
        many = [f.name for f in fields if f.many_to_many]
        # Without arguments select_related would follow every relation (and is deprecated).
        if related:
            queryset = queryset.select_related(*related)
        return queryset.prefetch_related(*many)

    def walk(self) -> list[Part]:
        return [self, *(part for child in self.children for part in child.walk())]


# Labels for fields that have no translated name of their own on the model.
COMMON_LABELS: dict[str, StrOrPromise] = {
    "id": _("Vivera number"),
    "municipality": _("municipality"),
    "created_at": _("recorded at"),
    "created_by": _("recorded by"),
    "from_status": _("from"),
    "to_status": _("to"),
    "changed_by": _("changed by"),
    "changed_at": _("changed at"),
    "assessed_by": _("scored by"),
    "recorded_by": _("recorded by"),
    "recorded_at": _("recorded at"),
    "withdrawn_at": _("withdrawn at"),
    "withdrawn_by": _("withdrawn by"),
    "sent_by": _("sent by"),
    "public_id": _("number for the partner's system"),
    "domain": _("life domain"),
    "score": _("score"),
}

# Keys of an access-log line's detail that list other people's records (a list page, a search,
# an import): left out, the line itself says that the person was among them.
OTHER_PEOPLE = frozenset(
    {"clients", "results", "client_ids", "submissions", "carers", "applications"}
)
ROLES = dict(Role.choices)


def _own_detail(detail: dict[str, Any]) -> tuple[Any, str]:
    own = {key: value for key, value in detail.items() if key not in OTHER_PEOPLE}
    return own, as_text(own)


def _labelled(labels: Mapping[str, Any]) -> Callable[[str], tuple[Any, str]]:
    """A code stored without choices on its field, given with its label."""

    def shown(code: str) -> tuple[Any, str]:
        label = str(labels.get(code, code))
        return {"code": code, "label": label}, label

    return shown


def _labelled_list(labels: Mapping[str, Any]) -> Callable[[list[str]], tuple[Any, str]]:
    """A list of codes stored in a JSON field, each given with its label."""

    def shown(codes: list[str]) -> tuple[Any, str]:
        described = [{"code": code, "label": str(labels.get(code, code))} for code in codes or []]
        return described, ", ".join(item["label"] for item in described) or "—"

    return shown


def _person_name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def _dossier_heading(dossier: Dossier) -> str:
    return gettext("Dossier %(number)s, team %(team)s") % {"number": dossier, "team": dossier.team}


def _dated(label: Any, date: dt.date) -> str:
    return f"{label}, {as_text(date)}"


# --- The parts, in the order of the export -------------------------------------------------------

CLIENT = Part(
    "client",
    Client,
    _("Your personal details"),
    _(
        "What the neighbourhood team recorded about you: your name, date of birth, citizen "
        "service number (BSN), address and how to reach you, and who recorded it."
    ),
    find=lambda s: Client.objects.filter(pk=s.client.pk),
    # version: a counter that stops two people from saving over each other's changes.
    hidden=frozenset({"version"}),
    heading=lambda client: client.full_name,
)

HOUSEHOLD = Part(
    "household",
    Household,
    _("Your household"),
    _(
        "When the team helps a household as a whole, it records the household under a name. "
        "The details of the other members of your household are not in this overview: they "
        "can ask for their own."
    ),
    find=lambda s: Household.objects.filter(members=s.client),
    heading=lambda household: household.name,
)

DOSSIERS = Part(
    "dossiers",
    Dossier,
    _("Your dossiers"),
    _(
        "A dossier is opened when the team starts helping you. It shows which team helps "
        "you, who your case director (casusregisseur) is, who referred you to the team, how "
        "the help went and whether your network (family, informal carers, volunteers) was "
        "involved."
    ),
    find=lambda s: Dossier.objects.filter(client=s.client),
    # client: that is you. version: see CLIENT.
    hidden=frozenset({"client", "version"}),
    heading=_dossier_heading,
    children=(
        Part(
            "status_changes",
            DossierStatusChange,
            _("Stages of the help"),
            _(
                "Each time the dossier moved to another stage (registered, waiting list, "
                "intake, active, in the background, closed), with the date."
            ),
            parent="dossier",
            columns=("date", "from_status", "to_status", "changed_by"),
        ),
        Part(
            "team_changes",
            DossierTeamChange,
            _("Changes of team"),
            _(
                "When the dossier moved from one neighbourhood team to another, with the "
                "date and who approved it."
            ),
            parent="dossier",
            columns=("date", "from_team", "to_team", "changed_by", "request"),
        ),
        Part(
            "access_requests",
            ClientAccessRequest,
            _("Requests from other teams to work with your dossier"),
            _(
                "Another neighbourhood team that also wanted to help you asked the team "
                "holding your dossier to move it to them or to work in it together. This "
                "shows the request, the reason given, and the answer."
            ),
            parent="dossier",
            # client: that is you (the dossier is named by the part above).
            hidden=frozenset({"client"}),
            heading=lambda r: _dated(r.get_kind_display(), r.requested_at.date()),
        ),
        Part(
            "questions",
            Question,
            _("Your questions"),
            _(
                "What you asked the team for help with, per area of life: when the question "
                "was opened and closed, and what came of it."
            ),
            parent="dossier",
            heading=str,
        ),
        Part(
            "contacts",
            ContactMoment,
            _("Contacts"),
            _(
                "The conversations and contacts the team had with you, your network or an "
                "organisation about you: the date, the kind of contact, how long it took, "
                "who took part and the note that was made."
            ),
            parent="dossier",
            heading=lambda c: _dated(c.kind, c.date),
        ),
        Part(
            "referrals",
            Referral,
            _("Referrals"),
            _(
                "Where the team referred you to, and whether someone of the team introduced "
                "you in person (warm handover)."
            ),
            parent="dossier",
            heading=lambda r: _dated(r.get_provision_kind_display(), r.referred_on),
        ),
        Part(
            "consents",
            SharingConsent,
            _("Your consent to share with organisations"),
            _(
                "The consent you gave the team to share information about you with an "
                "organisation (or with all organisations the municipality works with): for a "
                "referral, or for telling the organisation that sent a report how it "
                "ended. Also when and how you gave it, and whether you withdrew it."
            ),
            parent="dossier",
            columns=(
                "partner",
                "covers_referral",
                "covers_status",
                "given_on",
                "given_how",
                "withdrawn_on",
                "note",
            ),
        ),
        Part(
            "zrm_assessments",
            ZrmAssessment,
            _("How self-reliant you are (ZRM)"),
            _(
                "With the Self-Reliance Matrix (Zelfredzaamheid-Matrix, ZRM) the team "
                "scores, together with you, how well you manage on your own in 13 areas of "
                "life, from 1 (acute problems) to 5 (fully self-reliant). This is done at "
                "the start, in between and at the end of the help."
            ),
            parent="dossier",
            heading=lambda z: _dated(z.get_moment_display(), z.assessed_on),
            children=(
                Part(
                    "scores",
                    ZrmScore,
                    _("Scores"),
                    _("The score per area of life."),
                    parent="assessment",
                ),
            ),
        ),
    ),
)

SUBMISSIONS = Part(
    "submissions",
    Submission,
    _("Reports from organisations"),
    _(
        "Organisations such as a housing corporation, an energy or water company, a health "
        "insurer or a GP can refer you to the team, or report arrears (an early signal) so "
        "that the team can offer help. This is what they sent, what the team did with it and "
        "the team's attempts to reach you."
    ),
    find=submissions_about,
    # version: see CLIENT.
    hidden=frozenset({"version"}),
    heading=lambda s: _dated(s.get_kind_display(), s.received_on),
    children=(
        Part(
            "status_changes",
            SubmissionStatusChange,
            _("Status"),
            _("The status the organisation that sent it can see, with the date."),
            parent="submission",
            columns=("date", "from_status", "to_status", "changed_by"),
        ),
        Part(
            "attempts",
            OutreachAttempt,
            _("Attempts to reach you"),
            _(
                "Each time the team tried to get in touch with you, how, and whether it "
                "reached you."
            ),
            parent="submission",
            columns=("date", "part_of_day", "method", "reached", "note", "recorded_by"),
        ),
    ),
)

ACCESS_REQUESTS = Part(
    "access_requests",
    AccessRequest,
    _("Your earlier requests to see your data"),
    _(
        "Earlier requests to see your data, and when the overview was first made. This "
        "request is described at the top of this overview."
    ),
    find=lambda s: AccessRequest.objects.filter(client=s.client).exclude(pk=s.access_request.pk),
    # client, carer: the person of the request (that is you; the other one is empty).
    hidden=frozenset({"client", "carer"}),
    columns=("reference", "received_on", "produced_at", "handled_by", "note"),
)

LEGAL_HOLDS = Part(
    "legal_holds",
    LegalHold,
    _("Data kept longer for a legal reason"),
    _(
        "Vivera anonymises a person's data when the retention period after the last dossier "
        "has passed. While a legal hold is in force (for an objection, a complaint, a court "
        "case or at the archivist's request), your data is kept; this is why and since when."
    ),
    find=lambda s: LegalHold.objects.filter(client=s.client),
    # client: that is you.
    hidden=frozenset({"client"}),
    columns=("reason", "placed_at", "lifted_at"),
)

SURVEY_INVITATIONS = Part(
    "survey_invitations",
    Invitation,
    _("Your invitations to the client-experience survey"),
    _(
        "The municipality asks some residents whom the teams helped how they experienced it. "
        "These are the surveys you were invited to, when, whether you got a reminder, and "
        "whether you answered. Your answers themselves are stored without your name: they "
        "cannot be found by your name, and once the survey closes nobody can tell which "
        "answers were yours."
    ),
    find=lambda s: Invitation.objects.filter(client=s.client),
    # client: that is you. nonce, code_hash, token_hash: the secret behind your code and link.
    # response: the link to your answers while the survey is open, cut when it closes.
    hidden=frozenset({"client", "nonce", "code_hash", "token_hash", "response"}),
    columns=("survey", "team", "invited_on", "reminded_on", "answered", "declined"),
)

SURVEY_OBJECTIONS = Part(
    "survey_objections",
    Objection,
    _("You do not want to be asked for surveys"),
    _("You said you do not want to be invited to surveys. You will not be invited again."),
    find=lambda s: Objection.objects.filter(client=s.client),
    # client: that is you.
    hidden=frozenset({"client"}),
    columns=("recorded_on", "recorded_by"),
)

MATCHING = Part(
    "matching_listings",
    Listing,
    _("Your requests on Voor elkaar"),
    _(
        "Your team posted these requests for help on Voor elkaar, the municipality's site where "
        "residents help each other. The public saw the neighbourhood and what was asked, never "
        "your name. Below each request: the replies and whether they became a match (the "
        "helper's own details are theirs, not shown)."
    ),
    find=lambda s: Listing.objects.filter(client=s.client),
    # client: that is you. member: empty for a request the team posted. dossier: shown at the
    # top of the export.
    hidden=frozenset({"client", "member", "municipality", "dossier"}),
    columns=("title", "help_kind", "neighbourhood", "status", "created_at"),
    children=(
        Part(
            "connections",
            Connection,
            _("Replies"),
            _("Each reply to the request, and how it went."),
            parent="listing",
            # member: the helper, another person. poster_shared_by: the professional who shared
            # their work e-mail address with the helper.
            hidden=frozenset({"member", "poster_shares", "member_shares", "poster_shared_by"}),
            columns=("status", "status_since", "matched_on"),
            children=(
                Part(
                    "messages",
                    Message,
                    _("Messages"),
                    _("The messages about the request."),
                    parent="connection",
                    columns=("created_at", "from_poster", "written_by", "text"),
                ),
            ),
        ),
    ),
)

ALLOCATIONS = Part(
    "allocations",
    Allocation,
    _("Your Wmo provisions, as the social service delivered them"),
    _(
        "The municipality's social service decides on Wmo provisions (such as household help or "
        "support) and sends Vivera its allocations. Vivera uses your BSN only to find you, and "
        "keeps the allocation without it, so your team can see which provisions you have. "
        "Changes go through the social service."
    ),
    find=lambda s: Allocation.objects.filter(client=s.client),
    # client: that is you. municipality: yours. person: your BSN made unrecognisable with a
    # secret key (a pseudonym). record: the same for the allocation number, for the counts.
    # delivery: the import it came with.
    hidden=frozenset({"client", "municipality", "person", "record", "delivery"}),
    columns=("number", "category", "start_date", "end_date", "volume", "unit", "provider"),
)

CARERS = Part(
    "carers",
    CareRelation,
    _("Informal carers who care for you"),
    _(
        "An informal carer (mantelzorger) registered in the municipality's register of "
        "informal carers that they care for you, and you agreed that the registration names "
        "you as a client of the neighbourhood team. This is the care they described. The "
        "carer's own details are theirs: they can ask for them themselves."
    ),
    find=lambda s: CareRelation.objects.filter(client=s.client),
    # client: that is you. carer: another person, whose details are theirs.
    hidden=frozenset({"client", "carer"}),
    shown_as={"care_kinds": _labelled_list(dict(CareKind.choices))},
    columns=("relation", "care_kinds", "hours_per_week", "since", "ended_on", "client_consent_on"),
)

IMPORTED_RECORDS = Part(
    "imported_records",
    ImportedRecord,
    _("Numbers in the previous registration system"),
    _(
        "Data from the team's previous registration system was taken over into Vivera. "
        "These are the numbers your data had there."
    ),
    find=lambda s: ImportedRecord.objects.filter(municipality_id=s.client.municipality_id).filter(
        Q(kind=ImportKind.CLIENT, object_id=s.client.pk)
        | Q(kind=ImportKind.DOSSIER, object_id__in=s.ids(Dossier))
        | Q(kind=ImportKind.QUESTION, object_id__in=s.ids(Question))
        | Q(kind=ImportKind.CONTACT, object_id__in=s.ids(ContactMoment))
    ),
    # run: the import's own bookkeeping (files, counts), about no one in particular.
    hidden=frozenset({"run"}),
    labels={
        "kind": _("kind"),
        "external_id": _("number in the previous system"),
        "object_id": _("Vivera number of the record"),
    },
    columns=("kind", "external_id", "object_id"),
)

ACCESS_LOG = Part(
    "access_log",
    AccessLogEntry,
    _("Who looked at or changed your data"),
    _(
        "Every time someone opened, searched for, changed or exported your data, Vivera "
        "recorded it: when, who (name and role), what was done, whether it was allowed, and "
        "from which computer address. Attempts that were refused are listed too. A list or a "
        "search that showed you among others is listed as such. Making this overview is "
        "recorded as well; it appears in the next overview."
    ),
    find=access_log_about,
    # client_id: that is you. municipality: the user's. prev_hash, entry_hash: the seal that
    # shows the log was not changed afterwards, without meaning to a reader.
    hidden=frozenset({"client_id", "municipality", "prev_hash", "entry_hash"}),
    shown_as={
        "role": _labelled(ROLES),
        "object_type": _labelled(OBJECT_TYPE_LABELS),
        "detail": _own_detail,
    },
    columns=(
        "timestamp",
        "user",
        "role",
        "action",
        "object_type",
        "object_id",
        "result",
        "ip_address",
    ),
    as_lines=True,
)

PARTS: tuple[Part, ...] = (
    CLIENT,
    HOUSEHOLD,
    DOSSIERS,
    SUBMISSIONS,
    ACCESS_REQUESTS,
    LEGAL_HOLDS,
    SURVEY_INVITATIONS,
    SURVEY_OBJECTIONS,
    ALLOCATIONS,
    MATCHING,
    CARERS,
    IMPORTED_RECORDS,
    ACCESS_LOG,
)


# --- The overview of an informal carer (docs/carers.md) ------------------------------------------

CARER = Part(
    "carer",
    Carer,
    _("Your registration as an informal carer"),
    _(
        "Your details in the municipality's register of informal carers (mantelzorgers): how "
        "to reach you, whether and for what you may be contacted, and since when you are "
        "registered. Who you care for, the support you received and your applications for "
        "the yearly appreciation follow under your registration."
    ),
    find=lambda s: Carer.objects.filter(pk=s.carer.pk),
    # token_hash, token_sent_at: the secret behind your personal link, and when it was sent.
    hidden=frozenset({"token_hash", "token_sent_at"}),
    shown_as={"contact_purposes": _labelled_list(dict(ContactPurpose.choices))},
    heading=lambda carer: carer.full_name or gettext("(anonymised)"),
    children=(
        Part(
            "relations",
            CareRelation,
            _("Who you care for"),
            _(
                "The people you care for as you or a consultant described them: the relation, "
                "the care, the hours a week and since when. If the person you care for is also "
                "helped by the neighbourhood team and agreed to it, the registration is linked "
                "to them; their own data is theirs and is not in this overview."
            ),
            parent="carer",
            # client: the person you care for, another person whose data is theirs.
            hidden=frozenset({"client"}),
            shown_as={"care_kinds": _labelled_list(dict(CareKind.choices))},
            columns=(
                "cared_for_name",
                "relation",
                "care_kinds",
                "hours_per_week",
                "since",
                "ended_on",
            ),
        ),
        Part(
            "support",
            SupportRecord,
            _("Support you received"),
            _(
                "The support the carers' consultant gave you (a conversation, respite care, a "
                "course, a group), with the notes made and when to follow up."
            ),
            parent="carer",
            columns=("date", "kind", "note", "follow_up_on", "followed_up_at", "recorded_by"),
        ),
        Part(
            "applications",
            CarerApplication,
            _("Your applications for the yearly appreciation"),
            _(
                "Your applications for the municipality's yearly appreciation of informal "
                "carers, the decision and, where money is paid, the account it is paid to."
            ),
            parent="carer",
            columns=("scheme", "received_on", "status", "amount", "refusal_reason", "iban"),
        ),
    ),
)

# The carer's earlier requests and its access log: the client's parts, found from the carer.
CARER_ACCESS_REQUESTS = replace(
    ACCESS_REQUESTS,
    find=lambda s: AccessRequest.objects.filter(carer=s.carer).exclude(pk=s.access_request.pk),
)
CARER_ACCESS_LOG = replace(ACCESS_LOG, find=access_log_about_carer)

CARER_PARTS: tuple[Part, ...] = (CARER, CARER_ACCESS_REQUESTS, CARER_ACCESS_LOG)


def exported_models() -> set[type[models.Model]]:
    return {part.model for top in PARTS for part in top.walk()}


def carer_exported_models() -> set[type[models.Model]]:
    return {part.model for top in CARER_PARTS for part in top.walk()}


# --- A value as JSON and as text ------------------------------------------------------------------

User = get_user_model()


def as_text(value: Any) -> str:
    """A value in the person's language: dates in words, yes or no, an empty value as a dash."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, dt.date):
        return formats.date_format(value, "j F Y")
    if isinstance(value, Decimal):
        return number(value, 2)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {as_text(v)}" for k, v in value.items())
    return str(value)


def as_json(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (str, int, float, bool, list, dict)) or value is None:
        return value
    return str(value)


def value_of(part: Part, obj: models.Model, model_field: models.Field) -> tuple[Any, str]:
    """A field's value for the JSON file and as text. A code is given with its label."""
    name = model_field.name
    if model_field.many_to_many:
        names = [
            _person_name(o) if isinstance(o, User) else str(o) for o in getattr(obj, name).all()
        ]
        return names, as_text(names)
    if model_field.many_to_one or model_field.one_to_one:
        related = getattr(obj, name)
        if related is None:
            return None, as_text(None)
        if isinstance(related, User):
            return _person_name(related), _person_name(related)
        if hasattr(related, "code"):  # a code list (life domain, referrer, outcome, …)
            return {"code": related.code, "label": str(related)}, str(related)
        return str(related), str(related)
    raw = getattr(obj, model_field.attname)
    if name in part.shown_as:
        return part.shown_as[name](raw)
    if model_field.choices and raw not in (None, ""):
        label = str(getattr(obj, f"get_{name}_display")())
        return {"code": raw, "label": label}, label
    return as_json(raw), as_text(raw)
