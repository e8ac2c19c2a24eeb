"""The access log (NEN 7513): who did what to whose record, when, and from where.

Append-only for everyone: the model refuses updates and deletes, and the admin shows it read-only.
Every line is chained to the one before it by a SHA-256 hash (`vivera.audit.chain`), so a change
made past the application, in the database itself, is found by `vivera verify_access_log`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Action(models.TextChoices):
    # "Change" has a context: without one, its Dutch would also replace the Django admin's own
    # "Change" link (our catalogue comes first), which should read "Wijzigen".
    CREATE = "create", _("Create")
    READ = "read", _("Read")
    UPDATE = "update", pgettext_lazy("access log action", "Change")
    DELETE = "delete", _("Delete")
    SEARCH = "search", _("Search")
    EXPORT = "export", _("Export")
    # Saved from the merge view: someone else had changed the record, and the user chose per
    # field (registration/merge.py). Written besides the service's own "update" line.
    MERGE = "merge", _("Merge")
    REVEAL = "reveal", _("Show BSN")
    LOGIN = "login", _("Log in")
    LOGOUT = "logout", _("Log out")


class ObjectType(models.TextChoices):
    """What a line of the access log is about. The values are the stored codes (part of each
    line's hash: never rename one); `log_access` refuses any other. The labels are what the
    administrator and the resident read."""

    CLIENT = "client", _("personal details")
    DOSSIER = "dossier", _("dossier")
    QUESTION = "question", _("question")
    CONTACT = "contact", _("contact moment")
    REFERRAL = "referral", _("referral")
    ZRM = "zrm", _("ZRM assessment")
    HOUSEHOLD = "household", _("household")
    CONSENT = "consent", _("consent")
    SUBMISSION = "submission", _("partner submission")
    LIST = "list", _("list or overview")
    PAGE = "page", _("page")
    API = "api", pgettext_lazy("access log object", "API address")
    IMPORT = "import", _("import from the previous system")
    ACCESS_REQUEST = "access_request", _("access request")
    CLIENT_ACCESS_REQUEST = "client_access_request", _("request for access")
    ACCESS_LOG = "access_log", _("access log")
    GGM_EXPORT = "ggm_export", _("GGM export")
    RESEARCH_GRANT = "research_grant", _("research grant")
    LEGAL_HOLD = "legal_hold", _("legal hold")
    RETENTION_RUN = "retention_run", _("retention run")
    BACKUP = "backup", pgettext_lazy("access log object", "backup")
    RESTORE = "restore", pgettext_lazy("access log object", "restore of a backup")
    API_KEY = "api_key", _("API key")
    ACCOUNT = "account", _("account")
    SECOND_FACTOR = "second_factor", _("second login step")
    TEAM_MEMBERSHIP = "team_membership", _("team membership")
    ACCESS_GRANT = "access_grant", _("access rights request")
    ACTIVATION_LINK = "activation_link", _("activation link")
    SURVEY = "survey", _("client-experience survey")
    SURVEY_INVITATION = "survey_invitation", _("survey invitation")
    PROVISION_DELIVERY = "provision_delivery", _("delivery of Wmo allocations")
    ALLOCATIONS = "allocations", _("Wmo allocations")
    POLICY_PLAN = "policy_plan", _("policy activity overview")
    MATCHING_LISTING = "matching_listing", _("voor elkaar: request or offer")
    CARER = "carer", _("informal carer")
    CARER_APPLICATION = "carer_application", _("application for the carers' appreciation")


class Result(models.TextChoices):
    SUCCESS = "success", _("Allowed")
    REFUSED = "refused", _("Refused")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The access log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The access log is append-only.")


class AccessLogEntry(models.Model):
    # Set by `log_access` before the hash is computed (auto_now_add would set it afterwards).
    timestamp = models.DateTimeField(_("time"), default=timezone.now, editable=False, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    # A snapshot, so the line keeps its meaning if the account is renamed.
    username = models.CharField(_("username"), max_length=150)
    on_behalf_of = models.CharField(_("on behalf of"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, blank=True)
    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    result = models.CharField(
        _("result"), max_length=8, choices=Result.choices, default=Result.SUCCESS
    )
    object_type = models.CharField(_("object"), max_length=40, choices=ObjectType.choices)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    # Whose record (the client concerned); an id, not a name, so the log itself holds little.
    client_id = models.BigIntegerField(_("client"), null=True, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("device"), max_length=200, blank=True)
    path = models.CharField(_("page"), max_length=300, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    # The hash chain (vivera/audit/chain.py): hex SHA-256 of the line before, and of this one.
    prev_hash = models.CharField(_("previous hash"), max_length=64, editable=False)
    entry_hash = models.CharField(_("hash"), max_length=64, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-timestamp", "-pk"]
        indexes = [models.Index(fields=["municipality", "timestamp"])]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The access log is append-only.")
