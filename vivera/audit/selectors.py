"""Reads on the access log. A functional administrator only ever sees its own municipality."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db.models import QuerySet
from django.utils import timezone

from . import chain
from .models import AccessLogEntry


@dataclass(frozen=True)
class AccessLogFilters:
    username: str = ""
    client_id: int | None = None
    action: str = ""
    result: str = ""
    object_type: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive

    def as_detail(self) -> dict[str, str | int]:
        """The filters that were set, for the export's own log line."""
        return {
            name: value.isoformat() if isinstance(value, dt.date) else value
            for name, value in asdict(self).items()
            if value not in ("", None)
        }


def _start_of(day: dt.date) -> dt.datetime:
    # Whole days in the local time zone, as bounds on the indexed timestamp column.
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def access_log_for_municipality(
    *, municipality_id: int, filters: AccessLogFilters | None = None
) -> QuerySet[AccessLogEntry]:
    """The municipality's log lines, newest first, narrowed by `filters`."""
    filters = filters or AccessLogFilters()
    entries = AccessLogEntry.objects.filter(municipality_id=municipality_id)
    if filters.username:
        entries = entries.filter(username__icontains=filters.username)
    if filters.client_id is not None:
        entries = entries.filter(client_id=filters.client_id)
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.result:
        entries = entries.filter(result=filters.result)
    if filters.object_type:
        entries = entries.filter(object_type__iexact=filters.object_type)
    if filters.date_from:
        entries = entries.filter(timestamp__gte=_start_of(filters.date_from))
    if filters.date_to:
        entries = entries.filter(timestamp__lt=_start_of(filters.date_to + dt.timedelta(days=1)))
    return entries.order_by("-timestamp", "-pk")


def access_log_verification(*, expected_head: str = "") -> chain.Verification:
    """Walk the whole chain in primary-key order and recompute every hash (one pass, a few
    thousand rows at a time). `expected_head`: a head hash recorded earlier, which must still
    occur in the chain."""
    rows = (
        AccessLogEntry.objects.order_by("pk")
        .values("id", "prev_hash", "entry_hash", *chain.CONTENT_FIELDS)
        .iterator(chunk_size=5000)
    )
    return chain.walk(rows, expected_head=expected_head.strip().lower())
