"""The access log in the admin: read-only for everyone, superusers included (NEN 7513, BIO 8.15).

The model refuses updates and deletes as well; here there is simply no button for them. A
functional administrator sees its own municipality's lines; the page with filters and the CSV
export is `vivera.audit.views.access_log`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from vivera.accounts.admin_rules import is_functional_admin, scope_to_municipality

from .models import AccessLogEntry


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    list_display = (
        "timestamp",
        "username",
        "role",
        "action",
        "result",
        "object_type",
        "object_id",
        "client_id",
        "ip_address",
    )
    list_filter = ("action", "result", "role")
    search_fields = ("username", "object_type", "object_id")
    # Not editable, so not on the form the admin shows read-only; the hash chain is worth seeing.
    readonly_fields = ("timestamp", "prev_hash", "entry_hash")
    ordering = ("-timestamp", "-pk")
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[AccessLogEntry]:
        return scope_to_municipality(super().get_queryset(request), "municipality", request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_functional_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_functional_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
