"""Reads for the right of access: finding the person, what refers to them, and the requests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, models
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from vivera.audit.models import AccessLogEntry, Action, ObjectType
from vivera.carers.models import Application, Carer
from vivera.partners.models import Submission
from vivera.registration.models import (
    Client,
    ClientAccessRequest,
    ContactMoment,
    Dossier,
    Question,
    Referral,
    ZrmAssessment,
)

from .models import AccessRequest

SEARCH_LIMIT = 20


@dataclass
class Subject:
    """The person, the request the export answers, and the ids found so far per model (the
    access log and the legacy numbers are found through them)."""

    client: Client
    access_request: AccessRequest
    found: dict[type[models.Model], list[int]] = field(default_factory=dict)

    def ids(self, model: type[models.Model]) -> list[int]:
        return self.found.get(model, [])


@dataclass
class CarerSubject:
    """An informal carer of the register, the request the export answers, and the ids found so
    far per model."""

    carer: Carer
    access_request: AccessRequest
    found: dict[type[models.Model], list[int]] = field(default_factory=dict)

    def ids(self, model: type[models.Model]) -> list[int]:
        return self.found.get(model, [])


def client_search(
    *, municipality_id: int, name: str = "", birth_date: dt.date | None = None, bsn: str = ""
) -> list[Client]:
    """Clients of the municipality, whichever team helps them. The form asks for the BSN or for
    the name with the date of birth, so the administrator cannot browse."""
    clients = Client.objects.filter(municipality_id=municipality_id)
    for term in name.split():
        clients = clients.filter(
            Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(name_prefix__icontains=term)
        )
    if birth_date:
        clients = clients.filter(birth_date=birth_date)
    if bsn:
        clients = clients.filter(bsn=bsn)
    return list(
        clients.select_related("neighbourhood").order_by("last_name", "first_name")[:SEARCH_LIMIT]
    )


def carer_search(
    *, municipality_id: int, name: str = "", birth_date: dt.date | None = None
) -> list[Carer]:
    """Informal carers of the municipality's register, found by name and date of birth (the
    register holds no BSN), left ones and anonymised ones included: the request may concern a
    carer who left, and an anonymised one no longer has its name."""
    if not (name.split() and birth_date):
        return []
    carers = Carer.objects.filter(municipality_id=municipality_id, birth_date=birth_date)
    for term in name.split():
        carers = carers.filter(Q(first_name__icontains=term) | Q(last_name__icontains=term))
    return list(
        carers.select_related("neighbourhood").order_by("last_name", "first_name", "pk")[
            :SEARCH_LIMIT
        ]
    )


def submissions_about(subject: Subject) -> QuerySet[Submission]:
    """What partners sent about the person: linked to one of their dossiers, or carrying their
    BSN."""
    client = subject.client
    about = Q(dossier__client=client)
    if client.bsn:
        about |= Q(municipality_id=client.municipality_id, bsn=client.bsn)
    return Submission.objects.filter(about)


def unlinked_namesakes(*, client: Client) -> int:
    """Submissions with the person's last name and date of birth that the export does not
    include (no dossier of theirs, not their BSN): the team should check whether they are about
    this person."""
    if client.birth_date is None:
        return 0
    found = Submission.objects.filter(
        municipality_id=client.municipality_id,
        last_name__iexact=client.last_name,
        birth_date=client.birth_date,
    )
    found = found.exclude(dossier__client=client)
    if client.bsn:
        found = found.exclude(bsn=client.bsn)
    return found.count()


# Which access-log lines name a record by (object type, object id), per model.
OBJECT_TYPES = {
    Dossier: "dossier",
    Question: "question",
    ContactMoment: "contact",
    Referral: "referral",
    ZrmAssessment: "zrm",
    Submission: "submission",
    AccessRequest: "access_request",
    ClientAccessRequest: "client_access_request",
}
# Keys of a line's detail that list clients (a list page, a household, a search, an import)
# or submissions (the partner queue).
CLIENT_LISTS = ("clients", "results", "client_ids")
SUBMISSION_LISTS = ("submissions",)


def access_log_about(subject: Subject) -> QuerySet[AccessLogEntry]:
    """Every line about the person: with their client number; naming one of their records
    (also a refused attempt, which carries no client number); or a list, search or import that
    named them among others. From every municipality: a refused attempt from elsewhere is
    about them too."""
    client = subject.client
    about = Q(client_id=client.pk) | Q(object_type="client", object_id=str(client.pk))
    for model, object_type in OBJECT_TYPES.items():
        ids = subject.ids(model)
        if ids:
            about |= Q(object_type=object_type, object_id__in=[str(i) for i in ids])
    for key in CLIENT_LISTS:
        about |= _detail_list_has(key, [client.pk])
    if subject.ids(Submission):
        for key in SUBMISSION_LISTS:
            about |= _detail_list_has(key, subject.ids(Submission))
    return AccessLogEntry.objects.filter(about)


def access_log_about_carer(subject: CarerSubject) -> QuerySet[AccessLogEntry]:
    """Every line about the carer: about the carer or one of its applications, a request for
    access or a change the carer made itself (the detail names the carer), a refused attempt on
    its number, or a list, search or payout list that showed it among others."""
    carer = subject.carer
    about = (
        Q(detail__carer=carer.pk)
        | Q(object_type=ObjectType.CARER, object_id=str(carer.pk))
        | _detail_list_has("carers", [carer.pk])
    )
    applications = subject.ids(Application)
    if applications:  # an application, or a payout list that named it
        about |= Q(object_type=ObjectType.CARER_APPLICATION) & (
            Q(object_id__in=[str(pk) for pk in applications])
            | _detail_list_has("applications", applications)
        )
    return AccessLogEntry.objects.filter(about)


def _detail_list_has(key: str, ids: Iterable[int]) -> Q:
    """Lines whose detail[key] is a list holding one of `ids`. PostgreSQL's jsonb containment;
    SQLite has no `contains` on JSON, so there the list is unpacked with json_each."""
    ids = list(ids)
    if connection.vendor == "postgresql":
        q = Q()
        for pk in ids:
            q |= Q(**{f"detail__{key}__contains": [pk]})
        return q
    table = AccessLogEntry._meta.db_table
    placeholders = ", ".join(["%s"] * len(ids))
    sql = (
        f'SELECT line.id FROM "{table}" line, json_each(line.detail, %s) item '
        f"WHERE json_type(line.detail, %s) = 'array' AND item.value IN ({placeholders})"
    )
    return Q(pk__in=RawSQL(sql, [f"$.{key}", f"$.{key}", *ids]))


def requests_for(*, municipality_id: int) -> QuerySet[AccessRequest]:
    return AccessRequest.objects.filter(municipality_id=municipality_id).select_related(
        "client", "carer", "handled_by"
    )


def exports_of(*, access_request: AccessRequest) -> QuerySet[AccessLogEntry]:
    """The access-log lines of the exports made for this request, oldest first."""
    return AccessLogEntry.objects.filter(
        action=Action.EXPORT,
        object_type__in=["client", ObjectType.CARER],
        detail__access_request=access_request.pk,
    ).order_by("timestamp", "pk")
