"""The partner API (/api/v1/partner/…): a partner organisation sends referrals and early signals
and reads back the status of what it sent — never what the team recorded.

Partners authenticate with an API key of their own (`Authorization: Bearer vvr_…`, made with
`vivera partner_key`). Every refusal is a 4xx with a machine-readable `code` and a Dutch
`message` (vivera/api/errors.py).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    permission_classes,
    throttle_classes,
)
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle

from vivera.accounts.access import user_of
from vivera.api.errors import ErrorSerializer
from vivera.registration.bsn import validate_bsn
from vivera.registration.services import BIRTH_DATE_RULE

from . import services
from .authentication import ApiKeyAuthentication
from .models import PARTNER_STATUS_CHOICES, SignalType, SubmissionKind
from .selectors import (
    SubmissionForPartner,
    partner_history,
    partner_status_label,
    partner_submissions,
)


class IsActivePartner(BasePermission):
    message = (
        "Alleen een gebruiker van een actieve partnerorganisatie mag meldingen sturen en lezen."
    )
    code = "not_a_partner"

    def has_permission(self, request: Request, view: object) -> bool:
        try:
            services.partner_of(request.user)
        except PermissionDenied:
            return False
        return True


class PartnerThrottle(UserRateThrottle):
    """Per partner user; the rate is the setting VIVERA_PARTNER_API_RATE (default 120/min)."""

    scope = "partner"

    def get_rate(self) -> str:
        return settings.VIVERA_PARTNER_API_RATE


# --- Serializers ------------------------------------------------------------------------------


class PersonFields(serializers.Serializer):
    reference = serializers.CharField(
        max_length=100,
        help_text="Uw eigen kenmerk. Eenzelfde kenmerk nogmaals sturen wordt "
        "geweigerd (409) met de id van de eerste melding.",
    )
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    name_prefix = serializers.CharField(max_length=20, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=100)
    # The service's own rules, so every problem is answered in one response.
    birth_date = serializers.DateField(
        required=False, allow_null=True, validators=[BIRTH_DATE_RULE]
    )
    bsn = serializers.CharField(
        max_length=11,
        required=False,
        allow_blank=True,
        validators=[validate_bsn],
        help_text="Optioneel; 9 cijfers die de 11-proef doorstaan.",
    )
    postcode = serializers.CharField(
        max_length=7, required=False, allow_blank=True, help_text="1234AB"
    )
    house_number = serializers.CharField(max_length=10, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)


class ReferralInSerializer(PersonFields):
    reason = serializers.CharField(
        max_length=2000, help_text="Waarmee de inwoner hulp nodig heeft."
    )
    consent = serializers.BooleanField(
        help_text="De inwoner stemt in met de aanmelding (verplicht true)."
    )


class SignalInSerializer(PersonFields):
    signal_type = serializers.ChoiceField(
        choices=SignalType.choices, help_text="Soort achterstand (GGM Signaalpartner)."
    )
    amount = serializers.DecimalField(
        max_digits=9, decimal_places=2, min_value=0, help_text="Achterstand in euro (GGM bedrag)."
    )
    arrears_since = serializers.DateField(
        required=False,
        allow_null=True,
        validators=[services.ARREARS_DATE_RULE],
        help_text="Sinds wanneer de achterstand bestaat (GGM ontstaansdatum).",
    )
    months_in_arrears = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=120
    )
    crisis = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Crisissignaal: er is al een ontruimings- of afsluitdatum.",
    )
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


STATUS_HELP = (
    "Zonder toestemming van de inwoner om de status met uw organisatie te delen "
    "ziet u na ontvangen, in contact of niet bereikt alleen `finished` "
    "(afgehandeld), niet of de inwoner is overgedragen of afgesloten."
)


class StatusStepSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PARTNER_STATUS_CHOICES)
    status_label = serializers.CharField()
    date = serializers.DateField()


class SubmissionStatusSerializer(serializers.Serializer):
    """What a partner may see of a submission: its status as the partner sees it
    (selectors.with_partner_view), never the team's content."""

    id = serializers.UUIDField(source="public_id")
    reference = serializers.CharField()
    kind = serializers.ChoiceField(choices=SubmissionKind.choices)
    received_at = serializers.DateTimeField()
    respond_by = serializers.DateField(
        help_text="Uiterlijk op deze dag doet het team een eerste contactpoging (convenant)."
    )
    status = serializers.ChoiceField(
        choices=PARTNER_STATUS_CHOICES, source="partner_status", help_text=STATUS_HELP
    )
    status_label = serializers.SerializerMethodField()
    status_since = serializers.DateField(source="partner_status_since")
    history = serializers.SerializerMethodField()

    def get_status_label(self, submission: SubmissionForPartner) -> str:
        return partner_status_label(submission.partner_status)

    @extend_schema_field(StatusStepSerializer(many=True))
    def get_history(self, submission: SubmissionForPartner) -> list[dict[str, Any]]:
        return partner_history(submission)


class SubmissionPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Aantal meldingen in totaal")
    next = serializers.URLField(allow_null=True, help_text="De volgende pagina")
    previous = serializers.URLField(allow_null=True, help_text="De vorige pagina")
    results = SubmissionStatusSerializer(many=True)


class SubmissionPagination(PageNumberPagination):
    page_size = 50
    page_query_param = "pagina"
    max_page_size = 200


ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Onjuiste invoer; zie `errors`."),
    401: OpenApiResponse(ErrorSerializer, description="Geen of een onbekende API-sleutel."),
    403: OpenApiResponse(
        ErrorSerializer, description="Geen gebruiker van een actieve partnerorganisatie."
    ),
    429: OpenApiResponse(ErrorSerializer, description="Te veel verzoeken; probeer later."),
}
AUTH = [ApiKeyAuthentication]
PERMS = [IsActivePartner]


def _receive(
    request: Request, kind: str, serializer_class: type[serializers.Serializer]
) -> Response:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    try:
        submission = services.submission_receive(
            user=user_of(request), kind=kind, **serializer.validated_data, request=request._request
        )
    except services.DuplicateReference as exc:
        body = {
            "code": "duplicate_reference",
            "message": exc.messages[0],
            "errors": [],
            "id": str(exc.existing.public_id),
        }
        return Response(body, status=status.HTTP_409_CONFLICT)
    location = reverse("v1:partner_submission_detail", args=[submission.public_id])
    submission = partner_submissions(user_of(request)).get(pk=submission.pk)
    return Response(
        SubmissionStatusSerializer(submission).data,
        status=status.HTTP_201_CREATED,
        headers={"Location": request.build_absolute_uri(location)},
    )


class DuplicateErrorSerializer(ErrorSerializer):
    id = serializers.UUIDField(help_text="De id van de eerste melding met dit kenmerk.")


CREATE_RESPONSES = {
    201: SubmissionStatusSerializer,
    409: OpenApiResponse(
        DuplicateErrorSerializer, description="Dit kenmerk is al eerder gestuurd."
    ),
    **ERRORS,
}


@login_not_required
@extend_schema(
    request=ReferralInSerializer,
    responses=CREATE_RESPONSES,
    tags=["partner"],
    operation_id="partner_referral_create",
    summary="Een inwoner aanmelden bij het wijkteam",
    description="Een aanmelding (met instemming van de inwoner) komt in de werkbak van het "
    "team van de wijk van de inwoner.",
)
@api_view(["POST"])
@authentication_classes(AUTH)
@permission_classes(PERMS)
@throttle_classes([PartnerThrottle])
def referral_create(request: Request) -> Response:
    return _receive(request, SubmissionKind.REFERRAL, ReferralInSerializer)


@login_not_required
@extend_schema(
    request=SignalInSerializer,
    responses=CREATE_RESPONSES,
    tags=["partner"],
    operation_id="partner_signal_create",
    summary="Een vroegsignaal sturen",
    description="Een vroegsignaal (bijvoorbeeld twee maanden huurachterstand) komt in de werkbak "
    "van het team, met de termijn uit het convenant voor de eerste contactpoging.",
)
@api_view(["POST"])
@authentication_classes(AUTH)
@permission_classes(PERMS)
@throttle_classes([PartnerThrottle])
def signal_create(request: Request) -> Response:
    return _receive(request, SubmissionKind.SIGNAL, SignalInSerializer)


@login_not_required
@extend_schema(
    parameters=[
        OpenApiParameter(
            "status",
            str,
            enum=[value for value, _label in PARTNER_STATUS_CHOICES],
            description="Alleen meldingen met deze status (zoals u die ziet)",
        ),
        OpenApiParameter(
            "sinds",
            OpenApiTypes.DATE,
            description="Alleen meldingen waarvan de status op of na deze dag veranderde",
        ),
        OpenApiParameter("pagina", int, description="Paginanummer (50 per pagina)"),
    ],
    responses={
        200: SubmissionPageSerializer,
        **ERRORS,
        404: OpenApiResponse(ErrorSerializer, description="Pagina bestaat niet."),
    },
    tags=["partner"],
    operation_id="partner_submission_list",
    summary="De status van wat uw organisatie stuurde",
)
@api_view(["GET"])
@authentication_classes(AUTH)
@permission_classes(PERMS)
@throttle_classes([PartnerThrottle])
def submission_list(request: Request) -> Response:
    queryset = (
        partner_submissions(user_of(request))
        .prefetch_related("status_changes")
        .order_by("-received_at", "-pk")
    )
    wanted = request.query_params.get("status")
    if wanted is not None:
        statuses = [value for value, _label in PARTNER_STATUS_CHOICES]
        if wanted not in statuses:
            raise ApiValidationError(
                {
                    "status": [
                        serializers.ErrorDetail(
                            "Onbekende status; kies uit " + ", ".join(statuses) + ".",
                            code="invalid_choice",
                        )
                    ]
                }
            )
        queryset = queryset.filter(partner_status=wanted)
    since = request.query_params.get("sinds")
    if since:
        try:
            day = serializers.DateField().run_validation(since)
        except ApiValidationError as exc:
            raise ApiValidationError({"sinds": exc.detail}) from None
        queryset = queryset.filter(partner_status_since__gte=day)
    paginator = SubmissionPagination()
    page = paginator.paginate_queryset(queryset, request)
    return paginator.get_paginated_response(SubmissionStatusSerializer(page, many=True).data)


@login_not_required
@extend_schema(
    responses={
        200: SubmissionStatusSerializer,
        **ERRORS,
        404: OpenApiResponse(ErrorSerializer, description="Geen melding van uw organisatie."),
    },
    tags=["partner"],
    operation_id="partner_submission_retrieve",
    summary="De status van één melding",
)
@api_view(["GET"])
@authentication_classes(AUTH)
@permission_classes(PERMS)
@throttle_classes([PartnerThrottle])
def submission_detail(request: Request, public_id: str) -> Response:
    try:
        wanted = uuid.UUID(public_id)
    except ValueError:
        raise Http404 from None
    submission = (
        partner_submissions(user_of(request))
        .prefetch_related("status_changes")
        .filter(public_id=wanted)
        .first()
    )
    if submission is None:
        raise Http404
    return Response(SubmissionStatusSerializer(submission).data)
