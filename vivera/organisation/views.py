from __future__ import annotations

from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from vivera.accounts.access import AuthenticatedHttpRequest, municipality_id_of, role_required
from vivera.accounts.models import Role

from .models import CapacityIntervention
from .selectors import formation_for_teams


@require_GET
@role_required(Role.COORDINATOR)
def formation(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The coordinator's teams: who works there, with which specialism and fte, over time."""
    team_ids = request.user.team_ids()
    interventions = CapacityIntervention.objects.filter(
        Q(team_id__in=team_ids) | Q(team__isnull=True),
        municipality_id=municipality_id_of(request.user),
    ).select_related("team")
    return render(
        request,
        "organisation/formation.html",
        {
            "teams": formation_for_teams(team_ids=team_ids),
            "interventions": interventions,
        },
    )
