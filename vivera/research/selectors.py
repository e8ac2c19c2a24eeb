"""The rows of each table of a research extract, read straight from the database.

Each table is one query (`values_list(...).iterator()`), plus one for the suppression counts:
no per-row queries. Ids of records about people are the grant's pseudonyms. What is never
selected: names, BSN, address, postcode, phone, e-mail, date of birth (only the age band at
registration leaves), descriptions, notes and every other free text, and which professional did
what.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import wraps
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet

from vivera.audit.models import AccessLogEntry, Action, Result
from vivera.ggm.pseudonyms import Pseudonymiser
from vivera.organisation.models import CapacityIntervention, TeamMembership
from vivera.registration.models import (
    ContactMoment,
    Dossier,
    DossierStatusChange,
    OutreachActivity,
    Question,
    Referral,
    ShortContact,
    ZrmScore,
)

from . import codebook
from .models import OBJECT_TYPE, ResearchGrant

Row = tuple[object, ...]
CHUNK = 5000


@dataclass(frozen=True)
class Scope:
    """A grant's municipality, teams (None: all) and period, both ends inclusive."""

    municipality_id: int
    team_ids: frozenset[int] | None
    start: dt.date
    end: dt.date

    @classmethod
    def of(cls, grant: ResearchGrant) -> Scope:
        team_ids = frozenset(grant.teams.values_list("pk", flat=True))
        return cls(grant.municipality_id, team_ids or None, grant.period_start, grant.period_end)

    def dossier_q(self, prefix: str = "") -> Q:
        q = Q(
            **{
                f"{prefix}municipality_id": self.municipality_id,
                f"{prefix}registered_on__gte": self.start,
                f"{prefix}registered_on__lte": self.end,
            }
        )
        return q & self.team_q(f"{prefix}team_id")

    def team_q(self, lookup: str = "team_id") -> Q:
        return Q(**{f"{lookup}__in": self.team_ids}) if self.team_ids is not None else Q()

    def dated_q(self, lookup: str = "date") -> Q:
        return (
            Q(municipality_id=self.municipality_id)
            & self.team_q()
            & Q(**{f"{lookup}__gte": self.start, f"{lookup}__lte": self.end})
        )

    def dossiers(self) -> QuerySet[Dossier]:
        return Dossier.objects.filter(self.dossier_q()).order_by("pk")


def age_band(birth_date: dt.date | None, on: dt.date) -> str:
    if birth_date is None:
        return ""
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    label = ""
    for low, band in codebook.AGE_BANDS:
        if age >= low:
            label = band
    return label


@dataclass
class Suppression:
    """Local suppression for k-anonymity on the quasi-identifiers (team, neighbourhood, age
    band): every combination shown in `dossiers` is shared by at least k clients, k being
    VIVERA_SUPPRESSION_THRESHOLD (the monitor's threshold). First the age band is hidden where
    (team, neighbourhood, age band) has fewer than k clients; then the neighbourhood where
    (team, neighbourhood) has fewer than k (its age bands are hidden by then already)."""

    k: int
    hidden_bands: set[tuple[str, str, str]] = field(default_factory=set)
    hidden_neighbourhoods: set[tuple[str, str]] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=lambda: {"age_band": 0, "neighbourhood": 0})

    @classmethod
    def for_scope(cls, scope: Scope) -> Suppression:
        by_band: dict[tuple[str, str, str], set[int]] = defaultdict(set)
        by_area: dict[tuple[str, str], set[int]] = defaultdict(set)
        for client_id, team, area, birth_date, registered_on in _rows(
            scope.dossiers(),
            "client_id",
            "team__name",
            "client__neighbourhood__cbs_code",
            "client__birth_date",
            "registered_on",
        ):
            area = area or ""
            by_band[(team, area, age_band(birth_date, registered_on))].add(client_id)
            by_area[(team, area)].add(client_id)
        k = settings.VIVERA_SUPPRESSION_THRESHOLD
        return cls(
            k,
            {key for key, clients in by_band.items() if key[2] and len(clients) < k},
            {key for key, clients in by_area.items() if key[1] and len(clients) < k},
        )

    def apply(self, team: str, area: str, band: str) -> tuple[str, str]:
        if (team, area, band) in self.hidden_bands:
            band = codebook.SUPPRESSED
            self.counts["age_band"] += 1
        if (team, area) in self.hidden_neighbourhoods:
            area = codebook.SUPPRESSED
            self.counts["neighbourhood"] += 1
        return area, band


@dataclass
class Extract:
    """What one build of an extract needs: the scope, the grant's pseudonyms, the suppression."""

    scope: Scope
    pseudo: Pseudonymiser
    suppression: Suppression
    _known: dict[tuple[str, int], int] = field(default_factory=dict)

    def id(self, kind: str, pk: int | None) -> int | None:
        """The pseudonym of a record many rows point at (a dossier, a client), computed once."""
        if pk is None:
            return None
        key = (kind, pk)
        if key not in self._known:
            self._known[key] = self.pseudo(kind, pk)
        return self._known[key]


def _rows(queryset: QuerySet, *fields: str) -> Iterator[tuple[Any, ...]]:
    return queryset.values_list(*fields).iterator(chunk_size=CHUNK)


def _flag(value: bool) -> int:
    return 1 if value else 0


def by_pseudonym(rows: Callable[[Extract], Iterable[Row]]) -> Callable[[Extract], list[Row]]:
    """Rows in the order of their first column, a pseudonym, keeping the database's order
    within one (a dossier's status changes by date, a measurement's domains). In the database's
    order, row positions would match between two extracts of the same scope, and with the GGM
    export, whatever the pseudonyms; this order differs per grant. Costs memory for one table."""

    @wraps(rows)
    def ordered(ex: Extract) -> list[Row]:
        return sorted(rows(ex), key=itemgetter(0))

    return ordered


@by_pseudonym
def dossiers(ex: Extract) -> Iterator[Row]:
    for (
        pk,
        client_id,
        household_id,
        team,
        area,
        birth_date,
        referrer,
        referrer_kind,
        complexity,
        registered_on,
        status,
        status_since,
        closed_on,
        *network,
    ) in _rows(
        ex.scope.dossiers(),
        "pk",
        "client_id",
        "client__household_id",
        "team__name",
        "client__neighbourhood__cbs_code",
        "client__birth_date",
        "referrer__code",
        "referrer__kind",
        "complexity",
        "registered_on",
        "status",
        "status_since",
        "closed_on",
        "network_mapped",
        "carer_involved",
        "volunteer_deployed",
        "resident_contact",
    ):
        area, band = ex.suppression.apply(team, area or "", age_band(birth_date, registered_on))
        yield (
            ex.id("dossier", pk),
            ex.id("client", client_id),
            ex.id("household", household_id),
            team,
            area,
            band,
            referrer,
            referrer_kind,
            complexity,
            registered_on,
            status,
            status_since,
            closed_on,
            *(_flag(value) for value in network),
        )


@by_pseudonym
def status_changes(ex: Extract) -> Iterator[Row]:
    changes = DossierStatusChange.objects.filter(ex.scope.dossier_q("dossier__")).order_by(
        "dossier_id", "date", "changed_at", "pk"
    )
    for dossier_id, from_status, to_status, date in _rows(
        changes,
        "dossier_id",
        "from_status",
        "to_status",
        "date",
    ):
        yield ex.id("dossier", dossier_id), from_status, to_status, date


@by_pseudonym
def questions(ex: Extract) -> Iterator[Row]:
    rows = Question.objects.filter(ex.scope.dossier_q("dossier__")).order_by("pk")
    for pk, dossier_id, domain, opened_on, closed_on, outcome, outcome_kind in _rows(
        rows,
        "pk",
        "dossier_id",
        "domain__code",
        "opened_on",
        "closed_on",
        "outcome__code",
        "outcome__kind",
    ):
        yield (
            ex.id("question", pk),
            ex.id("dossier", dossier_id),
            domain,
            opened_on,
            closed_on,
            outcome,
            outcome_kind,
        )


@by_pseudonym
def contacts(ex: Extract) -> Iterator[Row]:
    rows = (
        ContactMoment.objects.filter(ex.scope.dossier_q("dossier__"))
        .annotate(professional_count=Count("professionals"))
        .order_by("pk")
    )
    for pk, dossier_id, date, kind, face_to_face, with_whom, core_task, minutes, count in _rows(
        rows,
        "pk",
        "dossier_id",
        "date",
        "kind__code",
        "kind__face_to_face",
        "with_whom",
        "core_task",
        "minutes",
        "professional_count",
    ):
        yield (
            ex.id("contact", pk),
            ex.id("dossier", dossier_id),
            date,
            kind,
            _flag(face_to_face),
            with_whom,
            core_task,
            minutes,
            count,
        )


@by_pseudonym
def referrals(ex: Extract) -> Iterator[Row]:
    rows = Referral.objects.filter(ex.scope.dossier_q("dossier__")).order_by("pk")
    for pk, dossier_id, question_id, referred_on, provision, partner_kind, handover in _rows(
        rows,
        "pk",
        "dossier_id",
        "question_id",
        "referred_on",
        "provision_kind",
        "partner__kind",
        "handover",
    ):
        yield (
            ex.id("referral", pk),
            ex.id("dossier", dossier_id),
            ex.id("question", question_id),
            referred_on,
            provision,
            partner_kind,
            handover,
        )


@by_pseudonym
def zrm_scores(ex: Extract) -> Iterator[Row]:
    rows = ZrmScore.objects.filter(ex.scope.dossier_q("assessment__dossier__")).order_by(
        "assessment_id", "domain__order", "pk"
    )
    for assessment_id, dossier_id, assessed_on, moment, domain, score in _rows(
        rows,
        "assessment_id",
        "assessment__dossier_id",
        "assessment__assessed_on",
        "assessment__moment",
        "domain__code",
        "score",
    ):
        yield (
            ex.id("zrm", assessment_id),
            ex.id("dossier", dossier_id),
            assessed_on,
            moment,
            domain,
            score,
        )


def short_contacts(ex: Extract) -> Iterator[Row]:
    rows = ShortContact.objects.filter(ex.scope.dated_q()).order_by("date", "pk")
    yield from _rows(
        rows,
        "date",
        "part_of_day",
        "channel",
        "location__name",
        "team__name",
        "domain__code",
        "result",
    )


def outreach(ex: Extract) -> Iterator[Row]:
    rows = OutreachActivity.objects.filter(ex.scope.dated_q()).order_by("date", "pk")
    yield from _rows(rows, "date", "team__name", "kind", "neighbourhood__cbs_code", "hours")


def formation(ex: Extract) -> Iterator[Row]:
    scope = ex.scope
    rows = (
        TeamMembership.objects.filter(
            scope.team_q(), team__municipality_id=scope.municipality_id, start_date__lte=scope.end
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=scope.start))
        .order_by("team__name", "start_date", "specialism", "fte", "pk")
    )
    yield from _rows(rows, "team__name", "specialism", "fte", "start_date", "end_date")


def capacity_interventions(ex: Extract) -> Iterator[Row]:
    scope = ex.scope
    rows = CapacityIntervention.objects.filter(
        scope.team_q() | Q(team__isnull=True),
        municipality_id=scope.municipality_id,
        date__gte=scope.start,
        date__lte=scope.end,
    ).order_by("date", "pk")
    yield from _rows(rows, "date", "team__name", "fte_added")


ROWS: dict[codebook.Table, Callable[[Extract], Iterable[Row]]] = {
    codebook.DOSSIERS: dossiers,
    codebook.STATUS_CHANGES: status_changes,
    codebook.QUESTIONS: questions,
    codebook.CONTACTS: contacts,
    codebook.REFERRALS: referrals,
    codebook.ZRM_SCORES: zrm_scores,
    codebook.SHORT_CONTACTS: short_contacts,
    codebook.OUTREACH: outreach,
    codebook.FORMATION: formation,
    codebook.CAPACITY_INTERVENTIONS: capacity_interventions,
}


def download_summary(*, municipality_id: int) -> dict[int, tuple[int, dt.datetime]]:
    """Per grant of the municipality: how often its extract was downloaded, and when last
    (from the access log, the record of every download)."""
    rows = (
        AccessLogEntry.objects.filter(
            municipality_id=municipality_id,
            object_type=OBJECT_TYPE,
            action=Action.EXPORT,
            result=Result.SUCCESS,
        )
        .order_by()
        .values("object_id")
        .annotate(count=Count("pk"), last=Max("timestamp"))
        .values_list("object_id", "count", "last")
    )
    return {int(object_id): (count, last) for object_id, count, last in rows}
