"""The GGM export: one ZIP with a CSV per GGM table and a metadata.json, and its access-log line.

`ggm_export_write` writes to any binary file (the page streams a temporary file to the browser);
`ggm_export_save` writes a file all-or-nothing (the command). Both write one `export` line to the
access log once the export is complete.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from vivera.audit.models import Action
from vivera.audit.services import log_access
from vivera.core.files import atomic_output
from vivera.core.pause import pause_point
from vivera.core.spreadsheets import spreadsheet_row
from vivera.organisation.models import Municipality

from . import pseudonyms, schema
from .selectors import ROWS, Selection

if TYPE_CHECKING:
    from vivera.accounts.models import User

METADATA = "metadata.json"


@dataclass
class ExportResult:
    municipality: Municipality
    start: dt.date | None
    end: dt.date | None
    generated_at: dt.datetime
    rows: dict[str, int] = field(default_factory=dict)

    def detail(self) -> dict[str, Any]:
        """For the access log: the period and the row counts, no pseudonyms."""
        return {
            "municipality": self.municipality.cbs_code,
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
            "rows": self.rows,
        }


def _metadata(result: ExportResult, pseudo: pseudonyms.Pseudonymiser) -> dict[str, Any]:
    return {
        "format": "Vivera GGM export 1",
        "ggm": {
            "version": schema.GGM_VERSION,
            "domain": schema.GGM_DOMAIN,
            "source": schema.SOURCE,
        },
        "municipality": {
            "cbs_code": result.municipality.cbs_code,
            "name": result.municipality.name,
        },
        "period": {
            "selects": "dossiers by registration date (CASEAANMELDING.DATUM), inclusive",
            "from": result.start.isoformat() if result.start else None,
            "to": result.end.isoformat() if result.end else None,
        },
        "generated_at": timezone.localtime(result.generated_at).isoformat(timespec="seconds"),
        "tables": [
            {
                "file": table.filename,
                "table": table.name,
                "ggm_entity": table.entity,
                "extension": table.extension,
                "columns": list(table.columns),
                "rows": result.rows[table.name],
            }
            for table in schema.TABLES
        ],
        "pseudonymisation": {"method": pseudonyms.METHOD, "key_fingerprint": pseudo.fingerprint()},
        "csv": {
            "encoding": "UTF-8",
            "delimiter": ",",
            "decimal": ".",
            "header": True,
            "dates": "YYYY-MM-DD",
            "empty": "not recorded in Vivera",
            "formulas": "a text starting with = + - @ (or tab, CR) has a ' in front",
        },
    }


def _write_zip(
    out: IO[bytes], selection: Selection, pseudo: pseudonyms.Pseudonymiser, result: ExportResult
) -> None:
    stamp = timezone.localtime(result.generated_at).timetuple()[:6]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in schema.TABLES:
            member_info = zipfile.ZipInfo(table.filename, date_time=stamp)
            member_info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(member_info, "w", force_zip64=True) as member:
                text = io.TextIOWrapper(member, encoding="utf-8", newline="")
                writer = csv.writer(text, lineterminator="\r\n")
                writer.writerow(table.columns)
                count = 0
                for row in ROWS[table](selection, pseudo):
                    # RFC 4180 for the warehouse, but a name an administrator typed cannot
                    # run as a formula when someone opens the file in Excel.
                    writer.writerow(spreadsheet_row(row))
                    count += 1
                text.flush()
                text.detach()
            result.rows[table.name] = count
            pause_point("ggm.write")  # kill tests only: the first table is written
        metadata = json.dumps(_metadata(result, pseudo), ensure_ascii=False, indent=2)
        archive.writestr(
            zipfile.ZipInfo(METADATA, date_time=stamp), metadata, compress_type=zipfile.ZIP_DEFLATED
        )


def _export(
    out: IO[bytes],
    *,
    municipality: Municipality,
    start: dt.date | None,
    end: dt.date | None,
    key: str | None,
) -> ExportResult:
    result = ExportResult(municipality, start, end, timezone.now())
    selection = Selection(municipality, start, end)
    pseudo = pseudonyms.Pseudonymiser(key)
    own_transaction = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and own_transaction:
            # Every table is read from the same snapshot, so their keys agree even while the
            # teams keep registering.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        _write_zip(out, selection, pseudo, result)
    return result


def _log(result: ExportResult, *, user: User | None, request: HttpRequest | None, via: str) -> None:
    log_access(
        user=user,
        action=Action.EXPORT,
        object_type="ggm_export",
        request=request,
        municipality_id=result.municipality.pk,
        detail={**result.detail(), "via": via},
    )


def ggm_export_write(
    *,
    out: IO[bytes],
    municipality: Municipality,
    user: User | None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    request: HttpRequest | None = None,
    key: str | None = None,
    via: str = "page",
) -> ExportResult:
    """Write the export of `municipality`'s dossiers registered from `start` up to and including
    `end` to `out`, and log it."""
    result = _export(out, municipality=municipality, start=start, end=end, key=key)
    _log(result, user=user, request=request, via=via)
    return result


def ggm_export_save(
    *,
    path: Path,
    municipality: Municipality,
    user: User | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    key: str | None = None,
    via: str = "command",
) -> ExportResult:
    """Write the export to `path`, all or nothing (`core.files.atomic_output`): the file
    appears only complete, an interrupted run leaves no half file (not even a hidden one when
    it is killed) and an old file under that name stays as it was."""
    with atomic_output(Path(path)) as out:
        result = _export(out, municipality=municipality, start=start, end=end, key=key)
    _log(result, user=user, request=None, via=via)
    return result
