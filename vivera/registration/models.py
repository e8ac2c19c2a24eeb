"""What a wijkteam registers: clients, dossiers and their questions, contacts, referrals, ZRM
scores, short contacts and outreach work.

Personal data (Client, Dossier and everything under it) is only read through
`vivera.registration.access`, which checks the role and team and writes the access log. Writes go
through `vivera.registration.services`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from vivera.organisation.models import (
    ContactKind,
    LifeDomain,
    Location,
    Municipality,
    Neighbourhood,
    Outcome,
    PartnerOrganisation,
    PartOfDay,
    Referrer,
    Team,
)

from .bsn import mask_bsn, validate_bsn

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

postcode_validator = RegexValidator(r"^\d{4}[A-Z]{2}$", _("Enter a postcode like 1234AB."))


class Household(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="households"
    )
    name = models.CharField(
        _("name"), max_length=150, help_text=_("For example the family name and address.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.name


class Client(models.Model):
    """A resident the team helps (inwoner). Special-category personal data."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="clients")
    household = models.ForeignKey(
        Household,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("household"),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    name_prefix = models.CharField(
        _("prefix"), max_length=20, blank=True, help_text=_("For example: van, de, van der")
    )
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    bsn = models.CharField(_("BSN"), max_length=9, blank=True, validators=[validate_bsn])
    postcode = models.CharField(
        _("postcode"), max_length=6, blank=True, validators=[postcode_validator]
    )
    house_number = models.CharField(_("house number"), max_length=10, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("neighbourhood"),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "bsn"],
                condition=~Q(bsn=""),
                name="client_unique_bsn_per_municipality",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "last_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.name_prefix, self.last_name) if p)

    @property
    def masked_bsn(self) -> str:
        return mask_bsn(self.bsn)


class DossierStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITING = "waiting", _("Waiting list")
    INTAKE = "intake", _("Intake")
    ACTIVE = "active", _("Active")
    WATCHING = "watching", _("Watching (in the background)")
    CLOSED = "closed", _("Closed")


# The dossier life cycle as data, enforced in one place (services.dossier_change_status).
# A closed dossier can be re-opened to active; nothing can go back to registration.
ALLOWED_STATUS_CHANGES: dict[str, frozenset[str]] = {
    DossierStatus.REGISTERED: frozenset(
        {DossierStatus.WAITING, DossierStatus.INTAKE, DossierStatus.CLOSED}
    ),
    DossierStatus.WAITING: frozenset({DossierStatus.INTAKE, DossierStatus.CLOSED}),
    DossierStatus.INTAKE: frozenset({DossierStatus.ACTIVE, DossierStatus.CLOSED}),
    DossierStatus.ACTIVE: frozenset({DossierStatus.WATCHING, DossierStatus.CLOSED}),
    DossierStatus.WATCHING: frozenset({DossierStatus.ACTIVE, DossierStatus.CLOSED}),
    DossierStatus.CLOSED: frozenset({DossierStatus.ACTIVE}),
}


class Complexity(models.TextChoices):
    SINGLE = "single", _("Single question")
    MULTIPLE = "multiple", _("Several questions")
    COMPLEX = "complex", _("Complex")


class Dossier(models.Model):
    """One per client (or household) and period of help, with one case director."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="dossiers"
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("team")
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("client")
    )
    case_director = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="directed_dossiers",
        verbose_name=_("case director"),
    )
    referrer = models.ForeignKey(Referrer, on_delete=models.PROTECT, verbose_name=_("referrer"))
    complexity = models.CharField(
        _("complexity"), max_length=10, choices=Complexity.choices, default=Complexity.SINGLE
    )
    registered_on = models.DateField(_("registration date"))
    status = models.CharField(
        _("status"), max_length=12, choices=DossierStatus.choices, default=DossierStatus.REGISTERED
    )
    status_since = models.DateField(_("status since"))
    closed_on = models.DateField(_("closing date"), null=True, blank=True)
    # Social network (question 7 of the monitor).
    network_mapped = models.BooleanField(_("social network mapped"), default=False)
    carer_involved = models.BooleanField(_("informal carer involved"), default=False)
    volunteer_deployed = models.BooleanField(_("volunteer deployed"), default=False)
    resident_contact = models.BooleanField(_("contact made with other residents"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Optimistic locking: every edit states the version it started from.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-registered_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("registered_on")),
                name="dossier_closed_after_registered",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_on__isnull=False)
                | (~Q(status="closed") & Q(closed_on__isnull=True)),
                name="dossier_closed_on_iff_closed",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "status"]),
            models.Index(fields=["team", "status"]),
            # "My work": a professional's open dossiers in the page's order, without reading
            # the closed ones (most of a director's dossiers, after a few years).
            models.Index(
                fields=["case_director", "status", "registered_on"],
                condition=~Q(status="closed"),
                name="dossier_open_by_director",
            ),
            # "Consider closing": a director's running dossiers, longest unchanged first, so the
            # page stops at the first ten without a recent contact.
            models.Index(
                fields=["case_director", "status_since"],
                condition=Q(status__in=["active", "watching"]),
                name="dossier_running_by_director",
            ),
            # The waiting list in its order (oldest first), so a page of 50 reads 50 rows.
            models.Index(
                fields=["team", "registered_on", "id"],
                condition=Q(status__in=["registered", "waiting"]),
                name="dossier_waiting_by_team",
            ),
        ]

    def __str__(self) -> str:
        return f"D{self.pk:06d}" if self.pk else "D(new)"

    @property
    def is_closed(self) -> bool:
        return self.status == DossierStatus.CLOSED

    def allowed_next_statuses(self) -> list[str]:
        return [s for s in DossierStatus.values if s in ALLOWED_STATUS_CHANGES[self.status]]


class DossierStatusChange(models.Model):
    """Every status change, dated (effective date) and attributed. Waiting time and throughput are
    computed from these rows."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=DossierStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=DossierStatus.choices)
    date = models.DateField(_("date"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["date", "changed_at", "pk"]
        indexes = [models.Index(fields=["to_status", "date"])]


class Question(models.Model):
    """A question within a dossier on one life domain. Lead time = closed_on − opened_on."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="questions")
    domain = models.ForeignKey(LifeDomain, on_delete=models.PROTECT, verbose_name=_("life domain"))
    description = models.TextField(_("description"), blank=True)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.ForeignKey(
        Outcome, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("outcome")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["opened_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="question_closed_after_opened",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True, outcome__isnull=True)
                | Q(closed_on__isnull=False, outcome__isnull=False),
                name="question_outcome_iff_closed",
            ),
        ]
        indexes = [
            models.Index(fields=["opened_on"]),
            models.Index(fields=["closed_on"]),
            # A dossier's open questions ("my work"), without reading the closed ones.
            models.Index(
                fields=["dossier", "opened_on"],
                condition=Q(closed_on__isnull=True),
                name="question_open_by_dossier",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain} ({self.opened_on:%d-%m-%Y})"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def lead_time_days(self, today: dt.date | None = None) -> int | None:
        """Days from opening to closing; for an open question, its age on `today`."""
        if self.closed_on is not None:
            return (self.closed_on - self.opened_on).days
        if today is not None:
            return (today - self.opened_on).days
        return None


class ContactWith(models.TextChoices):
    CLIENT = "client", _("Client")
    NETWORK = "network", _("Client's network")
    PARTNER = "partner", _("Partner")


class CoreTask(models.TextChoices):
    """The team's core tasks (monitor question 4)."""

    INFORMATION = "information", _("Information and advice")
    SUPPORT = "support", _("Support")
    REFERRAL = "referral", _("Referral")
    HANDOVER = "handover", _("Warm handover")
    WATCHING = "watching", _("Watching")
    OUTREACH = "outreach", _("Outreach")


class ContactMoment(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="contacts")
    date = models.DateField(_("date"))
    kind = models.ForeignKey(ContactKind, on_delete=models.PROTECT, verbose_name=_("kind"))
    with_whom = models.CharField(
        _("with"), max_length=10, choices=ContactWith.choices, default=ContactWith.CLIENT
    )
    core_task = models.CharField(
        _("core task"), max_length=12, choices=CoreTask.choices, default=CoreTask.SUPPORT
    )
    minutes = models.PositiveIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    professionals = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="contacts", verbose_name=_("professionals involved")
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("contact moment")
        verbose_name_plural = _("contact moments")
        # A dossier's contacts by date: the dossier page's latest first, and "my work"'s check
        # for a contact in the last 90 days, read from the index alone.
        indexes = [models.Index(fields=["dossier", "date"], name="contact_dossier_date")]
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gt=0), name="contact_minutes_positive"),
        ]


class ProvisionKind(models.TextChoices):
    GENERAL = "general", _("General provision")
    CUSTOMISED = "customised", _("Customised provision (SDD)")
    SPECIALIST = "specialist", _("Specialist care")


class HandoverStatus(models.TextChoices):
    NOT_APPLICABLE = "n/a", _("No warm handover")
    PLANNED = "planned", _("Warm handover planned")
    DONE = "done", _("Warm handover done")
    FAILED = "failed", _("Handover did not succeed")


class Referral(models.Model):
    """A referral out of the team, to a provision or partner, with warm-handover status."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="referrals")
    question = models.ForeignKey(
        Question,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("question"),
    )
    referred_on = models.DateField(_("date"))
    provision_kind = models.CharField(_("provision"), max_length=12, choices=ProvisionKind.choices)
    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("partner organisation"),
    )
    description = models.CharField(_("to (description)"), max_length=200, blank=True)
    handover = models.CharField(
        _("warm handover"),
        max_length=10,
        choices=HandoverStatus.choices,
        default=HandoverStatus.NOT_APPLICABLE,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_on", "-pk"]


class ConsentScope(models.TextChoices):
    """What a resident may agree to share with a partner organisation (docs/handleiding.md,
    "Toestemming om te delen met partners")."""

    REFERRAL = "referral", _("Referral: name, contact details and what the help is for")
    STATUS = (
        "status",
        _(
            "Feedback on a submission the partner sent: whether the team took the "
            "resident on, handed over or closed it"
        ),
    )


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", _("Verbally")
    WRITTEN = "written", _("In writing")


class SharingConsentQuerySet(models.QuerySet["SharingConsent"]):
    def for_partner(self, partner_id: Any) -> SharingConsentQuerySet:
        """Consents for this partner organisation or for every partner of the municipality.
        `partner_id` may be an `OuterRef`."""
        return self.filter(Q(partner__isnull=True) | Q(partner_id=partner_id))

    def valid_on(self, day: dt.date, *, scope: str) -> SharingConsentQuerySet:
        """Consents covering `scope` that had been given on `day` and not yet withdrawn: the
        day of withdrawal is the first day without consent."""
        return self.filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day),
            given_on__lte=day,
            **{SharingConsent.SCOPE_FIELDS[scope]: True},
        )


class SharingConsent(models.Model):
    """A resident's consent to share information from a dossier with one partner organisation,
    or with every partner organisation of the municipality (`partner` empty): for what
    (`covers_*`), from when, given how, and from when it was withdrawn. Enforced where Vivera
    shares with a partner: a referral to a partner (`services.referral_add`) and the status a
    partner sees of what it sent (`partners.selectors.with_partner_view`)."""

    SCOPE_FIELDS: ClassVar[dict[str, str]] = {
        ConsentScope.REFERRAL: "covers_referral",
        ConsentScope.STATUS: "covers_status",
    }

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="consents")
    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner organisation"),
        help_text=_("Empty: every partner organisation of the municipality."),
    )
    covers_referral = models.BooleanField(_("referral"), default=False)
    covers_status = models.BooleanField(_("feedback on a submission"), default=False)
    given_on = models.DateField(_("given on"))
    given_how = models.CharField(_("given"), max_length=10, choices=ConsentMethod.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = SharingConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent for sharing")
        verbose_name_plural = _("consents for sharing")
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(covers_referral=True) | Q(covers_status=True), name="consent_has_scope"
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("given_on")),
                name="consent_withdrawn_after_given",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True, withdrawn_by__isnull=True)
                | Q(withdrawn_on__isnull=False, withdrawn_by__isnull=False),
                name="consent_withdrawn_by_iff_on",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier} → {self.partner or _('all partner organisations')}"

    @property
    def scopes(self) -> list[str]:
        return [scope for scope, field in self.SCOPE_FIELDS.items() if getattr(self, field)]

    def get_scopes_display(self) -> list[StrOrPromise]:
        return [ConsentScope(scope).label for scope in self.scopes]

    def valid_on(self, day: dt.date) -> bool:
        return self.given_on <= day and (self.withdrawn_on is None or day < self.withdrawn_on)


class ZrmMoment(models.TextChoices):
    INTAKE = "intake", _("Intake")
    EVALUATION = "evaluation", _("Evaluation")
    CLOSURE = "closure", _("Closure")


class ZrmLevel(models.IntegerChoices):
    """The five ZRM levels (GGD Amsterdam). Names only; the cell criteria are copyrighted."""

    ACUTE = 1, _("1 – acute problems")
    NOT = 2, _("2 – not self-reliant")
    LIMITED = 3, _("3 – limited self-reliance")
    SUFFICIENT = 4, _("4 – sufficiently self-reliant")
    FULL = 5, _("5 – fully self-reliant")


class ZrmAssessment(models.Model):
    """One ZRM measurement: all ZRM domains scored once, at intake, evaluation or closure."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="zrm_assessments")
    assessed_on = models.DateField(_("date"))
    moment = models.CharField(_("moment"), max_length=12, choices=ZrmMoment.choices)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ZRM assessment")
        verbose_name_plural = _("ZRM assessments")
        ordering = ["assessed_on", "pk"]


class ZrmScore(models.Model):
    assessment = models.ForeignKey(ZrmAssessment, on_delete=models.CASCADE, related_name="scores")
    domain = models.ForeignKey(LifeDomain, on_delete=models.PROTECT)
    score = models.PositiveSmallIntegerField(choices=ZrmLevel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "domain"], name="zrm_one_score_per_domain"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="zrm_score_1_to_5"
            ),
        ]


# --- Anonymous and team-level registration -----------------------------------------------------


class Channel(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    CHAT = "chat", _("Chat or app")


class ShortContactResult(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    REFERRED = "referred", _("Referred")


class ShortContact(models.Model):
    """A quick question answered at once. Anonymous: no person is recorded."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="short_contacts"
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="short_contacts"
    )
    date = models.DateField(_("date"))
    part_of_day = models.CharField(_("part of day"), max_length=10, choices=PartOfDay.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="short_contacts",
        verbose_name=_("location"),
    )
    domain = models.ForeignKey(LifeDomain, on_delete=models.PROTECT, verbose_name=_("topic"))
    result = models.CharField(_("result"), max_length=10, choices=ShortContactResult.choices)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("short contact")
        verbose_name_plural = _("short contacts")
        ordering = ["-date", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(channel="walk_in") | Q(location__isnull=False),
                name="shortcontact_walk_in_has_location",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "date"])]


class OutreachKind(models.TextChoices):
    NETWORK = "network", _("Neighbourhood network")
    COLLECTIVE = "collective", _("Collective activity")
    EVENT = "event", _("Presence at an event")
    PREVENTION = "prevention", _("Prevention")
    OTHER = "other", _("Other")


class OutreachActivity(models.Model):
    """Outreach and prevention work not tied to a dossier, with hours."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="outreach_activities"
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="outreach_activities", verbose_name=_("team")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=OutreachKind.choices)
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("neighbourhood"),
    )
    description = models.CharField(_("description"), max_length=200)
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0.25), MaxValueValidator(1000)],
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outreach activity")
        verbose_name_plural = _("outreach activities")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="outreach_hours_positive"),
        ]


# --- Access to a resident known to another team ---------------------------------------------


class AccessRequestKind(models.TextChoices):
    TRANSFER = "transfer", _("Transfer of the dossier to my team")
    SHARED = "shared", _("A shared dossier: both teams work on it")


class AccessRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class ClientAccessRequest(models.Model):
    """A professional asks the team that holds a resident's dossier for access: a transfer of
    the dossier to the requesting team, or a shared dossier (joint work). Its coordinator
    approves or declines (`services.access_request_decide`). An approved shared request *is*
    the share: `access.dossiers_for` reads it until the holding team ends it (`share_ended_at`).
    The requester sees nothing of the resident beyond what it typed, until approval."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        related_name="team_access_requests",
        verbose_name=_("client"),
    )
    dossier = models.ForeignKey(
        Dossier,
        on_delete=models.PROTECT,
        related_name="team_access_requests",
        verbose_name=_("dossier"),
    )
    from_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("team holding the dossier")
    )
    to_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("requesting team")
    )
    kind = models.CharField(_("request"), max_length=10, choices=AccessRequestKind.choices)
    reason = models.CharField(_("reason"), max_length=500)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AccessRequestStatus.choices,
        default=AccessRequestStatus.PENDING,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer_note = models.CharField(_("answer"), max_length=500, blank=True)
    share_ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sharing ended by"),
    )
    share_ended_at = models.DateTimeField(_("sharing ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("request for access")
        verbose_name_plural = _("requests for access")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_team=F("to_team")), name="accessrequest_other_team"
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_by__isnull=True, decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_by__isnull=False, decided_at__isnull=False)),
                name="accessrequest_decided_iff_answered",
            ),
            models.CheckConstraint(
                condition=Q(share_ended_at__isnull=True)
                | Q(kind="shared", status="approved", share_ended_by__isnull=False),
                name="accessrequest_only_a_share_ends",
            ),
            # One open question per dossier and requesting team at a time.
            models.UniqueConstraint(
                fields=["dossier", "to_team"],
                condition=Q(status="pending"),
                name="accessrequest_one_pending_per_dossier_and_team",
            ),
        ]
        indexes = [
            models.Index(fields=["from_team", "status"]),
            models.Index(fields=["to_team", "kind", "status"]),
        ]

    def __str__(self) -> str:
        return f"V{self.pk:06d}" if self.pk else "V(new)"

    @property
    def is_pending(self) -> bool:
        return self.status == AccessRequestStatus.PENDING

    @property
    def is_active_share(self) -> bool:
        return (
            self.kind == AccessRequestKind.SHARED
            and self.status == AccessRequestStatus.APPROVED
            and self.share_ended_at is None
        )


class DossierTeamChange(models.Model):
    """A dossier moved to another team (an approved transfer request), dated and attributed, so
    the dossier's history says which team held it when."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="team_changes")
    from_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("from team")
    )
    to_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("to team")
    )
    date = models.DateField(_("date"))
    request = models.ForeignKey(
        ClientAccessRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("request for access"),
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("team change")
        verbose_name_plural = _("team changes")
        ordering = ["date", "changed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_team=F("to_team")), name="teamchange_other_team"
            ),
        ]
