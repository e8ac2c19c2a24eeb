"""`{% client_matching dossier %}`: the dossier page's Voor elkaar section (a tag, so the
registration app imports nothing of this one); access checked and the read logged."""

from __future__ import annotations

from typing import Any

from django import template

from ..models import ListingStatus
from ..selectors import suggestions
from ..services import listings_for_dossier

register = template.Library()


@register.inclusion_tag("matching/_dossier.html", takes_context=True)
def client_matching(context: template.Context, dossier: Any) -> dict[str, Any]:
    request = context["request"]
    listings = listings_for_dossier(user=request.user, dossier=dossier, request=request)
    return {
        "dossier": dossier,
        "listings": [
            (x, suggestions(x, 3) if x.status == ListingStatus.PUBLISHED else []) for x in listings
        ],
    }
