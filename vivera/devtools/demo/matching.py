"""Voor elkaar in the demo municipality (docs/matching.md): a lively site over the whole demo
history. Volunteers and residents sign up month by month (volunteers from about 115 to 165 over
the history, requests growing faster than offers, as the seed's site did), every request and
offer is moderated (a few still wait, one is held back), replies come in, part of them become a
match, some help starts and ends. A few requests are posted by the team for demo clients, with a
match visible on the dossier.

Written with the models directly, moments planned, without access-log lines, so `vivera demo
--reset` removes it all (`demo_matching_reset`). The e-mail addresses are on example.org."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from vivera.accounts.models import User
from vivera.devtools.demo.clock import planned_moments
from vivera.matching.models import (
    Connection,
    ConnectionStatus,
    Listing,
    ListingStatus,
    Member,
    Message,
    Report,
)
from vivera.monitor.scope import months_between
from vivera.organisation.models import Municipality, Neighbourhood
from vivera.registration.models import Dossier

REQUESTS = [
    (
        "transport",
        "Vervoer naar de dagbesteding",
        "Onze zoon gaat op dinsdag en donderdag naar de dagbesteding. Wie rijdt af en toe mee?",
    ),
    (
        "shopping",
        "Samen boodschappen doen",
        "Ik loop slecht en zou graag eens per week met iemand naar de supermarkt gaan.",
    ),
    (
        "company",
        "Een kop koffie en een praatje",
        "Sinds mijn man overleed is het stil in huis. Wie komt af en toe op de koffie?",
    ),
    (
        "phone_buddy",
        "Telefoonmaatje gezocht",
        "Ik zou het fijn vinden als iemand mij een keer per week belt.",
    ),
    (
        "odd_jobs",
        "Lamp ophangen en gordijnrail",
        "Ik kan zelf niet meer op een trap. Wie helpt met twee klusjes?",
    ),
    (
        "garden",
        "Hulp in de tuin",
        "De heg en het gras worden me te veel. Wie helpt een paar keer per jaar?",
    ),
    (
        "paperwork",
        "Hulp bij post en formulieren",
        "Ik begrijp de brieven van de belasting niet goed. Wie kijkt mee?",
    ),
    (
        "digital",
        "Uitleg over mijn nieuwe telefoon",
        "Ik wil leren videobellen met mijn kleinkinderen.",
    ),
    ("walking", "Wandelmaatje", "Ik wil meer bewegen maar niet alleen wandelen. Wie gaat mee?"),
]
OFFERS = [
    (
        "transport",
        "Ik rijd mensen naar afspraken",
        "Ik ben met pensioen en heb een auto. Ik rijd graag naar het ziekenhuis of de "
        "dagbesteding.",
    ),
    (
        "shopping",
        "Boodschappen voor een buur",
        "Ik doe op zaterdag mijn eigen boodschappen en neem graag iets mee.",
    ),
    (
        "company",
        "Gezelschap voor ouderen",
        "Ik kom graag een uurtje langs voor koffie en een spelletje.",
    ),
    (
        "digital",
        "Hulp met computer en telefoon",
        "Ik werk in de ICT en help graag met apps, mail en videobellen.",
    ),
    ("garden", "Tuinieren is mijn hobby", "Ik help graag met snoeien, maaien en onkruid."),
    (
        "paperwork",
        "Hulp bij formulieren",
        "Oud-boekhouder, helpt met post, toeslagen en formulieren.",
    ),
    (
        "odd_jobs",
        "Klusjesman in de wijk",
        "Kleine klussen in huis: lampen, planken, een lekkende kraan.",
    ),
]


def demo_matching_data(
    *,
    municipality: Municipality,
    moderator: User,
    professional: User,
    history_start: dt.date,
    today: dt.date,
    seed: int,
    scale: float,
) -> dict[str, int]:
    rng = random.Random(f"{seed}-matching")
    wijken = list(Neighbourhood.objects.filter(municipality=municipality).order_by("pk"))
    months = months_between(history_start, today)
    counts = {"matching_listings": 0, "matching_matches": 0}
    members: list[Member] = []

    def moment(day: dt.date, hour: int = 10) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, rng.randint(0, 59))))

    with planned_moments(Member, Listing, Connection, Message, Report):
        for index, month in enumerate(months):
            growth = 1 + 0.6 * index / max(1, len(months) - 1)
            for kind, pool, per_month in (
                ("request", REQUESTS, 9 * growth),
                ("offer", OFFERS, 6 * (1 + 0.4 * index / max(1, len(months) - 1))),
            ):
                expected = per_month * scale
                for _i in range(int(expected) + (rng.random() < expected % 1)):
                    day = month + dt.timedelta(days=rng.randint(0, 27))
                    if day > today:
                        continue
                    member = Member.objects.create(
                        municipality=municipality,
                        name=rng.choice(
                            ["Anna", "Bram", "Fatima", "Kees", "Noor", "Sem", "Yusuf", "Els"]
                        ),
                        email=f"vrijwilliger{len(members) + 1}@example.org",
                        confirmed_at=moment(day, 9),
                        created_at=moment(day, 9),
                    )
                    members.append(member)
                    help_kind, title, text = rng.choice(pool)
                    waiting = (today - day).days < 4
                    listing = Listing.objects.create(
                        municipality=municipality,
                        kind=kind,
                        member=member,
                        title=title,
                        text=text,
                        help_kind=help_kind,
                        neighbourhood=rng.choice(wijken),
                        parts_of_day=sorted(
                            rng.sample(["morning", "afternoon", "evening"], rng.randint(1, 2))
                        ),
                        frequency=rng.choice(["once", "recurring", "recurring"]),
                        status=ListingStatus.PENDING if waiting else ListingStatus.PUBLISHED,
                        moderated_by=None if waiting else moderator,
                        moderated_at=None if waiting else moment(day + dt.timedelta(days=1), 11),
                        published_at=None if waiting else moment(day + dt.timedelta(days=1), 11),
                        created_at=moment(day),
                    )
                    counts["matching_listings"] += 1
                    if not waiting and kind == "request":
                        counts["matching_matches"] += _replies(
                            rng, listing, members, day, today, moment
                        )
        _client_requests(rng, municipality, professional, members, today, moment, counts)
    return counts


def _replies(rng, listing, members, day, today, moment) -> int:
    """Replies from earlier members; about half become a match."""
    matches = 0
    helpers = [m for m in members[:-1] if m.pk != listing.member_id]
    for helper in rng.sample(helpers, k=min(len(helpers), rng.randint(0, 2))):
        replied = day + dt.timedelta(days=rng.randint(2, 10))
        if replied > today:
            continue
        connection = Connection.objects.create(
            listing=listing,
            member=helper,
            status_since=replied,
            created_at=moment(replied, 19),
        )
        Message.objects.create(
            connection=connection,
            from_poster=False,
            text="Ik help graag. Wanneer schikt het?",
            created_at=moment(replied, 19),
        )
        if rng.random() < 0.5 and replied + dt.timedelta(days=3) <= today:
            matched = replied + dt.timedelta(days=3)
            status = ConnectionStatus.MATCH
            if matched + dt.timedelta(days=14) <= today:
                status = rng.choice(
                    [ConnectionStatus.STARTED, ConnectionStatus.STARTED, ConnectionStatus.ENDED]
                )
            connection.status, connection.status_since = status, matched
            connection.matched_on = matched
            connection.follow_up_on = matched + dt.timedelta(days=28)
            connection.poster_shares = connection.member_shares = True
            if connection.follow_up_on < today - dt.timedelta(days=14):
                connection.followed_up_at = moment(connection.follow_up_on, 14)
            connection.save()
            matches += 1
    return matches


def _client_requests(rng, municipality, professional, members, today, moment, counts) -> None:
    """Three requests the team posted for demo clients of its professional: one matched after a
    conversation with the team, one with a helper's reply waiting for the team's answer."""
    dossiers = list(
        Dossier.objects.filter(
            municipality=municipality,
            case_director=professional,
            closed_on__isnull=True,
            client__neighbourhood__isnull=False,
        )
        .select_related("client")
        .order_by("pk")[:3]
    )
    for n, dossier in enumerate(dossiers):
        client = dossier.client
        day = today - dt.timedelta(days=30 - 8 * n)
        help_kind, title, text = REQUESTS[n]
        assert client.neighbourhood is not None  # the query asks for one
        listing = Listing.objects.create(
            municipality=municipality,
            kind="request",
            posted_by=professional,
            client=client,
            dossier=dossier,
            title=title,
            text=text,
            help_kind=help_kind,
            neighbourhood=client.neighbourhood,
            parts_of_day=["morning"],
            frequency="recurring",
            status=ListingStatus.PUBLISHED,
            published_at=moment(day + dt.timedelta(days=1), 11),
            created_at=moment(day),
        )
        counts["matching_listings"] += 1
        if n == 0 and members:
            connection = Connection.objects.create(
                listing=listing,
                member=members[0],
                status=ConnectionStatus.MATCH,
                status_since=day + dt.timedelta(days=5),
                matched_on=day + dt.timedelta(days=5),
                follow_up_on=day + dt.timedelta(days=33),
                poster_shares=True,
                poster_shared_by=professional,
                member_shares=True,
                created_at=moment(day + dt.timedelta(days=3), 19),
            )
            for days, from_team, words in (
                (3, False, "Ik kan op dinsdagochtend rijden. Hoe laat moet het?"),
                (4, True, "Fijn! Om half negen vertrekken. Zullen we contactgegevens delen?"),
                (4, False, "Graag, ik heb op de knop gedrukt."),
            ):
                Message.objects.create(
                    connection=connection,
                    from_poster=from_team,
                    written_by=professional if from_team else None,
                    text=words,
                    created_at=moment(day + dt.timedelta(days=days), 20 if from_team else 19),
                )
            counts["matching_matches"] += 1
        elif n == 1 and len(members) > 1:
            connection = Connection.objects.create(
                listing=listing,
                member=members[1],
                status_since=today - dt.timedelta(days=1),
                created_at=moment(today - dt.timedelta(days=1), 18),
            )
            Message.objects.create(
                connection=connection,
                from_poster=False,
                text="Dit wil ik wel doen. Past het ook op donderdag?",
                created_at=moment(today - dt.timedelta(days=1), 18),
            )


def demo_matching_reset(municipality: Municipality) -> None:
    listings = Listing.objects.filter(municipality=municipality)
    Message.objects.filter(connection__listing__in=listings).delete()
    Report.objects.filter(listing__in=listings).delete()
    Connection.objects.filter(listing__in=listings).delete()
    listings.delete()
    Member.objects.filter(municipality=municipality).delete()
