"""Retention: the legal holds that stop it, and one record per run of `vivera retention`.

Neither holds personal data of a client beyond its number: a hold names the client by id and
says why (the reason is the administrator's text, see the handleiding), a run lists the ids of
what it anonymised and the counts, never a name or a removed value. See docs/privacy.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vivera.organisation.models import Municipality
from vivera.registration.models import Client


class LegalHold(models.Model):
    """A juridische blokkade: while it is in force, retention leaves this client's data alone
    (an objection, a complaint, a court case, a request of the archivist). Placed and lifted by
    the functional administrator; never edited or deleted, so the history stays."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="legal_holds", verbose_name=_("client")
    )
    reason = models.TextField(_("reason"), max_length=1000)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("placed by"),
    )
    placed_at = models.DateTimeField(_("placed at"))
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("lifted by"),
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(lifted_at__isnull=True),
                name="legal_hold_one_in_force_per_client",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True, lifted_by__isnull=True)
                | Q(lifted_at__isnull=False, lifted_by__isnull=False),
                name="legal_hold_lifted_by_iff_lifted_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('client')} {self.client_id}"

    @property
    def in_force(self) -> bool:
        return self.lifted_at is None


class RetentionRun(models.Model):
    """One municipality's part of one executed `vivera retention --uitvoeren`: when, by whom
    (the operator's account, the command has no Vivera user), the terms and cut-off dates it
    used, how many records of each kind it changed, and their ids. A dry run writes nothing."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    started_via = models.CharField(_("started via"), max_length=150)
    # {"years": 15, "years_without_provision": 15, "months_without_dossier": 24,
    #  "closed_before": "2011-12-02", …}
    terms = models.JSONField(_("terms"), default=dict)
    # {"clients": 12, "dossiers": 14, "questions": 30, …}
    counts = models.JSONField(_("counts"), default=dict)
    # {"clients": [3, 8, …], "dossiers": […], "submissions": […], "households": […], …}
    record_ids = models.JSONField(_("records"), default=dict)
    # Clients that were due but under a legal hold: [{"client": 5, "hold": 2}, …]
    held = models.JSONField(_("held"), default=list)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.municipality_id}"
