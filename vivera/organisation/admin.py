"""Configuration in the admin: municipality, neighbourhoods, teams, locations, partners, formation
and the code lists. Permissions and municipality scoping come from `vivera.accounts.admin_rules`."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from vivera.accounts import services
from vivera.accounts.access import user_of
from vivera.accounts.admin_rules import (
    MunicipalityScopedAdmin,
    RoleBasedPermissions,
    ScopedInline,
    is_functional_admin,
    sees_all_municipalities,
)
from vivera.accounts.models import PERSON_ROLES, AccessGrantRequest, GrantKind, GrantStatus

from .models import (
    CapacityIntervention,
    CodeListEntry,
    ConsultationHour,
    ContactKind,
    InterventionAssumption,
    LifeDomain,
    Location,
    Municipality,
    Neighbourhood,
    Outcome,
    PartnerOrganisation,
    PostcodeArea,
    Referrer,
    Team,
    TeamMembership,
)


@admin.register(Municipality)
class MunicipalityAdmin(MunicipalityScopedAdmin):
    """A functional administrator sees its own municipality, read-only: adding a municipality or
    changing its CBS code is setting up the installation, which the superuser does."""

    municipality_path = "pk"
    list_display = ("name", "cbs_code")
    search_fields = ("name", "cbs_code")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return sees_all_municipalities(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return sees_all_municipalities(request)


class PostcodeAreaInline(ScopedInline):
    model = PostcodeArea
    fields = ("postcode",)


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(MunicipalityScopedAdmin):
    list_display = ("name", "cbs_code", "municipality")
    search_fields = ("name", "cbs_code", "postcodes__postcode")
    fields = ("municipality", "name", "cbs_code")
    inlines = [PostcodeAreaInline]


@admin.register(Team)
class TeamAdmin(MunicipalityScopedAdmin):
    list_display = ("name", "municipality")
    search_fields = ("name",)
    fields = ("municipality", "name", "neighbourhoods")
    filter_horizontal = ("neighbourhoods",)


class ConsultationHourInline(ScopedInline):
    model = ConsultationHour
    fields = ("weekday", "part_of_day", "valid_from", "valid_until")


@admin.register(Location)
class LocationAdmin(MunicipalityScopedAdmin):
    """Walk-in locations. Registrations refer to them: deactivate a location instead of deleting
    it. Consultation hours may be deleted; end them (valid until) to keep their history."""

    list_display = ("name", "team", "neighbourhood", "active")
    list_filter = ("active", ("team", admin.RelatedOnlyFieldListFilter))
    list_editable = ("active",)
    search_fields = ("name", "address")
    fields = ("municipality", "name", "address", "team", "neighbourhood", "active")
    inlines = [ConsultationHourInline]


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(MunicipalityScopedAdmin):
    """Partners send referrals and signals and have user accounts: deactivate, never delete."""

    list_display = ("name", "kind", "active")
    list_filter = ("kind", "active")
    list_editable = ("active",)
    search_fields = ("name",)
    fields = ("municipality", "name", "kind", "active")


class TeamMembershipForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        team, user = cleaned.get("team"), cleaned.get("user")
        if team is not None and user is not None and team.municipality_id != user.municipality_id:
            self.add_error(
                "user",
                ValidationError(
                    _("The member must belong to the team's municipality."),
                    code="other_municipality",
                ),
            )
        return cleaned

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # private, not in the stubs
        # `instance` now holds the submitted values: compare them with the saved row.
        if self.instance.pk is not None and not self.errors:
            old = TeamMembership.objects.get(pk=self.instance.pk)
            for name, problem in services.membership_change_problems(
                old=old, new=self.instance
            ).items():
                self.add_error(name if name in self.fields else None, problem)


@admin.register(TeamMembership)
class TeamMembershipAdmin(MunicipalityScopedAdmin):
    """The formation: who works in which team, with specialism and fte, over time.

    Memberships are ended (end date), not deleted: they decide which dossiers a professional may
    open, and the access log must stay explainable afterwards ("was this read allowed then?").
    Only professionals and coordinators (or accounts waiting for that role) can be members.

    Adding a membership gives access to a team's clients, so it is a request that a second
    person approves (`vivera.accounts.services`, page "Access rights requests"); a change may end or
    shorten a membership, or change its specialism or fte, at once, but never extend it.
    """

    municipality_path = "team__municipality"
    form = TeamMembershipForm
    list_display = ("user", "team", "specialism", "fte", "start_date", "end_date")
    list_filter = (("team", admin.RelatedOnlyFieldListFilter), "specialism")
    search_fields = ("user__username", "user__first_name", "user__last_name", "team__name")
    list_select_related = ("user", "team")
    fields = ("team", "user", "specialism", "fte", "start_date", "end_date")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("team", "user") if obj is not None else ()

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if db_field.name == "user":
            waiting = AccessGrantRequest.objects.filter(
                kind=GrantKind.ROLE, status=GrantStatus.PENDING, role__in=PERSON_ROLES
            ).values("user_id")
            kwargs["queryset"] = db_field.related_model.objects.filter(
                Q(role__in=PERSON_ROLES) | Q(pk__in=waiting), is_active=True
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: TeamMembership, form: forms.ModelForm, change: bool
    ) -> None:
        if change:
            services.membership_change(membership=obj, by=user_of(request), request=request)
            return
        grant = services.membership_request(
            user=obj.user,
            team=obj.team,
            specialism=obj.specialism,
            fte=obj.fte,
            start_date=obj.start_date,
            end_date=obj.end_date,
            by=user_of(request),
            request=request,
        )
        request._vivera_grant = grant  # type: ignore[attr-defined]  # our own mark

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        # Nothing was added yet: the request is in the access log (Vivera's record).
        return None

    def response_add(
        self, request: HttpRequest, obj: Any, post_url_continue: str | None = None
    ) -> HttpResponse:
        grant = getattr(request, "_vivera_grant", None)
        self.message_user(
            request,
            _(
                "The membership waits for approval by a second person (request %(request)s): "
                "another administrator, or the coordinator of the team."
            )
            % {"request": grant},
            messages.WARNING,
        )
        return redirect("admin:organisation_teammembership_changelist")


class InterventionAssumptionInline(ScopedInline):
    model = InterventionAssumption
    fields = ("effect", "note")
    extra = 1


@admin.register(CapacityIntervention)
class CapacityInterventionAdmin(MunicipalityScopedAdmin):
    """Extra capacity (impulsen). Nothing refers to an intervention, so a wrong one may be
    deleted."""

    allow_delete = True
    list_display = ("date", "name", "team", "fte_added")
    list_filter = (("team", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name",)
    list_select_related = ("team",)
    fields = ("municipality", "date", "name", "team", "fte_added", "assumptions")
    inlines = (InterventionAssumptionInline,)


class CodeListAdmin(RoleBasedPermissions, admin.ModelAdmin):
    """A code list shared by every municipality in the installation.

    Who may do what, and why:
    - a functional administrator may rename entries, put them in order and (de)activate them
      (``active`` and ``order`` are editable in the list). These changes apply to every
      municipality in the installation;
    - only a superuser adds entries and sets the fixed properties (the ``kind`` the monitor counts
      on, ``in_zrm``, ``face_to_face``): a new entry appears in every municipality and is compared
      in the benchmark, so it is a decision for the region, made by whoever runs the installation;
    - once saved, ``code`` (the stable key of imports, exports and the seed migration) and
      ``kind`` never change, not even for a superuser: changing them would silently re-interpret
      every registration made with the entry. Deactivate it and add a new one instead;
    - nobody deletes: registrations refer to the entries.
    """

    list_display: tuple[str, ...] = ("code", "name", "order", "active")
    list_editable = ("order", "active")
    list_filter: ClassVar[tuple[str, ...]] = ("active",)
    search_fields = ("code", "name")
    ordering = ("order", "name")
    # Properties that decide how the monitor counts an entry.
    fixed_fields: tuple[str, ...] = ()
    # Set once, never changed.
    immutable_fields: tuple[str, ...] = ("code",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return sees_all_municipalities(request) and is_functional_admin(request.user)

    def get_readonly_fields(
        self, request: HttpRequest, obj: CodeListEntry | None = None
    ) -> tuple[str, ...]:
        readonly: tuple[str, ...] = ()
        if obj is not None:
            readonly += self.immutable_fields
        if not sees_all_municipalities(request):
            readonly += tuple(f for f in self.fixed_fields if f not in readonly)
        return readonly


@admin.register(LifeDomain)
class LifeDomainAdmin(CodeListAdmin):
    list_display = ("code", "name", "in_zrm", "order", "active")
    list_filter = ("in_zrm", "active")
    fixed_fields = ("in_zrm",)


@admin.register(Referrer)
class ReferrerAdmin(CodeListAdmin):
    list_display = ("code", "name", "kind", "order", "active")
    list_filter = ("kind", "active")
    fixed_fields = ("kind",)
    immutable_fields = ("code", "kind")


@admin.register(Outcome)
class OutcomeAdmin(CodeListAdmin):
    list_display = ("code", "name", "kind", "order", "active")
    list_filter = ("kind", "active")
    fixed_fields = ("kind",)
    immutable_fields = ("code", "kind")


@admin.register(ContactKind)
class ContactKindAdmin(CodeListAdmin):
    list_display = ("code", "name", "face_to_face", "order", "active")
    list_filter = ("face_to_face", "active")
    fixed_fields = ("face_to_face",)
