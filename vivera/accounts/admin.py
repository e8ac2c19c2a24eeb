"""User accounts in the admin, kept by the functional administrator of the municipality."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from vivera.accounts import lockout, two_factor
from vivera.core.admin import (
    RoleBasedPermissions,
    ScopedFormFields,
    scope_to_municipality,
    sees_all_municipalities,
)

from .models import Role, User

# Permissions come from the role (vivera/core/access.py, vivera/core/admin.py), so Django's groups
# would only suggest a second, unused way to grant access.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


class RoleFieldsMixin(forms.BaseForm):
    """The role, the municipality and the partner organisation must fit together."""

    instance: User

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        role = cleaned.get("role")
        municipality = cleaned.get("municipality", self.instance.municipality)
        partner = cleaned.get("partner")
        is_superuser = cleaned.get("is_superuser", self.instance.is_superuser)
        if municipality is None and not is_superuser and "municipality" in self.fields:
            self.add_error("municipality", ValidationError(
                _("Every user except a superuser belongs to exactly one municipality."),
                code="required",
            ))
        if role == Role.PARTNER and partner is None and "partner" in self.fields:
            self.add_error("partner", ValidationError(
                _("A partner user belongs to a partner organisation."), code="required",
            ))
        if role and role != Role.PARTNER and partner is not None:
            self.add_error("partner", ValidationError(
                _("Only users with the role partner belong to a partner organisation."),
                code="not_partner",
            ))
        if (partner is not None and municipality is not None
                and partner.municipality_id != municipality.pk):
            self.add_error("partner", ValidationError(
                _("Choose a partner organisation of %(municipality)s."),
                code="other_municipality", params={"municipality": municipality},
            ))
        return cleaned


class UserCreationForm(RoleFieldsMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email", "role", "municipality",
                  "partner")


class UserEditForm(RoleFieldsMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class ViveraUserAdmin(RoleBasedPermissions, ScopedFormFields, UserAdmin):
    """Accounts of the administrator's own municipality.

    - ``is_staff`` is not edited: it follows from the role (admin) or superuser status when the
      account is saved, so nobody is made staff by mistake (and the admin site checks the role
      anyway, see `vivera.core.admin`);
    - a functional administrator never sees or edits a superuser, cannot make one, and cannot
      move an account to another municipality;
    - accounts are deactivated, never deleted: the access log refers to them.
    """

    form = UserEditForm
    add_form = UserCreationForm
    list_display = ("username", "first_name", "last_name", "role", "municipality", "is_active")
    list_filter = ("role", "is_active")
    list_select_related = ("municipality",)
    search_fields = ("username", "first_name", "last_name", "email")
    readonly_fields = ("last_login", "date_joined")
    add_fieldsets = (
        (None, {
            "classes": ("wide",),
            "fields": ("username", "usable_password", "password1", "password2"),
        }),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Role"), {"fields": ("role", "municipality", "partner")}),
    )

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> Any:
        if obj is None:
            return self.add_fieldsets
        status: tuple[str, ...] = ("is_active",)
        if sees_all_municipalities(request):
            status += ("is_superuser",)
        return (
            (None, {"fields": ("username", "password")}),
            (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
            (_("Role"), {"fields": ("role", "municipality", "partner")}),
            (_("Status"), {"fields": status}),
            (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        )

    actions = ["unlock", "reset_second_factor"]

    @admin.action(description=_("Reset the second factor (lost phone or app)"))
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:  # already limited to the administrator's municipality
            two_factor.reset(user=user, by=request.user, request=request)
        self.message_user(request, _("Reset: at the next login they set up the app again."))

    @admin.action(description=_("Unlock after too many failed logins"))
    def unlock(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:  # already limited to the administrator's municipality
            lockout.unlock(username=user.username)
        self.message_user(request, _("Unlocked: they can log in again at once."))

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        queryset = scope_to_municipality(super().get_queryset(request), "municipality", request)
        if not sees_all_municipalities(request):
            queryset = queryset.exclude(is_superuser=True)
        return queryset

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        filters = list(super().get_list_filter(request))
        if sees_all_municipalities(request):
            filters.append(("municipality", admin.RelatedOnlyFieldListFilter))
        return filters

    def save_model(self, request: HttpRequest, obj: User, form: forms.ModelForm,
                   change: bool) -> None:
        if not sees_all_municipalities(request):
            obj.municipality_id = request.user.municipality_id
        obj.is_staff = obj.is_superuser or obj.role == Role.ADMIN
        super().save_model(request, obj, form, change)


# django-otp registers the authenticators in the admin; the secrets are not configuration, and a
# lost app is handled by the user list's action "reset the second factor".
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
