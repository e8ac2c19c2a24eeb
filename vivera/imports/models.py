"""What the import of legacy registration exports keeps: which legacy record became which Vivera
record (so a second import of the same files adds nothing), and one line per import run.

Neither holds personal data: legacy numbers, Vivera ids, counts and file names.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vivera.organisation.models import Municipality


class Kind(models.TextChoices):
    """The kinds of legacy record, in the order they are written (parents first)."""

    CLIENT = "client", _("Clients")
    DOSSIER = "dossier", _("Dossiers")
    QUESTION = "question", _("Questions")
    CONTACT = "contact", _("Contacts")
    SHORT_CONTACT = "short_contact", _("Short contacts")


class ImportedRecord(models.Model):
    """A legacy record (by its number in the old registration, or for anonymous short contacts a
    hash of the row) and the Vivera record made from it."""

    # No index of their own: the unique key below starts with the municipality, and a run's
    # records are rarely looked up; every index costs time on a 100,000-row import.
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    external_id = models.CharField(max_length=80)
    object_id = models.PositiveBigIntegerField()
    run = models.ForeignKey(
        "ImportRun", on_delete=models.PROTECT, related_name="records", db_index=False
    )

    class Meta:
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kind", "external_id"], name="imported_record_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.external_id} → {self.object_id}"


class Mode(models.TextChoices):
    CHECK = "check", _("Check only")
    ALL = "all", _("Import everything")
    VALID_ONLY = "valid_only", _("Import only the valid rows")


class Outcome(models.TextChoices):
    PENDING = "pending", _("Checked, waiting for the import")
    VALID = "valid", _("Checked: valid")
    INVALID = "invalid", _("Checked: errors found, nothing imported")
    IMPORTED = "imported", _("Imported")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired, nothing imported")
    FAILED = "failed", _("Failed, nothing imported")


class ImportRun(models.Model):
    """One check or import: who, when, which files, how many rows of each kind, the outcome."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    mode = models.CharField(max_length=12, choices=Mode.choices)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    # [{"name": "clienten.csv", "kind": "client", "rows": 120}, …]
    files = models.JSONField(default=list)
    # {"client": {"rows": 120, "imported": 118, "already": 0, "invalid": 2}, …}
    counts = models.JSONField(default=dict)
    problems = models.PositiveIntegerField(default=0)
    # While a checked upload waits for the administrator's "import" (the page only): the
    # folder holding the uploaded files. Emptied when the run is imported, cancelled or expires.
    pending_dir = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.mode} {self.outcome}"
