"""The monitor's facts: counts per team, neighbourhood and month, derived from the registration.

A region holds millions of registered records; the monitor does not read them on every page.
`vivera.monitor.facts` turns each municipality's registration into these small tables (a few
hundred rows per team per year), and the indicators add them up. They hold no person: every row
is a count (or a sum) of records that share the same team, neighbourhood, month and the
dimensions of the fact. They are derived data: `facts.rebuild` deletes and writes them again from
the registration, and nothing else writes them.

`team` is the dossier's team and `neighbourhood` the client's (for short contacts: the walk-in
location's); `month` is the first day of the month the fact is dated in.

Their foreign keys have no database constraint: the facts are rebuilt from rows that exist, and
checking a constraint per inserted row at commit cost more than building them. Deleting a team,
neighbourhood or code through Django still deletes its facts (`on_delete=CASCADE`).
"""

from __future__ import annotations

from django.db import models

from vivera.organisation.models import (
    LifeDomain,
    Location,
    Municipality,
    Neighbourhood,
    Referrer,
    Team,
)


class FactState(models.Model):
    """Whether a municipality's facts still match its registration. Every write to the
    registration marks them stale; the next monitor read (or `vivera monitor_facts`) rebuilds
    them."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="monitor_facts"
    )
    stale = models.BooleanField(default=True)
    built_at = models.DateTimeField(null=True, blank=True)
    build_seconds = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.municipality} ({'stale' if self.stale else 'current'})"


class Fact(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, related_name="+", db_constraint=False
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.CASCADE, null=True, related_name="+", db_constraint=False
    )
    month = models.DateField()
    n = models.PositiveIntegerField(default=0)
    # The sum of the record keys of the n records, modulo cellkey.P (see cellkey.py): the cell
    # key of any sum of facts is the sum of their keys.
    ck = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class DossierInflow(Fact):
    """Dossiers registered in the month, by referrer and complexity."""

    referrer = models.ForeignKey(
        Referrer, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    complexity = models.CharField(max_length=20)

    class Meta(Fact.Meta):
        indexes = [models.Index(fields=["municipality", "month"], name="mon_inflow_idx")]


class QuestionInflow(Fact):
    """Questions opened in the month, by life domain."""

    domain = models.ForeignKey(
        LifeDomain, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )

    class Meta(Fact.Meta):
        indexes = [models.Index(fields=["municipality", "month"], name="mon_qinflow_idx")]


class QuestionSpan(Fact):
    """Questions opened in `month` and closed in `closed_month` (null: still open): which
    questions were open at a month end, and since when."""

    closed_month = models.DateField(null=True)

    class Meta(Fact.Meta):
        indexes = [models.Index(fields=["municipality", "month"], name="mon_qspan_idx")]


class LeadTime(Fact):
    """Questions closed in the month, by domain and days from opening to closing."""

    domain = models.ForeignKey(
        LifeDomain, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    days = models.PositiveIntegerField()

    class Meta(Fact.Meta):
        indexes = [models.Index(fields=["municipality", "month"], name="mon_lead_idx")]


class QuestionOutcome(Fact):
    """Questions closed in the month, by the kind of their outcome."""

    outcome_kind = models.CharField(max_length=20)

    class Meta(Fact.Meta):
        indexes = [models.Index(fields=["municipality", "month"], name="mon_outcome_idx")]


class StatusFlow(Fact):
    """Status spans (a status from its change until the next change) that started and that
    ended in the month. The dossiers in a status on a month end are all spans started up to
    that month minus all spans ended up to it. `n` and `ck` are not used; the key sums of the
    spans' dossiers are `started_ck` and `ended_ck`."""

    status = models.CharField(max_length=20)
    started = models.PositiveIntegerField(default=0)
    ended = models.PositiveIntegerField(default=0)
    started_ck = models.BigIntegerField(default=0)
    ended_ck = models.BigIntegerField(default=0)

    class Meta(Fact.Meta):
        indexes = [models.Index(fields=["municipality", "month"], name="mon_status_idx")]


class FirstCare(Fact):
    """Dossiers whose first day in care (intake, active or watching) fell in the month, by
    days since registration: the waiting time."""

    days = models.IntegerField()

    class Meta(Fact.Meta):
        indexes = [models.Index(fields=["municipality", "month"], name="mon_firstcare_idx")]


class ContactTime(Fact):
    """Contact moments in the month, and their minutes, by core task."""

    core_task = models.CharField(max_length=20)
    minutes = models.PositiveBigIntegerField(default=0)

    class Meta(Fact.Meta):
        indexes = [models.Index(fields=["municipality", "month"], name="mon_contact_idx")]


class Closure(Fact):
    """Dossiers closed in the month (by their closing date), by what the closed dossier
    shows: its social network facts and whether the work was integral."""

    network_mapped = models.BooleanField()
    carer_involved = models.BooleanField()
    volunteer_deployed = models.BooleanField()
    resident_contact = models.BooleanField()
    several_domains = models.BooleanField()
    several_disciplines = models.BooleanField()

    class Meta(Fact.Meta):
        indexes = [models.Index(fields=["municipality", "month"], name="mon_closure_idx")]


class ZrmChange(Fact):
    """ZRM scores of evaluations and closures assessed in the month, each against the
    dossier's first intake score on the same domain: how many, and the sums of both scores."""

    moment = models.CharField(max_length=12)
    domain = models.ForeignKey(
        LifeDomain, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    intake_total = models.PositiveIntegerField(default=0)
    later_total = models.PositiveIntegerField(default=0)
    improved = models.PositiveIntegerField(default=0)
    improved_ck = models.BigIntegerField(default=0)  # the key sum of the improved scores

    class Meta(Fact.Meta):
        indexes = [models.Index(fields=["municipality", "month"], name="mon_zrm_idx")]


class ReferralFlow(Fact):
    """Referrals registered in the month, by kind of provision."""

    provision_kind = models.CharField(max_length=20)

    class Meta(Fact.Meta):
        indexes = [models.Index(fields=["municipality", "month"], name="mon_referral_idx")]


class ShortContactDay(Fact):
    """Short contacts on one day, by location (or channel) and part of day. The neighbourhood
    is the location's."""

    day = models.DateField()
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, related_name="+", db_constraint=False
    )
    channel = models.CharField(max_length=20)
    part_of_day = models.CharField(max_length=20)

    class Meta(Fact.Meta):
        indexes = [models.Index(fields=["municipality", "month"], name="mon_short_idx")]


FACT_MODELS: list[type[Fact]] = [
    DossierInflow,
    QuestionInflow,
    QuestionSpan,
    LeadTime,
    QuestionOutcome,
    StatusFlow,
    FirstCare,
    ContactTime,
    Closure,
    ZrmChange,
    ReferralFlow,
    ShortContactDay,
]
