"""The Wmo allocations of the demo municipality (docs/provisions.md), as the social service would
deliver them: one CSV export (the columns of `reading.COLUMNS`, `;`-separated, dates as
dd-mm-yyyy) over the whole demo history, read through `services.delivery_import`, so the demo's
figures pass the same checks as a real delivery.

- About 2,750 allocations run at any time among Zwijnwaard's 45,000 residents (at scale 1; CBS
  counts 30–60 Wmo clients per 1,000 residents, a third of them with more than one provision).
  New ones start every month, about 110 at first, fewer as the teams' work takes hold (question
  9's story): support, day activities, personal care and sheltered housing fall by a fifth,
  household help by a tenth, aids hardly. So the running allocations, once the clients' own
  have joined them in the first year, fall slowly (about 2,800 to 2,740 at scale 1). Most of those
  residents are not Vivera clients: of them Vivera keeps only counts.
- Three in four demo clients whose dossier has a referral to a customised provision get an
  allocation a few weeks after that referral, of a kind that fits the question referred (support
  for a question about mental health, household help for instrumental ADL); a few clients
  without such a referral get one too, some before their dossier opened. Only clients with a BSN
  can be linked.
- An allocation the export shows as ended has ended (by plan, death, moving, a change of
  provider — then a new allocation with the other provider follows — or to the Wlz); one still
  running shows its planned end, or none (household help and aids on loan often have none).

No access-log line (the demo is generated, not imported by anyone), so `vivera demo --reset`
can remove it all (`demo_provisions_reset`).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from vivera.accounts.models import User
from vivera.monitor.scope import month_start, months_between
from vivera.organisation.models import Municipality, PostcodeArea
from vivera.provisions.models import Allocation, AllocationCount, Delivery, Provider
from vivera.provisions.reading import COLUMNS
from vivera.provisions.services import delivery_import
from vivera.registration.models import Client, ProvisionKind, Referral


@dataclass(frozen=True)
class Kind:
    """How a product category is allocated in the demo (at scale 1)."""

    first: float  # new allocations a month when the history starts
    last: float  # … and today
    unit: str
    volume: int | None
    frequency: str
    months: tuple[int, int]  # how long it runs, at least and at most
    open_ended: float  # the share allocated without an end date


CATEGORIES = {
    "01": Kind(30, 27, "04", 3, "2", (6, 60), 0.6),  # household help
    "02": Kind(22, 17, "04", 4, "2", (3, 24), 0.0),  # support
    "07": Kind(9, 7, "16", 2, "2", (6, 36), 0.0),  # day activities
    "03": Kind(3.5, 2.8, "04", 5, "2", (1, 12), 0.0),  # personal care
    "11": Kind(11, 11, "", None, "", (12, 72), 0.7),  # wheelchairs, on loan
    "13": Kind(15, 14, "", None, "", (1, 3), 0.0),  # housing adaptations: done once
    "14": Kind(16, 15, "", None, "", (12, 60), 0.5),  # other aids (mobility scooters)
    "15": Kind(2.5, 2, "14", 1, "1", (12, 48), 0.0),  # sheltered housing
}
HISTORY_BEFORE = 6  # years of allocations before the history, the longest a kind runs
# What the teams' clients get after a referral to a customised provision, by the life domain of
# the question referred.
CLIENT_CATEGORIES = {"01": 35, "02": 40, "07": 15, "03": 5, "15": 5}
CATEGORIES_BY_DOMAIN = {
    "instrumentele-adl": {"01": 70, "14": 15, "02": 15},
    "basale-adl": {"03": 50, "01": 40, "13": 10},
    "lichamelijke-gezondheid": {"14": 30, "11": 20, "13": 20, "01": 30},
    "geestelijke-gezondheid": {"02": 80, "07": 10, "15": 10},
    "huisvesting": {"15": 40, "13": 30, "02": 30},
    "middelengebruik": {"02": 70, "15": 30},
    "tijdsbesteding": {"07": 70, "02": 30},
    "maatschappelijke-participatie": {"07": 60, "02": 40},
    "sociaal-netwerk": {"07": 50, "02": 50},
    "werk-opleiding": {"07": 60, "02": 40},
}
PROVIDERS = {
    "99000011": "Thuiszorg Zwijnwaard",
    "99000012": "Huishoudelijke Hulp Rivierenland",
    "99000013": "Begeleiding Dichtbij",
    "99000014": "Dagbesteding De Werkplaats",
    "99000015": "Zorgcollectief Oost",
    "99000016": "Hulpmiddelencentrum Zuid-Holland",
    "99000017": "Woonvoorzieningen Waard",
    "99000018": "Stichting Beschermd Wonen Drechtstreek",
}
PROVIDERS_OF = {
    "01": ["99000011", "99000012"],
    "02": ["99000013", "99000015"],
    "07": ["99000014"],
    "03": ["99000011", "99000015"],
    "11": ["99000016"],
    "13": ["99000017"],
    "14": ["99000016"],
    "15": ["99000018"],
}
# Reasons for ending (WMO588): of allocations with an end date, and of those without one.
SWITCH = "38"
END_REASONS = {"19": 75, "02": 6, "31": 6, SWITCH: 8, "23": 5}
END_REASONS_OPEN = {"02": 45, "39": 20, "31": 10, SWITCH: 15, "21": 10}
SECOND = 0.3  # the share of new allocations for a resident who already has another


def _bsns(rng: random.Random, taken: set[str]) -> Iterator[str]:
    """BSNs passing the 11-test in the 990xxxxxx–998xxxxxx range (the demo clients have
    9999xxxxx): some 800,000 numbers, enough at any scale."""
    while True:
        digits = [9, 9, rng.randint(0, 8), *(rng.randint(0, 9) for _ in range(5))]
        check = sum(w * d for w, d in zip((9, 8, 7, 6, 5, 4, 3, 2), digits, strict=True)) % 11
        bsn = "".join(map(str, digits)) + str(check)
        if check < 10 and bsn not in taken:
            taken.add(bsn)
            yield bsn


def _years_back(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year - years)


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


class _Export:
    def __init__(
        self, rng: random.Random, start: dt.date, today: dt.date, postcodes: list[str]
    ) -> None:
        self.rng, self.start, self.today, self.postcodes = rng, start, today, postcodes
        self.rows: list[str] = [";".join(COLUMNS)]

    def postcode(self) -> str:
        rng = self.rng
        return rng.choice(self.postcodes) + rng.choice("ABCDEFGHJK") + rng.choice("ABCDEFGHJK")

    def add(
        self, bsn: str, start: dt.date, category: str, postcode: str, provider: str = ""
    ) -> None:
        rng = self.rng
        kind = CATEGORIES[category]
        ends = start + dt.timedelta(days=rng.randint(30 * kind.months[0], 30 * kind.months[1]))
        open_ended = rng.random() < kind.open_ended
        providers = PROVIDERS_OF[category]
        provider = provider or rng.choice(providers)
        end: dt.date | None = ends
        reason = ""
        if ends <= self.today:
            reasons = END_REASONS_OPEN if open_ended else END_REASONS
            reason = _pick(rng, {r: w for r, w in reasons.items() if r != SWITCH or providers[1:]})
        elif open_ended:
            end = None
        if end is None or end >= self.start:  # the export leaves out what ended before it
            self._row(bsn, start, end, category, kind, provider, reason, postcode)
        if reason == SWITCH and ends < self.today:  # the same care, from the other provider
            other = next(p for p in providers if p != provider)
            self.add(bsn, ends + dt.timedelta(days=1), category, postcode, other)

    def _row(
        self,
        bsn: str,
        start: dt.date,
        end: dt.date | None,
        category: str,
        kind: Kind,
        provider: str,
        reason: str,
        postcode: str,
    ) -> None:
        rng = self.rng
        self.rows.append(
            ";".join(
                (
                    bsn,
                    f"Z{len(self.rows):07d}",
                    category,
                    f"{category}Z{rng.randint(1, 3):02d}",
                    start.strftime("%d-%m-%Y"),
                    end.strftime("%d-%m-%Y") if end else "",
                    (start - dt.timedelta(days=rng.randint(3, 20))).strftime("%d-%m-%Y"),
                    "" if kind.volume is None else str(kind.volume),
                    kind.unit,
                    kind.frequency,
                    provider,
                    PROVIDERS[provider],
                    reason,
                    "",
                    postcode if len(postcode) == 6 else "",
                )
            )
        )

    def data(self) -> bytes:
        return ("\n".join(self.rows) + "\n").encode()


def _residents(
    export: _Export, rng: random.Random, start: dt.date, today: dt.date, scale: float
) -> None:
    """The residents who are not Vivera clients: every month's new allocations, from
    `HISTORY_BEFORE` years before the history at its first pace (so the allocations running when
    it starts are as many as that pace keeps running), then a little fewer every month."""
    taken = set(Client.objects.exclude(bsn="").values_list("bsn", flat=True))
    new_bsns = _bsns(rng, taken)
    recent: list[tuple[str, str]] = []  # (BSN, postcode) of the last residents
    has: dict[str, set[str]] = {}  # their categories
    before = months_between(_years_back(start, HISTORY_BEFORE), start - dt.timedelta(days=1))
    months = months_between(start, today)
    # The months' numbers vary, but what one month got too many or too few the next makes good,
    # so a year holds what the pace expects even at a small scale (and the fall shows).
    owed = dict.fromkeys(CATEGORIES, 0.0)
    for index, month in enumerate([*before, *months]):
        share = max(0, index - len(before)) / max(1, len(months) - 1)
        for category, kind in CATEGORIES.items():
            owed[category] += (kind.first + (kind.last - kind.first) * share) * scale
            new = max(0, round(owed[category] + rng.uniform(-0.5, 0.5)))
            owed[category] -= new
            for _i in range(new):
                day = month + dt.timedelta(days=rng.randint(0, 27))
                if day > today:
                    continue
                bsn, postcode = rng.choice(recent) if recent else ("", "")
                if not bsn or rng.random() >= SECOND or category in has[bsn]:
                    bsn, postcode = next(new_bsns), export.postcode()
                    recent.append((bsn, postcode))
                    has[bsn] = set()
                has[bsn].add(category)
                export.add(bsn, day, category, postcode)
        del recent[: max(0, len(recent) - 1000)]


def _clients(
    export: _Export, rng: random.Random, municipality: Municipality, today: dt.date
) -> None:
    """The teams' clients: an allocation a few weeks after most referrals to a customised
    provision, and a few without one, around when the team came to know them."""
    referred = (
        Referral.objects.filter(
            dossier__municipality=municipality, provision_kind=ProvisionKind.CUSTOMISED
        )
        .exclude(dossier__client__bsn="")
        .order_by("pk")
        .values_list(
            "referred_on",
            "dossier__client__bsn",
            "dossier__client__postcode",
            "question__domain__code",
        )
    )
    clients_referred: set[str] = set()
    clients_done: set[str] = set()
    for referred_on, bsn, postcode, domain in referred:
        clients_referred.add(bsn)
        if bsn in clients_done or rng.random() >= 0.75:
            continue
        day = referred_on + dt.timedelta(days=rng.randint(14, 60))
        if day <= today:
            clients_done.add(bsn)
            categories = CATEGORIES_BY_DOMAIN.get(domain or "", CLIENT_CATEGORIES)
            export.add(bsn, day, _pick(rng, categories), postcode or "")
    others = [
        (bsn, postcode, created)
        for bsn, postcode, created in Client.objects.filter(municipality=municipality)
        .exclude(bsn="")
        .order_by("pk")
        .values_list("bsn", "postcode", "created_at")
        if bsn not in clients_referred
    ]
    for bsn, postcode, created in rng.sample(others, k=min(len(others), round(len(others) * 0.03))):
        day = created.date() + dt.timedelta(days=rng.randint(-200, 200))
        if day <= today:
            export.add(bsn, day, _pick(rng, CLIENT_CATEGORIES), postcode or "")


def demo_provisions_data(
    *,
    municipality: Municipality,
    admin: User,
    history_start: dt.date,
    today: dt.date,
    seed: int,
    scale: float,
) -> dict[str, int]:
    """The delivery over the whole history; returns the summary's counts."""
    rng = random.Random(f"{seed}-provisions")
    postcodes = sorted(
        {
            p[:4]
            for p in PostcodeArea.objects.filter(
                neighbourhood__municipality=municipality
            ).values_list("postcode", flat=True)
        }
    ) or ["9999"]
    start = month_start(history_start)
    export = _Export(rng, start, today, postcodes)
    _residents(export, rng, start, today, scale)
    _clients(export, rng, municipality, today)
    result = delivery_import(
        municipality=municipality,
        files=[("toewijzingen-sociale-dienst.csv", export.data())],
        start=start,
        end=today,
        user=admin,
        today=today,
        record_in_log=False,
    )
    if not result.ok:  # the generator's own mistake: say which
        raise ValueError(f"The demo's delivery was refused: {result.problems[:5]}")
    return {"wmo_allocations": result.counted, "wmo_client_allocations": result.linked}


def demo_provisions_reset(municipality: Municipality) -> None:
    AllocationCount.objects.filter(municipality=municipality).delete()
    Allocation.objects.filter(municipality=municipality).delete()
    Delivery.objects.filter(municipality=municipality).delete()
    Provider.objects.filter(agb_code__in=list(PROVIDERS), allocation__isnull=True).delete()
