"""The municipality's organisation and the code lists an administrator keeps.

Nothing here is personal data: teams, walk-in locations, neighbourhoods, partners, formation and
the code lists that registration refers to.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PartOfDay(models.TextChoices):
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")
    EVENING = "evening", _("Evening")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    cbs_code = models.CharField(
        _("CBS municipality code"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^GM\d{4}$", _("Use the CBS form GM0000."))],
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Neighbourhood(models.Model):
    """A wijk (or buurt) with its CBS code."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="neighbourhoods"
    )
    name = models.CharField(_("name"), max_length=100)
    cbs_code = models.CharField(
        _("CBS code"),
        max_length=10,
        unique=True,
        validators=[
            RegexValidator(
                r"^(WK\d{6}|BU\d{8})$", _("Use the CBS form WK000000 (wijk) or BU00000000 (buurt).")
            )
        ],
    )

    class Meta:
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")
        ordering = ["cbs_code"]

    def __str__(self) -> str:
        return self.name


class PostcodeArea(models.Model):
    """Maps a 4-digit postcode (or a full 6-character postcode) to a neighbourhood."""

    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.CASCADE, related_name="postcodes"
    )
    postcode = models.CharField(
        _("postcode"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{4}([A-Z]{2})?$", _("Use 1234 or 1234AB."))],
    )

    class Meta:
        verbose_name = _("postcode area")
        verbose_name_plural = _("postcode areas")
        ordering = ["postcode"]

    def __str__(self) -> str:
        return f"{self.postcode} → {self.neighbourhood}"


class Team(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=100)
    neighbourhoods = models.ManyToManyField(
        Neighbourhood, blank=True, related_name="teams", verbose_name=_("neighbourhoods")
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="team_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """A walk-in location (inlooppunt) where residents can drop in during consultation hours."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="locations"
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="locations",
        verbose_name=_("team"),
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("neighbourhood"),
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("walk-in location")
        verbose_name_plural = _("walk-in locations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="location_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ConsultationHour(models.Model):
    """A weekly consultation hour (spreekuur) at a location, per part of day."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="hours")
    weekday = models.IntegerField(_("weekday"), choices=Weekday.choices)
    part_of_day = models.CharField(_("part of day"), max_length=10, choices=PartOfDay.choices)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("consultation hour")
        verbose_name_plural = _("consultation hours")
        ordering = ["location", "weekday", "part_of_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="consultationhour_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.location} {self.get_weekday_display()} {self.get_part_of_day_display()}"


class PartnerKind(models.TextChoices):
    HOUSING = "housing", _("Housing corporation")
    POLICE = "police", _("Police")
    GP = "gp", _("GP practice")
    SDD = "sdd", _("Social services (SDD)")
    VEILIG_THUIS = "veilig_thuis", _("Veilig Thuis")
    MEE = "mee", _("MEE")
    ENERGY = "energy", _("Energy company")
    WATER = "water", _("Water company")
    HEALTH_INSURER = "insurer", _("Health insurer")
    WELFARE = "welfare", _("Welfare organisation")
    OTHER = "other", _("Other")


class PartnerOrganisation(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="partners"
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="partner_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


# --- Code lists -------------------------------------------------------------------------------
# Kept by the functional administrator in the admin; seeded by migrations. Each entry has a stable
# `code` (used by imports and exports) and a display name. Entries are deactivated, never deleted,
# so historical registrations keep their meaning.


class CodeListEntry(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class LifeDomain(CodeListEntry):
    """A life domain. The 13 ZRM domains are marked `in_zrm`; questions may use any domain."""

    in_zrm = models.BooleanField(_("part of the ZRM"), default=False)

    class Meta(CodeListEntry.Meta):
        verbose_name = _("life domain")
        verbose_name_plural = _("life domains")


class ReferrerKind(models.TextChoices):
    SELF = "self", _("Self or own network")
    PARTNER = "partner", _("Partner organisation")
    SIGNAL = "signal", _("Early signal")
    OUTREACH = "outreach", _("Outreach by the team")


class Referrer(CodeListEntry):
    """Who referred a client (verwijzer): self, GP, housing corporation, police, …"""

    kind = models.CharField(_("kind"), max_length=20, choices=ReferrerKind.choices)

    class Meta(CodeListEntry.Meta):
        verbose_name = _("referrer")
        verbose_name_plural = _("referrers")


class OutcomeKind(models.TextChoices):
    SOLVED_BY_TEAM = "team", _("Solved by the team")
    GENERAL_PROVISION = "general", _("Referred to a general provision")
    CUSTOMISED_PROVISION = "customised", _("Referred to a customised provision (SDD)")
    SPECIALIST_HANDOVER = "specialist", _("Warm handover to specialist care")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Outcome(CodeListEntry):
    """What became of a question. Each outcome maps to one fixed kind the monitor counts on."""

    kind = models.CharField(_("kind"), max_length=20, choices=OutcomeKind.choices)

    class Meta(CodeListEntry.Meta):
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")


class ContactKind(CodeListEntry):
    """Home visit, office, walk-in, phone, e-mail, video…"""

    face_to_face = models.BooleanField(_("face to face"), default=False)

    class Meta(CodeListEntry.Meta):
        verbose_name = _("contact kind")
        verbose_name_plural = _("contact kinds")


# --- Formation ----------------------------------------------------------------------------------


class Specialism(models.TextChoices):
    AMW = "amw", _("Social work (AMW)")
    DISTRICT_NURSE = "nurse", _("District nurse")
    CARER_CONSULTANT = "carer", _("Informal-carer consultant")
    ELDERLY_ADVISOR = "elderly", _("Advisor for the elderly")
    CLIENT_SUPPORT = "support", _("Client support")
    MENTAL_HEALTH = "ggz", _("Mental health (GGZ)")
    YOUTH = "youth", _("Youth")
    COORDINATION = "coordination", _("Coordination")
    OTHER = "other", _("Other")


class TeamMembershipQuerySet(models.QuerySet["TeamMembership"]):
    def on(self, day: dt.date) -> TeamMembershipQuerySet:
        """The memberships in force on `day` (started, and not yet ended)."""
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=day), start_date__lte=day)


class TeamMembership(models.Model):
    """A person's place in a team for a period, with specialism and fte: the team's formation."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("member"),
    )
    specialism = models.CharField(_("specialism"), max_length=20, choices=Specialism.choices)
    fte = models.DecimalField(
        _("fte"),
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1.50"))],
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    objects = TeamMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        ordering = ["team", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_valid_range",
            ),
            models.CheckConstraint(condition=Q(fte__gt=0), name="membership_fte_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.team} ({self.fte} fte)"


class CapacityIntervention(models.Model):
    """Extra capacity (impuls) as a dated intervention, with the assumptions it carries."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="interventions"
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interventions",
        verbose_name=_("team"),
        help_text=_("Empty when the intervention concerns all teams."),
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=150)
    fte_added = models.DecimalField(_("fte added"), max_digits=5, decimal_places=2)
    assumptions = models.TextField(
        _("assumptions"),
        blank=True,
        help_text=_("What the intervention is expected to change (Theory of Change)."),
    )

    class Meta:
        verbose_name = _("capacity intervention")
        verbose_name_plural = _("capacity interventions")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d-%m-%Y} {self.name}"


class ExpectedEffect(models.TextChoices):
    """What an intervention is assumed to change, each readable from one monitor series."""

    FEWER_WAITING = "fewer_waiting", _("Fewer people on the waiting list")
    SHORTER_WAIT = "shorter_wait", _("Shorter waiting time until intake")
    LOWER_CASELOAD = "lower_caseload", _("Lower caseload per fte")
    MORE_OUTREACH = "more_outreach", _("More room for outreach and prevention")
    LESS_HEAVIER_CARE = "less_heavier_care", _("Fewer referrals to heavier care")
    SHORTER_LEAD_TIME = "shorter_lead_time", _("Shorter lead time per question")
    FEWER_ALLOCATIONS = "fewer_allocations", _("Fewer new Wmo allocations")


class InterventionAssumption(models.Model):
    """One assumption an intervention carries (Theory of Change), which the monitor checks by
    comparing its series before and after the intervention."""

    intervention = models.ForeignKey(
        CapacityIntervention, on_delete=models.CASCADE, related_name="expected_effects"
    )
    effect = models.CharField(_("expected effect"), max_length=20, choices=ExpectedEffect.choices)
    note = models.CharField(_("explanation"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("assumption")
        verbose_name_plural = _("assumptions")
        ordering = ["intervention", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["intervention", "effect"], name="assumption_unique_effect"
            ),
        ]

    def __str__(self) -> str:
        return self.get_effect_display()
