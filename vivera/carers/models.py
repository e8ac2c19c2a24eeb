"""The register of informal carers (*mantelzorgers*) and their yearly appreciation
(*mantelzorgwaardering*), docs/carers.md.

A carer's data is special-category data, like a client's: read only through `access.py`, every
read and change in the access log, retention two years after the carer left, and a part of its
own in the right-of-access overview. A care relation may name a Vivera client (the cared-for
person), only with that person's consent; the carer groups (young carer, 75+, dementia, partner,
working carer) are derived from the birth date and the relations, not typed, so the figures
count a carer in the group it belonged to on each day.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vivera.organisation.models import Municipality, Neighbourhood

YOUNG_BELOW = 24  # a young carer is younger than 24
SENIOR_FROM = 75  # a senior carer is 75 or older
RETENTION_YEARS = 2  # a carer's registration is anonymised two years after leaving


class CarerStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    # Its own context: a dossier's "Registered" is an *aanmelding*, a carer's an *inschrijving*.
    REGISTERED = "registered", pgettext_lazy("carer status", "Registered")
    LEFT = "left", _("Left the register")


class Source(models.TextChoices):
    PUBLIC = "public", _("Public form")
    STAFF = "staff", _("Registered by staff")


class ContactPurpose(models.TextChoices):
    NEWS = "news", _("News and information for carers")
    ACTIVITIES = "activities", _("Activities and courses")
    APPRECIATION = "appreciation", _("The yearly appreciation")
    CHECK_IN = "check_in", _("A call from the carers' consultant now and then")


class Group(models.TextChoices):
    """Carer groups, derived (see `selectors.groups_of`)."""

    YOUNG = "young", _("Young carer (under 24)")
    SENIOR = "senior", _("Carer of 75 or older")
    DEMENTIA = "dementia", _("Caring for someone with dementia")
    PARTNER = "partner", _("Caring for a partner")
    WORKING = "working", _("Working carer")


class Carer(models.Model):
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="carers",
        verbose_name=_("municipality"),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    house_number = models.CharField(_("house number"), max_length=10, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("neighbourhood"),
    )
    is_working = models.BooleanField(_("has paid work besides caring"), default=False)
    contact_consent = models.BooleanField(_("may be contacted"), default=False)
    contact_purposes = models.JSONField(_("may be contacted for"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=CarerStatus.choices, default=CarerStatus.PENDING
    )
    source = models.CharField(_("registered through"), max_length=8, choices=Source.choices)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leave_reason = models.CharField(_("reason for leaving"), max_length=300, blank=True)
    # The personal link to the carer's own page: only its SHA-256 (core.links).
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    token_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(_("e-mail address confirmed at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )

    class Meta:
        verbose_name = _("informal carer")
        verbose_name_plural = _("informal carers")
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            models.Index(fields=["municipality", "status"]),
            models.Index(fields=["municipality", "registered_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(registered_on__isnull=True)
                | Q(left_on__gte=F("registered_on")),
                name="carer_left_after_registered",
            ),
            models.CheckConstraint(
                condition=~Q(status="registered") | Q(registered_on__isnull=False),
                name="carer_registered_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="left") | Q(left_on__isnull=False),
                name="carer_left_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def contact_purpose_labels(self) -> list[str]:
        labels = dict(ContactPurpose.choices)
        return [str(labels.get(p, p)) for p in self.contact_purposes]

    @property
    def full_name(self) -> str:
        return str(self)

    def age_on(self, day: dt.date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def is_active(self) -> bool:
        return self.status == CarerStatus.REGISTERED


class Relation(models.TextChoices):
    # Its own context: the plain "Partner" is a partner organisation (*ketenpartner*).
    PARTNER = "partner", pgettext_lazy("care relation", "Partner")
    PARENT = "parent", _("Parent")
    CHILD = "child", _("Child")
    FAMILY = "family", _("Other family member")
    FRIEND = "friend", _("Friend or neighbour")
    OTHER = "other", _("Someone else")


class CareKind(models.TextChoices):
    HOUSEHOLD = "household", _("Household tasks")
    PERSONAL = "personal", _("Personal care")
    SUPERVISION = "supervision", _("Supervision and company")
    TRANSPORT = "transport", _("Transport and accompanying")
    ADMIN = "admin", _("Paperwork and finances")
    NURSING = "nursing", _("Nursing tasks")
    OTHER = "other", _("Something else")


class CareRelation(models.Model):
    """Who a carer cares for. The cared-for person is named as the carer gave the name; it may
    be linked to a Vivera client only with that person's consent (`client_consent_on`)."""

    carer = models.ForeignKey(
        Carer, on_delete=models.PROTECT, related_name="relations", verbose_name=_("carer")
    )
    cared_for_name = models.CharField(_("name of the person cared for"), max_length=150)
    cared_for_postcode = models.CharField(
        _("postcode of the person cared for"), max_length=6, blank=True
    )
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)
    care_kinds = models.JSONField(_("kind of care"), default=list)
    hours_per_week = models.PositiveSmallIntegerField(_("hours a week"))
    since = models.DateField(_("caring since"))
    dementia = models.BooleanField(_("the person cared for has dementia"), default=False)
    ended_on = models.DateField(_("care ended on"), null=True, blank=True)
    client = models.ForeignKey(
        "registration.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carer_relations",
        verbose_name=_("client in Vivera"),
    )
    client_consent_on = models.DateField(
        _("consent of the person cared for to link, given on"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("care relation")
        verbose_name_plural = _("care relations")
        ordering = ["since", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(client__isnull=True) | Q(client_consent_on__isnull=False),
                name="care_relation_client_needs_consent",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("since")),
                name="care_relation_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__lte=168), name="care_relation_hours_in_a_week"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cared_for_name} ({self.get_relation_display()})"

    def care_kind_labels(self) -> list[str]:
        labels = dict(CareKind.choices)
        return [str(labels.get(k, k)) for k in self.care_kinds]


class SupportKind(models.TextChoices):
    CONVERSATION = "conversation", _("Conversation")
    RESPITE = "respite", _("Respite care")
    COURSE = "course", _("Course or training")
    GROUP = "group", _("Peer group")
    ADVICE = "advice", _("Information and advice")
    OTHER = "other", _("Other support")


class SupportRecord(models.Model):
    """Support the carers' consultant gave, with a follow-up date."""

    carer = models.ForeignKey(
        Carer, on_delete=models.PROTECT, related_name="support", verbose_name=_("carer")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind of support"), max_length=14, choices=SupportKind.choices)
    note = models.TextField(_("note"), blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support given")
        verbose_name_plural = _("support given")
        ordering = ["-date", "-pk"]


class AppreciationForm(models.TextChoices):
    MONEY = "money", _("Amount of money")
    VOUCHER = "voucher", _("Voucher")
    PASS = "pass", _("Pass")


class OnePer(models.TextChoices):
    CARER = "carer", _("One per carer")
    RELATION = "relation", _("One per carer per person cared for")


class Scheme(models.Model):
    """The appreciation of one year: its form, amount, budget, window and rules."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    form = models.CharField(_("form"), max_length=8, choices=AppreciationForm.choices)
    amount = models.DecimalField(_("amount or value (euro)"), max_digits=8, decimal_places=2)
    budget = models.DecimalField(_("budget (euro)"), max_digits=11, decimal_places=2)
    opens_on = models.DateField(_("applications from"))
    closes_on = models.DateField(_("applications until"))
    one_per = models.CharField(_("rule"), max_length=10, choices=OnePer.choices)
    min_hours = models.PositiveSmallIntegerField(_("at least hours a week"), default=8)
    min_months = models.PositiveSmallIntegerField(_("for at least months"), default=3)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("appreciation scheme")
        verbose_name_plural = _("appreciation schemes")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="scheme_one_per_year"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="scheme_window_order"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="scheme_amount_positive"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="scheme_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return str(_("Appreciation %(year)s") % {"year": self.year})

    @property
    def pays_money(self) -> bool:
        return self.form == AppreciationForm.MONEY


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Application(models.Model):
    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="applications", verbose_name=_("scheme")
    )
    carer = models.ForeignKey(
        Carer, on_delete=models.PROTECT, related_name="applications", verbose_name=_("carer")
    )
    relation = models.ForeignKey(
        CareRelation,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("for the care of"),
    )
    received_on = models.DateField(_("received on"))
    source = models.CharField(_("received through"), max_length=8, choices=Source.choices)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    account_holder = models.CharField(_("account holder"), max_length=100, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    amount = models.DecimalField(
        _("amount granted (euro)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    refusal_reason = models.CharField(_("reason for refusal"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("application for the appreciation")
        verbose_name_plural = _("applications for the appreciation")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(amount__isnull=False),
                name="application_approved_has_amount",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""),
                name="application_refused_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme.year} · {self.carer}"
