from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from vivera.organisation.models import ContactKind, LifeDomain, Outcome, Referrer

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
    responses=CodeSerializer(many=True),
    description="Een codelijst (code, naam, actief). Vereist een ingelogde gebruiker.",
)
@api_view(["GET"])
def code_list(request: Request, kind: str) -> Response:
    model = CODE_LISTS.get(kind)
    if model is None:
        raise Http404
    entries = model.objects.order_by("order", "name")
    return Response(CodeSerializer(entries, many=True).data)
