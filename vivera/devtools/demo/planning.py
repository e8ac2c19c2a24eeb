"""Plans the demo history in plain Python, without the database: who asks for help and when, how
long a dossier waits, who directs it, what becomes of each question, which contacts, referrals
and ZRM measurements it gets, and the anonymous short contacts and outreach around it.

The history ends on the day the demo is loaded ("today"). `Timeline` moves the story of the
reference data (November 2015 – December 2017, in the study's calendar) by whole years so that it
ends on the 31 December before today, and continues it from 1 January up to today at the
volumes of its last year. Whole years keep the seasons, and every calendar month of the story
gets exactly its reference volume; days are drawn in the demo's own calendar, so weekends and
consultation-hour weekdays are right. Whatever a dossier would do after today (its intake,
contacts, closing) is left out: it is open today, in the state it has reached.

The waiting list is not drawn but follows from a capacity model. A team carries at most
`CASELOAD_PER_FTE` dossiers in intake or active care per fte of casework (times the scale). A new
dossier that finds its team full goes on the waiting list; the oldest waiting dossier starts its
intake as soon as a place frees. The formation in `reference.PEOPLE` and the inflow in
`reference.MONTHLY_DOSSIERS` are sized so the teams fill up in the summer of the story's first
full year (2016 in the reference), the small April addition is not enough, and the November
addition empties the list for good.

Every random draw comes from a `random.Random` seeded from the seed and the part being planned,
so the same seed gives the same municipality, and changing how one part is drawn (say, short
contacts) leaves the others as they were.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import random
import unicodedata
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import NamedTuple

from vivera.organisation.models import OutcomeKind, PartOfDay
from vivera.registration.models import (
    Channel,
    Complexity,
    ContactWith,
    CoreTask,
    DossierStatus,
    HandoverStatus,
    OutreachKind,
    ShortContactResult,
    ZrmMoment,
)

from . import reference as ref

DAY = dt.timedelta(days=1)

# Dossiers in intake or active care one fte of casework can carry.
CASELOAD_PER_FTE = 20

# Referrer codes (seeded code list) and their weight; the partner share stays ≈ 75 %, early
# signals and outreach grow (the team becomes more proactive), self-referral shrinks accordingly.
PARTNER_REFERRERS: tuple[tuple[str, float], ...] = (
    ("huisarts", 18),
    ("woningcorporatie", 15),
    ("sdd", 12),
    ("politie", 6),
    ("veilig-thuis", 4),
    ("mee", 5),
    ("wijkverpleging", 6),
    ("school", 4),
    ("overige-partner", 5),
)
PROACTIVE_REFERRERS = frozenset({"vroegsignaal", "outreach"})

GENERAL_OUTCOMES: dict[str, tuple[str, ...]] = {
    "financien": ("schuldhulpmaatje", "schuldhulpmaatje", "algemene-voorziening"),
    "sociaal-netwerk": ("buurthuis", "vrijwilliger", "mantelzorgondersteuning"),
    "tijdsbesteding": ("buurthuis", "vrijwilliger"),
    "maatschappelijke-participatie": ("buurthuis", "vrijwilliger"),
    "basale-adl": ("mantelzorgondersteuning", "vrijwilliger"),
    "instrumentele-adl": ("vrijwilliger", "mantelzorgondersteuning", "algemene-voorziening"),
}
GENERAL_OUTCOME_DEFAULT = (
    "buurthuis",
    "vrijwilliger",
    "mantelzorgondersteuning",
    "schuldhulpmaatje",
    "algemene-voorziening",
)
OUTCOME_CODES = {
    OutcomeKind.SOLVED_BY_TEAM: "opgelost-team",
    OutcomeKind.CUSTOMISED_PROVISION: "maatwerk-sdd",
    OutcomeKind.SPECIALIST_HANDOVER: "specialistisch",
    OutcomeKind.WITHDRAWN: "ingetrokken",
}
# Where a general-provision outcome refers to, as the referral's description.
GENERAL_TARGETS = {
    "schuldhulpmaatje": "Schuldhulpmaatje Zwijnwaard",
    "buurthuis": "Activiteiten in het buurthuis",
    "vrijwilliger": "Vrijwilligerscentrale Zwijnwaard voor elkaar",
    "mantelzorgondersteuning": "Steunpunt Mantelzorg",
    "algemene-voorziening": "Formulierenhulp in de bibliotheek",
}
SPECIALIST_TARGETS = {
    "geestelijke-gezondheid": "GGZ Waardstreek",
    "middelengebruik": "GGZ Waardstreek",
    "huiselijke-relaties": "Veilig Thuis Waardstreek",
    "basale-adl": "MEE Waardstreek",
    "instrumentele-adl": "MEE Waardstreek",
    "lichamelijke-gezondheid": "MEE Waardstreek",
}

# Contact kinds (seeded code list) in active care: weight, minutes from–to.
CONTACT_KINDS: tuple[tuple[str, float, int, int], ...] = (
    ("huisbezoek", 28, 45, 120),
    ("kantoor", 12, 30, 75),
    ("inloop", 6, 15, 45),
    ("telefoon", 32, 5, 30),
    ("email", 12, 5, 20),
    ("video", 3, 20, 60),
    ("overleg", 7, 20, 90),
)
MINUTES = {code: (low, high) for code, _w, low, high in CONTACT_KINDS}


# --- The plan ------------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class HouseholdPlan:
    name: str
    members: list[ClientPlan] = field(default_factory=list)
    pk: int | None = None  # set by the writer


@dataclass(slots=True, eq=False)
class ClientPlan:
    first_name: str
    name_prefix: str
    last_name: str
    birth_date: dt.date
    bsn: str
    postcode: str
    house_number: str
    wijk: ref.Wijk
    email: str
    created_by: str
    household: HouseholdPlan | None = None
    last_closed: dt.date | None = None  # when its latest dossier closed (returning clients)
    pk: int | None = None  # set by the writer


@dataclass(slots=True)
class ReferralPlan:
    date: dt.date
    provision_kind: str
    partner: str | None
    description: str
    handover: str
    created_by: str


@dataclass(slots=True)
class QuestionPlan:
    domain: str
    description: str
    opened: dt.date
    created_by: str
    closed: dt.date | None = None
    outcome: str | None = None
    referral: ReferralPlan | None = None


class ContactPlan(NamedTuple):
    date: dt.date
    kind: str
    with_whom: str
    core_task: str
    minutes: int
    professionals: tuple[str, ...]


class ZrmPlan(NamedTuple):
    date: dt.date
    moment: str
    assessed_by: str
    scores: dict[str, int]


class StatusChange(NamedTuple):
    from_status: str
    to_status: str
    date: dt.date
    changed_by: str


@dataclass(slots=True, eq=False)
class DossierPlan:
    team: str
    wijk: ref.Wijk
    registered_on: dt.date
    created_by: str
    referrer: str
    complexity: str
    current: bool = False  # one of the few dossiers near today, not history
    client: ClientPlan | None = None
    case_director: str | None = None
    changes: list[StatusChange] = field(default_factory=list)
    questions: list[QuestionPlan] = field(default_factory=list)
    contacts: list[ContactPlan] = field(default_factory=list)
    zrm: list[ZrmPlan] = field(default_factory=list)
    network_mapped: bool = False
    carer_involved: bool = False
    volunteer_deployed: bool = False
    resident_contact: bool = False
    # The planner's timeline (durations in days, drawn before the capacity simulation).
    triage: int = 0
    intake_days: int = 0
    active_days: int = 0
    watch_days: int = 0
    direct_close: int | None = None  # closed straight from registration after this many days
    patience: int | None = None  # gives up after waiting this many days
    waiting_from: dt.date | None = None
    intake: dt.date | None = None
    active_start: dt.date | None = None
    active_end: dt.date | None = None
    closed: dt.date | None = None

    @property
    def status(self) -> str:
        return self.changes[-1].to_status

    @property
    def status_since(self) -> dt.date:
        return self.changes[-1].date

    @property
    def admitted(self) -> bool:
        return self.intake is not None


class ShortContactPlan(NamedTuple):
    date: dt.date
    part_of_day: str
    channel: str
    location: str | None
    team: str
    domain: str
    result: str
    registered_by: str


class OutreachPlan(NamedTuple):
    date: dt.date
    team: str
    kind: str
    wijk: str | None
    description: str
    hours: Decimal
    registered_by: str


# --- Small helpers -------------------------------------------------------------------------


def weighted[T](rng: random.Random, options: Sequence[tuple[T, float]]) -> T:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw; the normal approximation for large means keeps big scales fast."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def months(start: dt.date, end: dt.date) -> Iterator[tuple[dt.date, dt.date]]:
    """(first day, last day) of every month from start's month to end's month."""
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        last = calendar.monthrange(year, month)[1]
        yield dt.date(year, month, 1), dt.date(year, month, last)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def workday(day: dt.date, *, backwards: bool = False) -> dt.date:
    while day.weekday() >= 5:
        day += -DAY if backwards else DAY
    return day


def random_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A random working day in [start, end]; `start` itself when the range holds no weekday."""
    if end <= start:
        return start
    day = start + dt.timedelta(days=rng.randint(0, (end - start).days))
    if day.weekday() >= 5:
        forward = workday(day)
        day = forward if forward <= end else workday(day, backwards=True)
        if day < start:
            return start
    return day


def season(day: dt.date) -> float:
    """Fewer walk-ins and calls in the summer holidays and between Christmas and New Year."""
    if day.month in (7, 8):
        return 0.7
    if day.month == 12 and day.day >= 20:
        return 0.5
    return 1.0


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


# --- Where the story lies ----------------------------------------------------------------------


def shift_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Timeline:
    """The reference story (reference.py) moved by whole years so that it ends on the 31 December
    before `today`, then continued up to `today` (see the module docstring)."""

    today: dt.date

    @property
    def years(self) -> int:
        """How many years the reference calendar moves."""
        return self.today.year - 1 - ref.HISTORY_END.year

    def shift(self, day: dt.date) -> dt.date:
        return shift_years(day, self.years)

    @property
    def start(self) -> dt.date:
        return self.shift(ref.HISTORY_START)

    @property
    def history_end(self) -> dt.date:
        """The last day of the reference story (31 December before today); the continuation at
        steady volumes follows up to today."""
        return self.shift(ref.HISTORY_END)

    @property
    def capacity_april(self) -> dt.date:
        return self.shift(ref.CAPACITY_APRIL_2016)

    @property
    def capacity_november(self) -> dt.date:
        return self.shift(ref.CAPACITY_NOVEMBER_2016)

    def progress(self, day: dt.date) -> float:
        """0 at the start of the story's first full year, 1 at its end: drives slow trends."""
        first = self.shift(dt.date(ref.HISTORY_START.year + 1, 1, 1))
        span = (self.history_end - first).days
        return min(1.0, max(0.0, (day - first).days / span))

    def monthly_dossiers(self) -> Iterator[tuple[dt.date, dt.date, int]]:
        """(first day, last day, new dossiers at scale 1.0) of every month from the start up to
        today's month: the reference volumes, then each month as its month of the last year."""
        reference = zip(
            months(ref.HISTORY_START, ref.HISTORY_END), ref.MONTHLY_DOSSIERS, strict=True
        )
        for (first, last), volume in reference:
            yield self.shift(first), self.shift(last), volume
        for first, last in months(self.history_end + DAY, self.today):
            yield first, last, ref.STEADY_MONTHLY_DOSSIERS[first.month - 1]

    @property
    def people(self) -> tuple[ref.Person, ...]:
        return tuple(
            replace(p, start=p.start and self.shift(p.start), end=p.end and self.shift(p.end))
            for p in ref.PEOPLE
        )

    @property
    def locations(self) -> tuple[ref.Walkin, ...]:
        return tuple(
            replace(
                loc,
                slots=tuple(
                    replace(
                        slot,
                        since=self.shift(slot.since),
                        until=slot.until and self.shift(slot.until),
                    )
                    for slot in loc.slots
                ),
            )
            for loc in ref.LOCATIONS
        )

    def interventions(self) -> list[tuple[dt.date, str, str, tuple[str, ...]]]:
        """(date, name, assumptions, expected effects) of each capacity intervention."""
        return [
            (
                self.shift(day),
                name.format(year=self.shift(day).year),
                text.format(year=self.shift(day).year),
                ref.INTERVENTION_EFFECTS.get(day, ()),
            )
            for day, name, text in ref.INTERVENTIONS
        ]


# --- Staff ----------------------------------------------------------------------------------


class Staff:
    """Who works in which team on a given day (from reference.PEOPLE)."""

    def __init__(self, people: Sequence[ref.Person]) -> None:
        self.people = people
        self.by_team: dict[str, list[ref.Person]] = {team: [] for team in ref.TEAMS}
        for person in people:
            if person.team is not None:
                self.by_team[person.team].append(person)
        self.coordinators = {p.team: p.username for p in people if p.specialism == "coordination"}

    def members(
        self, team: str, day: dt.date, *, casework: bool = True, until: dt.date | None = None
    ) -> list[ref.Person]:
        """Members on `day` (and still on `until`, when given)."""
        last = until or day
        return [
            p
            for p in self.by_team[team]
            if (p.casework or not casework)
            and p.start is not None
            and p.start <= day
            and (p.end is None or p.end >= last)
        ]

    def fte(self, team: str, day: dt.date) -> float:
        return float(sum(p.fte or 0 for p in self.members(team, day)))

    def pick(
        self,
        rng: random.Random,
        team: str,
        day: dt.date,
        *,
        casework: bool = True,
        until: dt.date | None = None,
        exclude: str | None = None,
    ) -> str:
        """A member weighted by fte; prefers one who stays until `until` (a case director)."""
        candidates = self.members(team, day, casework=casework, until=until)
        if until is not None and not candidates:
            candidates = self.members(team, day, casework=casework)
        candidates = [p for p in candidates if p.username != exclude] or candidates
        return rng.choices(candidates, weights=[float(p.fte or 1) for p in candidates])[0].username


# --- The planner -----------------------------------------------------------------------------


class Planner:
    def __init__(
        self, *, seed: int, scale: float, today: dt.date, zrm_domains: Sequence[str]
    ) -> None:
        if not scale > 0:
            raise ValueError("scale must be positive")
        self.seed = seed
        self.scale = scale
        self.today = today
        self.timeline = Timeline(today)
        self.zrm_domains = tuple(zrm_domains)
        self.staff = Staff(self.timeline.people)
        self.wijken = {w.number: w for w in ref.WIJKEN}
        self.team_wijken = {t: [w for w in ref.WIJKEN if w.team == t] for t in ref.TEAMS}
        self.bsns: set[str] = set()
        self.past_clients: dict[str, list[ClientPlan]] = {t: [] for t in ref.TEAMS}

    def rng(self, part: str) -> random.Random:
        return random.Random(f"vivera-demo:{self.seed}:{part}")

    # -- Dossiers --------------------------------------------------------------------------

    def dossiers(self) -> list[DossierPlan]:
        """History (from the story's start up to today) and a few current dossiers, oldest
        first."""
        current_rng = self.rng("current")
        registrations = self._current_registrations(current_rng)
        # The current dossiers take the place of part of their month's inflow, so every month
        # keeps its volume.
        taken = Counter((day.year, day.month) for day in registrations)
        history = self._arrivals(self.rng("arrivals"), taken)
        sim = self.rng("capacity")
        for team in ref.TEAMS:
            self._simulate(sim, team, [p for p in history if p.team == team])
        care = self.rng("care")
        for plan in history:
            self._client_for(care, plan)
            self._care(care, plan)
        self._extra_questions(self.rng("questions"), history)
        for plan in history:
            self._close_questions(care, plan)
            self._until_today(plan)
        current = self._current(current_rng, registrations)
        return history + current

    def _arrivals(self, rng: random.Random, taken: Counter[tuple[int, int]]) -> list[DossierPlan]:
        wijk_weights = [(w, w.residents * w.need) for w in ref.WIJKEN]
        plans: list[DossierPlan] = []
        for first, last, base in self.timeline.monthly_dossiers():
            count = round(base * rng.uniform(0.94, 1.06) * self.scale)
            count = max(0, count - taken[first.year, first.month])
            # Today's month is drawn whole; the days after today are not there yet.
            for day in sorted(random_day(rng, first, last) for _ in range(count)):
                wijk = weighted(rng, wijk_weights)
                if day <= self.today:
                    plans.append(self._new_dossier(rng, wijk, day))
        return plans

    def _new_dossier(self, rng: random.Random, wijk: ref.Wijk, day: dt.date) -> DossierPlan:
        team = wijk.team
        complexity = weighted(
            rng, ((Complexity.SINGLE, 0.6), (Complexity.MULTIPLE, 0.3), (Complexity.COMPLEX, 0.1))
        )
        median = {Complexity.SINGLE: 45, Complexity.MULTIPLE: 75, Complexity.COMPLEX: 120}
        watch = {Complexity.SINGLE: 0.22, Complexity.MULTIPLE: 0.3, Complexity.COMPLEX: 0.45}
        # The coordinator registers part of the inflow (phone calls, partner e-mails).
        registrar = (
            self.staff.coordinators[team] if rng.random() < 0.3 else self.staff.pick(rng, team, day)
        )
        plan = DossierPlan(
            team=team,
            wijk=wijk,
            registered_on=day,
            created_by=registrar,
            referrer=self._referrer(rng, day),
            complexity=complexity,
            triage=rng.randint(1, 7),
            intake_days=rng.randint(7, 21),
            active_days=int(
                min(365, max(14, rng.lognormvariate(math.log(median[complexity]), 0.45)))
            ),
        )
        if rng.random() < watch[complexity]:
            plan.watch_days = rng.randint(30, 120)
        if rng.random() < 0.06:
            plan.direct_close = rng.randint(2, 15)
        if rng.random() < 0.12:
            plan.patience = rng.randint(20, 70)
        return plan

    def _referrer(self, rng: random.Random, day: dt.date) -> str:
        p = self.timeline.progress(day)
        signal, outreach = 3 + 5 * p, 2 + 3 * p
        options = [
            *PARTNER_REFERRERS,
            ("vroegsignaal", signal),
            ("outreach", outreach),
            ("zelf", (25 - signal - outreach) * 0.75),
            ("netwerk", (25 - signal - outreach) * 0.25),
        ]
        return weighted(rng, options)

    def _simulate(self, rng: random.Random, team: str, plans: list[DossierPlan]) -> None:
        """Walk the days: admit while the team has room, else queue (see module docstring)."""
        coordinator = self.staff.coordinators[team]
        arrivals: dict[dt.date, list[DossierPlan]] = {}
        for plan in plans:
            arrivals.setdefault(plan.registered_on, []).append(plan)
        releases: dict[dt.date, int] = {}
        queue: deque[DossierPlan] = deque()
        load = 0
        day = self.timeline.start
        while day <= self.today:  # who still waits today stays on the waiting list
            load -= releases.pop(day, 0)
            capacity = CASELOAD_PER_FTE * self.staff.fte(team, day) * self.scale
            if queue:
                # Some stop waiting: found help elsewhere, or the need passed.
                for plan in [
                    p
                    for p in queue
                    if p.patience is not None
                    and p.waiting_from is not None  # set when it joined the queue
                    and p.waiting_from + dt.timedelta(days=p.patience) <= day
                ]:
                    queue.remove(plan)
                    self._close(plan, day, coordinator)
            # Places that freed today go to those already waiting, oldest first.
            while queue and load < capacity:
                plan = queue.popleft()
                assert plan.waiting_from is not None  # set when it joined the queue
                load += 1
                end = self._admit(rng, plan, workday(max(day, plan.waiting_from + DAY)))
                releases[end] = releases.get(end, 0) + 1
            for plan in arrivals.get(day, ()):
                plan.changes.append(
                    StatusChange("", DossierStatus.REGISTERED, day, plan.created_by)
                )
                if plan.direct_close is not None:
                    # Answered or referred on straight away: no intake, no place taken.
                    self._close(
                        plan, workday(day + dt.timedelta(days=plan.direct_close)), coordinator
                    )
                elif not queue and load < capacity:
                    load += 1
                    end = self._admit(rng, plan, workday(day + dt.timedelta(days=plan.triage)))
                    releases[end] = releases.get(end, 0) + 1
                else:
                    # The team is full: the coordinator puts the dossier on the waiting list.
                    plan.waiting_from = workday(day + dt.timedelta(days=rng.randint(0, 2)))
                    plan.changes.append(
                        StatusChange(
                            DossierStatus.REGISTERED,
                            DossierStatus.WAITING,
                            plan.waiting_from,
                            coordinator,
                        )
                    )
                    queue.append(plan)
            day += DAY

    def _admit(self, rng: random.Random, plan: DossierPlan, start: dt.date) -> dt.date:
        """Intake from `start`; returns the day the place frees (end of active care)."""
        plan.intake = start
        plan.active_start = workday(start + dt.timedelta(days=plan.intake_days))
        plan.active_end = workday(plan.active_start + dt.timedelta(days=plan.active_days))
        closed = plan.active_end
        if plan.watch_days:
            closed = workday(plan.active_end + dt.timedelta(days=plan.watch_days))
        director = self.staff.pick(rng, plan.team, start, until=closed)
        plan.case_director = director
        coordinator = self.staff.coordinators[plan.team]
        status = plan.status
        plan.changes.append(StatusChange(status, DossierStatus.INTAKE, start, coordinator))
        plan.changes.append(
            StatusChange(DossierStatus.INTAKE, DossierStatus.ACTIVE, plan.active_start, director)
        )
        if plan.watch_days:
            plan.changes.append(
                StatusChange(
                    DossierStatus.ACTIVE, DossierStatus.WATCHING, plan.active_end, director
                )
            )
        self._close(plan, closed, director)
        return plan.active_end

    @staticmethod
    def _close(plan: DossierPlan, day: dt.date, by: str) -> None:
        plan.closed = day
        plan.changes.append(StatusChange(plan.status, DossierStatus.CLOSED, day, by))

    def _until_today(self, plan: DossierPlan) -> None:
        """Leave out what the plan has after today: the dossier is open today, in the state it
        has reached, its later questions, contacts and measurements not there yet."""
        today = self.today
        if plan.closed is not None and plan.closed <= today:
            return
        plan.closed = None
        plan.changes = [c for c in plan.changes if c.date <= today]
        if plan.intake is None or plan.intake > today:
            # Not admitted yet: the case director is chosen at the intake.
            plan.intake = plan.case_director = None
            plan.network_mapped = plan.carer_involved = False
            plan.volunteer_deployed = plan.resident_contact = False
        if plan.active_start is not None and plan.active_start > today:
            plan.active_start = None
        if plan.active_end is not None and plan.active_end > today:
            plan.active_end = None
        plan.questions = [q for q in plan.questions if q.opened <= today]
        for question in plan.questions:
            if question.closed is not None and question.closed > today:
                question.closed = question.outcome = None
            if question.referral is not None and question.referral.date > today:
                question.referral = None
        plan.contacts = [c for c in plan.contacts if c.date <= today]
        plan.zrm = [z for z in plan.zrm if z.date <= today]

    # -- Clients ---------------------------------------------------------------------------

    def _client_for(self, rng: random.Random, plan: DossierPlan) -> None:
        """A returning client now and then (earlier dossier closed), else a new one."""
        if rng.random() < 0.05:
            past = self.past_clients[plan.team]
            for _ in range(5 if past else 0):
                client = rng.choice(past)
                if client.last_closed and client.last_closed < plan.registered_on - 30 * DAY:
                    plan.client, plan.wijk = client, client.wijk
                    break
        if plan.client is None:
            plan.client = self._new_client(rng, plan.wijk, plan.registered_on, plan.created_by)
            self.past_clients[plan.team].append(plan.client)
        plan.client.last_closed = plan.closed

    def _bsn(self, rng: random.Random) -> str:
        """A BSN passing the 11-test in the 9999xxxxx test range, or "" once that runs out."""
        if len(self.bsns) > 8_500:  # of the ≈ 9,090 numbers the range holds
            return ""
        while True:
            digits = [9, 9, 9, 9, *(rng.randint(0, 9) for _ in range(4))]
            check = sum(w * d for w, d in zip((9, 8, 7, 6, 5, 4, 3, 2), digits, strict=True)) % 11
            if check == 10:
                continue
            bsn = "".join(map(str, digits)) + str(check)
            if bsn not in self.bsns:
                self.bsns.add(bsn)
                return bsn

    def _name(self, rng: random.Random, female: bool, age: int) -> tuple[str, str, str]:
        backgrounds = [(None, 0.74), *((b, b.weight) for b in ref.OTHER_BACKGROUNDS)]
        background = weighted(rng, backgrounds)
        firsts: Sequence[str]
        if background is None:
            if age >= 65:
                firsts = ref.DUTCH_FEMALE_OLD if female else ref.DUTCH_MALE_OLD
            elif age >= 40:
                firsts = ref.DUTCH_FEMALE_MID if female else ref.DUTCH_MALE_MID
            else:
                firsts = ref.DUTCH_FEMALE_YOUNG if female else ref.DUTCH_MALE_YOUNG
            prefix, last = rng.choice(ref.DUTCH_SURNAMES)
        else:
            firsts = background.female if female else background.male
            prefix, last = rng.choice(background.surnames)
        return rng.choice(firsts), prefix, last

    def _new_client(
        self, rng: random.Random, wijk: ref.Wijk, day: dt.date, created_by: str
    ) -> ClientPlan:
        low, high = weighted(
            rng, (((18, 29), 15), ((30, 44), 25), ((45, 64), 32), ((65, 79), 18), ((80, 95), 10))
        )
        age = rng.randint(low, high)
        female = rng.random() < 0.56
        first, prefix, last = self._name(rng, female, age)
        letters = "".join(rng.choice("ABCEGHJKLMNPRTVWXZ") for _ in range(2))
        client = ClientPlan(
            first_name=first,
            name_prefix=prefix,
            last_name=last,
            birth_date=day - dt.timedelta(days=age * 365 + rng.randint(0, 364)),
            bsn=self._bsn(rng) if rng.random() < 0.55 else "",
            postcode=rng.choice(wijk.postcodes) + letters,
            house_number=str(rng.randint(1, 220)) + ("A" if rng.random() < 0.05 else ""),
            wijk=wijk,
            email="",
            created_by=created_by,
        )
        if rng.random() < 0.2:
            client.email = (
                f"{ascii_slug(first)}.{ascii_slug(prefix + last)}{rng.randint(1, 99)}@example.com"
            )
        if rng.random() < 0.15:
            self._household(rng, client, age, day)
        return client

    def _household(self, rng: random.Random, head: ClientPlan, age: int, day: dt.date) -> None:
        surname = " ".join(p for p in (head.name_prefix, head.last_name) if p)
        head.household = HouseholdPlan(
            name=f"Huishouden {surname}, {head.postcode[:4]} {head.postcode[4:]} "
            f"{head.house_number}"
        )
        ages = [max(18, age + rng.randint(-6, 6))]
        if age < 55 and rng.random() < 0.5:
            ages.append(rng.randint(12, 19))
        for member_age in ages:
            first, prefix, last = self._name(rng, rng.random() < 0.5, member_age)
            if member_age < 18 or rng.random() < 0.6:
                prefix, last = head.name_prefix, head.last_name
            head.household.members.append(
                ClientPlan(
                    first_name=first,
                    name_prefix=prefix,
                    last_name=last,
                    birth_date=day - dt.timedelta(days=member_age * 365 + rng.randint(0, 364)),
                    bsn=self._bsn(rng) if rng.random() < 0.4 else "",
                    postcode=head.postcode,
                    house_number=head.house_number,
                    wijk=head.wijk,
                    email="",
                    created_by=head.created_by,
                    household=head.household,
                )
            )

    # -- Care: questions, contacts, ZRM, network -------------------------------------------

    def _domain(self, rng: random.Random, plan: DossierPlan, *, taken: Sequence[str] = ()) -> str:
        if plan.referrer == "vroegsignaal" and not taken:
            return "financien"  # a payment-arrears signal starts with money
        age = (plan.registered_on - plan.client.birth_date).days // 365 if plan.client else 50
        options: list[tuple[str, float]] = []
        weight: float
        for code, weight in ref.QUESTION_DOMAINS:
            if code in taken:
                continue
            if age >= 70 and code in ref.ELDERLY_DOMAINS:
                weight *= 3
            elif age >= 70 and code in ("werk-opleiding", "opvoeding"):
                weight *= 0.1
            options.append((code, weight))
        return weighted(rng, options)

    def _question(self, rng: random.Random, plan: DossierPlan, opened: dt.date) -> QuestionPlan:
        domain = self._domain(rng, plan, taken=[q.domain for q in plan.questions])
        by = plan.case_director if plan.intake and opened >= plan.intake else plan.created_by
        question = QuestionPlan(
            domain=domain,
            description=rng.choice(ref.QUESTION_TEXTS[domain]),
            opened=opened,
            created_by=by or plan.created_by,
        )
        plan.questions.append(question)
        return question

    def _care(self, rng: random.Random, plan: DossierPlan) -> None:
        self._question(rng, plan, plan.registered_on)
        if not plan.admitted:
            return
        p = self.timeline.progress(plan.registered_on)
        plan.network_mapped = rng.random() < 0.45 + 0.3 * p
        plan.carer_involved = rng.random() < 0.18
        plan.volunteer_deployed = rng.random() < 0.06 + 0.10 * p
        plan.resident_contact = rng.random() < 0.08 + 0.08 * p
        self._contacts(rng, plan)
        self._zrm(rng, plan)

    def _extra_questions(self, rng: random.Random, plans: list[DossierPlan]) -> None:
        """Top up each month to ≈ 1.24 questions per new dossier: a second question at
        registration for dossiers with several, or a new question during care."""
        admitted = [p for p in plans if p.admitted]
        for first, month_end in months(self.timeline.start, self.today):
            last = min(month_end, self.today)
            share = ((last - first).days + 1) / ((month_end - first).days + 1)
            new = [p for p in plans if first <= p.registered_on <= last]
            wanted = round(len(new) * rng.uniform(1.18, 1.30))
            wanted = max(
                len(new),
                min(round(115 * self.scale * share), max(round(55 * self.scale * share), wanted)),
            )
            extra = wanted - len(new)
            several = [p for p in new if p.admitted and p.complexity != Complexity.SINGLE]
            rng.shuffle(several)
            at_registration = min(len(several), round(extra * 0.6))
            for plan in several[:at_registration]:
                self._question(rng, plan, plan.registered_on)
            during: list[tuple[DossierPlan, dt.date, dt.date]] = []
            for plan in admitted:
                assert plan.intake and plan.active_end
                start = max(first, plan.intake)
                end = min(last, plan.active_end - 14 * DAY)
                if start <= end:
                    during.append((plan, start, end))
            fallback = [p for p in new if p.admitted]
            for _ in range(extra - at_registration):
                if during:
                    plan, start, end = rng.choice(during)
                    self._question(rng, plan, random_day(rng, start, end))
                elif fallback:
                    plan = rng.choice(fallback)
                    self._question(rng, plan, plan.registered_on)

    def _outcome(self, rng: random.Random, domain: str, day: dt.date) -> str:
        """Over time more general provisions and less customised and specialist care."""
        p = self.timeline.progress(day)
        kind = weighted(
            rng,
            (
                (OutcomeKind.SOLVED_BY_TEAM, 38),
                (OutcomeKind.GENERAL_PROVISION, 22 + 10 * p),
                (OutcomeKind.CUSTOMISED_PROVISION, 18 - 6 * p),
                (OutcomeKind.SPECIALIST_HANDOVER, 10 - 3 * p),
                (OutcomeKind.WITHDRAWN, 12 - p),
            ),
        )
        if kind == OutcomeKind.GENERAL_PROVISION:
            return rng.choice(GENERAL_OUTCOMES.get(domain, GENERAL_OUTCOME_DEFAULT))
        return OUTCOME_CODES[kind]

    def _close_questions(self, rng: random.Random, plan: DossierPlan) -> None:
        """Every question closes with an outcome before (or when) the dossier closes."""
        assert plan.closed is not None
        if not plan.admitted:
            waited = plan.waiting_from is not None
            for question in plan.questions:
                question.closed = plan.closed
                question.outcome = weighted(
                    rng,
                    (
                        ("ingetrokken", 0.75 if waited else 0.35),
                        (rng.choice(GENERAL_OUTCOME_DEFAULT), 0.25 if waited else 0.45),
                        ("opgelost-team", 0 if waited else 0.2),
                    ),
                )
            return
        assert plan.active_end is not None and plan.case_director is not None
        for i, question in enumerate(plan.questions):
            if i == 0:
                closed = plan.active_end  # the main question settles when active care ends
            else:
                span = (plan.active_end - question.opened).days
                closed = question.opened + dt.timedelta(days=round(span * rng.uniform(0.35, 1)))
            question.closed = closed
            question.outcome = self._outcome(rng, question.domain, closed)
            self._referral(rng, plan, question)

    def _referral(self, rng: random.Random, plan: DossierPlan, question: QuestionPlan) -> None:
        assert question.closed is not None and plan.case_director is not None
        outcome = question.outcome
        if outcome == "maatwerk-sdd":
            kind, partner, description = "customised", ref.SDD, ""
            handover = HandoverStatus.DONE if rng.random() < 0.3 else HandoverStatus.NOT_APPLICABLE
            chance = 0.85
        elif outcome == "specialistisch":
            kind, description = "specialist", ""
            partner = SPECIALIST_TARGETS.get(
                question.domain, rng.choice(("GGZ Waardstreek", "MEE Waardstreek"))
            )
            handover = HandoverStatus.DONE if rng.random() < 0.85 else HandoverStatus.FAILED
            chance = 0.95
        elif outcome in GENERAL_TARGETS:
            kind, partner, description = "general", ref.WELFARE, GENERAL_TARGETS[outcome]
            handover = HandoverStatus.DONE if rng.random() < 0.25 else HandoverStatus.NOT_APPLICABLE
            chance = 0.7
        else:
            return
        if rng.random() >= chance:
            return  # not every referral gets registered as one
        day = max(question.opened, question.closed - dt.timedelta(days=rng.randint(0, 14)))
        question.referral = ReferralPlan(
            day, kind, partner, description, handover, plan.case_director
        )
        if handover != HandoverStatus.NOT_APPLICABLE:
            # A warm handover is a joint meeting with the client and the new provider.
            plan.contacts.append(
                ContactPlan(
                    day,
                    "huisbezoek",
                    ContactWith.PARTNER,
                    CoreTask.HANDOVER,
                    5 * rng.randint(9, 18),
                    (plan.case_director,),
                )
            )

    def _professionals(
        self, rng: random.Random, plan: DossierPlan, day: dt.date, director: str
    ) -> tuple[str, ...]:
        chance = 0.3 if plan.complexity == Complexity.COMPLEX else 0.12
        if rng.random() < chance:
            colleague = self.staff.pick(rng, plan.team, day, exclude=director)
            if colleague != director:
                return (director, colleague)
        return (director,)

    def _minutes(self, rng: random.Random, kind: str) -> int:
        low, high = MINUTES[kind]
        return 5 * rng.randint(low // 5, high // 5)

    def _contacts(self, rng: random.Random, plan: DossierPlan) -> None:
        assert plan.intake and plan.active_start and plan.active_end and plan.case_director
        director = plan.case_director
        if plan.referrer in PROACTIVE_REFERRERS:
            kind = rng.choice(("huisbezoek", "telefoon"))
            plan.contacts.append(
                ContactPlan(
                    plan.registered_on,
                    kind,
                    ContactWith.CLIENT,
                    CoreTask.OUTREACH,
                    self._minutes(rng, kind),
                    (plan.created_by,),
                )
            )
        for i in range(1 + (rng.random() < 0.4)):
            day = random_day(rng, plan.intake, plan.active_start)
            kind = "huisbezoek" if rng.random() < 0.6 else "kantoor"
            task = CoreTask.INFORMATION if i == 0 else CoreTask.SUPPORT
            plan.contacts.append(
                ContactPlan(
                    day,
                    kind,
                    ContactWith.CLIENT,
                    task,
                    5 * rng.randint(9, 18),
                    self._professionals(rng, plan, day, director),
                )
            )
        kinds = [(code, weight) for code, weight, _low, _high in CONTACT_KINDS]
        for _ in range(max(1, round(plan.active_days / rng.uniform(10, 20)))):
            day = random_day(rng, plan.active_start, plan.active_end)
            kind = weighted(rng, kinds)
            with_whom = (
                ContactWith.PARTNER
                if kind == "overleg"
                else ContactWith.NETWORK
                if rng.random() < 0.18
                else ContactWith.CLIENT
            )
            task = weighted(
                rng, ((CoreTask.SUPPORT, 55), (CoreTask.INFORMATION, 20), (CoreTask.REFERRAL, 12))
            )
            plan.contacts.append(
                ContactPlan(
                    day,
                    kind,
                    with_whom,
                    task,
                    self._minutes(rng, kind),
                    self._professionals(rng, plan, day, director),
                )
            )
        if plan.watch_days:
            assert plan.closed is not None
            day = plan.active_end + dt.timedelta(days=rng.randint(20, 45))
            while day < plan.closed:
                kind = "telefoon" if rng.random() < 0.7 else "huisbezoek"
                plan.contacts.append(
                    ContactPlan(
                        workday(day, backwards=True),
                        kind,
                        ContactWith.CLIENT,
                        CoreTask.WATCHING,
                        self._minutes(rng, kind) // 2 or 5,
                        (director,),
                    )
                )
                day += dt.timedelta(days=rng.randint(25, 45))

    def _zrm_scores(
        self, rng: random.Random, plan: DossierPlan, before: dict[str, int] | None
    ) -> dict[str, int]:
        """Low scores on the domains the questions are about; later measurements improve on
        average, mostly on those domains."""
        problems = {q.domain for q in plan.questions}
        scores: dict[str, int] = {}
        for code in self.zrm_domains:
            if before is None:
                if code in problems:
                    score = weighted(rng, ((1, 20), (2, 55), (3, 25)))
                elif code in ("justitie", "middelengebruik"):
                    score = weighted(rng, ((3, 5), (4, 20), (5, 75)))
                else:
                    score = weighted(rng, ((2, 5), (3, 20), (4, 42), (5, 33)))
            else:
                change = (
                    ((-1, 5), (0, 40), (1, 40), (2, 15))
                    if code in problems
                    else ((-1, 5), (0, 82), (1, 13))
                )
                score = min(5, max(1, before[code] + weighted(rng, change)))
            scores[code] = score
        return scores

    def _zrm(self, rng: random.Random, plan: DossierPlan) -> None:
        assert plan.intake and plan.active_start and plan.active_end and plan.case_director
        chance: dict[str, float] = {
            Complexity.SINGLE: 0.45,
            Complexity.MULTIPLE: 0.85,
            Complexity.COMPLEX: 0.95,
        }
        if rng.random() >= chance[plan.complexity]:
            return
        director = plan.case_director
        scores = self._zrm_scores(rng, plan, None)
        day = random_day(rng, plan.intake, plan.active_start)
        plan.zrm.append(ZrmPlan(day, ZrmMoment.INTAKE, director, scores))
        if plan.active_days >= 90 and rng.random() < 0.6:
            scores = self._zrm_scores(rng, plan, scores)
            day = workday(plan.active_start + dt.timedelta(days=plan.active_days // 2))
            plan.zrm.append(ZrmPlan(day, ZrmMoment.EVALUATION, director, scores))
        if rng.random() < 0.75:
            scores = self._zrm_scores(rng, plan, scores)
            assert plan.closed is not None
            plan.zrm.append(ZrmPlan(plan.closed, ZrmMoment.CLOSURE, director, scores))

    # -- Current dossiers near today -------------------------------------------------------

    # (status, registered from–to days ago, case director: the team's demo login, another
    # professional, or none yet). The demo logins `professional` and `professional.west` direct
    # several open dossiers; the coordinators find a waiting list.
    CURRENT: tuple[tuple[str, int, int, str | None], ...] = (
        (DossierStatus.REGISTERED, 1, 9, None),
        (DossierStatus.REGISTERED, 2, 12, None),
        (DossierStatus.REGISTERED, 4, 14, None),
        (DossierStatus.WAITING, 16, 30, None),
        (DossierStatus.WAITING, 22, 45, None),
        (DossierStatus.WAITING, 30, 60, "other"),
        (DossierStatus.INTAKE, 10, 24, "login"),
        (DossierStatus.INTAKE, 14, 30, "login"),
        (DossierStatus.ACTIVE, 35, 70, "login"),
        (DossierStatus.ACTIVE, 50, 100, "login"),
        (DossierStatus.ACTIVE, 60, 120, "login"),
        (DossierStatus.ACTIVE, 70, 140, "other"),
        (DossierStatus.WATCHING, 150, 240, "login"),
    )
    LOGINS = {"Oost": "professional", "West": "professional.west"}

    def _current_registrations(self, rng: random.Random) -> list[dt.date]:
        """When each current dossier was registered (per team, in the order of CURRENT)."""
        return [
            workday(self.today - dt.timedelta(days=rng.randint(low, high)), backwards=True)
            for _team in ref.TEAMS
            for _status, low, high, _director in self.CURRENT
        ]

    def _current(self, rng: random.Random, registrations: list[dt.date]) -> list[DossierPlan]:
        today = self.today
        plans = []
        days = iter(registrations)
        for team in ref.TEAMS:
            coordinator = self.staff.coordinators[team]
            for status, _low, _high, director in self.CURRENT:
                reg = next(days)
                wijk = rng.choice(self.team_wijken[team])
                plan = self._new_dossier(rng, wijk, reg)
                plan.current = True
                plan.client = self._new_client(rng, wijk, reg, plan.created_by)
                if director == "login":
                    plan.case_director = self.LOGINS[team]
                elif director == "other":
                    plan.case_director = self.staff.pick(
                        rng, team, today, exclude=self.LOGINS[team]
                    )
                self._current_timeline(rng, plan, status, coordinator)
                plans.append(plan)
        return sorted(plans, key=lambda p: p.registered_on)

    def _current_timeline(
        self, rng: random.Random, plan: DossierPlan, status: str, coordinator: str
    ) -> None:
        today, reg = self.today, plan.registered_on
        span = (today - reg).days
        plan.changes.append(StatusChange("", DossierStatus.REGISTERED, reg, plan.created_by))
        self._question(rng, plan, reg)
        if rng.random() < 0.4:
            self._question(rng, plan, reg)
        if status == DossierStatus.REGISTERED:
            return
        if status == DossierStatus.WAITING:
            plan.waiting_from = min(today, reg + dt.timedelta(days=rng.randint(1, 3)))
            plan.changes.append(
                StatusChange(
                    DossierStatus.REGISTERED, DossierStatus.WAITING, plan.waiting_from, coordinator
                )
            )
            plan.contacts.append(
                ContactPlan(
                    plan.waiting_from,
                    "telefoon",
                    ContactWith.CLIENT,
                    CoreTask.INFORMATION,
                    10,
                    (coordinator,),
                )
            )
            return
        director = plan.case_director
        assert director is not None
        if status == DossierStatus.INTAKE:
            plan.intake = reg + dt.timedelta(days=rng.randint(1, max(1, span // 2)))
        else:
            plan.intake = reg + dt.timedelta(days=rng.randint(2, 10))
        plan.changes.append(
            StatusChange(DossierStatus.REGISTERED, DossierStatus.INTAKE, plan.intake, coordinator)
        )
        plan.contacts.append(
            ContactPlan(
                plan.intake, "huisbezoek", ContactWith.CLIENT, CoreTask.INFORMATION, 75, (director,)
            )
        )
        if status == DossierStatus.INTAKE:
            return
        plan.active_start = plan.intake + dt.timedelta(days=rng.randint(7, 14))
        plan.changes.append(
            StatusChange(DossierStatus.INTAKE, DossierStatus.ACTIVE, plan.active_start, director)
        )
        plan.network_mapped = rng.random() < 0.6
        plan.carer_involved = rng.random() < 0.2
        scores = self._zrm_scores(rng, plan, None)
        plan.zrm.append(ZrmPlan(plan.active_start, ZrmMoment.INTAKE, director, scores))
        last = today
        if status == DossierStatus.WATCHING:
            last = today - dt.timedelta(days=rng.randint(10, 40))
            plan.changes.append(
                StatusChange(DossierStatus.ACTIVE, DossierStatus.WATCHING, last, director)
            )
            plan.zrm.append(
                ZrmPlan(last, ZrmMoment.EVALUATION, director, self._zrm_scores(rng, plan, scores))
            )
            # The question that brought the client in was answered; the team keeps an eye out.
            plan.questions[0].closed = last
            plan.questions[0].outcome = "opgelost-team"
        day = plan.active_start + dt.timedelta(days=rng.randint(3, 14))
        while day <= last:
            kind = rng.choice(("huisbezoek", "telefoon", "telefoon", "kantoor"))
            plan.contacts.append(
                ContactPlan(
                    workday(day, backwards=True),
                    kind,
                    ContactWith.CLIENT,
                    CoreTask.SUPPORT,
                    self._minutes(rng, kind),
                    (director,),
                )
            )
            day += dt.timedelta(days=rng.randint(8, 20))

    # -- Short contacts and outreach -------------------------------------------------------

    def periods(self) -> tuple[tuple[dt.date, dt.date], ...]:
        return ((self.timeline.start, self.today),)

    def short_contacts(self) -> Iterator[ShortContactPlan]:
        """Walk-ins per location and consultation hour, and calls, e-mails and chats per team."""
        rng = self.rng("short-contacts")
        domains = ref.QUESTION_DOMAINS
        results = ((ShortContactResult.ANSWERED, 0.8), (ShortContactResult.REFERRED, 0.2))
        for start, end in self.periods():
            for location in self.timeline.locations:
                for slot in location.slots:
                    first = max(start, slot.since)
                    last = min(end, slot.until or end)
                    day = first + dt.timedelta(days=(slot.weekday - first.weekday()) % 7)
                    while day <= last:
                        for _ in range(poisson(rng, location.visitors * self.scale * season(day))):
                            yield ShortContactPlan(
                                day,
                                slot.part_of_day,
                                Channel.WALK_IN,
                                location.name,
                                location.team,
                                weighted(rng, domains),
                                weighted(rng, results),
                                self.staff.pick(rng, location.team, day),
                            )
                        day += 7 * DAY
            channels = ((Channel.PHONE, 0.65), (Channel.EMAIL, 0.25), (Channel.CHAT, 0.10))
            parts = (
                (PartOfDay.MORNING, 0.55),
                (PartOfDay.AFTERNOON, 0.40),
                (PartOfDay.EVENING, 0.05),
            )
            day = start
            while day <= end:
                if day.weekday() < 5:
                    for team in ref.TEAMS:
                        for _ in range(poisson(rng, 3 * self.scale * season(day))):
                            yield ShortContactPlan(
                                day,
                                weighted(rng, parts),
                                weighted(rng, channels),
                                None,
                                team,
                                weighted(rng, domains),
                                weighted(rng, results),
                                self.staff.pick(rng, team, day, casework=False),
                            )
                day += DAY

    def outreach(self) -> Iterator[OutreachPlan]:
        """More outreach after each capacity addition (its assumed effect)."""
        rng = self.rng("outreach")
        kinds = (
            (OutreachKind.NETWORK, 30),
            (OutreachKind.COLLECTIVE, 25),
            (OutreachKind.EVENT, 15),
            (OutreachKind.PREVENTION, 25),
            (OutreachKind.OTHER, 5),
        )
        hours = {
            OutreachKind.NETWORK: (4, 12),
            OutreachKind.COLLECTIVE: (8, 16),
            OutreachKind.EVENT: (12, 32),
            OutreachKind.PREVENTION: (4, 24),
            OutreachKind.OTHER: (4, 12),
        }  # in quarters of an hour
        for start, end in self.periods():
            for first, last in months(start, end):
                first, last = max(first, start), min(last, end)
                if first < self.timeline.capacity_april:
                    base = 3
                elif first < self.timeline.capacity_november:
                    base = 5
                else:
                    base = 9
                # A partial month (today's) gets its share.
                share = ((last - first).days + 1) / 30
                for team in ref.TEAMS:
                    for _ in range(poisson(rng, base * self.scale * share)):
                        kind = weighted(rng, kinds)
                        day = random_day(rng, first, last)
                        wijk = (
                            rng.choice(self.team_wijken[team]).number
                            if rng.random() < 0.8
                            else None
                        )
                        low, high = hours[kind]
                        yield OutreachPlan(
                            day,
                            team,
                            kind,
                            wijk,
                            rng.choice(ref.OUTREACH_TEXTS[kind]),
                            Decimal(rng.randint(low, high)) / 4,
                            self.staff.pick(rng, team, day),
                        )
