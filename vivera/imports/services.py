"""Importing legacy registration exports: check, then write everything in one transaction.

`import_run` is the one entry point for the command and the page. It checks the files
(`validation.validate`) and, depending on the mode:

- `check`: writes nothing but the ImportRun line;
- `all`: writes everything when every row is valid, otherwise nothing;
- `valid_only`: writes the valid rows (rows that depend on an invalid row are invalid too) and
  reports the rest.

Why it bypasses `vivera.registration.services` (as the demo generator does): those services
record what a user does *now*, one object at a time, each with its own access-log line and the
date checks of today's work. An import writes *history* in bulk: 100,000 rows must take seconds,
not many minutes, and the access log gets one line for the whole run, naming every client
created. The rules the services keep are kept by `validation.py` instead (dates in order and not
in the future, the life cycle of ALLOWED_STATUS_CHANGES, a case director from the intake on,
questions closed before their dossier, one open dossier per client and team, BSN 11-test and
uniqueness), and the database's constraints guard every row.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from vivera.audit.models import Action
from vivera.audit.services import log_access
from vivera.organisation.models import Municipality
from vivera.registration import signals
from vivera.registration.models import (
    Client,
    ContactMoment,
    Dossier,
    DossierStatusChange,
    Question,
    ShortContact,
)

from .models import ImportedRecord, ImportRun, Kind, Mode, Outcome
from .readers import ReadError, Table, read_bytes
from .validation import Plan, Problem, validate

if TYPE_CHECKING:
    from vivera.accounts.models import User

BATCH = 2_000  # rows per INSERT; Django lowers it where the database needs it
SUFFIXES = (".csv", ".txt", ".xlsx")


@dataclass
class ImportResult:
    run: ImportRun
    plan: Plan
    written: bool
    seconds_read: float = 0.0
    seconds_check: float = 0.0
    seconds_write: float = 0.0
    created: dict[str, int] = field(default_factory=dict)

    @property
    def problems(self) -> list[Problem]:
        return self.plan.problems


# --- Reading the files -------------------------------------------------------------------------


def read_uploads(files: Iterable[tuple[str, bytes]]) -> tuple[list[Table], list[Problem]]:
    """Tables from (file name, content) pairs; a file that cannot be read at all is a problem."""
    tables, problems = [], []
    for name, data in files:
        try:
            tables.append(read_bytes(name, data))
        except ReadError as exc:
            problems.append(Problem(name, 0, "", str(exc), "unreadable"))
    return tables, problems


def files_in(paths: Sequence[Path]) -> list[Path]:
    """The files to import: each given file, and the CSV and XLSX files directly in each given
    folder, by name."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir()
                                if p.is_file() and p.suffix.lower() in SUFFIXES))
        else:
            found.append(path)
    return found


def read_paths(paths: Sequence[Path]) -> tuple[list[Table], list[Problem]]:
    return read_uploads((p.name, p.read_bytes()) for p in files_in(paths))


# --- Checking and writing ------------------------------------------------------------------


def import_run(
    *, user: User, municipality: Municipality, tables: Sequence[Table], mode: str,
    read_problems: Sequence[Problem] = (), request: HttpRequest | None = None,
    run: ImportRun | None = None,
) -> ImportResult:
    """Check the tables and, by `mode` (see the module docstring), write them. All or nothing:
    an error half-way leaves the database as it was (only the ImportRun line of a refused
    import remains)."""
    with transaction.atomic():
        # One import per municipality at a time (PostgreSQL; SQLite writes one at a time anyway).
        Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
        started = time.perf_counter()
        plan = validate(municipality=municipality, tables=tables)
        plan.problems[:0] = read_problems
        for problem in read_problems:
            plan.files.append({"name": problem.file, "kind": "", "rows": 0})
        checked = time.perf_counter()
        run = run or ImportRun(municipality=municipality, user=user)
        run.mode, run.files, run.problems = mode, plan.files, len(plan.problems)
        run.counts = {kind: vars(count) for kind, count in plan.counts.items()}
        write = mode == Mode.VALID_ONLY or (mode == Mode.ALL and plan.is_valid)
        if not write:
            run.outcome = Outcome.VALID if plan.is_valid else Outcome.INVALID
        else:
            run.outcome = Outcome.IMPORTED
        run.finished_at = timezone.now()
        run.save()
        result = ImportResult(run=run, plan=plan, written=write,
                              seconds_check=checked - started)
        if write:
            result.created, client_ids = _write(plan, run=run, user=user,
                                                municipality=municipality)
            result.seconds_write = time.perf_counter() - checked
            signals.changed.send(sender=ImportRun, municipality_id=municipality.pk)
            log_access(user=user, action=Action.CREATE, object_type="import",
                       object_id=run.pk, request=request,
                       detail={"mode": mode, "created": result.created,
                               "already_imported": {k: c.already
                                                    for k, c in plan.counts.items()},
                               "invalid": {k: c.invalid for k, c in plan.counts.items()},
                               "client_ids": client_ids})
    return result


def _insert[M](model: type[M], objects: list[M]) -> list[M]:
    return model.objects.bulk_create(objects, batch_size=BATCH) if objects else []  # type: ignore[attr-defined]


def _write(plan: Plan, *, run: ImportRun, user: User,
           municipality: Municipality) -> tuple[dict[str, int], list[int]]:
    """Insert the plan's rows, parents first, and the legacy keys of everything written.
    Returns the number of rows per table and the ids of the clients created."""
    m, u = municipality.pk, user.pk
    records: list[ImportedRecord] = []

    def remember(kind: str, keys: Iterable[str], objects: Iterable[Any]) -> dict[str, int]:
        ids = {}
        for key, obj in zip(keys, objects, strict=True):
            ids[key] = obj.pk
            records.append(ImportedRecord(municipality_id=m, kind=kind, external_id=key,
                                          object_id=obj.pk, run_id=run.pk))
        return ids

    clients = _insert(Client, [
        Client(municipality_id=m, first_name=c.first_name, name_prefix=c.name_prefix,
               last_name=c.last_name, birth_date=c.birth_date, bsn=c.bsn, postcode=c.postcode,
               house_number=c.house_number, neighbourhood_id=c.neighbourhood_id,
               created_by_id=u)
        for c in plan.clients])
    client_ids = {**plan.existing.get(Kind.CLIENT, {}),
                  **remember(Kind.CLIENT, (c.key for c in plan.clients), clients)}

    dossiers = []
    for d in plan.dossiers:
        _before, status, since = d.changes()[-1]
        dossiers.append(Dossier(
            municipality_id=m, team_id=d.team_id, client_id=client_ids[d.client_key],
            case_director_id=d.case_director_id, referrer_id=d.referrer_id,
            complexity=d.complexity, registered_on=d.registered, status=status,
            status_since=since, closed_on=d.closed, created_by_id=u))
    dossiers = _insert(Dossier, dossiers)
    dossier_ids = {**plan.existing.get(Kind.DOSSIER, {}),
                   **remember(Kind.DOSSIER, (d.key for d in plan.dossiers), dossiers)}
    changes = _insert(DossierStatusChange, [
        DossierStatusChange(dossier_id=obj.pk, from_status=before, to_status=status,
                            date=date, changed_by_id=u)
        for d, obj in zip(plan.dossiers, dossiers, strict=True)
        for before, status, date in d.changes()])

    questions = _insert(Question, [
        Question(dossier_id=dossier_ids[q.dossier_key], domain_id=q.domain_id,
                 opened_on=q.opened, closed_on=q.closed, outcome_id=q.outcome_id,
                 created_by_id=u)
        for q in plan.questions])
    remember(Kind.QUESTION, (q.key for q in plan.questions), questions)

    contacts = _insert(ContactMoment, [
        ContactMoment(dossier_id=dossier_ids[c.dossier_key], date=c.date, kind_id=c.kind_id,
                      with_whom=c.with_whom, core_task=c.core_task, minutes=c.minutes,
                      created_by_id=u)
        for c in plan.contacts])
    remember(Kind.CONTACT, (c.key for c in plan.contacts), contacts)
    through = ContactMoment.professionals.through
    links = _insert(through, [through(contactmoment_id=obj.pk, user_id=user_id)
                              for c, obj in zip(plan.contacts, contacts, strict=True)
                              for user_id in c.professional_ids])

    short = _insert(ShortContact, [
        ShortContact(municipality_id=m, team_id=s.team_id, date=s.date,
                     part_of_day=s.part_of_day, channel=s.channel, location_id=s.location_id,
                     domain_id=s.domain_id, result=s.result, registered_by_id=u)
        for s in plan.short_contacts])
    remember(Kind.SHORT_CONTACT, (s.key for s in plan.short_contacts), short)
    _insert(ImportedRecord, records)
    created = {Kind.CLIENT: len(clients), Kind.DOSSIER: len(dossiers),
               "status_change": len(changes), Kind.QUESTION: len(questions),
               Kind.CONTACT: len(contacts), "contact_professional": len(links),
               Kind.SHORT_CONTACT: len(short)}
    return created, [c.pk for c in clients]
