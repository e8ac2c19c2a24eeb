"""Users and their role. Who may see what follows from the role (see vivera/core/access.py)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROFESSIONAL = "professional", _("Team professional")
    COORDINATOR = "coordinator", _("Coordinator")
    POLICY = "policy", _("Policy advisor")
    PARTNER = "partner", _("Partner organisation")
    RESIDENT = "resident", _("Resident")
    ADMIN = "admin", _("Functional administrator")
    RESEARCHER = "researcher", _("Researcher")


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

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def sees_persons(self) -> bool:
        return self.is_active and self.role in PERSON_ROLES

    def team_ids(self, on: object | None = None) -> set[int]:
        """Teams the user is a member of today (or on a given date)."""
        from vivera.organisation.selectors import active_team_ids

        return active_team_ids(user=self, on=on)
