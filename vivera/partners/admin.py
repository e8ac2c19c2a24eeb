"""Configuration of the partner exchange for the functional administrator: the covenants (how
fast the team makes a first attempt) and the partners' API keys. Submissions themselves hold
personal data and are not in the admin (the admin role never sees a person)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vivera.accounts.admin_rules import MunicipalityScopedAdmin
from vivera.accounts.models import Role, User

from . import services
from .models import ApiKey, Covenant


@admin.register(Covenant)
class CovenantAdmin(MunicipalityScopedAdmin):
    list_display = ("name", "partner", "respond_within_days", "crisis_within_days")
    fields = ("municipality", "name", "partner", "respond_within_days", "crisis_within_days")


class ApiKeyForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ("user", "name")


@admin.register(ApiKey)
class ApiKeyAdmin(MunicipalityScopedAdmin):
    """A key is made here (and shown once) or with `vivera partner_key`; revoked, never edited:
    only its hash is stored."""

    municipality_path = "user__municipality"
    form = ApiKeyForm
    allow_change = False
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    actions = ["revoke"]

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(
                role=Role.PARTNER, partner__isnull=False, is_active=True
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: ApiKey, form: forms.ModelForm, change: bool
    ) -> None:
        api_key, key = services.api_key_create(user=obj.user, name=obj.name)
        obj.pk = api_key.pk
        obj._key = key  # type: ignore[attr-defined]  # shown once by response_add

    def response_add(
        self, request: HttpRequest, obj: ApiKey, post_url_continue: str | None = None
    ) -> HttpResponse:
        # The key itself, once, on a page of its own: not in a message that is stored until read.
        return render(
            request,
            "admin/partners/apikey_created.html",
            {
                **self.admin_site.each_context(request),
                "key": obj._key,  # type: ignore[attr-defined]
                "api_key": obj,
                "title": _("API key made"),
            },
        )

    @admin.action(description=_("Revoke the selected API keys"))
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        for api_key in queryset.filter(revoked_at__isnull=True):
            services.api_key_revoke(api_key=api_key)
        self.message_user(
            request,
            _("Revoked at %(time)s.") % {"time": timezone.localtime().strftime("%d-%m-%Y %H:%M")},
        )
