"""`{% client_carers dossier %}`: the informal carers section of the dossier page. A tag, so the
registration app needs no import of this one; it checks access and logs the read."""

from __future__ import annotations

from typing import Any

from django import template

from ..access import carers_for_dossier

register = template.Library()


@register.inclusion_tag("carers/_dossier.html", takes_context=True)
def client_carers(context: template.Context, dossier: Any) -> dict[str, Any]:
    request = context["request"]
    return {
        "relations": carers_for_dossier(user=request.user, dossier=dossier, request=request),
        "dossier": dossier,
        "may_register": not dossier.is_closed,
    }
