"""A research grant (*machtiging*): which researcher may download which pseudonymised extract,
for what purpose, on what legal basis, and until when.

The grant itself holds no personal data of clients. It holds a random salt from which the
extract's pseudonym key is derived (`pseudonym_key`), so each grant numbers the records
differently: two grants' extracts cannot be linked to each other or to the GGM export.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vivera.organisation.models import Municipality, Team

# The access log's object type for a grant: its granting, revocation and every download.
OBJECT_TYPE = "research_grant"


def new_key_salt() -> str:
    return secrets.token_hex(32)


class GrantState(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class ResearchGrant(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    researcher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="research_grants",
        verbose_name=_("researcher"),
    )
    purpose = models.TextField(
        _("purpose"), max_length=1000, help_text=_("What the study wants to find out.")
    )
    legal_basis = models.CharField(
        _("legal basis and reference"),
        max_length=200,
        help_text=_(
            "For example the DPIA, the council's decision or the agreement, with its number."
        ),
    )
    teams = models.ManyToManyField(
        Team,
        blank=True,
        related_name="+",
        verbose_name=_("teams"),
        help_text=_("None chosen: every team of the municipality."),
    )
    period_start = models.DateField(_("dossiers registered from"))
    period_end = models.DateField(_("dossiers registered up to and including"))
    valid_until = models.DateField(
        _("valid until"), help_text=_("The last day the researcher may download.")
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    # Secret material: the extract's pseudonym key is derived from it and VIVERA_PSEUDONYM_KEY.
    key_salt = models.CharField(max_length=64, default=new_key_salt, editable=False)

    class Meta:
        verbose_name = _("research grant")
        verbose_name_plural = _("research grants")
        ordering = ["-granted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="research_grant_period_order"
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="research_grant_revoked_by_iff_revoked",
            ),
            models.CheckConstraint(condition=~Q(key_salt=""), name="research_grant_has_salt"),
        ]

    def __str__(self) -> str:
        return f"M{self.pk:05d}" if self.pk else "M(new)"

    def state(self, today: dt.date | None = None) -> GrantState:
        if self.revoked_at is not None:
            return GrantState.REVOKED
        if (today or timezone.localdate()) > self.valid_until:
            return GrantState.EXPIRED
        return GrantState.ACTIVE

    @property
    def current_state(self) -> GrantState:
        return self.state()

    def is_active(self, today: dt.date | None = None) -> bool:
        return self.state(today) == GrantState.ACTIVE

    def pseudonym_key(self) -> bytes:
        """HMAC-SHA256 of the grant's salt under the installation's pseudonym key: neither the
        database alone (salt) nor the key alone is enough to recompute the pseudonyms."""
        return hmac.digest(
            settings.VIVERA_PSEUDONYM_KEY.encode(),
            f"vivera:research-grant:{self.key_salt}".encode(),
            "sha256",
        )
