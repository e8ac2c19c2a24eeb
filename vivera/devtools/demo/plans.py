"""The demo municipality's activity overview (docs/plans.md): one plan over last year, this year
and next, with six clusters in the spirit of a municipal Wmo activity overview (written afresh
for Zwijnwaard), activities of its partner organisations with a dated history, a proposal of the
demo partner waiting for the policy advisor and one sent back, and targets bound to Zwijnwaard's
own figures (their baseline is the demo's own figure of the year before the plan) beside two
measured by hand (registered informal carers; social isolation from the health monitor).

Written with the models directly and without access-log lines, like the rest of the demo, so
`vivera demo --reset` removes it all (`demo_plans_reset`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from vivera.accounts.models import User
from vivera.organisation.models import Municipality, PartnerOrganisation
from vivera.plans import figures
from vivera.plans.models import (
    Activity,
    Cluster,
    Measurement,
    NoteState,
    Plan,
    StatusNote,
    Target,
)

# (title, goal, [(target description, unit, figure or "", direction, change, manual baseline)],
#  [(activity, partner names, [(months after the plan's start, status, note)])])
CLUSTERS = [
    (
        "Eigen kracht en meedoen",
        "Inwoners regelen hun leven zo veel mogelijk zelf en doen mee in hun buurt. Waar dat niet "
        "lukt, zoekt het wijkteam eerst wat het netwerk kan doen.",
        [("Dossiers waarin het netwerk in kaart is gebracht", "%", "network_mapped", "up", 5, 0)],
        [
            (
                "Buurtkamers in elke wijk, samen met bewoners ingericht",
                ["Stichting Welzijn Zwijnwaard", "Zwijnwaard Wonen"],
                [
                    (1, "planned", "Locaties in de wijken Noord en Centrum gevonden."),
                    (7, "running", "Twee buurtkamers open, elk drie dagdelen per week."),
                ],
            ),
            (
                "Netwerkgesprek als vaste stap in de intake van het wijkteam",
                [],
                [(2, "running", "Werkinstructie aangepast; alle teams getraind.")],
            ),
            (
                "Huis-aan-huiskrant met een vaste pagina over ondersteuning dichtbij",
                ["Stichting Welzijn Zwijnwaard"],
                [
                    (1, "running", "Vier pagina's verschenen."),
                    (10, "done", "Is regulier werk geworden van de communicatieafdeling."),
                ],
            ),
        ],
    ),
    (
        "Mantelzorg",
        "Mantelzorgers houden hun zorg langer vol en weten waar ze terechtkunnen. Professionals "
        "zien de mantelzorger en vragen ernaar.",
        [
            ("Geregistreerde mantelzorgers", "mantelzorgers", "", "up", 0, 310),
            (
                "Afgesloten dossiers met een betrokken mantelzorger",
                "%",
                "carer_involved",
                "up",
                3,
                0,
            ),
        ],
        [
            (
                "Dag van de Mantelzorg met een waardering voor elke geregistreerde mantelzorger",
                ["MEE Waardstreek", "Stichting Welzijn Zwijnwaard"],
                [
                    (4, "planned", "Datum en locatie vastgelegd."),
                    (11, "done", "Ruim 250 deelnemers; waarderingspakket bezorgd."),
                ],
            ),
            (
                "Respijtzorg: logeeropvang en dagopvang voor wie zorgt voor iemand met dementie",
                ["MEE Waardstreek"],
                [(3, "running", "Twaalf plekken beschikbaar; wachttijd twee weken.")],
            ),
        ],
    ),
    (
        "Vrijwillige inzet en Voor elkaar",
        "Meer inwoners helpen elkaar. Hulpvragen en aanbod vinden elkaar via de vrijwilligers"
        "centrale en de wijkteams.",
        [
            (
                "Afgesloten dossiers met een ingezette vrijwilliger",
                "%",
                "volunteer_deployed",
                "up",
                3,
                0,
            )
        ],
        [
            (
                "Matchen van hulpvragen en vrijwilligers via één digitaal loket",
                ["Stichting Welzijn Zwijnwaard"],
                [
                    (2, "planned", "Eisen opgesteld met de vrijwilligerscentrale."),
                    (9, "planned", "Wacht op de koppeling met het wijkteam."),
                ],
            ),
            (
                "Vrijwilligerspas met verzekering voor bewonersinitiatieven",
                [],
                [
                    (
                        5,
                        "dropped",
                        "Vervallen: de collectieve verzekering van de gemeente dekt dit al.",
                    )
                ],
            ),
        ],
    ),
    (
        "Toegang en wijkteams",
        "Inwoners vinden het wijkteam dichtbij: op de inlooppunten, aan de telefoon en thuis. Een "
        "korte vraag wordt meteen beantwoord.",
        [("Korte contacten in het jaar", "contacten", "short_contacts", "up", 10, 0)],
        [
            (
                "Vaste spreekuren van het wijkteam in elk inlooppunt",
                ["Stichting Welzijn Zwijnwaard"],
                [(1, "running", "Alle inlooppunten hebben vaste dagdelen; rooster online.")],
            ),
            (
                "Afspraken met de huisartsen over verwijzen naar het wijkteam",
                ["Huisartsen Westerhout", "Huisartsenpraktijk De Linde"],
                [
                    (3, "running", "Eerste overleg met de praktijkondersteuners gehouden."),
                    (12, "running", "Vaste contactpersoon per praktijk."),
                ],
            ),
        ],
    ),
    (
        "Preventie en vroegsignalering",
        "Problemen worden eerder gezien, voordat ze groot zijn: betalingsachterstanden, "
        "eenzaamheid en overbelasting.",
        [
            ("Uren outreach in het jaar", "uur", "outreach_hours", "up", 10, 0),
            ("Inwoners in sociaal isolement (GGD)", "%", "", "not_above", 0, 9),
        ],
        [
            (
                "Vroegsignalering van huur- en energieachterstanden met de verhuurders en "
                "leveranciers",
                ["Zwijnwaard Wonen", "Rivierstede Wonen", "Energie Noordstroom"],
                [
                    (2, "running", "Signalen komen binnen via het partnerportaal."),
                    (
                        8,
                        "running",
                        "Binnen vijf werkdagen een huisbezoek bij 80 % van de signalen.",
                    ),
                ],
            ),
            (
                "Eenzaamheid: huisbezoeken bij 75-plussers die alleen wonen",
                ["Stichting Welzijn Zwijnwaard"],
                [(4, "running", "Vrijwilligers getraind; eerste ronde in de wijk Oost.")],
            ),
        ],
    ),
    (
        "Maatwerk en zwaardere zorg",
        "Minder inwoners hebben een individuele voorziening nodig doordat het wijkteam eerder en "
        "breder helpt; wie maatwerk nodig heeft, krijgt het snel.",
        [
            (
                "Nieuwe Wmo-toewijzingen in het jaar",
                "toewijzingen",
                "wmo_allocations_new",
                "down",
                -8,
                0,
            ),
            (
                "Verwijzingen naar zwaardere zorg in het jaar",
                "verwijzingen",
                "heavier_care",
                "down",
                -10,
                0,
            ),
        ],
        [
            (
                "Casusoverleg wijkteam en sociale dienst over aanvragen maatwerk",
                ["Sociale Dienst Waardstreek (SDD)"],
                [
                    (1, "running", "Maandelijks overleg per wijk."),
                    (
                        6,
                        "running",
                        "Een op de vijf aanvragen opgelost met een algemene voorziening.",
                    ),
                ],
            ),
            (
                "Warme overdracht naar de GGZ met een vaste contactpersoon",
                ["GGZ Waardstreek"],
                [(3, "planned", "Afspraken in concept.")],
            ),
        ],
    ),
]


def _month(start: dt.date, months: int) -> dt.date:
    index = start.month - 1 + months
    return dt.date(start.year + index // 12, index % 12 + 1, 1)


def demo_plans_data(
    *, municipality: Municipality, policy: User, partner: User, today: dt.date
) -> dict[str, int]:
    start = dt.date(today.year - 1, 1, 1)
    plan = Plan.objects.create(
        municipality=municipality,
        title=f"Activiteitenoverzicht Wmo {start.year}–{start.year + 2}",
        start_date=start,
        end_date=dt.date(start.year + 2, 12, 31),
        created_by=policy,
    )
    partners = {p.name: p for p in PartnerOrganisation.objects.filter(municipality=municipality)}
    baseline_year = start.year - 1
    counts = {"plan_activities": 0, "plan_targets": 0}
    own: list[Activity] = []
    for position, (title, goal, targets, activities) in enumerate(CLUSTERS, start=1):
        cluster = Cluster.objects.create(plan=plan, position=position, title=title, goal=goal)
        for description, unit, figure, direction, change, manual in targets:
            if figure:
                value = figures.FIGURES[figure].value(municipality, baseline_year, today)
                baseline = value if value is not None else Decimal(100)
                target_value = (
                    baseline + change if unit == "%" else baseline * (100 + change) / 100
                ).quantize(Decimal("1"))
            else:
                baseline = Decimal(manual)
                target_value = Decimal(420) if direction == "up" else baseline
            target = Target.objects.create(
                cluster=cluster,
                description=description,
                unit=unit,
                baseline_year=baseline_year,
                baseline_value=baseline,
                target_value=target_value,
                target_date=plan.end_date,
                direction=direction,
                figure=figure,
            )
            counts["plan_targets"] += 1
            if not figure and direction == "up":
                for year, registered in ((start.year, 352), (start.year + 1, 371)):
                    day = min(dt.date(year, 12, 31), today)
                    Measurement.objects.create(
                        target=target,
                        date=day,
                        value=Decimal(registered),
                        source="Registratie mantelzorgsteunpunt",
                        entered_by=policy,
                    )
            elif not figure:
                Measurement.objects.create(
                    target=target,
                    date=dt.date(start.year, 10, 1),
                    value=Decimal("8.6"),
                    source="GGD Gezondheidsmonitor volwassenen en ouderen",
                    entered_by=policy,
                )
        for number, (description, names, notes) in enumerate(activities, start=1):
            activity = Activity.objects.create(
                cluster=cluster, position=number, description=description
            )
            activity.partners.set([partners[n] for n in names if n in partners])
            if partner.partner_id in {p.pk for p in activity.partners.all()}:
                own.append(activity)
            for months, status, text in notes:
                day = _month(start, months)
                if day <= today:
                    StatusNote.objects.create(
                        activity=activity, date=day, status=status, text=text, written_by=policy
                    )
            counts["plan_activities"] += 1
    # The demo partner's organisation: one proposal waiting, one sent back earlier.
    for activity in own[-1:]:
        now = timezone.now()
        StatusNote.objects.create(
            activity=activity,
            date=today - dt.timedelta(days=40),
            status="running",
            text="Voorstel: alle signalen binnen drie werkdagen opgepakt.",
            state=NoteState.RETURNED,
            written_by=partner,
            partner_id=partner.partner_id,
            decided_by=policy,
            decided_at=now,
            reason="Graag met het aantal signalen erbij.",
        )
        StatusNote.objects.create(
            activity=activity,
            date=today - dt.timedelta(days=3),
            status="running",
            text="142 signalen dit jaar; 118 binnen drie werkdagen opgepakt.",
            state=NoteState.PROPOSED,
            written_by=partner,
            partner_id=partner.partner_id,
        )
    return counts


def demo_plans_reset(municipality: Municipality) -> None:
    plans = Plan.objects.filter(municipality=municipality)
    StatusNote.objects.filter(activity__cluster__plan__in=plans).delete()
    Measurement.objects.filter(target__cluster__plan__in=plans).delete()
    Target.objects.filter(cluster__plan__in=plans).delete()
    activities = Activity.objects.filter(cluster__plan__in=plans)
    Activity.partners.through.objects.filter(activity__in=activities).delete()
    # Carried over ones first: an activity that another continues is protected.
    activities.filter(continues__isnull=False).delete()
    activities.delete()
    Cluster.objects.filter(plan__in=plans).delete()
    plans.delete()
