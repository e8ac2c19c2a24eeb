"""Writing a delivery of allocations (docs/provisions.md): check everything, then write all of
it or nothing.

A delivery is complete for its period (whole months): it replaces what earlier deliveries said
about those months. So importing the same files again changes nothing (and is recognised and
skipped), and a later delivery that corrects an allocation corrects the figures.

- Every line is checked first; any problem refuses the whole delivery, with every problem named.
- A line whose allocation lies wholly outside the period is passed over and counted.
- WMO301 messages may state the same allocation twice (a change is a new message with the same
  number): the newest message counts. In a CSV or XLSX export a number appears once.
- An allocation with reason for change 13 (*verwijderd*: sent by mistake) counts as never sent.
- The BSN links an allocation to the Vivera client of the municipality with that BSN; the link
  and a keyed pseudonym of the BSN are kept, the BSN is not. Of everyone else only counts are
  kept (`AllocationCount`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from vivera.accounts.models import User
from vivera.audit.models import Action, ObjectType
from vivera.audit.services import log_access
from vivera.ggm.pseudonyms import Pseudonymiser
from vivera.imports import readers
from vivera.imports.services import insert_rows
from vivera.imports.validation import Problem
from vivera.monitor.cellkey import P, record_key
from vivera.monitor.scope import month_end, month_start, months_between
from vivera.organisation.models import Municipality, PostcodeArea
from vivera.registration.models import Client

from . import reading
from .codes import ChangeReason
from .models import RECORD_KIND, Allocation, AllocationCount, Delivery, Provider, Source

REMOVED = ChangeReason.REMOVED.value


@dataclass
class DeliveryResult:
    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    lines: int = 0  # allocation lines read
    counted: int = 0  # allocations in the period, counted
    outside: int = 0  # wholly outside the period: passed over
    superseded: int = 0  # WMO301: stated again in a newer message
    removed_by_sender: int = 0  # reason for change 13
    linked: int = 0  # of Vivera clients: kept with the client
    removed: int = 0  # clients' allocations of earlier deliveries not in this one
    already: bool = False  # these files for this period were imported before
    delivery: Delivery | None = None
    checked_only: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


class Period:
    """Whole months, from the first month to the last, not beyond the current month."""

    def __init__(self, start: dt.date, end: dt.date) -> None:
        self.start, self.end = month_start(start), month_end(end)
        self.months = months_between(self.start, self.end)


def period_problems(start: dt.date, end: dt.date, today: dt.date) -> list[str]:
    problems = []
    if end < start:
        problems.append(_("The period ends before it starts."))
    if month_start(end) > month_start(today):
        problems.append(_("The period cannot go beyond the current month."))
    if len(months_between(start, end)) > 240:
        problems.append(_("A delivery covers at most 20 years."))
    return problems


def read_delivery(
    files: Sequence[tuple[str, bytes]], *, municipality: Municipality, today: dt.date
) -> tuple[reading.Reading, str]:
    """The lines of every file (spreadsheets or WMO301 messages, not both), and the source."""
    result = reading.Reading()
    messages = [reading.is_message(name, data) for name, data in files]
    if any(messages) and not all(messages):
        result.problems.append(
            Problem(
                "",
                0,
                "",
                _("A delivery is either CSV/XLSX exports or WMO301 messages, not both."),
                "mixed",
            )
        )
        return result, Source.SPREADSHEET
    if all(messages) and files:
        code = municipality.cbs_code.removeprefix("GM")
        for name, data in files:
            reading.read_message(name, data, reading=result, today=today, municipality_code=code)
        return result, Source.WMO301
    for name, data in files:
        try:
            table = readers.read_bytes(name, data, _limits())
        except readers.ReadError as exc:
            result.problems.append(Problem(name, 0, "", str(exc), exc.code))
            continue
        reading.read_table(table, reading=result, today=today)
    return result, Source.SPREADSHEET


def _limits() -> readers.Limits:
    from django.conf import settings

    configured = readers.Limits.configured()
    return readers.Limits(
        rows=settings.VIVERA_PROVISIONS_MAX_ROWS,
        megabytes=max(configured.megabytes, settings.VIVERA_PROVISIONS_MAX_MB),
        ratio=configured.ratio,
    )


def digest_of(files: Sequence[tuple[str, bytes]], start: dt.date, end: dt.date) -> str:
    whole = hashlib.sha256(f"{start:%Y-%m}/{end:%Y-%m}".encode())
    for part in sorted(hashlib.sha256(data).hexdigest() for _n, data in files):
        whole.update(part.encode())
    return whole.hexdigest()


def _newest(lines: list[reading.Line], source: str, result: DeliveryResult) -> list[reading.Line]:
    """One line per allocation number: a repeated number is an error in an export and the
    older statement in WMO301 messages."""
    by_number: dict[str, reading.Line] = {}
    for line in lines:
        earlier = by_number.get(line.number)
        if earlier is None:
            by_number[line.number] = line
        elif source == Source.SPREADSHEET:
            result.problems.append(
                Problem(
                    line.file,
                    line.line,
                    "toewijzingnummer",
                    _("This allocation number also appears in %(file)s, line %(line)d.")
                    % {"file": earlier.file, "line": earlier.line},
                    "duplicate",
                )
            )
        else:
            result.superseded += 1
            if line.order > earlier.order:
                by_number[line.number] = line
    return list(by_number.values())


def delivery_import(
    *,
    municipality: Municipality,
    files: Sequence[tuple[str, bytes]],
    start: dt.date,
    end: dt.date,
    user: User | None,
    only_check: bool = False,
    today: dt.date | None = None,
    record_in_log: bool = True,
) -> DeliveryResult:
    """Check a delivery and, without problems and unless `only_check`, write it in one
    transaction, with a line in the access log (`record_in_log=False` only for the demo's
    generated delivery, which nobody imported)."""
    today = today or timezone.localdate()
    result = DeliveryResult(files=[name for name, _d in files], checked_only=only_check)
    for message in period_problems(start, end, today):
        result.problems.append(Problem("", 0, _("period"), message, "period"))
    if not files:
        result.problems.append(Problem("", 0, "", _("Choose one or more files."), "no_files"))
    if result.problems:
        return result
    period = Period(start, end)
    digest = digest_of(files, period.start, period.end)
    if Delivery.objects.filter(municipality=municipality, digest=digest).exists():
        result.already = True
        return result
    read, source = read_delivery(files, municipality=municipality, today=today)
    result.problems += read.problems
    result.lines = len(read.lines)
    lines = _newest(read.lines, source, result)
    if result.problems:
        return result
    kept = []
    for line in lines:
        if line.change_reason == REMOVED:
            result.removed_by_sender += 1
        elif line.start > period.end or (line.end is not None and line.end < period.start):
            result.outside += 1
        else:
            kept.append(line)
    result.counted = len(kept)
    if only_check:
        result.linked = _count_linked(kept, municipality)
        return result
    with transaction.atomic():
        # One delivery at a time per municipality: two at once would replace the same months.
        list(Municipality.objects.select_for_update().filter(pk=municipality.pk).values("pk"))
        _write(
            result,
            kept,
            municipality=municipality,
            period=period,
            source=source,
            digest=digest,
            user=user,
            today=today,
            record_in_log=record_in_log,
        )
    return result


def _clients_by_bsn(municipality: Municipality, lines: Sequence[reading.Line]) -> dict[str, int]:
    wanted = {line.bsn for line in lines}
    return {
        bsn: pk
        for bsn, pk in Client.objects.filter(municipality=municipality)
        .exclude(bsn="")
        .values_list("bsn", "pk")
        .iterator(chunk_size=10_000)
        if bsn in wanted
    }


def _count_linked(lines: Sequence[reading.Line], municipality: Municipality) -> int:
    clients = _clients_by_bsn(municipality, lines)
    return sum(1 for line in lines if line.bsn in clients)


def _write(
    result: DeliveryResult,
    lines: list[reading.Line],
    *,
    municipality: Municipality,
    period: Period,
    source: str,
    digest: str,
    user: User | None,
    today: dt.date,
    record_in_log: bool,
) -> None:
    pseudonym = Pseudonymiser()
    delivery = Delivery.objects.create(
        municipality=municipality,
        source=source,
        files=result.files,
        digest=digest,
        period_start=period.start,
        period_end=period.end,
        imported_by=user,
    )
    result.delivery = delivery
    records = [pseudonym("allocation", f"{municipality.pk}:{line.number}") for line in lines]
    _replace_counts(delivery, lines, records, municipality=municipality, period=period, today=today)

    clients = _clients_by_bsn(municipality, lines)
    providers = _providers(lines)
    mine = [
        (line, record) for line, record in zip(lines, records, strict=True) if line.bsn in clients
    ]
    numbers = [line.number for line, _r in mine]
    overlapping = Q(municipality=municipality, start_date__lte=period.end) & (
        Q(end_date__isnull=True) | Q(end_date__gte=period.start)
    )
    before = set(Allocation.objects.filter(overlapping).values_list("number", flat=True))
    Allocation.objects.filter(overlapping).delete()
    for first in range(0, len(numbers), 1000):
        chunk = numbers[first : first + 1000]
        before.update(
            Allocation.objects.filter(municipality=municipality, number__in=chunk).values_list(
                "number", flat=True
            )
        )
        Allocation.objects.filter(municipality=municipality, number__in=chunk).delete()
    insert_rows(
        Allocation,
        [
            "municipality_id",
            "client_id",
            "person",
            "number",
            "record",
            "category",
            "product_code",
            "start_date",
            "end_date",
            "allocated_on",
            "volume",
            "unit",
            "frequency",
            "provider_id",
            "end_reason",
            "change_reason",
            "delivery_id",
        ],
        [
            (
                municipality.pk,
                clients[line.bsn],
                pseudonym("bsn", line.bsn),
                line.number,
                record,
                line.category,
                line.product_code,
                line.start,
                line.end,
                line.allocated_on,
                line.volume,
                line.unit,
                line.frequency,
                providers.get(line.provider),
                line.end_reason,
                line.change_reason,
                delivery.pk,
            )
            for line, record in mine
        ],
    )
    result.linked = len(mine)
    result.removed = len(before - set(numbers))
    delivery.lines = result.lines
    delivery.counted = result.counted
    delivery.linked = result.linked
    delivery.removed = result.removed
    delivery.save(update_fields=["lines", "counted", "linked", "removed"])
    if not record_in_log:
        return
    log_access(
        user=user,
        action=Action.CREATE,
        object_type=ObjectType.PROVISION_DELIVERY,
        object_id=delivery.pk,
        municipality_id=municipality.pk,
        detail={
            "files": result.files[:20],
            "period": f"{period.start:%Y-%m}/{period.end:%Y-%m}",
            "lines": result.lines,
            "counted": result.counted,
            "linked": result.linked,
            "removed": result.removed,
        },
    )


def _providers(lines: Sequence[reading.Line]) -> dict[str, int]:
    """The providers' ids by AGB code; new codes added, a name given by the delivery kept."""
    names: dict[str, str] = {}
    for line in lines:
        if line.provider_name or line.provider not in names:
            names[line.provider] = line.provider_name or names.get(line.provider, "")
    codes = sorted(names)
    known: dict[str, tuple[int, str]] = {}
    for first in range(0, len(codes), 1000):
        known.update(
            (code, (pk, name))
            for pk, code, name in Provider.objects.filter(
                agb_code__in=codes[first : first + 1000]
            ).values_list("pk", "agb_code", "name")
        )
    created = Provider.objects.bulk_create(
        [Provider(agb_code=code, name=names[code]) for code in codes if code not in known]
    )
    for code, (pk, name) in known.items():
        if names[code] and names[code] != name:
            Provider.objects.filter(pk=pk).update(name=names[code])
    return {code: pk for code, (pk, _n) in known.items()} | {p.agb_code: p.pk for p in created}


def _replace_counts(
    delivery: Delivery,
    lines: Sequence[reading.Line],
    records: Sequence[int],
    *,
    municipality: Municipality,
    period: Period,
    today: dt.date,
) -> None:
    """The counts of the period's months, replacing earlier deliveries' counts of them.

    An allocation runs on the last day of a month (or on `today`, in the current month) when it
    started on or before that day and did not end before it. Those days only increase, so the
    months an allocation runs are one unbroken stretch, found by bisection, and added as a
    difference: +1 at its first month, −1 after its last."""
    months = period.months
    cutoffs = [min(month_end(m), today) for m in months]
    first_month = {m: i for i, m in enumerate(months)}
    postcodes = dict(
        PostcodeArea.objects.filter(neighbourhood__municipality=municipality).values_list(
            "postcode", "neighbourhood_id"
        )
    )
    width = len(months) + 1
    running_n: dict[tuple[str, int | None], list[int]] = defaultdict(lambda: [0] * width)
    running_k: dict[tuple[str, int | None], list[int]] = defaultdict(lambda: [0] * width)
    started_n: dict[tuple[str, int | None], list[int]] = defaultdict(lambda: [0] * width)
    started_k: dict[tuple[str, int | None], list[int]] = defaultdict(lambda: [0] * width)
    area: dict[str, int | None] = {}
    for line, record in zip(lines, records, strict=True):
        if line.postcode not in area:
            area[line.postcode] = postcodes.get(line.postcode, postcodes.get(line.postcode[:4]))
        group = (line.category, area[line.postcode])
        key = record_key(record, RECORD_KIND)
        first = bisect.bisect_left(cutoffs, line.start)
        last = len(cutoffs) if line.end is None else bisect.bisect_right(cutoffs, line.end)
        if first < last:
            running_n[group][first] += 1
            running_n[group][last] -= 1
            running_k[group][first] += key
            running_k[group][last] -= key
        index = first_month.get(month_start(line.start))
        if index is not None:
            started_n[group][index] += 1
            started_k[group][index] += key
    rows = []
    for group in set(running_n) | set(started_n):
        n = k = 0
        for i, month in enumerate(months):
            n += running_n[group][i]
            k += running_k[group][i]
            s_n, s_k = started_n[group][i], started_k[group][i]
            if n or s_n:
                rows.append(
                    (
                        municipality.pk,
                        delivery.pk,
                        month,
                        group[0],
                        group[1],
                        n,
                        k % P,
                        s_n,
                        s_k % P,
                    )
                )
    AllocationCount.objects.filter(
        municipality=municipality, month__gte=period.start, month__lte=period.end
    ).delete()
    insert_rows(
        AllocationCount,
        [
            "municipality_id",
            "delivery_id",
            "month",
            "category",
            "neighbourhood_id",
            "running",
            "running_key",
            "started",
            "started_key",
        ],
        rows,
    )
