"""The demo municipality Zwijnwaard: generate it, remove it, list its logins.

`demo_generate` writes a fictional municipality of ≈ 45,000 residents with two teams (Oost, West),
seven walk-in locations, partners, a login per role and a history that ends today. It imitates
the municipality of the evaluation study (November 2015 – December 2017: ≈ 1,700 dossiers and
≈ 2,100 questions, a waiting list in the summer of 2016 that disappears after the capacity added
in November 2016), moved by whole years so that those 26 months end on the 31 December before
today, and continued at the volumes of 2017 up to today; dossiers that would still be open today
are open, and a few current dossiers near today give the demo logins their work lists. `scale`
multiplies the volumes (0.02 for tests, 10 and more for benchmarks); the same seed and the same
today always give the same data. What is generated is planned in `planning.py`; the fixed facts
are in `reference.py`.

Why the generator bypasses `vivera.registration.services`
---------------------------------------------------------
The services record what a user does now: each one checks its dates against today, claims a form
token, validates a single object and writes a line to the NEN 7513 access log. The generator
writes *history* that nobody did through the application. Through the services it would fill
the append-only access log with tens of thousands of invented "create" lines that can never be
removed again, it could not date anything in 2016, and it would take minutes instead of seconds.
So it builds plain model instances and bulk-inserts them in batches. The database's check
constraints still guard every row, and the planner keeps the services' rules itself: status
changes follow `ALLOWED_STATUS_CHANGES`, a dossier has a case director from its intake on, every
question closes (with an outcome) before its dossier closes, nothing is dated before its dossier
or after today. The tests check these rules on the generated data.

The moments a row was written (`created_at`, `changed_at`, `recorded_at`, a partner submission's
`received_at`: auto_now_add) carry the planned day too, not the moment of generation (see
`clock.py`).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice

from django.contrib.auth.hashers import check_password, make_password
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from vivera.accounts.models import Role, User
from vivera.audit.models import AccessLogEntry
from vivera.core.formatting import number
from vivera.devtools.demo.carers import demo_carers_data, demo_carers_reset
from vivera.devtools.demo.matching import demo_matching_data, demo_matching_reset
from vivera.devtools.demo.partners import demo_partner_data, demo_partner_reset
from vivera.devtools.demo.plans import demo_plans_data, demo_plans_reset
from vivera.devtools.demo.provisions import demo_provisions_data, demo_provisions_reset
from vivera.devtools.demo.survey import demo_survey_data, demo_survey_reset
from vivera.organisation.models import (
    CapacityIntervention,
    ConsultationHour,
    ContactKind,
    InterventionAssumption,
    LifeDomain,
    Location,
    Municipality,
    Neighbourhood,
    Outcome,
    PartnerOrganisation,
    PostcodeArea,
    Referrer,
    Team,
    TeamMembership,
)
from vivera.partners.models import OutreachAttempt, Submission, SubmissionStatusChange
from vivera.registration.models import (
    Client,
    ConsentMethod,
    ContactMoment,
    Dossier,
    DossierStatusChange,
    Household,
    OutreachActivity,
    Question,
    Referral,
    SharingConsent,
    ShortContact,
    ZrmAssessment,
    ZrmScore,
)
from vivera.registration.signals import changed
from vivera.retention.models import LegalHold

from . import reference as ref
from .clock import OFFICE_START, Clock, planned_moments
from .planning import ClientPlan, DossierPlan, HouseholdPlan, Planner, Timeline

BATCH = 1_000  # rows per INSERT; Django lowers it further where the database needs it
DOSSIER_CHUNK = 500  # dossiers written per round (with everything under them): bounds memory


class DemoError(Exception):
    """The demo cannot be generated here; the message says why (in Dutch, for the command)."""


@dataclass(frozen=True)
class DemoSummary:
    seed: int
    scale: float
    today: dt.date
    seconds: float
    history_start: dt.date
    neighbourhoods: int = 0
    postcode_areas: int = 0
    teams: int = 0
    locations: int = 0
    consultation_hours: int = 0
    partners: int = 0
    users: int = 0
    memberships: int = 0
    interventions: int = 0
    households: int = 0
    clients: int = 0
    dossiers: int = 0
    current_dossiers: int = 0
    status_changes: int = 0
    questions: int = 0
    contacts: int = 0
    referrals: int = 0
    zrm_assessments: int = 0
    zrm_scores: int = 0
    short_contacts: int = 0
    outreach_activities: int = 0
    partner_submissions: int = 0
    survey_invitations: int = 0
    survey_responses: int = 0
    survey_answers: int = 0
    wmo_allocations: int = 0
    wmo_client_allocations: int = 0
    plan_activities: int = 0
    plan_targets: int = 0
    matching_listings: int = 0
    matching_matches: int = 0
    carers: int = 0
    carers_registered: int = 0
    carer_support: int = 0
    carer_applications: int = 0

    LABELS = (
        ("neighbourhoods", "wijken"),
        ("postcode_areas", "postcodegebieden"),
        ("teams", "teams"),
        ("locations", "inlooppunten"),
        ("consultation_hours", "spreekuren"),
        ("partners", "ketenpartners"),
        ("users", "gebruikers"),
        ("memberships", "teamlidmaatschappen"),
        ("interventions", "capaciteitsuitbreidingen"),
        ("households", "huishoudens"),
        ("clients", "cliënten"),
        ("dossiers", "dossiers"),
        ("current_dossiers", "waarvan actueel (rond vandaag)"),
        ("status_changes", "statuswijzigingen"),
        ("questions", "vragen"),
        ("contacts", "contactmomenten"),
        ("referrals", "verwijzingen"),
        ("zrm_assessments", "ZRM-metingen"),
        ("zrm_scores", "ZRM-scores"),
        ("short_contacts", "korte contacten"),
        ("outreach_activities", "outreach-activiteiten"),
        ("partner_submissions", "meldingen van partners (actueel)"),
        ("survey_invitations", "uitnodigingen voor de enquête"),
        ("survey_responses", "ingevulde enquêtes"),
        ("survey_answers", "antwoorden in de enquête"),
        ("wmo_allocations", "Wmo-toewijzingen (sociale dienst)"),
        ("wmo_client_allocations", "waarvan van cliënten"),
        ("plan_activities", "activiteiten in het activiteitenoverzicht"),
        ("plan_targets", "doelen in het activiteitenoverzicht"),
        ("matching_listings", "hulpvragen en aanbod op Voor elkaar"),
        ("matching_matches", "matches op Voor elkaar"),
        ("carers", "mantelzorgers in het register (ooit)"),
        ("carers_registered", "waarvan nu ingeschreven"),
        ("carer_support", "ondersteuning van mantelzorgers"),
        ("carer_applications", "aanvragen mantelzorgwaardering"),
    )

    def lines(self) -> list[str]:
        """A short Dutch summary for the command."""
        width = max(len(label) for _f, label in self.LABELS)
        head = (
            f"Demogemeente {ref.MUNICIPALITY_NAME} ({ref.MUNICIPALITY_CBS_CODE}, "
            f"± {number(ref.RESIDENTS)} inwoners) gemaakt in "
            f"{number(self.seconds, 1)} s (seed {self.seed}, "
            f"schaal {number(self.scale)}, "
            f"vandaag {self.today:%d-%m-%Y}), geschiedenis "
            f"{self.history_start:%m-%Y} t/m vandaag:"
        )
        return [
            head,
            *(
                f"  {label:<{width}}  {number(getattr(self, name)):>9}"
                for name, label in self.LABELS
            ),
        ]


@dataclass(frozen=True)
class ResetSummary:
    existed: bool
    dossiers: int
    clients: int
    users: int
    kept_users: int
    municipality_kept: bool

    def lines(self) -> list[str]:
        if not self.existed:
            return [f"Er was nog geen demogemeente {ref.MUNICIPALITY_NAME}."]
        lines = [
            f"Demogemeente {ref.MUNICIPALITY_NAME} verwijderd: "
            f"{number(self.dossiers)} dossiers, {number(self.clients)} cliënten, "
            f"{number(self.users)} gebruikers."
        ]
        if self.kept_users:
            lines.append(
                f"  {self.kept_users} gebruiker(s) blijven bestaan (zonder team): het "
                "toegangslogboek verwijst naar hen en kan niet worden gewijzigd. Een "
                "nieuwe demo neemt ze weer op."
            )
        if self.municipality_kept:
            lines.append("  De gemeente zelf blijft om dezelfde reden bestaan (zonder gegevens).")
        return lines


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str  # DEMO_PASSWORD, or a note that the user changed it
    role: str  # Dutch role name
    teams: str
    name: str


def _batches[T](items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _insert[M: models.Model](model: type[M], objects: Sequence[M]) -> list[M]:
    return model._default_manager.bulk_create(objects, batch_size=BATCH) if objects else []


def _pk(client: ClientPlan) -> int:
    assert client.pk is not None  # the clients are written before their dossiers
    return client.pk


def _membership(person: ref.Person, team: Team, user: User) -> TeamMembership:
    # A team member's entry in the reference gives all of these.
    assert person.specialism and person.fte is not None and person.start is not None
    return TeamMembership(
        team=team,
        user=user,
        specialism=person.specialism,
        fte=person.fte,
        start_date=person.start,
        end_date=person.end,
    )


# --- Looking up, removing --------------------------------------------------------------------


def demo_municipality() -> Municipality | None:
    return Municipality.objects.filter(cbs_code=ref.MUNICIPALITY_CBS_CODE).first()


def demo_exists() -> bool:
    """The demo is there when its municipality has teams or clients (a reset may leave the bare
    municipality behind; see `demo_reset`)."""
    municipality = demo_municipality()
    return municipality is not None and (
        Team.objects.filter(municipality=municipality).exists()
        or Client.objects.filter(municipality=municipality).exists()
    )


@transaction.atomic
def demo_reset() -> ResetSummary:
    """Delete everything of the demo municipality, and nothing of any other.

    The access log is append-only (NEN 7513) and protects the users and the municipality it
    names: someone who logged in to the demo and opened a dossier left lines pointing at both.
    Those users (and then the municipality) are kept, stripped of their memberships; the next
    `demo_generate` takes them up again instead of creating duplicates.
    """
    municipality = demo_municipality()
    if municipality is None:
        return ResetSummary(False, 0, 0, 0, 0, False)
    dossiers = Dossier.objects.filter(municipality=municipality)
    counts = (dossiers.count(), Client.objects.filter(municipality=municipality).count())
    demo_partner_reset(municipality)
    demo_survey_reset(municipality)
    demo_provisions_reset(municipality)
    demo_plans_reset(municipality)
    demo_matching_reset(municipality)
    demo_carers_reset(municipality)
    # Bottom-up, so every delete is a plain DELETE … WHERE without cascades to collect.
    ZrmScore.objects.filter(assessment__dossier__in=dossiers).delete()
    ZrmAssessment.objects.filter(dossier__in=dossiers).delete()
    Referral.objects.filter(dossier__in=dossiers).delete()
    SharingConsent.objects.filter(dossier__in=dossiers).delete()
    ContactMoment.professionals.through.objects.filter(contactmoment__dossier__in=dossiers).delete()
    ContactMoment.objects.filter(dossier__in=dossiers).delete()
    Question.objects.filter(dossier__in=dossiers).delete()
    DossierStatusChange.objects.filter(dossier__in=dossiers).delete()
    dossiers.delete()
    LegalHold.objects.filter(municipality=municipality).delete()  # placed on demo clients
    Client.objects.filter(municipality=municipality).delete()
    Household.objects.filter(municipality=municipality).delete()
    ShortContact.objects.filter(municipality=municipality).delete()
    OutreachActivity.objects.filter(municipality=municipality).delete()
    CapacityIntervention.objects.filter(municipality=municipality).delete()
    TeamMembership.objects.filter(team__municipality=municipality).delete()
    ConsultationHour.objects.filter(location__municipality=municipality).delete()
    Location.objects.filter(municipality=municipality).delete()
    Team.objects.filter(municipality=municipality).delete()
    PostcodeArea.objects.filter(neighbourhood__municipality=municipality).delete()
    Neighbourhood.objects.filter(municipality=municipality).delete()

    users = User.objects.filter(municipality=municipality)
    logged = set(AccessLogEntry.objects.filter(user__in=users).values_list("user_id", flat=True))
    deleted_users = 0
    for user in users.exclude(pk__in=logged).order_by("pk"):
        try:
            with transaction.atomic():
                user.delete()
            deleted_users += 1
        except ProtectedError:
            logged.add(user.pk)  # something else still points at it: keep it as well
    User.objects.filter(pk__in=logged).update(partner=None)
    PartnerOrganisation.objects.filter(municipality=municipality).delete()
    changed.send(sender=Dossier, municipality_id=municipality.pk)
    removable = not logged and not AccessLogEntry.objects.filter(municipality=municipality).exists()
    if removable:
        municipality.delete()
    return ResetSummary(
        True, counts[0], counts[1], deleted_users, len(logged), municipality_kept=not removable
    )


# --- Generating -------------------------------------------------------------------------------


@dataclass
class _Codes:
    domains: dict[str, LifeDomain]
    zrm: list[LifeDomain]
    referrers: dict[str, Referrer]
    outcomes: dict[str, Outcome]
    contact_kinds: dict[str, ContactKind]

    @classmethod
    def load(cls) -> _Codes:
        """The seeded code lists (organisation migration 0002), by their stable codes."""
        codes = cls(
            domains={d.code: d for d in LifeDomain.objects.all()},
            zrm=list(LifeDomain.objects.filter(in_zrm=True).order_by("order", "name")),
            referrers={r.code: r for r in Referrer.objects.all()},
            outcomes={o.code: o for o in Outcome.objects.all()},
            contact_kinds={k.code: k for k in ContactKind.objects.all()},
        )
        needed: dict[str, tuple[set[str], Mapping[str, object]]] = {
            "levensdomeinen": ({c for c, _w in ref.QUESTION_DOMAINS}, codes.domains),
            "verwijzers": (
                {"zelf", "netwerk", "vroegsignaal", "outreach", "huisarts"},
                codes.referrers,
            ),
            "uitkomsten": (
                {
                    "opgelost-team",
                    "maatwerk-sdd",
                    "specialistisch",
                    "ingetrokken",
                    "buurthuis",
                    "vrijwilliger",
                    "mantelzorgondersteuning",
                    "schuldhulpmaatje",
                    "algemene-voorziening",
                },
                codes.outcomes,
            ),
            "contactsoorten": (
                {"huisbezoek", "kantoor", "inloop", "telefoon", "email", "video", "overleg"},
                codes.contact_kinds,
            ),
        }
        for label, (wanted, present) in needed.items():
            missing = sorted(wanted - present.keys())
            if missing:
                raise DemoError(
                    f"De codelijst {label} mist {', '.join(missing)}; draai eerst "
                    "'vivera migrate' (de demo gebruikt de standaardcodes)."
                )
        return codes


@dataclass
class _Organisation:
    municipality: Municipality
    wijken: dict[str, Neighbourhood]  # by wijk number
    teams: dict[str, Team]
    locations: dict[str, Location]
    partners: dict[str, PartnerOrganisation]
    users: dict[str, User]


def _check_conflicts() -> None:
    """The demo's names and codes must not be taken by a real municipality in this database."""
    other = Municipality.objects.exclude(cbs_code=ref.MUNICIPALITY_CBS_CODE)
    problems = []
    if other.filter(name=ref.MUNICIPALITY_NAME).exists():
        problems.append(f"een andere gemeente heet al {ref.MUNICIPALITY_NAME}")
    postcodes = [pc for wijk in ref.WIJKEN for pc in wijk.postcodes]
    postcodes_taken = PostcodeArea.objects.filter(postcode__in=postcodes).values_list(
        "postcode", flat=True
    )
    if postcodes_taken:
        problems.append(f"postcodegebieden bestaan al: {', '.join(sorted(postcodes_taken))}")
    codes = [wijk.cbs_code for wijk in ref.WIJKEN]
    codes_taken = Neighbourhood.objects.filter(cbs_code__in=codes).values_list(
        "cbs_code", flat=True
    )
    if codes_taken:
        problems.append(f"wijkcodes bestaan al: {', '.join(sorted(codes_taken))}")
    names = [person.username for person in ref.PEOPLE]
    names_taken = (
        User.objects.filter(username__in=names)
        .exclude(municipality__cbs_code=ref.MUNICIPALITY_CBS_CODE)
        .values_list("username", flat=True)
    )
    if names_taken:
        problems.append(
            "gebruikersnamen zijn al in gebruik buiten de demogemeente: "
            + ", ".join(sorted(names_taken))
        )
    if problems:
        raise DemoError("De demogemeente past niet in deze database: " + "; ".join(problems) + ".")


def _write_organisation(timeline: Timeline) -> _Organisation:
    municipality, _created = Municipality.objects.get_or_create(
        cbs_code=ref.MUNICIPALITY_CBS_CODE, defaults={"name": ref.MUNICIPALITY_NAME}
    )
    wijken = {
        w.number: Neighbourhood(municipality=municipality, name=w.name, cbs_code=w.cbs_code)
        for w in ref.WIJKEN
    }
    _insert(Neighbourhood, list(wijken.values()))
    _insert(
        PostcodeArea,
        [
            PostcodeArea(neighbourhood=wijken[w.number], postcode=pc)
            for w in ref.WIJKEN
            for pc in w.postcodes
        ],
    )
    teams = {name: Team.objects.create(municipality=municipality, name=name) for name in ref.TEAMS}
    for name, team in teams.items():
        team.neighbourhoods.set([wijken[w.number] for w in ref.WIJKEN if w.team == name])
    locations = {
        loc.name: Location(
            municipality=municipality,
            team=teams[loc.team],
            neighbourhood=wijken[loc.wijk],
            name=loc.name,
            address=loc.address,
        )
        for loc in ref.LOCATIONS
    }
    _insert(Location, list(locations.values()))
    _insert(
        ConsultationHour,
        [
            ConsultationHour(
                location=locations[loc.name],
                weekday=slot.weekday,
                part_of_day=slot.part_of_day,
                valid_from=slot.since,
                valid_until=slot.until,
            )
            for loc in timeline.locations
            for slot in loc.slots
        ],
    )
    partners = {
        name: PartnerOrganisation(municipality=municipality, name=name, kind=kind)
        for name, kind in ref.PARTNERS
    }
    _insert(PartnerOrganisation, list(partners.values()))
    users = _write_users(municipality, partners)
    people = timeline.people
    _insert(
        TeamMembership,
        [_membership(p, teams[p.team], users[p.username]) for p in people if p.team is not None],
    )
    planned = timeline.interventions()
    interventions = _insert(
        CapacityIntervention,
        [
            CapacityIntervention(
                municipality=municipality,
                team=None,
                date=date,
                name=name,
                assumptions=text,
                fte_added=sum((p.fte or 0 for p in people if p.start == date and p.casework), 0),
            )
            for date, name, text, _effects in planned
        ],
    )
    _insert(
        InterventionAssumption,
        [
            InterventionAssumption(intervention=obj, effect=effect)
            for obj, (_d, _n, _t, effects) in zip(interventions, planned, strict=True)
            for effect in effects
        ],
    )
    return _Organisation(municipality, wijken, teams, locations, partners, users)


def _write_users(
    municipality: Municipality, partners: dict[str, PartnerOrganisation]
) -> dict[str, User]:
    # One hash for all: hashing is deliberately slow (≈ 0.3 s per call), and the password is
    # public anyway.
    password = make_password(ref.DEMO_PASSWORD)
    existing = {
        u.username: u
        for u in User.objects.filter(
            username__in=[p.username for p in ref.PEOPLE], municipality=municipality
        )
    }
    users: dict[str, User] = {}
    new: list[User] = []
    for person in ref.PEOPLE:
        user = existing.get(person.username) or User(username=person.username)
        user.first_name, user.last_name = person.first_name, person.last_name
        user.email = f"{person.username}@zwijnwaard.example"
        user.role = person.role
        user.municipality = municipality
        user.partner = partners[person.partner] if person.partner else None
        user.is_staff = person.role == Role.ADMIN
        user.is_superuser = False
        # Someone who left the team keeps the account (as case director of old dossiers) but
        # can no longer log in.
        user.is_active = person.end is None
        user.password = password
        if user.pk:
            user.save()
        else:
            new.append(user)
        users[person.username] = user
    _insert(User, new)
    _demo_authenticators(list(users.values()))
    return users


def _demo_authenticators(users: list[User]) -> None:
    """Every demo account that needs the second login step gets the one public demo key, so a
    visitor adds it to an authenticator app once (or asks `vivera demo_code`)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from vivera.accounts.two_factor import TWO_FACTOR_ROLES

    needing = [u for u in users if u.role in TWO_FACTOR_ROLES]
    TOTPDevice.objects.filter(user__in=needing).delete()
    TOTPDevice.objects.bulk_create(
        [
            TOTPDevice(user=u, name="demo", key=ref.DEMO_TOTP_KEY_HEX, confirmed=True)
            for u in needing
        ]
    )


@transaction.atomic
def demo_generate(
    *, seed: int = 42, scale: float = 1.0, today: dt.date | None = None
) -> DemoSummary:
    """Generate the demo municipality (see the module docstring). Refuses when it exists.

    `today` (default: the real date) is the day the history ends (see `planning.Timeline`);
    tests pin it so the data does not depend on the day they run.
    """
    started = time.perf_counter()
    today = today or timezone.localdate()
    if not 0 < scale <= 1_000:
        raise DemoError("De schaal moet groter dan 0 zijn (en hoogstens 1000).")
    if demo_exists():
        raise DemoError(f"De demogemeente {ref.MUNICIPALITY_NAME} bestaat al.")
    codes = _Codes.load()
    _check_conflicts()
    planner = Planner(seed=seed, scale=scale, today=today, zrm_domains=[d.code for d in codes.zrm])
    clock = Clock(today)
    with planned_moments(*PLANNED_MOMENT_MODELS):
        org = _write_organisation(planner.timeline)
        counts: Counter[str] = Counter()
        plans = planner.dossiers()
        for chunk in _batches(plans, DOSSIER_CHUNK):
            _write_dossiers(chunk, org, codes, counts, clock)
        counts["current_dossiers"] = sum(1 for p in plans if p.current)
        for batch in _batches(enumerate(planner.short_contacts()), 5 * BATCH):
            counts["short_contacts"] += len(
                _insert(
                    ShortContact,
                    [
                        ShortContact(
                            municipality_id=org.municipality.pk,
                            team_id=org.teams[s.team].pk,
                            date=s.date,
                            part_of_day=s.part_of_day,
                            channel=s.channel,
                            location_id=org.locations[s.location].pk if s.location else None,
                            domain_id=codes.domains[s.domain].pk,
                            result=s.result,
                            registered_by_id=org.users[s.registered_by].pk,
                            created_at=clock.part_of_day(s.date, s.part_of_day, n),
                        )
                        for n, s in batch
                    ],
                )
            )
        counts["outreach_activities"] = len(
            _insert(
                OutreachActivity,
                [
                    OutreachActivity(
                        municipality=org.municipality,
                        team=org.teams[o.team],
                        date=o.date,
                        kind=o.kind,
                        neighbourhood=org.wijken[o.wijk] if o.wijk else None,
                        description=o.description,
                        hours=o.hours,
                        registered_by=org.users[o.registered_by],
                        created_at=clock.office(o.date, n),
                    )
                    for n, o in enumerate(planner.outreach())
                ],
            )
        )
        counts["partner_submissions"] = demo_partner_data(
            municipality=org.municipality,
            partner_user=org.users["partner"],
            professional=org.users["professional"],
            today=today,
            clock=clock,
        )
        counts.update(
            demo_survey_data(
                municipality=org.municipality,
                policy=org.users["beleid"],
                coordinator=org.users["coordinator"],
                today=today,
                seed=seed,
                scale=scale,
            )
        )
        counts.update(
            demo_provisions_data(
                municipality=org.municipality,
                admin=org.users["beheer"],
                history_start=planner.timeline.start,
                today=today,
                seed=seed,
                scale=scale,
            )
        )
        counts.update(
            demo_matching_data(
                municipality=org.municipality,
                moderator=org.users["beheer"],
                professional=org.users["professional"],
                history_start=planner.timeline.start,
                today=today,
                seed=seed,
                scale=scale,
            )
        )
        counts.update(
            demo_carers_data(
                municipality=org.municipality,
                consultant=org.users["mantelzorg"],
                history_start=planner.timeline.start,
                today=today,
                seed=seed,
                scale=scale,
            )
        )
        counts.update(
            demo_plans_data(
                municipality=org.municipality,
                policy=org.users["beleid"],
                partner=org.users["partner"],
                today=today,
            )
        )
    counts.update(
        neighbourhoods=len(org.wijken),
        teams=len(org.teams),
        locations=len(org.locations),
        partners=len(org.partners),
        users=len(org.users),
        postcode_areas=sum(len(w.postcodes) for w in ref.WIJKEN),
        consultation_hours=sum(len(loc.slots) for loc in ref.LOCATIONS),
        memberships=sum(1 for p in ref.PEOPLE if p.team),
        interventions=len(ref.INTERVENTIONS),
    )
    changed.send(sender=Dossier, municipality_id=org.municipality.pk)
    return DemoSummary(
        seed=seed,
        scale=scale,
        today=today,
        seconds=time.perf_counter() - started,
        history_start=planner.timeline.start,
        **counts,
    )


# The models whose auto_now_add moments the generator sets itself (see `clock.py`).
PLANNED_MOMENT_MODELS = (
    Household,
    Client,
    Dossier,
    DossierStatusChange,
    Question,
    Referral,
    SharingConsent,
    ContactMoment,
    ZrmAssessment,
    ShortContact,
    OutreachActivity,
    Submission,
    SubmissionStatusChange,
    OutreachAttempt,
)


def _write_dossiers(
    chunk: list[DossierPlan], org: _Organisation, codes: _Codes, counts: Counter[str], clock: Clock
) -> None:
    """Write a chunk of planned dossiers and everything under them, parents first so each
    insert knows its foreign keys. Each row is stamped on its own planned day (`clock.py`); a
    client and its household on the day of its first dossier."""
    _write_households(chunk, org, counts, clock)
    _write_clients(chunk, org, counts, clock)
    pairs = _write_dossier_rows(chunk, org, codes, counts, clock)
    _write_status_changes(pairs, org, counts, clock)
    _write_questions(pairs, org, codes, counts, clock)
    _write_contacts(pairs, org, codes, counts, clock)
    _write_zrm(pairs, org, codes, counts, clock)


# A planned dossier and the row written for it.
Pairs = list[tuple[DossierPlan, Dossier]]


def _write_households(
    chunk: list[DossierPlan], org: _Organisation, counts: Counter[str], clock: Clock
) -> None:
    """The households not written yet, each on the day of its first dossier."""
    households: dict[HouseholdPlan, dt.date] = {}
    for plan in chunk:
        household = plan.client.household if plan.client else None
        if household is not None and household.pk is None:
            households.setdefault(household, plan.registered_on)
    saved = _insert(
        Household,
        [
            Household(municipality=org.municipality, name=h.name, created_at=clock.office(day, n))
            for n, (h, day) in enumerate(households.items())
        ],
    )
    for household, obj in zip(households, saved, strict=True):
        household.pk = obj.pk
    counts["households"] += len(saved)


def _write_clients(
    chunk: list[DossierPlan], org: _Organisation, counts: Counter[str], clock: Clock
) -> None:
    """The clients not written yet, with the other members of their household."""
    clients: dict[ClientPlan, dt.date] = {}
    for plan in chunk:
        client = plan.client
        assert client is not None
        if client.pk is None and client not in clients:
            clients[client] = plan.registered_on
            if client.household is not None and client.household.members:
                clients.update(
                    (m, plan.registered_on) for m in client.household.members if m.pk is None
                )
    users = org.users
    saved = _insert(
        Client,
        [
            Client(
                municipality=org.municipality,
                household_id=c.household.pk if c.household else None,
                first_name=c.first_name,
                name_prefix=c.name_prefix,
                last_name=c.last_name,
                birth_date=c.birth_date,
                bsn=c.bsn,
                postcode=c.postcode,
                house_number=c.house_number,
                neighbourhood=org.wijken[c.wijk.number],
                email=c.email,
                created_by=users[c.created_by],
                created_at=clock.office(day, n),
            )
            for n, (c, day) in enumerate(clients.items())
        ],
    )
    for client, obj in zip(clients, saved, strict=True):
        client.pk = obj.pk
    counts["clients"] += len(saved)


def _write_dossier_rows(
    chunk: list[DossierPlan], org: _Organisation, codes: _Codes, counts: Counter[str], clock: Clock
) -> Pairs:
    users = org.users
    dossiers = _insert(
        Dossier,
        [
            Dossier(
                municipality=org.municipality,
                team=org.teams[p.team],
                client_id=_pk(p.client),
                case_director=users[p.case_director] if p.case_director else None,
                referrer=codes.referrers[p.referrer],
                complexity=p.complexity,
                registered_on=p.registered_on,
                status=p.status,
                status_since=p.status_since,
                closed_on=p.closed if p.status == "closed" else None,
                network_mapped=p.network_mapped,
                carer_involved=p.carer_involved,
                volunteer_deployed=p.volunteer_deployed,
                resident_contact=p.resident_contact,
                created_by=users[p.created_by],
                created_at=clock.office(p.registered_on, n),
            )
            for n, p in enumerate(chunk)
            if p.client is not None
        ],
    )
    counts["dossiers"] += len(dossiers)
    return list(zip(chunk, dossiers, strict=True))


def _write_status_changes(
    pairs: Pairs, org: _Organisation, counts: Counter[str], clock: Clock
) -> None:
    # A dossier's changes on one day keep their order in time (the monitor reads them in the
    # order date, changed_at, id).
    users = org.users
    counts["status_changes"] += len(
        _insert(
            DossierStatusChange,
            [
                DossierStatusChange(
                    dossier_id=d.pk,
                    from_status=c.from_status,
                    to_status=c.to_status,
                    date=c.date,
                    changed_by_id=users[c.changed_by].pk,
                    changed_at=clock.at(c.date, OFFICE_START + 10 * i),
                )
                for p, d in pairs
                for i, c in enumerate(p.changes)
            ],
        )
    )


def _write_questions(
    pairs: Pairs, org: _Organisation, codes: _Codes, counts: Counter[str], clock: Clock
) -> None:
    """The questions, their referrals and the consents those referrals need."""
    users = org.users
    planned_questions = [(q, d) for p, d in pairs for q in p.questions]
    questions = _insert(
        Question,
        [
            Question(
                dossier_id=d.pk,
                domain_id=codes.domains[q.domain].pk,
                description=q.description,
                opened_on=q.opened,
                closed_on=q.closed,
                outcome_id=codes.outcomes[q.outcome].pk if q.outcome else None,
                created_by_id=users[q.created_by].pk,
                created_at=clock.office(q.opened, n),
            )
            for n, (q, d) in enumerate(planned_questions)
        ],
    )
    counts["questions"] += len(questions)
    counts["referrals"] += len(
        _insert(
            Referral,
            [
                Referral(
                    dossier=d,
                    question=obj,
                    referred_on=q.referral.date,
                    provision_kind=q.referral.provision_kind,
                    partner=org.partners[q.referral.partner] if q.referral.partner else None,
                    description=q.referral.description,
                    handover=q.referral.handover,
                    created_by=users[q.referral.created_by],
                    created_at=clock.office(q.referral.date, obj.pk),
                )
                for (q, d), obj in zip(planned_questions, questions, strict=True)
                if q.referral
            ],
        )
    )
    # A referral to a partner needs the resident's consent (registration.SharingConsent): given
    # verbally on the day of the first referral to that partner.
    consents: dict[tuple[int, int], SharingConsent] = {}
    for q, d in sorted(
        planned_questions,
        key=lambda pair: pair[0].referral.date if pair[0].referral else dt.date.max,
    ):
        if q.referral and q.referral.partner:
            partner = org.partners[q.referral.partner]
            consents.setdefault(
                (d.pk, partner.pk),
                SharingConsent(
                    dossier=d,
                    partner=partner,
                    covers_referral=True,
                    given_on=q.referral.date,
                    given_how=ConsentMethod.VERBAL,
                    recorded_by=users[q.referral.created_by],
                    recorded_at=clock.office(q.referral.date, d.pk),
                ),
            )
    _insert(SharingConsent, list(consents.values()))


def _write_contacts(
    pairs: Pairs, org: _Organisation, codes: _Codes, counts: Counter[str], clock: Clock
) -> None:
    """The contact moments and the professionals who took part in each."""
    users = org.users
    planned_contacts = [(c, d) for p, d in pairs for c in p.contacts]
    contacts = _insert(
        ContactMoment,
        [
            ContactMoment(
                dossier_id=d.pk,
                date=c.date,
                kind_id=codes.contact_kinds[c.kind].pk,
                with_whom=c.with_whom,
                core_task=c.core_task,
                minutes=c.minutes,
                created_by_id=users[c.professionals[0]].pk,
                created_at=clock.office(c.date, n),
            )
            for n, (c, d) in enumerate(planned_contacts)
        ],
    )
    counts["contacts"] += len(contacts)
    through = ContactMoment.professionals.through
    _insert(
        through,
        [
            through(contactmoment_id=obj.pk, user_id=users[name].pk)
            for (c, _d), obj in zip(planned_contacts, contacts, strict=True)
            for name in c.professionals
        ],
    )


def _write_zrm(
    pairs: Pairs, org: _Organisation, codes: _Codes, counts: Counter[str], clock: Clock
) -> None:
    """The ZRM assessments with a score on every domain."""
    users = org.users
    planned_zrm = [(z, d) for p, d in pairs for z in p.zrm]
    assessments = _insert(
        ZrmAssessment,
        [
            ZrmAssessment(
                dossier_id=d.pk,
                assessed_on=z.date,
                moment=z.moment,
                assessed_by_id=users[z.assessed_by].pk,
                created_at=clock.office(z.date, n),
            )
            for n, (z, d) in enumerate(planned_zrm)
        ],
    )
    counts["zrm_assessments"] += len(assessments)
    counts["zrm_scores"] += len(
        _insert(
            ZrmScore,
            [
                ZrmScore(assessment_id=obj.pk, domain_id=domain.pk, score=z.scores[domain.code])
                for (z, _d), obj in zip(planned_zrm, assessments, strict=True)
                for domain in codes.zrm
            ],
        )
    )


# --- Logins ------------------------------------------------------------------------------------

ROLE_NAMES: dict[str, str] = {
    Role.PROFESSIONAL: "wijkteamlid",
    Role.COORDINATOR: "coördinator",
    Role.POLICY: "beleidsmedewerker",
    Role.PARTNER: "ketenpartner",
    Role.RESIDENT: "inwoner",
    Role.ADMIN: "functioneel beheerder",
    Role.RESEARCHER: "onderzoeker",
    Role.CARER_CONSULTANT: "mantelzorgconsulent",
}


def demo_logins(*, today: dt.date) -> list[DemoLogin]:
    """The active accounts of the demo municipality: the demo personas first, then the other
    professionals per team."""
    municipality = demo_municipality()
    if municipality is None:
        return []
    users = list(
        User.objects.filter(municipality=municipality, is_active=True).select_related("partner")
    )
    teams: dict[int, list[str]] = {}
    for user_id, team in (
        TeamMembership.objects.filter(user__in=users, start_date__lte=today)
        .exclude(end_date__lt=today)
        .order_by("team__name")
        .values_list("user_id", "team__name")
    ):
        teams.setdefault(user_id, []).append(team)
    # All demo accounts share one hash; one slow check tells which still have the demo password.
    # (The module function, not User.check_password, which would re-hash and save.)
    demo_hash = next(
        (u.password for u in users if check_password(ref.DEMO_PASSWORD, u.password)), None
    )
    order = {p.username: i for i, p in enumerate(ref.PEOPLE[:8])}
    users.sort(
        key=lambda u: (
            order.get(u.username, len(order)),
            teams.get(u.pk, ["~"])[0],
            u.last_name.split()[-1].lower(),
            u.username,
        )
    )
    logins = []
    for user in users:
        team = ", ".join(teams.get(user.pk, []))
        if user.partner:
            team = user.partner.name
        logins.append(
            DemoLogin(
                username=user.username,
                password=ref.DEMO_PASSWORD if user.password == demo_hash else "(gewijzigd)",
                role=ROLE_NAMES.get(user.role, user.role),
                teams=team or "–",
                name=user.get_full_name(),
            )
        )
    return logins
