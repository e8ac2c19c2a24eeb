"""`{% client_allocations dossier %}`: the Wmo allocations section of the dossier page. A tag,
so the registration app needs no import of this one; it checks access and logs the read."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from vivera.core import formatting

from ..access import allocations_for_dossier
from ..codes import category_label
from ..models import Delivery

register = template.Library()


@register.inclusion_tag("provisions/_allocations.html", takes_context=True)
def client_allocations(context: template.Context, dossier: Any) -> dict[str, Any]:
    request = context["request"]
    allocations = allocations_for_dossier(user=request.user, dossier=dossier, request=request)
    today = timezone.localdate()
    rows = [
        {
            "allocation": a,
            "category": category_label(a.category),
            "current": a.start_date <= today and (a.end_date is None or a.end_date >= today),
        }
        for a in allocations
    ]
    last = (
        Delivery.objects.filter(municipality_id=dossier.municipality_id)
        .order_by("-imported_at")
        .first()
    )
    known_until = None
    if last is not None:
        known_until = min(last.period_end, timezone.localtime(last.imported_at).date())
    return {"rows": rows, "last_delivery": last, "known_until": known_until}


@register.filter
def number(value: int) -> str:
    """A count the Dutch way: 1.000.000."""
    return formatting.number(value)
