"""The monitor's figures as JSON for machine clients: the same tables the pages show, with the
same suppression for a policy advisor."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from vivera.accounts.access import user_of
from vivera.accounts.models import Role
from vivera.api.views import REFUSALS

from . import facts
from .exports import results_dict
from .forms import MonitorFilterForm
from .indicators import BY_CODE, compute_all
from .selectors import scope_for


class MonitorRole(BasePermission):
    message = "Alleen een beleidsmedewerker of coördinator mag de monitor lezen."

    def has_permission(self, request: Request, view: object) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and user.municipality_id
            and user.role in (Role.POLICY, Role.COORDINATOR)
        )


# A field named `label` hides Field.label to the type checker only: the serializer's metaclass
# takes declared fields off the class.


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    unit = serializers.CharField()


class RowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    is_total = serializers.BooleanField()
    note = serializers.CharField(required=False)
    values = serializers.ListField(
        child=serializers.FloatField(allow_null=True),
        help_text="null waar onderdrukt of niet gedefinieerd",
    )
    suppressed = serializers.ListField(child=serializers.BooleanField())


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    question = serializers.IntegerField(help_text="1–10: de vraag van de raad")
    question_name = serializers.CharField()
    name = serializers.CharField()
    definition = serializers.CharField()
    unit = serializers.CharField()
    columns = ColumnSerializer(many=True)
    rows = RowSerializer(many=True)
    note = serializers.CharField(required=False)


class MonitorSerializer(serializers.Serializer):
    scope = serializers.DictField(child=serializers.CharField())
    suppression = serializers.DictField(child=serializers.JSONField())
    perturbation = serializers.DictField(
        child=serializers.JSONField(),
        help_text="applied: of de aantallen verstoord zijn (celsleutelmethode); max_noise: "
        "hoeveel een aantal hoogstens afwijkt; note: de uitleg voor de lezer",
    )
    indicators = IndicatorSerializer(many=True)


class MonitorErrorSerializer(serializers.Serializer):
    fouten = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


@login_not_required  # DRF authenticates API clients itself and answers 401/403
@extend_schema(
    parameters=[
        OpenApiParameter("van", OpenApiTypes.DATE, description="Begin van de periode"),
        OpenApiParameter("tot", OpenApiTypes.DATE, description="Einde van de periode (t/m)"),
        OpenApiParameter("team", int),
        OpenApiParameter("wijk", int),
        OpenApiParameter("locatie", int),
        OpenApiParameter(
            "indicator",
            str,
            many=True,
            enum=sorted(BY_CODE),
            description="Alleen deze indicatoren (herhaalbaar)",
        ),
    ],
    responses={
        200: MonitorSerializer,
        **REFUSALS,
        400: OpenApiResponse(
            MonitorErrorSerializer, description="Onjuiste filter; `fouten` per parameter."
        ),
    },
    description="De indicatoren van de monitor voor een periode en een deel van de gemeente. "
    "Een beleidsmedewerker krijgt licht verstoorde aantallen (de celsleutelmethode: "
    "hetzelfde cijfer geeft altijd dezelfde waarde) en kleine aantallen onderdrukt "
    "(waarde null, suppressed true); een coördinator exacte cijfers van de eigen "
    "teams.",
)
@api_view(["GET"])
@permission_classes([IsAuthenticated, MonitorRole])
@facts.once_per_read
def monitor_indicators(request: Request) -> Response:
    user = user_of(request)
    form = MonitorFilterForm(request.query_params, user=user)
    codes = request.query_params.getlist("indicator")
    unknown = [c for c in codes if c not in BY_CODE]
    if not form.is_valid() or unknown:
        errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        if unknown:
            errors["indicator"] = [f"Onbekende indicator: {', '.join(unknown)}."]
        return Response({"fouten": errors}, status=400)
    data = form.cleaned_data
    scope = scope_for(
        user,
        start=data["van"],
        end=data["tot"],
        team=data["team"],
        neighbourhood=data["wijk"],
        location=data["locatie"],
    )
    return Response(results_dict(scope, compute_all(scope, codes or None)))
