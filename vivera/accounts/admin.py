"""User accounts in the admin, kept by the functional administrator of the municipality."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm, UsernameField
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from vivera.accounts import services
from vivera.accounts.access import municipality_id_of, user_of
from vivera.accounts.admin_rules import (
    RoleBasedPermissions,
    ScopedFormFields,
    scope_to_municipality,
    sees_all_municipalities,
)
from vivera.audit.services import log_refused_page

from .models import AccessGrantRequest, Role, User

# Permissions come from the role (vivera/accounts/access.py, vivera/accounts/admin_rules.py), so
# Django's groups would only suggest a second, unused way to grant access.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


class RoleFieldsMixin(forms.BaseForm):
    """The role, the municipality and the partner organisation must fit together."""

    instance: User

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        role = cleaned.get("role")
        municipality = cleaned.get("municipality", self.instance.municipality)
        partner = cleaned.get("partner")
        is_superuser = cleaned.get("is_superuser", self.instance.is_superuser)
        if municipality is None and not is_superuser and "municipality" in self.fields:
            self.add_error(
                "municipality",
                ValidationError(
                    _("Every user except a superuser belongs to exactly one municipality."),
                    code="required",
                ),
            )
        if role == Role.PARTNER and partner is None and "partner" in self.fields:
            self.add_error(
                "partner",
                ValidationError(
                    _("A partner user belongs to a partner organisation."),
                    code="required",
                ),
            )
        # The carers' consultant may name its employer (the carers' support organisation): it
        # changes nothing of what it sees (docs/carers.md).
        if role and role not in (Role.PARTNER, Role.CARER_CONSULTANT) and partner is not None:
            self.add_error(
                "partner",
                ValidationError(
                    _(
                        "Only users with the role partner or carers' consultant belong to a "
                        "partner organisation."
                    ),
                    code="not_partner",
                ),
            )
        if (
            partner is not None
            and municipality is not None
            and partner.municipality_id != municipality.pk
        ):
            self.add_error(
                "partner",
                ValidationError(
                    _("Choose a partner organisation of %(municipality)s."),
                    code="other_municipality",
                    params={"municipality": municipality},
                ),
            )
        return cleaned


class UserCreationForm(RoleFieldsMixin, forms.ModelForm):
    """A new account has no password: its owner chooses one on the activation link."""

    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "email", "role", "municipality", "partner")
        field_classes = {"username": UsernameField}


class UserEditForm(RoleFieldsMixin, UserChangeForm):
    password = None  # type: ignore[assignment]  # Django's way to drop a parent form's field

    class Meta:
        model = User
        field_classes = {"username": UsernameField}
        # No password: nobody sets or sees another person's password (a reset issues a link).
        fields = (
            "username",
            "first_name",
            "last_name",
            "email",
            "role",
            "municipality",
            "partner",
            "is_active",
            "is_superuser",
        )


@admin.register(User)
class ViveraUserAdmin(RoleBasedPermissions, ScopedFormFields, UserAdmin):
    """Accounts of the administrator's own municipality.

    - ``is_staff`` is not edited: it follows from the role (admin) or superuser status when the
      account is saved, so nobody is made staff by mistake (and the admin site checks the role
      anyway, see `vivera.accounts.admin_rules`);
    - a functional administrator never sees or edits a superuser, cannot make one, and cannot
      move an account to another municipality;
    - accounts are deactivated, never deleted: the access log refers to them;
    - nobody sets another person's password here: a new account gets an activation link, and
      "reset" removes the password and the authenticator and issues a new link;
    - every save and action goes through `vivera.accounts.services`, which logs it in the access
      log, and turns a guarded role into a request that a second person approves.
    """

    form = UserEditForm
    add_form = UserCreationForm
    list_display = (
        "username",
        "first_name",
        "last_name",
        "role",
        "municipality",
        "is_active",
        "account_status",
    )
    list_filter = ("role", "is_active")
    list_select_related = ("municipality",)
    search_fields = ("username", "first_name", "last_name", "email")
    readonly_fields = ("last_login", "date_joined")
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username",),
            },
        ),
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
            (None, {"fields": ("username",)}),
            (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
            (_("Role"), {"fields": ("role", "municipality", "partner")}),
            (_("Status"), {"fields": status}),
            (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        )

    actions = ["unlock", "reset_account"]

    @admin.display(description=_("Status"))
    def account_status(self, obj: User) -> str:
        if not obj.has_usable_password():
            return str(_("Waits for activation"))
        if not obj.role:
            return str(_("Role waits for approval"))
        return ""

    @admin.action(description=_("Reset: new activation link (forgotten password or lost phone)"))
    def reset_account(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse:
        issued = [
            (user, services.account_reset(user=user, by=user_of(request), request=request))
            for user in queryset
        ]  # already limited to the administrator's municipality
        return self._links_page(request, issued)

    @admin.action(description=_("Unlock after too many failed logins"))
    def unlock(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:  # already limited to the administrator's municipality
            services.account_unlock(user=user, by=user_of(request), request=request)
        self.message_user(request, _("Unlocked: they can log in again at once."))

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Refused for everyone: an administrator never sets another person's password, and
        changes its own on the password page (`/wachtwoord/`)."""
        log_refused_page(request)
        raise PermissionDenied

    def save_model(
        self, request: HttpRequest, obj: User, form: forms.ModelForm, change: bool
    ) -> None:
        if not sees_all_municipalities(request):
            obj.municipality_id = municipality_id_of(user_of(request))
        if not change:
            _user, issued, grant = services.user_create(
                user=obj, by=user_of(request), request=request
            )
            request._vivera_issued = [(obj, issued)]  # type: ignore[attr-defined]  # our own mark
        else:
            grant = services.user_change(user=obj, by=user_of(request), request=request)
        if grant is not None:
            self.message_user(
                request,
                _(
                    "The role %(role)s waits for approval by a second person (request "
                    "%(request)s): another administrator, or the coordinator of the team."
                )
                % {"role": grant.get_role_display(), "request": grant},
                messages.WARNING,
            )

    def response_add(
        self, request: HttpRequest, obj: User, post_url_continue: str | None = None
    ) -> HttpResponse:
        return self._links_page(request, getattr(request, "_vivera_issued", []))

    def _links_page(
        self, request: HttpRequest, issued: list[tuple[User, services.IssuedLink]]
    ) -> HttpResponse:
        """The links, once: only their hashes are stored. Not cached."""
        response = TemplateResponse(
            request,
            "accounts/admin/activation_links.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Activation links"),
                "opts": self.opts,
                "links": [
                    (user, request.build_absolute_uri(link.path), link.link.expires_at)
                    for user, link in issued
                ],
                "hours": services.activation_hours(),
            },
        )
        response["Cache-Control"] = "no-store"
        return response

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


# django-otp registers the authenticators in the admin; the secrets are not configuration, and a
# lost app is handled by the user list's action "reset the second factor".
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(AccessGrantRequest)
class AccessGrantRequestAdmin(RoleBasedPermissions, admin.ModelAdmin):
    """The requests for a guarded role or a team membership, read-only, with approve and reject
    as actions: the superuser's way to decide (it has no municipality, so the page
    `/toegang/aanvragen/` is not its); administrators use either. The four-eyes rule is the
    service's (`services.may_decide`), here as on the page."""

    allow_add = False
    allow_change = False
    list_display = (
        "__str__",
        "kind",
        "user",
        "role",
        "team",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
    )
    list_filter = ("status", "kind")
    list_select_related = ("user", "team", "requested_by", "decided_by")
    actions = ["approve", "reject"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AccessGrantRequest]:
        return scope_to_municipality(super().get_queryset(request), "municipality", request)

    @admin.action(description=_("Approve"))
    def approve(self, request: HttpRequest, queryset: QuerySet[AccessGrantRequest]) -> None:
        self._decide(request, queryset, approve=True)

    @admin.action(description=_("Reject"))
    def reject(self, request: HttpRequest, queryset: QuerySet[AccessGrantRequest]) -> None:
        self._decide(request, queryset, approve=False)

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[AccessGrantRequest], *, approve: bool
    ) -> None:
        for pk in queryset.values_list("pk", flat=True):
            try:
                grant = services.grant_request_decide(
                    pk=pk, approve=approve, by=user_of(request), request=request
                )
            except services.NotYours:
                self.message_user(
                    request,
                    _(
                        "You may not decide request A%(pk)05d: you asked for it, it is about you, "
                        "or you are not its second person."
                    )
                    % {"pk": pk},
                    messages.ERROR,
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("Request %(request)s: %(status)s.")
                    % {"request": grant, "status": grant.get_status_display()},
                )
