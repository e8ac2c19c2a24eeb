"""What partners send the team: referrals (aanmeldingen) and early signals (vroegsignalen), the
team's outreach attempts (contactpogingen) and the status the partner sees back.

A submission holds personal data the partner sent (name, address, arrears). Team members read it
only through `vivera.partners.access`, which checks the team and logs the read; a partner reads
only the status of what its own organisation sent, never what the team recorded.

Names follow the GGM domain Vroegsignalering where it has one (Vroegsignaal: bedrag,
ontstaansdatum, signaaldatum, crisissignaal; Contactpoging: datum, dagdeel, soort, bereikt); see
docs/partner-api.md.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vivera.organisation.models import (
    Municipality,
    Neighbourhood,
    PartnerOrganisation,
    PartOfDay,
    Team,
)
from vivera.registration.bsn import mask_bsn, validate_bsn
from vivera.registration.models import Dossier, postcode_validator


class SubmissionKind(models.TextChoices):
    REFERRAL = "referral", pgettext_lazy("submission", "Referral")
    SIGNAL = "signal", _("Early signal")


class SignalType(models.TextChoices):
    """The kind of arrears (GGM Signaalpartner type: HUUR, ENERGIE, WATER, ZORG, OVERIGE)."""

    RENT = "rent", _("Rent arrears")
    ENERGY = "energy", _("Energy arrears")
    WATER = "water", _("Water arrears")
    HEALTH_INSURANCE = "insurance", _("Health insurance arrears")
    OTHER = "other", _("Other arrears")


class SubmissionStatus(models.TextChoices):
    """What the partner sees. The team moves a submission along ALLOWED_SUBMISSION_CHANGES."""

    RECEIVED = "received", _("Received")
    IN_CONTACT = "in_contact", _("In contact")
    NOT_REACHED = "not_reached", _("Not reached")
    HANDED_OVER = "handed_over", _("Handed over")
    CLOSED = "closed", _("Closed")


# The workflow as data, enforced in one place (services.submission_change_status).
ALLOWED_SUBMISSION_CHANGES: dict[str, frozenset[str]] = {
    SubmissionStatus.RECEIVED: frozenset(
        {
            SubmissionStatus.IN_CONTACT,
            SubmissionStatus.NOT_REACHED,
            SubmissionStatus.HANDED_OVER,
            SubmissionStatus.CLOSED,
        }
    ),
    SubmissionStatus.IN_CONTACT: frozenset(
        {SubmissionStatus.NOT_REACHED, SubmissionStatus.HANDED_OVER, SubmissionStatus.CLOSED}
    ),
    SubmissionStatus.NOT_REACHED: frozenset({SubmissionStatus.IN_CONTACT, SubmissionStatus.CLOSED}),
    SubmissionStatus.HANDED_OVER: frozenset({SubmissionStatus.CLOSED}),
    SubmissionStatus.CLOSED: frozenset(),
}
OPEN_STATUSES = frozenset(
    {SubmissionStatus.RECEIVED, SubmissionStatus.IN_CONTACT, SubmissionStatus.NOT_REACHED}
)

# What the partner sees. The covenant's feedback (received, in contact, not reached) says only
# whether the team reached the resident and is shown always. What came of it (handed over,
# closed) is about the resident's situation: the partner sees it only while the resident's
# consent for status feedback to this partner is valid (registration.SharingConsent, scope
# "status", on the dossier the submission led to); otherwise it sees "finished" from the day
# the team finished the submission. See docs/partner-api.md.
COVENANT_FEEDBACK = OPEN_STATUSES
FINISHED = "finished"
PARTNER_STATUS_CHOICES = [*SubmissionStatus.choices, (FINISHED, _("Finished"))]


class Covenant(models.Model):
    """An agreement with partners (e.g. the eviction-prevention covenant) on how fast the team
    makes a first outreach attempt. Without a partner it is the municipality's default."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="covenants"
    )
    partner = models.OneToOneField(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="covenant",
        verbose_name=_("partner organisation"),
        help_text=_("Empty: applies to every partner without a covenant of its own."),
    )
    name = models.CharField(_("name"), max_length=150)
    respond_within_days = models.PositiveSmallIntegerField(
        _("first attempt within (working days)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    crisis_within_days = models.PositiveSmallIntegerField(
        _("crisis signal: first attempt within (working days)"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )

    class Meta:
        verbose_name = _("covenant")
        verbose_name_plural = _("covenants")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality"],
                condition=Q(partner__isnull=True),
                name="covenant_one_default_per_municipality",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Submission(models.Model):
    """A referral or early signal a partner sent. Special-category personal data."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="submissions"
    )
    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("partner"),
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("partner's reference"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=SubmissionKind.choices)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    received_on = models.DateField(_("received on"))
    respond_by = models.DateField(_("first attempt due"))
    # The person concerned, as the partner sent it.
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    name_prefix = models.CharField(_("prefix"), max_length=20, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    bsn = models.CharField(_("BSN"), max_length=9, blank=True, validators=[validate_bsn])
    postcode = models.CharField(
        _("postcode"), max_length=6, blank=True, validators=[postcode_validator]
    )
    house_number = models.CharField(_("house number"), max_length=10, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("neighbourhood"),
    )
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    consent = models.BooleanField(_("resident agreed to the referral"), default=False)
    # Early signal (GGM Vroegsignaal).
    signal_type = models.CharField(
        _("kind of arrears"), max_length=10, choices=SignalType.choices, blank=True
    )
    amount = models.DecimalField(
        _("arrears (euro)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    arrears_since = models.DateField(_("arrears since"), null=True, blank=True)
    months_in_arrears = models.PositiveSmallIntegerField(
        _("months in arrears"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    crisis = models.BooleanField(
        _("crisis signal"),
        default=False,
        help_text=_("For example an eviction or disconnection date has been set."),
    )
    # The team's side.
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name=_("team"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.RECEIVED,
    )
    status_since = models.DateField(_("status since"))
    dossier = models.ForeignKey(
        Dossier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name=_("dossier"),
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("partner submission")
        verbose_name_plural = _("partner submissions")
        ordering = ["respond_by", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "reference"], name="submission_unique_reference"
            ),
            models.CheckConstraint(
                condition=Q(kind="referral", consent=True) | Q(kind="signal"),
                name="submission_referral_has_consent",
            ),
            models.CheckConstraint(
                condition=Q(kind="referral", signal_type="")
                | Q(kind="signal") & ~Q(signal_type=""),
                name="submission_signal_type_iff_signal",
            ),
            models.CheckConstraint(
                condition=Q(respond_by__gte=models.F("received_on")),
                name="submission_due_after_received",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "status"]),
            models.Index(fields=["partner", "received_at"]),
        ]

    def __str__(self) -> str:
        prefix = "S" if self.kind == SubmissionKind.SIGNAL else "A"
        return f"{prefix}{self.pk:06d}" if self.pk else f"{prefix}(new)"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.name_prefix, self.last_name) if p)

    @property
    def masked_bsn(self) -> str:
        return mask_bsn(self.bsn)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def allowed_next_statuses(self) -> list[str]:
        return [s for s in SubmissionStatus.values if s in ALLOWED_SUBMISSION_CHANGES[self.status]]


class SubmissionStatusChange(models.Model):
    """Every status change, dated and attributed: the history the partner sees (status and date
    only)."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=12, choices=SubmissionStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=SubmissionStatus.choices)
    date = models.DateField(_("date"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["date", "changed_at", "pk"]


class AttemptMethod(models.TextChoices):
    """GGM Contactpoging soort (BRIEF, HUISBEZOEK, KAARTJE, MAIL, SMS_WHATSAPP, TELEFOON,
    AFSPRAAK_OP_LOCATIE, ADMINISTRATIEF); "other" has no GGM value."""

    LETTER = "letter", _("Letter")
    HOME_VISIT = "home_visit", _("Home visit")
    CARD = "card", _("Card through the door")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message or WhatsApp")
    PHONE = "phone", _("Phone")
    APPOINTMENT = "appointment", _("Appointment at a location")
    ADMINISTRATIVE = "administrative", _("Administrative (e.g. through the partner)")
    OTHER = "other", _("Other")


class OutreachAttempt(models.Model):
    """One attempt to reach the person (GGM Contactpoging). The partner never sees these."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attempts")
    date = models.DateField(_("date"))
    part_of_day = models.CharField(_("part of day"), max_length=10, choices=PartOfDay.choices)
    method = models.CharField(_("how"), max_length=16, choices=AttemptMethod.choices)
    reached = models.BooleanField(_("reached"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outreach attempt")
        verbose_name_plural = _("outreach attempts")
        ordering = ["date", "pk"]


class ApiKey(models.Model):
    """A partner user's credential for the API. Only a SHA-256 hash of the key is stored; the key
    itself is shown once, when it is made (`vivera partner_key`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_keys",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Which system uses it."))
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
