"""Users and their role. Who may see what follows from the role (see vivera/accounts/access.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROFESSIONAL = "professional", _("Team professional")
    COORDINATOR = "coordinator", _("Coordinator")
    POLICY = "policy", _("Policy advisor")
    PARTNER = "partner", _("Partner organisation")
    RESIDENT = "resident", _("Resident")
    ADMIN = "admin", _("Functional administrator")
    RESEARCHER = "researcher", _("Researcher")
    # The carers' consultant (mantelzorgconsulent) keeps the municipality's register of informal
    # carers (vivera/carers); usually employed by the carers' support organisation.
    CARER_CONSULTANT = "carer_consultant", _("Carers' consultant")


# Roles that may see personal data of clients (always limited further to their own teams).
PERSON_ROLES = frozenset({Role.PROFESSIONAL, Role.COORDINATOR})


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    municipality = models.ForeignKey(
        "organisation.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Every user except a superuser belongs to exactly one municipality."),
    )
    partner = models.ForeignKey(
        "organisation.PartnerOrganisation",
        verbose_name=_("partner organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    if TYPE_CHECKING:
        # Set on the request's user by django-otp's OTPMiddleware: whether this session passed
        # the second login step (two_factor.py). Not there on a user read from the database.
        def is_verified(self) -> bool: ...

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def sees_persons(self) -> bool:
        return self.is_active and self.role in PERSON_ROLES

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        self.__dict__.pop("_team_ids_today", None)
        super().refresh_from_db(*args, **kwargs)

    def serves_one_request(self) -> None:
        """This object is the user of one web request (`middleware.RequestUserMiddleware`): it
        may keep what it read for the rest of the request."""
        self.__dict__["_one_request"] = True

    def team_ids(self, on: dt.date | None = None) -> set[int]:
        """Teams the user is a member of today (or on a given date). For the user of a web
        request, today's are read once (a page asked for them five times); a change of
        membership takes effect from the next request. Elsewhere (services, commands, tests)
        they are read each time."""
        if on is not None or not self.__dict__.get("_one_request"):
            day = on or timezone.localdate()
            return set(self.memberships.on(day).values_list("team_id", flat=True))
        day = timezone.localdate()
        cached: tuple[dt.date, frozenset[int]] | None = self.__dict__.get("_team_ids_today")
        if cached is None or cached[0] != day:
            cached = (day, frozenset(self.memberships.on(day).values_list("team_id", flat=True)))
            self.__dict__["_team_ids_today"] = cached
        return set(cached[1])


# Roles that need a second person's approval before they take effect (four eyes): the roles
# that see clients, and the administrator, who approves the others' grants and handles requests
# for access (`privacy`), so a self-made administrator would be a way around the rule. The
# carers' consultant sees the register of informal carers (special-category data).
GUARDED_ROLES = frozenset({*PERSON_ROLES, Role.ADMIN, Role.CARER_CONSULTANT})


class ActivationLink(models.Model):
    """A one-time link on which the owner of a new or reset account chooses its password and
    sets up its authenticator. Only the token's SHA-256 is stored; the token itself is shown
    once, to the administrator who hands it over. Valid until `expires_at`, once, and only while
    it is the account's newest link."""

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="activation_links", verbose_name=_("user")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    issued_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("valid until"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("activation link")
        verbose_name_plural = _("activation links")
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} ({self.issued_at:%Y-%m-%d %H:%M})"


class GrantKind(models.TextChoices):
    ROLE = "role", _("Role")
    MEMBERSHIP = "membership", _("Team membership")


class GrantStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class AccessGrantRequest(models.Model):
    """A change of who may see persons that waits for a second person: a guarded role for an
    account, or a membership of a team. It takes effect only when someone other than the
    requester (and other than the account concerned) approves it; see `services`."""

    kind = models.CharField(_("kind"), max_length=12, choices=GrantKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=GrantStatus.choices, default=GrantStatus.PENDING
    )
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="grant_requests", verbose_name=_("account")
    )
    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
    )
    # kind "role": the role asked for (and the one the account had when it was asked)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    previous_role = models.CharField(_("previous role"), max_length=20, blank=True)
    # kind "membership": the membership asked for
    team = models.ForeignKey(
        "organisation.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    specialism = models.CharField(_("specialism"), max_length=20, blank=True)
    fte = models.DecimalField(_("fte"), max_digits=3, decimal_places=2, null=True, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    membership = models.ForeignKey(
        "organisation.TeamMembership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("membership made"),
    )
    requested_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("access rights request")
        verbose_name_plural = _("access rights requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="role") & ~models.Q(role=""))
                | (
                    models.Q(kind="membership")
                    & models.Q(team__isnull=False)
                    & models.Q(start_date__isnull=False)
                    & models.Q(fte__isnull=False)
                ),
                name="grant_request_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"A{self.pk:05d}" if self.pk else "A-"
