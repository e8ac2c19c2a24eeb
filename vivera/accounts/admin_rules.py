"""The Django admin is the functional administrator's configuration screen, and nobody else's.

Three rules, each enforced in one place:

1. **Only the admin role enters.** ``is_functional_admin`` asks for the role ``admin`` (and a
   municipality), not just ``is_staff``: a professional who was made staff by mistake is still
   refused. Superusers (the installation's supplier) always enter. The site's own permission
   check uses it (``vivera/web/admin.py``), and so does every ModelAdmin here.
2. **Permissions come from the role, not from Django's permission tables.** Every ModelAdmin here
   derives its ``has_*_permission`` from the role, so there are no groups or per-model permissions
   to hand out and keep in step with the roles in DOMAIN.md. What a class allows is declared on it
   (``allow_add``, ``allow_change``, ``allow_delete``).
3. **A functional administrator sees only its own municipality.** Querysets, foreign-key choices
   and saved objects are limited to ``request.user.municipality``; a superuser sees everything.

Nothing with personal data of clients is registered in the admin (see the tests): the admin role
never sees a person. Deleting is off by default: registrations and the access log refer to the
configuration, and the admin's delete confirmation would list the protected related objects by
name — dossiers of clients among them.

Every app's ``admin.py`` builds on the classes here; the site itself (the default ``admin.site``)
gets its permission check and titles in ``vivera/web/admin.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vivera.accounts.access import municipality_id_of, user_of
from vivera.accounts.models import Role, User
from vivera.organisation.models import (
    Location,
    Municipality,
    Neighbourhood,
    PartnerOrganisation,
    Team,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

# How each scoped model reaches its municipality. A foreign key to one of these models only offers
# the administrator's own municipality's rows.
MUNICIPALITY_PATHS: dict[type[models.Model], str] = {
    Municipality: "pk",
    Neighbourhood: "municipality",
    Team: "municipality",
    Location: "municipality",
    PartnerOrganisation: "municipality",
    User: "municipality",
}


def is_functional_admin(user: User | AnonymousUser) -> bool:
    """May this user use the admin at all? Superusers, and active staff with the admin role."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.is_staff and user.role == Role.ADMIN and user.municipality_id is not None


def sees_all_municipalities(request: HttpRequest) -> bool:
    return bool(request.user.is_superuser)


def scope_to_municipality(
    queryset: models.QuerySet[Any], path: str, request: HttpRequest
) -> models.QuerySet[Any]:
    if sees_all_municipalities(request):
        return queryset
    return queryset.filter(**{path: municipality_id_of(user_of(request))})


class RoleBasedPermissions:
    """``has_*_permission`` from the role; works for ModelAdmin and InlineModelAdmin alike.

    ``obj`` is the object itself on a ModelAdmin and the parent object on an inline; either way it
    has already been fetched through the scoped queryset.
    """

    allow_add: bool = True
    allow_change: bool = True
    allow_delete: bool = False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_functional_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_functional_admin(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.allow_add and is_functional_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.allow_change and is_functional_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.allow_delete and is_functional_admin(request.user)


class MunicipalityConsistencyForm(forms.ModelForm):
    """Refuses a team, neighbourhood or location of another municipality than the object's.

    The choices already prevent this for a functional administrator; a superuser sees all
    municipalities' choices and is stopped here.
    """

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        municipality = cleaned.get("municipality") or getattr(self.instance, "municipality", None)
        if not isinstance(municipality, Municipality):
            return cleaned
        for name in ("team", "neighbourhood", "partner"):
            value = cleaned.get(name)
            if value is not None and value.municipality_id != municipality.pk:
                self.add_error(
                    name,
                    ValidationError(
                        _("Choose one of %(municipality)s."),
                        code="other_municipality",
                        params={"municipality": municipality},
                    ),
                )
        for value in cleaned.get("neighbourhoods") or []:
            if value.municipality_id != municipality.pk:
                self.add_error(
                    "neighbourhoods",
                    ValidationError(
                        _("Choose neighbourhoods of %(municipality)s."),
                        code="other_municipality",
                        params={"municipality": municipality},
                    ),
                )
                break
        return cleaned


class ScopedFormFields:
    """Limits foreign-key and many-to-many choices to the administrator's municipality.

    The object's own ``municipality`` field stays in the form, disabled and fixed to the
    administrator's municipality, so the unique constraints that include it are validated in the
    form instead of failing in the database.
    """

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        related = db_field.related_model
        path = MUNICIPALITY_PATHS.get(related)
        if path is not None and not sees_all_municipalities(request):
            municipality_id = municipality_id_of(user_of(request))
            base = kwargs.get("queryset", related._default_manager.all())
            kwargs["queryset"] = base.filter(**{path: municipality_id})
            if related is Municipality and db_field.name == "municipality":
                kwargs["initial"] = municipality_id
                kwargs["disabled"] = True
        # A mixin: the ModelAdmin after it in the bases has the method.
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField[Any] | None:
        related = db_field.related_model
        path = MUNICIPALITY_PATHS.get(related)
        if path is not None and not sees_all_municipalities(request):
            base = kwargs.get("queryset", related._default_manager.all())
            kwargs["queryset"] = base.filter(**{path: municipality_id_of(user_of(request))})
        # A mixin: the ModelAdmin after it in the bases has the method.
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


class MunicipalityScopedAdmin(RoleBasedPermissions, ScopedFormFields, admin.ModelAdmin):
    """A configuration model that belongs to one municipality.

    ``municipality_path`` is the lookup from the model to its municipality.
    """

    municipality_path = "municipality"
    form: type[forms.ModelForm[Any]] = MunicipalityConsistencyForm

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        return scope_to_municipality(super().get_queryset(request), self.municipality_path, request)

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        filters = list(super().get_list_filter(request))
        if sees_all_municipalities(request) and self.municipality_path == "municipality":
            filters.insert(0, ("municipality", admin.RelatedOnlyFieldListFilter))
        return filters

    def save_model(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool
    ) -> None:
        # Defence in depth: the disabled field already fixes it; a tampered POST cannot move a
        # row into another municipality.
        if self.municipality_path == "municipality" and not sees_all_municipalities(request):
            obj.municipality_id = municipality_id_of(user_of(request))
        super().save_model(request, obj, form, change)


class ScopedInline(RoleBasedPermissions, ScopedFormFields, admin.TabularInline):
    """An inline on a scoped parent: the parent's queryset already did the scoping."""

    extra = 0
    allow_delete = True
