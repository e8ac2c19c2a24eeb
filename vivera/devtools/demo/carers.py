"""The register of informal carers in the demo municipality (docs/carers.md): about 300 carers
registered when the demo history starts, growing to about 420 today (the seed's 295 → 418), with
carers joining and leaving every month; young carers, carers of 75 and older, carers of someone
with dementia, partners and working carers; the support the consultant gave, with follow-ups;
a few care relations linked (with consent) to demo clients; the yearly appreciation of the last
four years with applications, approved within the budget or refused with a reason, and this
year's window still open. Scaled with `--scale`.

Written with the models directly, moments planned, without access-log lines, so `vivera demo
--reset` removes it all (`demo_carers_reset`). E-mail addresses are on example.org."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from vivera.accounts.models import User
from vivera.carers.models import (
    Application,
    ApplicationStatus,
    AppreciationForm,
    CareKind,
    Carer,
    CareRelation,
    CarerStatus,
    ContactPurpose,
    OnePer,
    Relation,
    Scheme,
    Source,
    SupportKind,
    SupportRecord,
)
from vivera.devtools.demo.clock import planned_moments
from vivera.monitor.scope import months_between
from vivera.organisation.models import Municipality, Neighbourhood, PostcodeArea
from vivera.registration.models import Client

START_SIZE, END_SIZE = 300, 420  # registered carers at the start of the history and today
LEAVING_PER_MONTH = 0.008  # about one in ten registered carers leaves in a year
SCHEME_YEARS = 4  # the appreciation of this year and the three before
AMOUNT = Decimal("150.00")

FIRST_NAMES = [
    "Anja", "Bert", "Carla", "Dirk", "Esther", "Fatma", "Gerda", "Hans", "Ilse", "Jan", "Karin",
    "Leo", "Marja", "Nadia", "Otto", "Petra", "Rob", "Sanne", "Tineke", "Wim", "Yvonne", "Ahmed",
]  # fmt: skip
LAST_NAMES = [
    "de Boer", "Bakker", "Visser", "Smit", "Meijer", "de Groot", "Mulder", "Bos", "Vos",
    "Peters", "Hendriks", "Dekker", "Brouwer", "Yilmaz", "de Wit", "Dijkstra", "Kramer",
]  # fmt: skip
CARED_FOR = ["moeder", "vader", "partner", "zoon", "dochter", "buurvrouw", "broer", "tante"]
RELATIONS = [
    (Relation.PARTNER, 30),
    (Relation.PARENT, 35),
    (Relation.CHILD, 12),
    (Relation.FAMILY, 10),
    (Relation.FRIEND, 9),
    (Relation.OTHER, 4),
]
# Hours of care a week: most carers give eight or more (the appreciation's usual minimum).
HOURS = [4, 6, 8, 10, 12, 16, 20, 24, 30, 40]
HOURS_WEIGHTS = [3, 4, 10, 12, 12, 14, 14, 10, 8, 13]
REFUSALS = [
    "U zorgt minder dan acht uur per week.",
    "De zorg duurt nog geen drie maanden.",
    "U en de persoon voor wie u zorgt wonen niet in de gemeente.",
]


def demo_iban(rng: random.Random) -> str:
    """A well-formed Dutch IBAN (right check digits) of a bank that does not exist (XXXX is no
    bank code), so no real account is named."""
    account = f"{rng.randint(0, 9_999_999_999):010d}"
    bban = "XXXX" + account
    digits = "".join(str(int(ch, 36)) for ch in bban + "NL00")
    return f"NL{98 - int(digits) % 97:02d}{bban}"


def demo_carers_data(
    *,
    municipality: Municipality,
    consultant: User,
    history_start: dt.date,
    today: dt.date,
    seed: int,
    scale: float,
) -> dict[str, int]:
    rng = random.Random(f"{seed}-carers")
    wijken = list(Neighbourhood.objects.filter(municipality=municipality).order_by("pk"))
    postcodes = {
        w.pk: list(PostcodeArea.objects.filter(neighbourhood=w).values_list("postcode", flat=True))
        for w in wijken
    }
    months = months_between(history_start, today)
    start_size, end_size = round(START_SIZE * scale), round(END_SIZE * scale)
    growth = (end_size - start_size) / max(1, len(months))

    def moment(day: dt.date, hour: int = 10) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, rng.randint(0, 59))))

    carers: list[Carer] = []
    relations: list[CareRelation] = []

    def new_carer(registered: dt.date) -> Carer:
        n = len(carers) + 1
        wijk = rng.choice(wijken)
        age = rng.choices(
            [rng.randint(16, 23), rng.randint(24, 74), rng.randint(75, 88)], [8, 70, 22]
        )[0]
        birth = registered - dt.timedelta(days=365 * age + rng.randint(0, 364))
        area = rng.choice(postcodes[wijk.pk]) if postcodes[wijk.pk] else "9999"
        public = rng.random() < 0.6
        carer = Carer(
            municipality=municipality,
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            birth_date=birth,
            email=f"mantelzorger{n}@example.org",
            postcode=(area + "AB")[:6] if len(area) == 4 else area,
            house_number=str(rng.randint(1, 120)),
            neighbourhood=wijk,
            is_working=24 <= age < 67 and rng.random() < 0.55,
            contact_consent=rng.random() < 0.8,
            contact_purposes=sorted(
                rng.sample(ContactPurpose.values, rng.randint(1, len(ContactPurpose.values)))
            ),
            status=CarerStatus.REGISTERED,
            source=Source.PUBLIC if public else Source.STAFF,
            registered_on=registered,
            confirmed_at=moment(registered, 20) if public else None,
            created_by=None if public else consultant,
            created_at=moment(registered, 20 if public else 11),
        )
        carers.append(carer)
        relation = rng.choices([r for r, _w in RELATIONS], [w for _r, w in RELATIONS])[0]
        if age < 24 and relation == Relation.PARTNER:
            relation = Relation.PARENT
        since = registered - dt.timedelta(days=rng.randint(60, 5 * 365))
        relations.append(
            CareRelation(
                carer=carer,
                cared_for_name=f"{rng.choice(FIRST_NAMES)} ({rng.choice(CARED_FOR)})",
                relation=relation,
                care_kinds=sorted(rng.sample(CareKind.values, rng.randint(1, 3))),
                hours_per_week=rng.choices(HOURS, HOURS_WEIGHTS)[0],
                since=since,
                dementia=rng.random() < (0.35 if age >= 75 else 0.15),
                created_at=moment(registered, 20),
            )
        )
        return carer

    def leave(carer: Carer, day: dt.date) -> None:
        carer.status, carer.left_on = CarerStatus.LEFT, day
        carer.leave_reason = rng.choice(
            ["De zorg is gestopt.", "Verhuisd naar een andere gemeente.", "Wil geen post meer."]
        )

    # The register as it stood when the history starts: registered over the years before.
    for _i in range(start_size):
        new_carer(history_start - dt.timedelta(days=rng.randint(1, 6 * 365)))
    for month in months:
        active = [c for c in carers if c.status == CarerStatus.REGISTERED]
        leaving = int(len(active) * LEAVING_PER_MONTH + rng.random())
        for carer in rng.sample(active, min(leaving, len(active))):
            day = min(today, month + dt.timedelta(days=rng.randint(0, 27)))
            if day > carer.registered_on:  # type: ignore[operator]
                leave(carer, day)
                for relation in relations:
                    if relation.carer is carer and relation.ended_on is None:
                        relation.ended_on = day
        joining = leaving + growth
        for _i in range(int(joining) + (rng.random() < joining % 1)):
            day = month + dt.timedelta(days=rng.randint(0, 27))
            if day <= today:
                new_carer(day)
    # A few registered this week and not confirmed yet.
    for _i in range(max(1, round(3 * scale))):
        carer = new_carer(today - dt.timedelta(days=rng.randint(0, 5)))
        carer.status, carer.registered_on = CarerStatus.PENDING, None
        carer.source, carer.created_by, carer.confirmed_at = Source.PUBLIC, None, None

    with planned_moments(Carer, CareRelation, SupportRecord, Scheme, Application):
        Carer.objects.bulk_create(carers)
        for relation in relations:
            relation.carer_id = relation.carer.pk
        CareRelation.objects.bulk_create(relations)
        _link_clients(rng, municipality, relations, today)
        support = _support(rng, carers, consultant, today, moment)
        applications = _appreciation(
            rng, municipality, consultant, carers, relations, today, moment
        )
    return {
        "carers": len(carers),
        "carers_registered": sum(1 for c in carers if c.status == CarerStatus.REGISTERED),
        "carer_support": support,
        "carer_applications": applications,
    }


def _link_clients(
    rng: random.Random, municipality: Municipality, relations: list[CareRelation], today: dt.date
) -> None:
    """A few carers care for a demo client who agreed to be linked: the dossier shows them."""
    clients = list(
        Client.objects.filter(municipality=municipality, dossiers__closed_on__isnull=True)
        .distinct()
        .order_by("pk")[:200]
    )
    open_relations = [r for r in relations if r.ended_on is None and r.carer.registered_on]
    for relation, client in zip(
        rng.sample(open_relations, min(6, len(open_relations))),
        rng.sample(clients, min(6, len(clients))),
        strict=False,
    ):
        relation.client = client
        relation.cared_for_name = client.full_name
        relation.client_consent_on = today - dt.timedelta(days=rng.randint(10, 300))
        relation.save(update_fields=["client", "cared_for_name", "client_consent_on"])


def _support(rng, carers, consultant, today, moment) -> int:
    """Conversations, respite, courses and groups for about a third of the carers; some with a
    follow-up, a few of those due."""
    records = []
    for carer in carers:
        if carer.registered_on is None or rng.random() > 0.35:
            continue
        last = carer.left_on or today
        for _i in range(rng.randint(1, 3)):
            span = (last - carer.registered_on).days
            day = carer.registered_on + dt.timedelta(days=rng.randint(0, max(0, span)))
            follow = day + dt.timedelta(days=rng.choice([30, 60, 90]))
            follow_up = rng.random() < 0.3 and carer.left_on is None
            done = follow_up and follow < today - dt.timedelta(days=7)
            records.append(
                SupportRecord(
                    carer=carer,
                    date=day,
                    kind=rng.choice(SupportKind.values),
                    note=rng.choice(
                        [
                            "Gesprek over de belasting; respijtzorg besproken.",
                            "Aangemeld voor de cursus 'Zorgen voor jezelf'.",
                            "Lotgenotengroep dementie; komt maandelijks.",
                            "Informatie over de waardering en de mantelzorgpas.",
                        ]
                    ),
                    follow_up_on=follow if follow_up else None,
                    followed_up_at=moment(follow, 14) if done else None,
                    recorded_by=consultant,
                    created_at=moment(day, 15),
                )
            )
    SupportRecord.objects.bulk_create(records)
    return len(records)


def _appreciation(rng, municipality, consultant, carers, relations, today, moment) -> int:
    """A scheme for each of the last years (an amount of money, one per carer, applications in
    the autumn); about two in three registered carers apply; approved within the budget, a few
    refused with a reason. This year's window is still open: some wait for a decision."""
    by_carer: dict[int, CareRelation] = {}
    for relation in relations:
        by_carer.setdefault(relation.carer.pk, relation)
    applications = []
    for year in range(today.year - SCHEME_YEARS + 1, today.year + 1):
        opens, closes = dt.date(year, 10, 1), dt.date(year, 12, 31)
        if opens > today:
            continue
        registered = [
            c
            for c in carers
            if c.registered_on
            and c.registered_on <= closes
            and (not c.left_on or c.left_on > opens)
        ]
        budget = (AMOUNT * round(len(registered) * 0.65)).quantize(Decimal("1"))
        scheme = Scheme.objects.create(
            municipality=municipality,
            year=year,
            form=AppreciationForm.MONEY,
            amount=AMOUNT,
            budget=budget,
            opens_on=opens,
            closes_on=closes,
            one_per=OnePer.CARER,
            min_hours=8,
            min_months=3,
            created_by=consultant,
            created_at=moment(opens - dt.timedelta(days=30), 9),
        )
        used = Decimal(0)
        for carer in registered:
            if rng.random() > 0.62:
                continue
            last = min(closes, today, carer.left_on or closes)
            first = max(opens, carer.registered_on)
            if first > last:
                continue
            received = first + dt.timedelta(days=rng.randint(0, (last - first).days))
            relation = by_carer[carer.pk]
            refused = relation.hours_per_week < 8 or rng.random() < 0.04
            decided = received + dt.timedelta(days=rng.randint(3, 20))
            pending = decided > today or (not refused and used + AMOUNT > budget)
            status = (
                ApplicationStatus.SUBMITTED
                if pending
                else ApplicationStatus.REFUSED
                if refused
                else ApplicationStatus.APPROVED
            )
            if status == ApplicationStatus.APPROVED:
                used += AMOUNT
            applications.append(
                Application(
                    scheme=scheme,
                    carer=carer,
                    relation=relation,
                    received_on=received,
                    source=carer.source,
                    iban=demo_iban(rng),
                    account_holder=f"{carer.first_name[0]}. {carer.last_name}",
                    status=status,
                    amount=AMOUNT if status == ApplicationStatus.APPROVED else None,
                    decided_by=None if pending else consultant,
                    decided_at=None if pending else moment(decided, 11),
                    refusal_reason=(
                        REFUSALS[0] if relation.hours_per_week < 8 else rng.choice(REFUSALS[1:])
                    )
                    if status == ApplicationStatus.REFUSED
                    else "",
                    entered_by=None if carer.source == Source.PUBLIC else consultant,
                    created_at=moment(received, 19),
                )
            )
    Application.objects.bulk_create(applications)
    return len(applications)


def demo_carers_reset(municipality: Municipality) -> None:
    Application.objects.filter(scheme__municipality=municipality).delete()
    Scheme.objects.filter(municipality=municipality).delete()
    carers = Carer.objects.filter(municipality=municipality)
    SupportRecord.objects.filter(carer__in=carers).delete()
    CareRelation.objects.filter(carer__in=carers).delete()
    carers.delete()
