"""Granting and revoking research grants, and building a grant's extract.

The extract is one ZIP: a CSV per table (`codebook.TABLES`), `codebook.csv` describing every
column and code, and `metadata.json` (the grant, the period, the row counts, the
pseudonymisation and the suppression). It is built completely, into a file that is not yet sent
or named, before anything is sent, saved under its name or logged as produced.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import sys
import time
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from vivera.accounts.models import Role
from vivera.audit.models import Action, Result
from vivera.audit.services import log_access
from vivera.core.files import atomic_output
from vivera.core.spreadsheets import spreadsheet_row
from vivera.ggm.pseudonyms import Pseudonymiser
from vivera.organisation.models import Team
from vivera.registration.services import field_error

from . import codebook
from .models import OBJECT_TYPE, ResearchGrant
from .selectors import ROWS, Extract, Scope, Suppression

if TYPE_CHECKING:
    from vivera.accounts.models import User

CODEBOOK = "codebook.csv"
METADATA = "metadata.json"
# Tests only: the extract stops after writing this table and waits to be killed (see
# tests/test_command.py). Never honoured in production.
PAUSE_AFTER = "VIVERA_TEST_RESEARCH_PAUSE_AFTER"
METHOD = (
    "HMAC-SHA256 over '<kind>:<internal id>', the first 63 bits as a whole number, under "
    "a key of this grant's own (HMAC-SHA256 of a random salt per grant under the "
    "installation's VIVERA_PSEUDONYM_KEY)"
)


class GrantInactive(Exception):
    """The grant exists and is the user's, but has expired or was revoked."""

    def __init__(self, grant: ResearchGrant) -> None:
        super().__init__(grant.state())
        self.grant = grant


# --- Granting and revoking ---------------------------------------------------------------------


@transaction.atomic
def grant_create(
    *,
    user: User,
    researcher: User,
    purpose: str,
    legal_basis: str,
    teams: Iterable[Team],
    period_start: dt.date,
    period_end: dt.date,
    valid_until: dt.date,
    request: HttpRequest | None = None,
) -> ResearchGrant:
    """An administrator grants a researcher of its own municipality an extract."""
    municipality_id = user.municipality_id
    if user.role != Role.ADMIN or municipality_id is None:
        raise ValidationError(
            _("Only a functional administrator grants research extracts."), code="not_admin"
        )
    if (
        researcher.role != Role.RESEARCHER
        or not researcher.is_active
        or researcher.municipality_id != municipality_id
    ):
        raise field_error(
            "researcher", _("Choose an active researcher of your own municipality."), "invalid"
        )
    teams = list(teams)
    if any(team.municipality_id != municipality_id for team in teams):
        raise field_error("teams", _("Choose teams of your own municipality."), "invalid")
    if period_end < period_start:
        raise field_error("period_end", _("The end date lies before the start date."), "date_order")
    if valid_until < timezone.localdate():
        raise field_error("valid_until", _("The grant would already have expired."), "past")
    grant = ResearchGrant(
        municipality_id=municipality_id,
        researcher=researcher,
        purpose=purpose.strip(),
        legal_basis=legal_basis.strip(),
        period_start=period_start,
        period_end=period_end,
        valid_until=valid_until,
        granted_by=user,
    )
    grant.full_clean()
    grant.save()
    grant.teams.set(teams)
    log_access(
        user=user,
        action=Action.CREATE,
        object_type=OBJECT_TYPE,
        object_id=grant.pk,
        request=request,
        detail=_grant_detail(grant, teams),
    )
    return grant


@transaction.atomic
def grant_revoke(
    *, user: User, grant: ResearchGrant, request: HttpRequest | None = None
) -> ResearchGrant:
    """Revoke a grant: from now on its extract is refused. Already downloaded extracts are out
    of Vivera's reach; the researcher's agreement governs them."""
    grant = ResearchGrant.objects.select_for_update().get(pk=grant.pk)
    if user.role != Role.ADMIN or grant.municipality_id != user.municipality_id:
        raise ValidationError(
            _("Only a functional administrator of the municipality revokes a grant."),
            code="not_admin",
        )
    if grant.revoked_at is not None:
        raise ValidationError(_("This grant was already revoked."), code="already_revoked")
    grant.revoked_at = timezone.now()
    grant.revoked_by = user
    grant.save(update_fields=["revoked_at", "revoked_by"])
    log_access(
        user=user,
        action=Action.UPDATE,
        object_type=OBJECT_TYPE,
        object_id=grant.pk,
        request=request,
        detail={"revoked": True, "researcher": grant.researcher.get_username()},
    )
    return grant


def _grant_detail(grant: ResearchGrant, teams: list[Team]) -> dict[str, Any]:
    return {
        "researcher": grant.researcher.get_username(),
        "legal_basis": grant.legal_basis,
        "teams": sorted(team.name for team in teams),
        "from": grant.period_start.isoformat(),
        "to": grant.period_end.isoformat(),
        "valid_until": grant.valid_until.isoformat(),
    }


def log_refused_extract(
    *,
    user: User | None,
    grant_id: object,
    reason: str,
    request: HttpRequest | None = None,
    municipality_id: int | None = None,
) -> None:
    log_access(
        user=user,
        action=Action.EXPORT,
        object_type=OBJECT_TYPE,
        object_id=grant_id,
        request=request,
        result=Result.REFUSED,
        detail={"reason": reason},
        municipality_id=municipality_id,
    )


# --- The extract -------------------------------------------------------------------------------


@dataclass
class ExtractResult:
    grant: ResearchGrant
    generated_at: dt.datetime
    rows: dict[str, int] = field(default_factory=dict)
    suppressed: dict[str, int] = field(default_factory=dict)

    def detail(self) -> dict[str, Any]:
        """For the access log: the grant, the row counts, no pseudonyms."""
        return {"grant": self.grant.pk, "rows": self.rows, "suppressed": self.suppressed}


def _metadata(result: ExtractResult, scope: Scope, suppression: Suppression) -> dict[str, Any]:
    grant = result.grant
    return {
        "format": "Vivera research extract 1",
        "grant": {
            "id": grant.pk,
            "purpose": grant.purpose,
            "legal_basis": grant.legal_basis,
            "granted_at": timezone.localtime(grant.granted_at).isoformat(timespec="seconds"),
            "valid_until": grant.valid_until.isoformat(),
        },
        "municipality": {"cbs_code": grant.municipality.cbs_code, "name": grant.municipality.name},
        "teams": {
            "all": scope.team_ids is None,
            "names": sorted(
                Team.objects.filter(
                    Q(municipality_id=scope.municipality_id) & scope.team_q("pk")
                ).values_list("name", flat=True)
            ),
        },
        "period": {
            "selects": "dossiers by registration date, inclusive, with everything recorded in "
            "them; short contacts, outreach and capacity interventions by their "
            "date; team places that overlap the period",
            "from": scope.start.isoformat(),
            "to": scope.end.isoformat(),
        },
        "generated_at": timezone.localtime(result.generated_at).isoformat(timespec="seconds"),
        "tables": [
            {"file": table.filename, "rows": result.rows[table.name], "columns": list(table.header)}
            for table in codebook.TABLES
        ],
        "codebook": CODEBOOK,
        "pseudonymisation": {
            "method": METHOD,
            "order": "person tables are ordered by their first pseudonym",
        },
        "suppression": {
            "k": suppression.k,
            "quasi_identifiers": ["dossiers.team", "dossiers.neighbourhood", "dossiers.age_band"],
            "marker": codebook.SUPPRESSED,
            "dossiers_with_suppressed_value": result.suppressed,
        },
        "csv": {
            "encoding": "UTF-8",
            "delimiter": ",",
            "decimal": ".",
            "header": True,
            "dates": "YYYY-MM-DD",
            "booleans": "1 / 0",
            "empty": "not recorded (or not applicable)",
            "formulas": "a text starting with = + - @ (or tab, CR) has a ' in front",
        },
    }


def _codebook_rows(municipality_id: int) -> Iterable[tuple[str, ...]]:
    yield ("table", "column", "type", "meaning", "values")
    for table in codebook.TABLES:
        for column in table.columns:
            values = column.values(municipality_id) if column.values else []
            yield (
                table.filename,
                column.name,
                column.type,
                column.meaning,
                "; ".join(f"{code} = {label}" for code, label in values),
            )


def _csv_member(
    archive: zipfile.ZipFile, name: str, stamp: tuple[int, ...], rows: Iterable[Iterable[object]]
) -> int:
    """Write one CSV into the archive; returns the number of rows after the header."""
    info = zipfile.ZipInfo(name, date_time=stamp)  # type: ignore[arg-type]
    info.compress_type = zipfile.ZIP_DEFLATED
    count = -1
    with archive.open(info, "w", force_zip64=True) as member:
        text = io.TextIOWrapper(member, encoding="utf-8", newline="")
        writer = csv.writer(text, lineterminator="\r\n")
        for row in rows:
            # The extract keeps its own dialect (comma, decimal point: for R, SPSS, Stata and
            # Python); its text cannot run as a formula when a researcher opens it in Excel.
            writer.writerow(spreadsheet_row(row))
            count += 1
        text.flush()
        text.detach()
    return count


def _pause_for_tests(table: codebook.Table) -> None:
    if os.environ.get(PAUSE_AFTER) == table.name and not settings.PRODUCTION:
        sys.stderr.write(f"paused after {table.name}\n")
        sys.stderr.flush()
        time.sleep(120)


def _write_zip(out: IO[bytes], result: ExtractResult) -> None:
    grant = result.grant
    scope = Scope.of(grant)
    suppression = Suppression.for_scope(scope)
    extract = Extract(scope, Pseudonymiser(grant.pseudonym_key()), suppression)
    stamp = timezone.localtime(result.generated_at).timetuple()[:6]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in codebook.TABLES:
            result.rows[table.name] = _csv_member(
                archive, table.filename, stamp, [table.header, *ROWS[table](extract)]
            )
            _pause_for_tests(table)
        _csv_member(archive, CODEBOOK, stamp, _codebook_rows(grant.municipality_id))
        result.suppressed = dict(suppression.counts)
        metadata = json.dumps(
            _metadata(result, scope, suppression), ensure_ascii=False, indent=2, default=str
        )
        archive.writestr(
            zipfile.ZipInfo(METADATA, date_time=stamp),
            metadata,
            compress_type=zipfile.ZIP_DEFLATED,
        )


def _build(out: IO[bytes], grant: ResearchGrant) -> ExtractResult:
    result = ExtractResult(grant, timezone.now())
    own_transaction = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and own_transaction:
            # Every table from the same snapshot, so the pseudonyms agree between the tables
            # even while the teams keep registering.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        _write_zip(out, result)
    return result


def _log(
    result: ExtractResult, *, user: User | None, request: HttpRequest | None, via: str
) -> None:
    log_access(
        user=user,
        action=Action.EXPORT,
        object_type=OBJECT_TYPE,
        object_id=result.grant.pk,
        request=request,
        municipality_id=result.grant.municipality_id,
        detail={**result.detail(), "via": via},
    )


def extract_write(
    *, out: IO[bytes], grant: ResearchGrant, user: User, request: HttpRequest | None = None
) -> ExtractResult:
    """The researcher's download: the whole extract into `out` (a temporary file the page
    sends only afterwards), then the access-log line. The caller checked the grant
    (`access.get_grant_for_download`)."""
    result = _build(out, grant)
    _log(result, user=user, request=request, via="page")
    return result


def extract_save(*, path: Path, grant: ResearchGrant, via: str = "command") -> ExtractResult:
    """The extract as a file at `path`, all or nothing (`core.files.atomic_output`), for an
    operator who delivers it to the researcher another way. An inactive grant is refused."""
    if not grant.is_active():
        log_refused_extract(
            user=None,
            grant_id=grant.pk,
            reason=grant.state().value,
            municipality_id=grant.municipality_id,
        )
        raise GrantInactive(grant)
    with atomic_output(path) as out:
        result = _build(out, grant)
    _log(result, user=None, request=None, via=via)
    return result
