"""The rows of each GGM table for one municipality and period, read straight from the database.

Each table is one query (`values_list(...).iterator()`), however many dossiers: no per-row
queries. Ids of records about people are pseudonyms (`pseudonyms.py`); ids of code lists are
Vivera's own. No free text, name, address, BSN, phone or e-mail is ever selected.

The tables of records about people are written in the order of their pseudonym (`by_pseudonym`),
as the research extracts are: in the database's order (by id) the n-th row of two exports made
with different keys, or of an export and an extract, would be the same record, and rows could be
lined up across them whatever the pseudonyms. The code lists keep Vivera's own order: they hold
no one.
"""

from __future__ import annotations

import datetime as dt
import heapq
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from functools import wraps
from operator import itemgetter
from typing import IO

from django.db.models import OuterRef, Q, QuerySet, Subquery

from vivera.organisation.models import LifeDomain, Municipality, Referrer
from vivera.registration.models import (
    Client,
    Complexity,
    Dossier,
    DossierStatus,
    DossierStatusChange,
    Question,
    ZrmLevel,
    ZrmMoment,
    ZrmScore,
)

from . import schema
from .pseudonyms import Pseudonymiser

Row = tuple[object, ...]
CHUNK = 5000
# Rows sorted in memory at a time; a larger table is sorted in runs of this many, kept in
# unnamed temporary files, and merged (at 10 million rows: 100 runs, memory for two).
SORT_RUN = 100_000

# GGM's values are Dutch; these are data for the warehouse, not interface text.
STATUS = {
    DossierStatus.REGISTERED: "aanmelding",
    DossierStatus.WAITING: "wachtlijst",
    DossierStatus.INTAKE: "intake",
    DossierStatus.ACTIVE: "actief",
    DossierStatus.WATCHING: "waakvlam",
    DossierStatus.CLOSED: "afgesloten",
}
DOSSIER_KINDS = {  # SociaalteamDossiersoort: id, naam, omschrijving
    Complexity.SINGLE: (1, "Enkelvoudig", "Eén vraag"),
    Complexity.MULTIPLE: (2, "Meervoudig", "Meerdere vragen"),
    Complexity.COMPLEX: (3, "Complex", "Complexe situatie"),
}
LEVELS = {  # Scoresoort: the five ZRM levels (names only; the criteria are copyrighted)
    ZrmLevel.ACUTE: "1 acute problematiek",
    ZrmLevel.NOT: "2 niet zelfredzaam",
    ZrmLevel.LIMITED: "3 beperkt zelfredzaam",
    ZrmLevel.SUFFICIENT: "4 voldoende zelfredzaam",
    ZrmLevel.FULL: "5 volledig zelfredzaam",
}
MOMENTS = {
    ZrmMoment.INTAKE: "intake",
    ZrmMoment.EVALUATION: "evaluatie",
    ZrmMoment.CLOSURE: "afsluiting",
}
ZRM_MATRIX_ID = 1
ZRM_MATRIX = (
    ZRM_MATRIX_ID,
    None,
    None,
    "Zelfredzaamheid-Matrix (ZRM) 2017",
    "GGD Amsterdam: 13 leefgebieden, 5 niveaus",
)
# Bijzonderheidsoort: the dossier's social-network facts get fixed ids 1-4; a referrer
# (verwijzer) gets REFERRER_OFFSET + its id.
NETWORK_FACTS = (  # (id, dossier field, naam, omschrijving)
    (1, "network_mapped", "Netwerk in kaart", "Het sociale netwerk is in kaart gebracht"),
    (2, "carer_involved", "Mantelzorger betrokken", "Een mantelzorger is betrokken"),
    (3, "volunteer_deployed", "Vrijwilliger ingezet", "Een vrijwilliger is ingezet"),
    (
        4,
        "resident_contact",
        "Contact met buurtbewoners",
        "Er is contact gelegd met andere bewoners",
    ),
)
REFERRER_OFFSET = 1000
# A dossier's start (SociaalTeamDossier.datumStart) is the day the help began: its first move
# to intake (or straight to active). Its aanmelding is Caseaanmelding.datum.
CARE_STATUSES = (DossierStatus.INTAKE, DossierStatus.ACTIVE)


@dataclass(frozen=True)
class Selection:
    """One municipality's dossiers registered (aangemeld) in a period, both ends inclusive."""

    municipality: Municipality
    start: dt.date | None = None
    end: dt.date | None = None

    def dossier_q(self, prefix: str = "") -> Q:
        q = Q(**{f"{prefix}municipality_id": self.municipality.pk})
        if self.start:
            q &= Q(**{f"{prefix}registered_on__gte": self.start})
        if self.end:
            q &= Q(**{f"{prefix}registered_on__lte": self.end})
        return q

    def dossiers(self) -> QuerySet[Dossier]:
        return Dossier.objects.filter(self.dossier_q()).order_by("pk")


Rows = Callable[["Selection", Pseudonymiser], Iterable[Row]]


def by_pseudonym(rows: Rows) -> Rows:
    """The table's rows in the order of their first column, a pseudonym; rows with the same
    pseudonym (none in practice) keep the database's order. Memory stays bounded by `SORT_RUN`
    rows: a larger table is sorted in runs spilled to temporary files and merged. The files are
    unnamed on Linux (`tempfile.TemporaryFile`, O_TMPFILE), so even a killed export leaves none
    behind; they hold pseudonymised rows only and are read back by this process alone."""

    @wraps(rows)
    def ordered(sel: Selection, pseudo: Pseudonymiser) -> Iterator[Row]:
        first = itemgetter(0)
        with ExitStack() as files:
            runs: list[Iterator[Row]] = []
            batch: list[Row] = []
            for row in rows(sel, pseudo):
                batch.append(row)
                if len(batch) >= SORT_RUN:
                    batch.sort(key=first)
                    handle = files.enter_context(tempfile.TemporaryFile(prefix="vivera-ggm-"))
                    runs.append(_spill(batch, handle))
                    batch = []
            batch.sort(key=first)
            yield from heapq.merge(*runs, batch, key=first) if runs else batch

    return ordered


def _spill(rows: list[Row], handle: IO[bytes]) -> Iterator[Row]:
    """Write sorted rows to `handle`; returns them read back, lazily."""
    for start in range(0, len(rows), CHUNK):
        pickle.dump(rows[start : start + CHUNK], handle, protocol=pickle.HIGHEST_PROTOCOL)
    handle.seek(0)

    def read() -> Iterator[Row]:
        while True:
            try:
                yield from pickle.load(handle)  # written by this process just before
            except EOFError:
                return

    return read()


def _rows(queryset: QuerySet, *fields: str) -> Iterator[tuple]:
    return queryset.values_list(*fields).iterator(chunk_size=CHUNK)


def _remembered(pseudo: Pseudonymiser, kind: str) -> Callable[[int], int]:
    """The pseudonym of a record many rows point at (a client, a dossier), computed once."""
    known: dict[int, int] = {}

    def get(pk: int) -> int:
        if pk not in known:
            known[pk] = pseudo(kind, pk)
        return known[pk]

    return get


def leefgebied(sel: Selection, pseudo: Pseudonymiser) -> Iterator[Row]:
    yield from _rows(LifeDomain.objects.filter(in_zrm=True).order_by("pk"), "pk", "name")


def scoresoort(sel: Selection, pseudo: Pseudonymiser) -> Iterator[Row]:
    yield from LEVELS.items()


def zelfredzaamheidmatrix(sel: Selection, pseudo: Pseudonymiser) -> Iterator[Row]:
    yield ZRM_MATRIX


def matrix_leefgebied(sel: Selection, pseudo: Pseudonymiser) -> Iterator[Row]:
    for (pk,) in _rows(LifeDomain.objects.filter(in_zrm=True).order_by("pk"), "pk"):
        yield pk, ZRM_MATRIX_ID, pk


def matrix_scoresoort(sel: Selection, pseudo: Pseudonymiser) -> Iterator[Row]:
    for level in LEVELS:
        yield int(level), ZRM_MATRIX_ID, int(level)


def dossiersoort(sel: Selection, pseudo: Pseudonymiser) -> Iterator[Row]:
    yield from DOSSIER_KINDS.values()


def behandelsoort(sel: Selection, pseudo: Pseudonymiser) -> Iterator[Row]:
    # A question (Behandeling) is typed by its life domain; every domain, not only the ZRM's.
    for pk, name in _rows(LifeDomain.objects.order_by("pk"), "pk", "name"):
        yield pk, name, f"Vraag op leefgebied {name}"


def bijzonderheidsoort(sel: Selection, pseudo: Pseudonymiser) -> Iterator[Row]:
    for pk, _field, name, description in NETWORK_FACTS:
        yield pk, name, description
    for pk, name in _rows(Referrer.objects.order_by("pk"), "pk", "name"):
        yield REFERRER_OFFSET + pk, f"Verwijzer: {name}"[:80], f"Aangemeld via: {name}"


def client(sel: Selection, pseudo: Pseudonymiser) -> Iterator[Row]:
    for (pk,) in _rows(_clients(sel), "pk"):
        yield pseudo("client", pk), None, None, None, None


def vivera_client(sel: Selection, pseudo: Pseudonymiser) -> Iterator[Row]:
    # Birth year instead of birth date; the CBS code of the neighbourhood instead of postcode and
    # house number.
    for pk, birth_date, area in _rows(_clients(sel), "pk", "birth_date", "neighbourhood__cbs_code"):
        yield pseudo("client", pk), birth_date.year if birth_date else None, area


def _clients(sel: Selection) -> QuerySet:
    return Client.objects.filter(
        pk__in=Dossier.objects.filter(sel.dossier_q()).values("client_id")
    ).order_by("pk")


def clientbegeleider(sel: Selection, pseudo: Pseudonymiser) -> Iterator[Row]:
    # The case director is a professional: a pseudonym only, no name or user code.
    directors = (
        Dossier.objects.filter(sel.dossier_q(), case_director__isnull=False)
        .order_by("case_director_id")
        .values_list("case_director_id", flat=True)
        .distinct()
    )
    for pk in directors.iterator(chunk_size=CHUNK):
        yield pseudo("clientbegeleider", pk), None


def caseaanmelding(sel: Selection, pseudo: Pseudonymiser) -> Iterator[Row]:
    for pk, registered_on in _rows(sel.dossiers(), "pk", "registered_on"):
        yield pseudo("caseaanmelding", pk), registered_on


def sociaalteamdossier(sel: Selection, pseudo: Pseudonymiser) -> Iterator[Row]:
    first_care = (
        DossierStatusChange.objects.filter(dossier=OuterRef("pk"), to_status__in=CARE_STATUSES)
        .order_by("date")
        .values("date")[:1]
    )
    dossiers = sel.dossiers().annotate(care_started=Subquery(first_care))
    client_id_of = _remembered(pseudo, "client")
    for pk, closed_on, started, director, client_id, complexity, status in _rows(
        dossiers,
        "pk",
        "closed_on",
        "care_started",
        "case_director_id",
        "client_id",
        "complexity",
        "status",
    ):
        yield (
            pseudo("sociaalteamdossier", pk),
            closed_on,
            started,
            None,
            pseudo("caseaanmelding", pk),
            pseudo("clientbegeleider", director) if director else None,
            client_id_of(client_id),
            DOSSIER_KINDS[complexity][0],
            None,
            STATUS[status],
        )


def vivera_sociaalteamdossier(sel: Selection, pseudo: Pseudonymiser) -> Iterator[Row]:
    for pk, team in _rows(sel.dossiers(), "pk", "team__name"):
        yield pseudo("sociaalteamdossier", pk), team


def behandeling(sel: Selection, pseudo: Pseudonymiser) -> Iterator[Row]:
    # A question (Vraag) is a Behandeling: GGM's "set of interventions to reach treatment goals",
    # with a start and an end. Its description is free text and is never exported.
    dossier_id_of = _remembered(pseudo, "sociaalteamdossier")
    for pk, opened_on, closed_on, dossier_id, domain_id in _rows(
        _questions(sel),
        "pk",
        "opened_on",
        "closed_on",
        "dossier_id",
        "domain_id",
    ):
        yield (
            pseudo("behandeling", pk),
            closed_on,
            opened_on,
            dossier_id_of(dossier_id),
            domain_id,
            None,
        )


def vivera_behandeling(sel: Selection, pseudo: Pseudonymiser) -> Iterator[Row]:
    for pk, outcome, kind in _rows(_questions(sel), "pk", "outcome__code", "outcome__kind"):
        yield pseudo("behandeling", pk), outcome, kind


def _questions(sel: Selection) -> QuerySet[Question]:
    return Question.objects.filter(sel.dossier_q("dossier__")).order_by("pk")


def bijzonderheid(sel: Selection, pseudo: Pseudonymiser) -> Iterator[Row]:
    fields = [field for _pk, field, _name, _description in NETWORK_FACTS]
    for pk, referrer_id, *facts in _rows(sel.dossiers(), "pk", "referrer_id", *fields):
        dossier = pseudo("sociaalteamdossier", pk)
        kinds = [REFERRER_OFFSET + referrer_id]
        kinds += [
            kind for (kind, *_rest), present in zip(NETWORK_FACTS, facts, strict=True) if present
        ]
        for kind in kinds:
            yield pseudo("bijzonderheid", f"{pk}:{kind}"), dossier, kind, None


def _scores(sel: Selection) -> QuerySet[ZrmScore]:
    return ZrmScore.objects.filter(sel.dossier_q("assessment__dossier__")).order_by("pk")


def score(sel: Selection, pseudo: Pseudonymiser) -> Iterator[Row]:
    client_id_of = _remembered(pseudo, "client")
    for pk, assessed_on, client_id, level, domain_id in _rows(
        _scores(sel),
        "pk",
        "assessment__assessed_on",
        "assessment__dossier__client_id",
        "score",
        "domain_id",
    ):
        yield pseudo("score", pk), assessed_on, client_id_of(client_id), level, domain_id


def vivera_score(sel: Selection, pseudo: Pseudonymiser) -> Iterator[Row]:
    dossier_id_of = _remembered(pseudo, "sociaalteamdossier")
    for pk, dossier_id, moment in _rows(
        _scores(sel), "pk", "assessment__dossier_id", "assessment__moment"
    ):
        yield pseudo("score", pk), dossier_id_of(dossier_id), MOMENTS[moment]


ROWS: dict[schema.Table, Rows] = {
    schema.LEEFGEBIED: leefgebied,
    schema.SCORESOORT: scoresoort,
    schema.ZELFREDZAAMHEIDMATRIX: zelfredzaamheidmatrix,
    schema.KP_ZLFRDZMHDMTRX_LFGBD: matrix_leefgebied,
    schema.KP_ZLFRDZMHDMTRX_SCRSRT: matrix_scoresoort,
    schema.SOCIAALTEAMDOSSIERSOORT: dossiersoort,
    schema.BEHANDELSOORT: behandelsoort,
    schema.BIJZONDERHEIDSOORT: bijzonderheidsoort,
    # Records about people: by pseudonym (see the module docstring).
    schema.CLIENT: by_pseudonym(client),
    schema.CLIENTBEGELEIDER: by_pseudonym(clientbegeleider),
    schema.CASEAANMELDING: by_pseudonym(caseaanmelding),
    schema.SOCIAALTEAMDOSSIER: by_pseudonym(sociaalteamdossier),
    schema.BEHANDELING: by_pseudonym(behandeling),
    schema.BIJZONDERHEID: by_pseudonym(bijzonderheid),
    schema.SCORE: by_pseudonym(score),
    schema.VIVERA_CLIENT: by_pseudonym(vivera_client),
    schema.VIVERA_SOCIAALTEAMDOSSIER: by_pseudonym(vivera_sociaalteamdossier),
    schema.VIVERA_BEHANDELING: by_pseudonym(vivera_behandeling),
    schema.VIVERA_SCORE: by_pseudonym(vivera_score),
}
# The tables written in pseudonym order (their first column is a pseudonym).
BY_PSEUDONYM = frozenset(table for table, rows in ROWS.items() if hasattr(rows, "__wrapped__"))
