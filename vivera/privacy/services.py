"""Writes for the right of access: recording a request, and making the export for it.

An export is first read in full and turned into its file(s) (`export.person_export`, which
writes nothing), then recorded in one short transaction: the request's `produced_at` (the first
time) and one `export` line in the access log. A failure or a stop anywhere before that
transaction commits leaves the database as it was, and the command's files appear only inside
it. The reading is not part of that transaction on purpose: the access log's writer holds the
log's lock from its line until the commit (a long export would hold up every other user), on
SQLite a long transaction holds off every other writer, and on PostgreSQL the log's writer must
see the latest line, which a repeatable-read snapshot of the export would hide.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vivera.audit.models import Action
from vivera.audit.services import log_access
from vivera.carers.models import Carer
from vivera.core.errors import DateRule
from vivera.registration.services import check_date, field_error

from .export import PersonExport, person_export
from .files import PendingFile
from .models import AccessRequest

if TYPE_CHECKING:
    import datetime as dt

    from vivera.accounts.models import User
    from vivera.registration.models import Client

RECEIPT_DATE_RULE = DateRule(gettext_lazy("The date of receipt"))
CONTENT_TYPES = {"pdf": "application/pdf", "json": "application/json"}
# Tests only: "<phase>:<file>" makes the command write <file> at that phase and wait there to
# be killed (tests/test_command.py). Phases: "generated" (the JSON is written, the PDF not yet),
# "recorded" (the request and the log line are written, not committed, no file published).
PAUSE = "VIVERA_INZAGE_TEST_PAUSE"


@dataclass
class Produced:
    export: PersonExport
    content: bytes
    filename: str
    content_type: str


def _duplicate_reference() -> Exception:
    return field_error(
        "reference", _("This reference is already used for another access request."), "duplicate"
    )


def access_request_create(
    *,
    user: User,
    person: Client | Carer,
    received_on: dt.date,
    reference: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> AccessRequest:
    """A client's or an informal carer's request, recorded and logged."""
    access_request = _new_request(
        user=user, person=person, received_on=received_on, reference=reference, note=note
    )
    try:
        with transaction.atomic():
            access_request.save()
            log_access(
                user=user,
                action=Action.CREATE,
                object_type="access_request",
                object_id=access_request.pk,
                client_id=access_request.client_id,
                request=request,
                detail=_about(access_request, reference=access_request.reference),
            )
    except IntegrityError:  # the same reference recorded at the same moment
        raise _duplicate_reference() from None
    return access_request


def _about(request_of: AccessRequest, /, **detail: Any) -> dict[str, Any]:
    """An access-log line's detail; a carer's request names the carer, which is how the carer's
    overview finds the line (`selectors.access_log_about_carer`)."""
    if request_of.carer_id:
        return {"carer": request_of.carer_id, **detail}
    return detail


def _new_request(
    *, user: User, person: Client | Carer, received_on: dt.date, reference: str, note: str
) -> AccessRequest:
    """A validated, unsaved request."""
    check_date(received_on, field="received_on", rule=RECEIPT_DATE_RULE)
    access_request = AccessRequest(
        municipality_id=person.municipality_id,
        client=None if isinstance(person, Carer) else person,
        carer=person if isinstance(person, Carer) else None,
        received_on=received_on,
        reference=reference.strip(),
        note=note.strip(),
        handled_by=user,
    )
    if AccessRequest.objects.filter(
        municipality_id=person.municipality_id, reference=access_request.reference
    ).exists():
        raise _duplicate_reference()
    access_request.full_clean(validate_constraints=False)
    return access_request


def export_filename(access_request: AccessRequest, fmt: str) -> str:
    return f"inzage-{get_valid_filename(access_request.reference) or access_request.pk}.{fmt}"


def access_export_make(
    *, access_request: AccessRequest, fmt: str, user: User, request: HttpRequest | None = None
) -> Produced:
    """The export for the page: the PDF or the JSON file, made now from what is held now, and
    recorded. Every download is a new export and a new line in the access log."""
    person = access_request.person
    if person is None:
        raise field_error(
            "access_request",
            _("The person of this request is no longer in Vivera: there is nothing to export."),
            "gone",
        )
    with translation.override(settings.LANGUAGE_CODE):  # the resident's language
        export = person_export(person=person, access_request=access_request, made_by=user)
        content = export.to_pdf() if fmt == "pdf" else export.to_json()
    with transaction.atomic():
        _record(export, formats=[fmt], user=user, request=request, via="page")
    return Produced(
        export=export,
        content=content,
        filename=export_filename(access_request, fmt),
        content_type=CONTENT_TYPES[fmt],
    )


def access_export_save(
    *,
    client: Client,
    reference: str,
    user: User,
    directory: Path,
    received_on: dt.date,
    note: str = "",
    via: str = "command",
) -> tuple[PersonExport, list[Path]]:
    """The command's export: both files in `directory`, all or nothing. The request with this
    reference is used, or recorded now when there is none yet; the files get their names in the
    same transaction that records the request and the export."""
    access_request = AccessRequest.objects.filter(
        municipality_id=client.municipality_id, reference=reference.strip()
    ).first()
    if access_request is None:
        access_request = _new_request(
            user=user, person=client, received_on=received_on, reference=reference, note=note
        )
    elif access_request.client_id != client.pk:
        raise _duplicate_reference()
    targets = [directory / export_filename(access_request, fmt) for fmt in ("json", "pdf")]
    published: list[Path] = []
    with (
        PendingFile(directory) as as_json,
        PendingFile(directory) as as_pdf,
        translation.override(settings.LANGUAGE_CODE),
    ):
        export = person_export(person=client, access_request=access_request, made_by=user)
        as_json.write(export.to_json())
        _test_pause("generated")
        as_pdf.write(export.to_pdf())
        try:
            with transaction.atomic():
                _record(export, formats=["json", "pdf"], user=user, request=None, via=via)
                _test_pause("recorded")
                for pending, target in zip((as_json, as_pdf), targets, strict=True):
                    pending.publish(target)
                    published.append(target)
        except BaseException:
            for target in published:  # the commit failed after the files were named
                target.unlink(missing_ok=True)
            raise
    return export, targets


def _record(
    export: PersonExport, *, formats: list[str], user: User, request: HttpRequest | None, via: str
) -> None:
    """Inside the caller's transaction: the request (saved if new), its first export, and the
    access-log line of this one."""
    access_request = export.access_request
    if access_request.pk is None:
        access_request.save()
        log_access(
            user=user,
            action=Action.CREATE,
            object_type="access_request",
            object_id=access_request.pk,
            client_id=export.client_id,
            request=request,
            detail=_about(access_request, reference=access_request.reference, via=via),
        )
    locked = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
    if locked.produced_at is None:
        locked.produced_at = export.generated_at
        locked.save(update_fields=["produced_at"])
    access_request.produced_at = locked.produced_at
    log_access(
        user=user,
        action=Action.EXPORT,
        object_type=export.object_type,
        object_id=export.person.pk,
        client_id=export.client_id,
        request=request,
        detail=_export_detail(export, formats=formats, via=via),
    )


def _export_detail(export: PersonExport, *, formats: list[str], via: str) -> dict[str, Any]:
    """What the log says about an export: which request, which files, how many rows per part
    (no names)."""
    return _about(
        export.access_request,
        access_request=export.access_request.pk,
        reference=export.access_request.reference,
        formats=formats,
        rows=export.counts(),
        via=via,
    )


def _test_pause(phase: str) -> None:
    name, _sep, marker = os.environ.get(PAUSE, "").partition(":")
    if name == phase and marker:
        Path(marker).write_text(str(os.getpid()))
        time.sleep(120)
