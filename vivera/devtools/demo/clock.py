"""The moments the demo's records were written, as a user would have written them.

Most records carry, besides the day that matters (a contact's date, a dossier's registration),
the moment the row was written (`created_at`, `changed_at`, `received_at`, `recorded_at`, all
`auto_now_add`). A user of the demo sees those moments: the partner's received time on a
submission, the right-of-access export's "recorded at", the retention of a client registered
long ago. Stamped with the moment of generation they would all say "today", also on a contact
of two years ago. So the generator writes the planned moment instead: the planned day, at a time
in office hours (or in the part of day of a short contact), never later than the moment of
loading on today itself.

`planned_moments` switches `auto_now_add` off for the models named, for as long as the generator
writes; every row must then bring its own moment (a missing one fails on the NOT NULL column).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import models
from django.utils import timezone

OFFICE_START = 8 * 60 + 30  # minutes after midnight
OFFICE_MINUTES = 8 * 60  # 08:30 – 16:30
# Where in the day a short contact's part of day falls: first minute and length.
PARTS_OF_DAY = {
    "morning": (8 * 60 + 30, 210),
    "afternoon": (13 * 60, 240),
    "evening": (18 * 60 + 30, 150),
}


class Clock:
    """Stamps for a demo loaded on `today`: `now` is the moment of loading, placed on `today`
    (the real moment when today is the real date)."""

    def __init__(self, today: dt.date) -> None:
        self.zone = timezone.get_current_timezone()
        self.now = dt.datetime.combine(today, timezone.localtime().time(), tzinfo=self.zone)

    def at(self, day: dt.date, minutes: int) -> dt.datetime:
        """`day`, `minutes` after midnight (local time), but not after the moment of loading."""
        hour, minute = divmod(minutes, 60)
        moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.zone)
        return min(moment, self.now)

    def office(self, day: dt.date, n: int) -> dt.datetime:
        """A time in office hours on `day` that varies with `n` (any number: a row's index)."""
        return self.at(day, OFFICE_START + (n * 37) % OFFICE_MINUTES)

    def part_of_day(self, day: dt.date, part: str, n: int) -> dt.datetime:
        first, length = PARTS_OF_DAY.get(part, (OFFICE_START, OFFICE_MINUTES))
        return self.at(day, first + (n * 37) % length)


@contextmanager
def planned_moments(*model_classes: type[models.Model]) -> Iterator[None]:
    """While inside, `auto_now_add` does not overwrite the moments the generator sets."""
    fields = [
        f
        for model in model_classes
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now_add", False)
    ]
    for field in fields:
        field.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True  # type: ignore[attr-defined]
