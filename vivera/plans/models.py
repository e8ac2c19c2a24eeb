"""The municipality's policy activity overview as data (docs/plans.md): a plan with a period,
clusters with a goal, activities with the partner organisations responsible and a dated history
of status notes, and targets with a baseline, a target value and a direction, fed by a figure
Vivera computes or by measurements entered by hand.

Nothing is deleted: an activity that no longer goes ahead is *vervallen*, with the reason in its
note; an activity carried over to a later plan is a new activity that continues the old one
(`continues`), so both plans keep their own history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from vivera.organisation.models import Municipality, PartnerOrganisation


class Plan(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="policy_plans"
    )
    title = models.CharField(_("title"), max_length=200)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("policy plan")
        verbose_name_plural = _("policy plans")
        ordering = ["-start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="plan_period_order"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Cluster(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="clusters")
    position = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    goal = models.TextField(_("goal"), blank=True)

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="cluster_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class ActivityStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    PLANNED = "planned", _("Still to take place")
    DROPPED = "dropped", _("Dropped")
    DONE = "done", _("Completed / regular work")


class Activity(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="activities")
    position = models.PositiveSmallIntegerField(_("number"), default=0)
    description = models.TextField(_("activity"))
    partners = models.ManyToManyField(
        PartnerOrganisation, blank=True, related_name="+", verbose_name=_("responsible partners")
    )
    # Carried over from an earlier plan: its history is shown before this activity's own.
    continues = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="continued_by",
        verbose_name=_("continues"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["cluster", "position", "pk"]

    def __str__(self) -> str:
        return self.description[:80]


class NoteState(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    PROPOSED = "proposed", _("Proposed by the partner")
    RETURNED = "returned", _("Sent back")


class StatusNote(models.Model):
    """Where an activity stands on a date (*stand van zaken*): its status and a note. A policy
    advisor's note counts at once; a partner's is a proposal until a policy advisor accepts it or
    sends it back with a reason. Notes are never changed or removed: a correction is a new note."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="notes")
    date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=10, choices=ActivityStatus.choices)
    text = models.TextField(_("where it stands"))
    state = models.CharField(
        _("state"), max_length=10, choices=NoteState.choices, default=NoteState.ACCEPTED
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(auto_now_add=True)
    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason for sending back"), blank=True)

    class Meta:
        verbose_name = _("status note")
        verbose_name_plural = _("status notes")
        ordering = ["activity", "date", "written_at", "pk"]
        indexes = [models.Index(fields=["activity", "state", "date"])]


class Direction(models.TextChoices):
    UP = "up", _("Up to at least the target")
    DOWN = "down", _("Down to at most the target")
    NOT_ABOVE = "not_above", _("Not above the target")


class Target(models.Model):
    """A measurable target of a cluster's goal."""

    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="targets")
    description = models.CharField(_("target"), max_length=300)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))
    baseline_value = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2)
    target_value = models.DecimalField(_("target value"), max_digits=12, decimal_places=2)
    target_date = models.DateField(_("target date"))
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    # A figure Vivera computes (a key of `figures.FIGURES`), or empty: measurements by hand.
    figure = models.CharField(_("figure from Vivera"), max_length=80, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["cluster", "pk"]

    def __str__(self) -> str:
        return self.description


class Measurement(models.Model):
    """A value of a target measured outside Vivera (a GGD health monitor, a survey of the
    municipality), with its source and date."""

    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="measurements")
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    source = models.CharField(_("source"), max_length=200)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["target", "date", "pk"]
