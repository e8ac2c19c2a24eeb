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

import datetime as dt
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Field, Model
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from vivera.accounts.access import municipality_of
from vivera.audit.models import Action, Result
from vivera.audit.services import log_access
from vivera.core.pause import pause_point
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
from .readers import ReadError, Table, read_bytes, read_file
from .validation import Plan, Problem, validate

if TYPE_CHECKING:
    from vivera.accounts.models import User

BATCH = 5_000  # rows per executemany: bounds the memory of one call
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

    @property
    def refused(self) -> bool:
        """A file was refused as a whole: nothing can be imported, in any mode."""
        return any(f.get("refused") for f in self.plan.files)


# --- Reading the files -------------------------------------------------------------------------


def read_uploads(files: Iterable[tuple[str, bytes]]) -> tuple[list[Table], list[Problem]]:
    """Tables from (file name, content) pairs; a file that cannot be read at all, or is larger
    than the limits (`readers.Limits`), is a problem of the file as a whole: then nothing is
    imported (see `import_run`)."""
    tables, problems = [], []
    for name, data in files:
        try:
            tables.append(read_bytes(name, data))
        except ReadError as exc:
            problems.append(Problem(name, 0, "", str(exc), exc.code))
    return tables, problems


def files_in(paths: Sequence[Path]) -> list[Path]:
    """The files to import: each given file, and the CSV and XLSX files directly in each given
    folder, by name; not hidden files, nor the lock files Excel leaves next to an open workbook
    (`~$dossiers.xlsx`)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.iterdir()
                    if p.is_file()
                    and p.suffix.lower() in SUFFIXES
                    and not p.name.startswith(("~$", "."))
                )
            )
        else:
            found.append(path)
    return found


def read_paths(paths: Sequence[Path]) -> tuple[list[Table], list[Problem]]:
    """As `read_uploads`, from files; a file larger than the size limit is not even read."""
    tables, problems = [], []
    for path in files_in(paths):
        try:
            tables.append(read_file(path))
        except ReadError as exc:
            problems.append(Problem(path.name, 0, "", str(exc), exc.code))
    return tables, problems


# --- Uploads waiting for the administrator's "import" (the page) --------------------------------
#
# The page checks the uploaded files first and shows the report; the files wait on the server
# until the administrator imports or cancels, at most VIVERA_IMPORT_PENDING_MINUTES (60). They
# rest in a folder of their own (0700, files 0600) under VIVERA_IMPORT_DIR (default: the
# system's temporary folder), named by a random token, and are deleted after the import, on
# cancelling, or on expiry (checked on every visit of the page and by every `vivera import`).


class ImportRefused(Exception):
    """The pending run cannot be imported (not found, expired, another user's)."""


def pending_root() -> Path:
    return Path(settings.VIVERA_IMPORT_DIR or Path(tempfile.gettempdir()) / "vivera-import")


def pending_minutes() -> int:
    return settings.VIVERA_IMPORT_PENDING_MINUTES


def _store(uploads: Sequence[tuple[str, bytes]]) -> Path:
    root = pending_root()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = root / secrets.token_hex(16)
    folder.mkdir(mode=0o700)
    for name, data in uploads:
        path = folder / Path(name).name
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
    return folder


def _discard(run: ImportRun, outcome: str | None = None) -> None:
    if run.pending_dir:
        shutil.rmtree(run.pending_dir, ignore_errors=True)
    run.pending_dir = ""
    fields = ["pending_dir"]
    if outcome:
        run.outcome, run.finished_at = outcome, timezone.now()
        fields += ["outcome", "finished_at"]
    run.save(update_fields=fields)


def import_check_upload(
    *, user: User, uploads: Sequence[tuple[str, bytes]], request: HttpRequest | None = None
) -> ImportResult:
    """Check uploaded files (nothing is written); when they hold rows to import, keep them
    for `import_pending` and mark the run pending."""
    started = time.perf_counter()
    tables, unreadable = read_uploads(uploads)
    seconds_read = time.perf_counter() - started
    result = import_run(
        user=user,
        municipality=municipality_of(user),
        tables=tables,
        mode=Mode.CHECK,
        read_problems=unreadable,
        request=request,
    )
    result.seconds_read = seconds_read
    if result.plan.new_rows and not unreadable:  # a refused file: nothing can be imported
        result.run.pending_dir = str(_store(uploads))
        result.run.outcome = Outcome.PENDING
        result.run.save(update_fields=["pending_dir", "outcome"])
    return result


def pending_run_for(*, user: User, run_id: int, request: HttpRequest | None = None) -> ImportRun:
    """The user's own pending run, or ImportRefused (logged when it is someone else's)."""
    import_expire_pending()
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None or run.user_id != user.pk or run.municipality_id != user.municipality_id:
        if run is not None:
            log_access(
                user=user,
                action=Action.CREATE,
                object_type="import",
                object_id=run_id,
                request=request,
                result=Result.REFUSED,
            )
        raise ImportRefused(_("This import does not exist or is not yours."))
    if run.outcome == Outcome.PENDING and not Path(run.pending_dir or "/nonexistent").is_dir():
        _discard(run, Outcome.EXPIRED)  # removed meanwhile, e.g. by the system's tmp cleaner
    if run.outcome != Outcome.PENDING:
        raise ImportRefused(
            _(
                "This import is no longer waiting: it was imported, cancelled "
                "or has expired. Upload the files again."
            )
        )
    return run


def import_pending(
    *, user: User, run: ImportRun, mode: str, request: HttpRequest | None = None
) -> ImportResult:
    """Import the files of a pending run (checked again: the registration may have changed
    since), then delete them, whatever the outcome."""
    try:
        started = time.perf_counter()
        tables, unreadable = read_paths([Path(run.pending_dir)])
        seconds_read = time.perf_counter() - started
        result = import_run(
            user=user,
            municipality=municipality_of(user),
            tables=tables,
            mode=mode,
            read_problems=unreadable,
            request=request,
            run=run,
        )
        result.seconds_read = seconds_read
    except BaseException:
        _discard(run, Outcome.FAILED)  # rolled back: nothing was imported
        raise
    _discard(run)
    return result


def import_cancel(*, run: ImportRun) -> None:
    _discard(run, Outcome.CANCELLED)


def import_expire_pending() -> int:
    """Delete the files of runs that waited longer than VIVERA_IMPORT_PENDING_MINUTES."""
    limit = timezone.now() - dt.timedelta(minutes=pending_minutes())
    expired = list(ImportRun.objects.filter(outcome=Outcome.PENDING, started_at__lt=limit))
    for run in expired:
        _discard(run, Outcome.EXPIRED)
    return len(expired)


# --- Checking and writing ------------------------------------------------------------------


def import_run(
    *,
    user: User,
    municipality: Municipality,
    tables: Sequence[Table],
    mode: str,
    read_problems: Sequence[Problem] = (),
    request: HttpRequest | None = None,
    run: ImportRun | None = None,
) -> ImportResult:
    """Check the tables and, by `mode` (see the module docstring), write them. All or nothing:
    an error half-way leaves the database as it was (only the ImportRun line of a refused
    import remains). A file refused as a whole (`read_problems`: unreadable, or beyond the
    limits) stops every mode, "only the valid rows" too: its rows were never judged, so the
    other files' rows that refer to them cannot be either."""
    with transaction.atomic():
        # One import per municipality at a time (PostgreSQL; SQLite writes one at a time anyway).
        # NO KEY: a plain FOR UPDATE would also block every registration write that refers to
        # the municipality (its foreign-key check) until the import commits.
        Municipality.objects.select_for_update(no_key=True).filter(pk=municipality.pk).first()
        started = time.perf_counter()
        plan = validate(municipality=municipality, tables=tables)
        plan.problems[:0] = read_problems
        for problem in read_problems:
            plan.files.append(
                {"name": problem.file, "kind": "", "rows": 0, "refused": problem.code}
            )
        checked = time.perf_counter()
        run = run or ImportRun(municipality=municipality, user=user)
        run.mode, run.files, run.problems = mode, plan.files, len(plan.problems)
        run.counts = {kind: vars(count) for kind, count in plan.counts.items()}
        write = not read_problems and (
            mode == Mode.VALID_ONLY or (mode == Mode.ALL and plan.is_valid)
        )
        if not write:
            run.outcome = Outcome.VALID if plan.is_valid else Outcome.INVALID
        else:
            run.outcome = Outcome.IMPORTED
        run.finished_at = timezone.now()
        run.save()
        result = ImportResult(run=run, plan=plan, written=write, seconds_check=checked - started)
        if write:
            with _sqlite_cache():
                result.created, client_ids = _write(
                    plan, run=run, user=user, municipality=municipality
                )
            result.seconds_write = time.perf_counter() - checked
            signals.changed.send(sender=ImportRun, municipality_id=municipality.pk)
            log_access(
                user=user,
                action=Action.CREATE,
                object_type="import",
                object_id=run.pk,
                request=request,
                detail={
                    "mode": mode,
                    "created": result.created,
                    "already_imported": {k: c.already for k, c in plan.counts.items()},
                    "invalid": {k: c.invalid for k, c in plan.counts.items()},
                    "client_ids": client_ids,
                },
            )
    return result


@contextmanager
def _sqlite_cache(kib: int = 64 * 1024) -> Iterator[None]:
    """SQLite keeps 2 MB of pages in memory by default; a 100,000-row transaction then spills
    its index pages to disk and back. A larger cache for the import's writes (only) saved about
    a third of the writing time in the benchmark."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def insert_rows(
    model: type[Model],
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    ids: bool = False,
) -> list[int]:
    """INSERT `rows` (values for `columns`, by attribute name: `team_id`) into `model`'s table
    with one `executemany`, the other columns getting their defaults (`auto_now_add`: now).
    With `ids`, returns the new rows' primary keys in order.

    Why not `bulk_create`: it builds a model instance per row and prepares every value through
    its field, about four times the cost of the INSERT itself; at 100,000 rows with their keys
    and status history that alone exceeded the 10-second target. The database still checks
    every constraint. The ids are reserved first: on PostgreSQL from the table's sequence, on
    SQLite after the highest id ever given (the import holds SQLite's write lock by then). On
    PostgreSQL the rows go in with COPY.
    """
    if not rows:
        return []
    meta = model._meta
    fields = {f.attname: f for f in meta.concrete_fields}
    given = list(columns)
    now = timezone.now()
    defaults = [
        (_column(f), now if getattr(f, "auto_now_add", False) else f.get_default())
        for f in meta.concrete_fields
        if not f.primary_key and f.attname not in given
    ]
    names = [_column(fields[c]) for c in given] + [column for column, _v in defaults]
    tail = tuple(
        connection.ops.adapt_datetimefield_value(v) if isinstance(v, dt.datetime) else v
        for _c, v in defaults
    )
    new_ids: list[int] = []
    if ids:
        new_ids = _reserve_ids(model, len(rows))
        names.insert(0, _column(model._meta.pk))
        rows = [(pk, *row) for pk, row in zip(new_ids, rows, strict=True)]
    quote = connection.ops.quote_name
    table, listed = quote(meta.db_table), ", ".join(quote(n) for n in names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # psycopg's executemany sends a statement per row; COPY streams them (and checks
            # the same constraints).
            with cursor.cursor.copy(f"COPY {table} ({listed}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, *tail))
            return new_ids
        sql = f"INSERT INTO {table} ({listed}) VALUES ({', '.join(['%s'] * len(names))})"
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, [(*row, *tail) for row in rows[start : start + BATCH]])
    return new_ids


def _column(field: Field[Any, Any]) -> str:
    column = field.column
    assert column is not None  # a concrete field has one
    return column


def _reserve_ids(model: type[Model], count: int) -> list[int]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, _column(model._meta.pk), count],
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor != "sqlite":
            raise NotImplementedError("The import supports SQLite and PostgreSQL.")
        cursor.execute(
            f"SELECT MAX({connection.ops.quote_name(_column(model._meta.pk))}) "
            f"FROM {connection.ops.quote_name(table)}"
        )
        highest = cursor.fetchone()[0] or 0
        # AUTOINCREMENT never gives an id twice, not even one of a deleted row; neither do we.
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        found = cursor.fetchone()
        first = max(highest, found[0] if found else 0) + 1
    return list(range(first, first + count))


def _write(
    plan: Plan, *, run: ImportRun, user: User, municipality: Municipality
) -> tuple[dict[str, int], list[int]]:
    """Insert the plan's rows, parents first, and the legacy keys of everything written.
    Returns the number of rows per table and the ids of the clients created."""
    m, u = municipality.pk, user.pk
    records: list[tuple[Any, ...]] = []

    def remember(kind: str, keys: Iterable[str], ids: list[int]) -> dict[str, int]:
        made = dict(zip(keys, ids, strict=True))
        records.extend((m, kind, key, pk, run.pk) for key, pk in made.items())
        return made

    client_ids = insert_rows(
        Client,
        (
            "municipality_id",
            "first_name",
            "name_prefix",
            "last_name",
            "birth_date",
            "bsn",
            "postcode",
            "house_number",
            "neighbourhood_id",
            "created_by_id",
        ),
        [
            (
                m,
                c.first_name,
                c.name_prefix,
                c.last_name,
                c.birth_date,
                c.bsn,
                c.postcode,
                c.house_number,
                c.neighbourhood_id,
                u,
            )
            for c in plan.clients
        ],
        ids=True,
    )
    clients = {
        **plan.existing.get(Kind.CLIENT, {}),
        **remember(Kind.CLIENT, (c.key for c in plan.clients), client_ids),
    }

    histories = [d.changes() for d in plan.dossiers]
    dossier_ids = insert_rows(
        Dossier,
        (
            "municipality_id",
            "team_id",
            "client_id",
            "case_director_id",
            "referrer_id",
            "complexity",
            "registered_on",
            "status",
            "status_since",
            "closed_on",
            "created_by_id",
        ),
        [
            (
                m,
                d.team_id,
                clients[d.client_key],
                d.case_director_id,
                d.referrer_id,
                d.complexity,
                d.registered,
                history[-1][1],
                history[-1][2],
                d.closed,
                u,
            )
            for d, history in zip(plan.dossiers, histories, strict=True)
        ],
        ids=True,
    )
    dossiers = {
        **plan.existing.get(Kind.DOSSIER, {}),
        **remember(Kind.DOSSIER, (d.key for d in plan.dossiers), dossier_ids),
    }
    pause_point("import.write")  # kill tests only: clients and dossiers are written
    # In the order they took effect: the monitor orders a dossier's changes by date, then
    # time of entry, then id (intake and active share a date).
    changes = [
        (pk, before, status, date, u)
        for pk, history in zip(dossier_ids, histories, strict=True)
        for before, status, date in history
    ]
    insert_rows(
        DossierStatusChange,
        ("dossier_id", "from_status", "to_status", "date", "changed_by_id"),
        changes,
    )

    question_ids = insert_rows(
        Question,
        (
            "dossier_id",
            "domain_id",
            "opened_on",
            "closed_on",
            "outcome_id",
            "created_by_id",
        ),
        [
            (dossiers[q.dossier_key], q.domain_id, q.opened, q.closed, q.outcome_id, u)
            for q in plan.questions
        ],
        ids=True,
    )
    remember(Kind.QUESTION, (q.key for q in plan.questions), question_ids)

    contact_ids = insert_rows(
        ContactMoment,
        (
            "dossier_id",
            "date",
            "kind_id",
            "with_whom",
            "core_task",
            "minutes",
            "created_by_id",
        ),
        [
            (dossiers[c.dossier_key], c.date, c.kind_id, c.with_whom, c.core_task, c.minutes, u)
            for c in plan.contacts
        ],
        ids=True,
    )
    remember(Kind.CONTACT, (c.key for c in plan.contacts), contact_ids)
    links = [
        (pk, user_id)
        for c, pk in zip(plan.contacts, contact_ids, strict=True)
        for user_id in c.professional_ids
    ]
    insert_rows(ContactMoment.professionals.through, ("contactmoment_id", "user_id"), links)

    short_ids = insert_rows(
        ShortContact,
        (
            "municipality_id",
            "team_id",
            "date",
            "part_of_day",
            "channel",
            "location_id",
            "domain_id",
            "result",
            "registered_by_id",
        ),
        [
            (
                m,
                s.team_id,
                s.date,
                s.part_of_day,
                s.channel,
                s.location_id,
                s.domain_id,
                s.result,
                u,
            )
            for s in plan.short_contacts
        ],
        ids=True,
    )
    remember(Kind.SHORT_CONTACT, (s.key for s in plan.short_contacts), short_ids)
    insert_rows(
        ImportedRecord, ("municipality_id", "kind", "external_id", "object_id", "run_id"), records
    )
    created = {
        Kind.CLIENT: len(client_ids),
        Kind.DOSSIER: len(dossier_ids),
        "status_change": len(changes),
        Kind.QUESTION: len(question_ids),
        Kind.CONTACT: len(contact_ids),
        "contact_professional": len(links),
        Kind.SHORT_CONTACT: len(short_ids),
    }
    return created, client_ids
