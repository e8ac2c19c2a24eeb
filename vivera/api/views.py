from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from vivera.organisation.models import ContactKind, LifeDomain, Outcome, Referrer

from .errors import ErrorSerializer

# The refusals every endpoint for signed-in users can give, in the API's error shape (found
# missing from the schema by the API fuzz, test_api_fuzz.py).
REFUSALS = {
    401: OpenApiResponse(ErrorSerializer, description="Niet (goed) aangemeld."),
    403: OpenApiResponse(ErrorSerializer, description="Deze gebruiker mag dit niet."),
}

CODE_LISTS = {
    "levensdomeinen": LifeDomain,
    "verwijzers": Referrer,
    "uitkomsten": Outcome,
    "contactsoorten": ContactKind,
}


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    active = serializers.BooleanField()


@login_not_required  # DRF authenticates API clients itself and answers 401/403, not a redirect
@extend_schema(
    parameters=[OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(CODE_LISTS))],
    responses={
        200: CodeSerializer(many=True),
        **REFUSALS,
        404: OpenApiResponse(ErrorSerializer, description="Geen codelijst met deze naam."),
    },
    description="Een codelijst (code, naam, actief). Vereist een ingelogde gebruiker.",
)
@api_view(["GET"])
def code_list(request: Request, kind: str) -> Response:
    model = CODE_LISTS.get(kind)
    if model is None:
        raise Http404
    entries = model._default_manager.order_by("order", "name")
    return Response(CodeSerializer(entries, many=True).data)


@login_not_required
@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
def not_found(request: Request, rest: str = "") -> Response:
    """An address under /api/ that does not exist: a JSON 404 in the API's error shape, not the
    HTML page a person gets. Every API address ends in a slash; one without it is told so."""
    if not request.path.endswith("/"):
        try:
            resolve(request.path + "/")
        except Resolver404:
            pass
        else:
            raise NotFound(
                _("This address ends in a slash: %(path)s/") % {"path": request.path},
                code="append_slash",
            )
    raise NotFound
