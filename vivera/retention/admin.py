"""Retention in the functional administrator's screens: legal holds (placed and lifted here) and
the record of each retention run (read only).

The admin role never sees a person (accounts/admin_rules.py): a hold is placed by the dossier's
number (D000123, which the team or the privacy officer gives), and a hold shows its client as a
number with the numbers of its dossiers, never a name.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from vivera.accounts.access import municipality_id_of, user_of
from vivera.accounts.admin_rules import MunicipalityScopedAdmin, sees_all_municipalities
from vivera.registration.models import Client, Dossier

from . import services
from .models import LegalHold, RetentionRun

DOSSIER_NUMBER = re.compile(r"^\s*[Dd]?\s*0*(\d{1,12})\s*$")


def dossier_for_number(text: str, request: HttpRequest) -> Dossier | None:
    """The dossier with this number (D000123 or 123) in the administrator's municipality."""
    match = DOSSIER_NUMBER.match(text or "")
    if match is None:
        return None
    dossiers = Dossier.objects.select_related("client").filter(pk=int(match.group(1)))
    if not sees_all_municipalities(request):
        dossiers = dossiers.filter(municipality_id=municipality_id_of(user_of(request)))
    return dossiers.first()


class LegalHoldPlaceForm(forms.ModelForm):
    dossier_number = forms.CharField(
        label=_("Dossier number"),
        max_length=20,
        help_text=_(
            "The number of one of the client's dossiers, for example D000123. The hold "
            "applies to the client and all of its dossiers."
        ),
    )

    class Meta:
        model = LegalHold
        fields = ("reason",)
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "reason": _(
                "Why the data must be kept: for example an objection, a "
                "complaint or a court case, with its reference. No names "
                "or other personal data."
            )
        }

    def __init__(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.client: Client | None = None
        self.order_fields(["dossier_number", "reason"])

    def clean_dossier_number(self) -> str:
        value = self.cleaned_data["dossier_number"]
        dossier = dossier_for_number(value, self.request) if self.request else None
        if dossier is None:
            raise ValidationError(
                _("There is no dossier with this number in your municipality."), code="unknown"
            )
        if LegalHold.objects.filter(client_id=dossier.client_id, lifted_at__isnull=True).exists():
            raise ValidationError(
                _("This client already has a legal hold in force."), code="exists"
            )
        self.client = dossier.client
        return value


@admin.register(LegalHold)
class LegalHoldAdmin(MunicipalityScopedAdmin):
    """Placed through the add form, lifted with the list's action; never edited or deleted."""

    allow_change = False
    list_display = (
        "client_reference",
        "in_force",
        "placed_at",
        "placed_by",
        "lifted_at",
        "lifted_by",
    )
    list_select_related = ("placed_by", "lifted_by")
    readonly_fields = (
        "client_reference",
        "reason",
        "placed_by",
        "placed_at",
        "lifted_by",
        "lifted_at",
    )
    actions = ["lift"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[LegalHold]:
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("client__dossiers", queryset=Dossier.objects.only("pk", "client_id"))
            )
        )

    def get_fields(self, request: HttpRequest, obj: LegalHold | None = None) -> Any:
        return ("dossier_number", "reason") if obj is None else self.readonly_fields

    def get_readonly_fields(self, request: HttpRequest, obj: LegalHold | None = None) -> Any:
        return () if obj is None else self.readonly_fields

    def get_form(
        self,
        request: HttpRequest,
        obj: LegalHold | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)

        class Form(LegalHoldPlaceForm):
            def __init__(self, *args: Any, **form_kwargs: Any) -> None:
                super().__init__(*args, request=request, **form_kwargs)

        return Form

    @admin.display(description=_("client"))
    def client_reference(self, hold: LegalHold) -> str:
        numbers = ", ".join(str(d) for d in hold.client.dossiers.all())
        return f"{hold.client_id} ({numbers})" if numbers else str(hold.client_id)

    @admin.display(description=_("in force"), boolean=True)
    def in_force(self, hold: LegalHold) -> bool:
        return hold.in_force

    def save_model(
        self, request: HttpRequest, obj: LegalHold, form: forms.ModelForm, change: bool
    ) -> None:
        # Only ever the add form (a hold is never changed), valid: it found the client.
        assert isinstance(form, LegalHoldPlaceForm) and form.client is not None
        hold = services.legal_hold_place(
            user=user_of(request),
            client=form.client,
            reason=form.cleaned_data["reason"],
            request=request,
        )
        obj.pk, obj.client, obj.municipality_id = hold.pk, hold.client, hold.municipality_id
        obj.placed_by, obj.placed_at = hold.placed_by, hold.placed_at

    @admin.action(description=_("Lift the selected legal holds"))
    def lift(self, request: HttpRequest, queryset: QuerySet[LegalHold]) -> None:
        lifted = 0
        for hold in queryset.filter(lifted_at__isnull=True):
            services.legal_hold_lift(user=user_of(request), hold=hold, request=request)
            lifted += 1
        self.message_user(
            request,
            ngettext("%(count)d legal hold lifted.", "%(count)d legal holds lifted.", lifted)
            % {"count": lifted},
        )


@admin.register(RetentionRun)
class RetentionRunAdmin(MunicipalityScopedAdmin):
    """Read only: written by `vivera retention --uitvoeren`, never changed."""

    allow_add = False
    allow_change = False
    list_display = (
        "started_at",
        "municipality",
        "started_via",
        "clients",
        "submissions",
        "held_count",
    )
    readonly_fields = (
        "municipality",
        "started_at",
        "finished_at",
        "started_via",
        "terms",
        "counts",
        "held",
        "record_ids",
    )
    fields = readonly_fields
    actions = None

    @admin.display(description=_("clients anonymised"))
    def clients(self, run: RetentionRun) -> int:
        return int(run.counts.get("clients", 0))

    @admin.display(description=_("submissions anonymised"))
    def submissions(self, run: RetentionRun) -> int:
        return int(run.counts.get("submissions", 0))

    @admin.display(description=_("held"))
    def held_count(self, run: RetentionRun) -> int:
        return len(run.held)
