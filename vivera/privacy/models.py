"""A person's request to see what Vivera holds about them (AVG art. 15, *inzageverzoek*).

The request is recorded by the functional administrator; every export made for it is a line in
the access log (action `export`, object the client or the carer). The person is a client or an
informal carer of the carers' register, never both; after retention deleted or anonymised the
person, neither. `produced_at` is the first export: the
moment the municipality could answer, which AVG art. 12(3) wants within a month.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vivera.carers.models import Carer
from vivera.organisation.models import Municipality
from vivera.registration.models import Client


def one_month_after(day: dt.date) -> dt.date:
    """The same day a month later, or the month's last day (31 January → 28/29 February)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


class AccessRequest(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    # The record of an answered request outlives the client (retention may delete the client
    # later): it then says only that a request with this reference was received and answered.
    client = models.ForeignKey(
        Client,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="access_requests",
        verbose_name=_("client"),
    )
    # Or an informal carer of the register (docs/carers.md): the same right, the same deadline.
    carer = models.ForeignKey(
        Carer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="access_requests",
        verbose_name=_("informal carer"),
    )
    received_on = models.DateField(_("received on"))
    reference = models.CharField(
        _("reference"),
        max_length=50,
        help_text=_(
            "The municipality's reference (kenmerk) of the "
            "request, for example from the document system."
        ),
    )
    note = models.TextField(
        _("note"),
        blank=True,
        max_length=1000,
        help_text=_(
            "For example how the request came in and how the "
            "person's identity was checked. The person reads this "
            "too, in the next export."
        ),
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handled by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    produced_at = models.DateTimeField(_("first export made at"), null=True, blank=True)

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "reference"], name="access_request_unique_reference"
            ),
            models.CheckConstraint(
                condition=Q(client__isnull=True) | Q(carer__isnull=True),
                name="access_request_one_person",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def person(self) -> Client | Carer | None:
        return self.client or self.carer

    @property
    def answer_by(self) -> dt.date:
        """AVG art. 12(3): within one month of receipt (extendable by two months, with reasons)."""
        return one_month_after(self.received_on)
