"""Wmo provisions (*maatwerkvoorzieningen*) as the social service allocates them
(*toewijzingen*, iWmo), read from its deliveries (docs/provisions.md).

Privacy by design: a delivery names residents by BSN. The BSN is used once, to link an
allocation to a Vivera client of the same municipality; what is kept of that client's allocation
is an `Allocation` with the client and a keyed pseudonym of the BSN, never the BSN itself. Of
residents who are not Vivera clients nothing is kept but counts (`AllocationCount`: per month,
product category and neighbourhood), so Vivera never holds a list of the municipality's Wmo
clients.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from vivera.organisation.models import Municipality, Neighbourhood
from vivera.registration.models import Client

from .codes import Category, ChangeReason, EndReason, Frequency, Unit

# The kind of record of an allocation for the monitor's cell keys (services count the whole
# population with it, results the clients' allocations: the same allocation, the same key).
RECORD_KIND = "wmo_allocation"


class Source(models.TextChoices):
    SPREADSHEET = "spreadsheet", _("CSV or XLSX export")
    WMO301 = "wmo301", _("iWmo WMO301 messages")


class Delivery(models.Model):
    """One import: the social service's allocations, complete for a period of whole months.
    It replaces what earlier deliveries said about those months."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="provision_deliveries"
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    files = models.JSONField(_("files"), default=list)
    digest = models.CharField(max_length=64)  # SHA-256 over the files and the period
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    lines = models.PositiveIntegerField(_("allocation lines"), default=0)
    counted = models.PositiveIntegerField(_("allocations counted"), default=0)
    linked = models.PositiveIntegerField(_("allocations of Vivera clients"), default=0)
    removed = models.PositiveIntegerField(_("allocations of clients removed"), default=0)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("delivery of allocations")
        verbose_name_plural = _("deliveries of allocations")
        ordering = ["-imported_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="delivery_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_start:%m-%Y} – {self.period_end:%m-%Y}"


class Provider(models.Model):
    """A provider (*aanbieder*) by its AGB code, with the name a delivery gave it."""

    agb_code = models.CharField(_("AGB code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        ordering = ["name", "agb_code"]

    def __str__(self) -> str:
        return self.name or self.agb_code


class Allocation(models.Model):
    """An allocation of a Vivera client. Special-category data: read through
    `access.allocations_for_client` only, and logged."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="allocations", verbose_name=_("client")
    )
    person = models.BigIntegerField()  # keyed pseudonym of the BSN (ggm.pseudonyms)
    number = models.CharField(_("allocation number"), max_length=20)
    record = models.BigIntegerField()  # keyed pseudonym of the number: the cell key's record
    category = models.CharField(
        _("product category"), max_length=2, choices=Category.choices, blank=True
    )
    product_code = models.CharField(_("product code"), max_length=5, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    allocated_on = models.DateField(_("allocation date"), null=True, blank=True)
    volume = models.PositiveBigIntegerField(_("volume"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=2, choices=Unit.choices, blank=True)
    frequency = models.CharField(
        _("frequency"), max_length=1, choices=Frequency.choices, blank=True
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("provider")
    )
    end_reason = models.CharField(
        _("reason for ending"), max_length=2, choices=EndReason.choices, blank=True
    )
    change_reason = models.CharField(
        _("reason for change"), max_length=2, choices=ChangeReason.choices, blank=True
    )
    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="allocations")

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "number"], name="allocation_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="allocation_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "start_date"])]

    def __str__(self) -> str:
        return self.number


class AllocationCount(models.Model):
    """The whole population's allocations, as counts only: per month, product category and
    neighbourhood (of the postcode; none when unknown), how many were running on the month's
    last day and how many started in the month, each with the sum of its records' keys (the
    monitor's cell-key method)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="counts")
    month = models.DateField()
    category = models.CharField(max_length=2, choices=Category.choices, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    running = models.PositiveIntegerField(default=0)
    running_key = models.BigIntegerField(default=0)
    started = models.PositiveIntegerField(default=0)
    started_key = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["municipality", "month"])]
