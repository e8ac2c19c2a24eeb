"""The Wmo allocations of the demo municipality (docs/provisions.md), as the social service would
deliver them: one CSV export over the whole demo history, read through
`services.delivery_import`, so the demo's figures pass the same checks as a real delivery.

- About 1,400 allocations run at any time among Zwijnwaard's 45,000 residents (at scale 1),
  with new ones every month, slightly fewer as the teams' work takes hold (question 9's story:
  from about 70 a month to about 60), so the running ones level off and begin to fall. Most of those
  residents are not Vivera clients: of them Vivera keeps only counts.
- Three in four demo clients whose dossier has a referral to a customised provision get an
  allocation a few weeks after that referral; a few other clients get one without a referral
  (some before their dossier opened). Only clients with a BSN can be linked.
- Allocations end by plan, by death, by moving or by a change of provider, in realistic shares.

No access-log line (the demo is generated, not imported by anyone), so `vivera demo --reset`
can remove it all (`demo_provisions_reset`).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from vivera.accounts.models import User
from vivera.monitor.scope import month_start, months_between
from vivera.organisation.models import Municipality, PostcodeArea
from vivera.provisions.models import Allocation, AllocationCount, Delivery, Provider
from vivera.provisions.reading import COLUMNS
from vivera.provisions.services import delivery_import
from vivera.registration.models import Client, ProvisionKind, Referral

# category: (share of new allocations, unit, volume, frequency, months it runs at most)
CATEGORIES = {
    "01": (30, "04", 3, "2", 48),
    "02": (24, "04", 4, "2", 18),
    "07": (12, "16", 2, "2", 36),
    "03": (6, "04", 5, "2", 12),
    "11": (8, "", None, "", 60),
    "13": (8, "", None, "", 2),
    "14": (8, "", None, "", 36),
    "15": (4, "14", 1, "1", 36),
}
CLIENT_CATEGORIES = {"01": 35, "02": 40, "07": 15, "03": 5, "15": 5}
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
END_REASONS = (("19", 70), ("02", 10), ("31", 8), ("38", 7), ("23", 5))
NEW_FIRST, NEW_LAST = 70, 60  # new allocations a month of residents who are not clients


def _bsns(rng: random.Random, taken: set[str]) -> Iterator[str]:
    """BSNs passing the 11-test in the 9998xxxxx range (the demo clients have 9999xxxxx)."""
    while True:
        digits = [9, 9, 9, 8, *(rng.randint(0, 9) for _ in range(4))]
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
    def __init__(self, rng: random.Random, today: dt.date, postcodes: list[str]) -> None:
        self.rng, self.today, self.postcodes = rng, today, postcodes
        self.rows: list[str] = [";".join(COLUMNS)]

    def add(self, bsn: str, start: dt.date, category: str, postcode: str = "") -> None:
        rng = self.rng
        _share, unit, volume, frequency, longest = CATEGORIES[category]
        end: dt.date | None = None
        if rng.random() < 0.95:  # a few without an end date (household help for life)
            end = start + dt.timedelta(days=rng.randint(20, 30 * longest))
        reason = _pick(rng, dict(END_REASONS)) if end is not None and end <= self.today else ""
        postcode = postcode or (
            rng.choice(self.postcodes) + rng.choice("ABCDEFGHJK") + rng.choice("ABCDEFGHJK")
        )
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
                    "" if volume is None else str(volume),
                    unit,
                    frequency,
                    (provider := rng.choice(PROVIDERS_OF[category])),
                    PROVIDERS[provider],
                    reason,
                    "",
                    postcode if len(postcode) == 6 else "",
                )
            )
        )

    def data(self) -> bytes:
        return ("\n".join(self.rows) + "\n").encode()


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
    export = _Export(rng, today, postcodes)
    shares = {code: spec[0] for code, spec in CATEGORIES.items()}
    taken: set[str] = set()
    residents = _bsns(rng, taken)
    start = month_start(history_start)
    # Five years before the history at the first months' pace, so the allocations running when
    # the history starts are as many as that pace keeps running (those that ended before it are
    # passed over by the import as outside the period); then the history itself, a little fewer
    # every month.
    before = months_between(_years_back(start, 5), start - dt.timedelta(days=1))
    months = months_between(start, today)
    for index, month in enumerate([*before, *months]):
        share = max(0, index - len(before)) / max(1, len(months) - 1)
        expected = (NEW_FIRST + (NEW_LAST - NEW_FIRST) * share) * scale
        new = int(expected) + (1 if rng.random() < expected - int(expected) else 0)
        for _i in range(new):
            day = month + dt.timedelta(days=rng.randint(0, 27))
            if day <= today:
                export.add(next(residents), day, _pick(rng, shares))
    # The teams' clients: an allocation a few weeks after most referrals to a customised
    # provision, and a few without one.
    referred = (
        Referral.objects.filter(
            dossier__municipality=municipality, provision_kind=ProvisionKind.CUSTOMISED
        )
        .exclude(dossier__client__bsn="")
        .order_by("pk")
        .values_list("referred_on", "dossier__client__bsn", "dossier__client__postcode")
    )
    clients_done: set[str] = set()
    for referred_on, bsn, postcode in referred:
        if bsn in clients_done or rng.random() >= 0.75:
            continue
        day = referred_on + dt.timedelta(days=rng.randint(14, 60))
        if day <= today:
            clients_done.add(bsn)
            export.add(bsn, day, _pick(rng, CLIENT_CATEGORIES), postcode or "")
    others = list(
        Client.objects.filter(municipality=municipality)
        .exclude(bsn="")
        .exclude(bsn__in=clients_done)
        .order_by("pk")
        .values_list("bsn", "postcode", "created_at")
    )
    for bsn, postcode, created in rng.sample(others, k=min(len(others), round(len(others) * 0.03))):
        # Around when the team came to know them: a little before or after.
        day = created.date() + dt.timedelta(days=rng.randint(-200, 200))
        if start <= day <= today:
            export.add(bsn, day, _pick(rng, CLIENT_CATEGORIES), postcode or "")
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
