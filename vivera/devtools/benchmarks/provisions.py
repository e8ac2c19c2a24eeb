"""A synthetic delivery of Wmo allocations for `vivera provisions_benchmark`: a municipality
of its own (GM8099), part of its residents registered as Vivera clients, and a CSV export of
the asked number of allocation lines, as the social service would send it."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from vivera.accounts.models import Role, User
from vivera.imports.services import insert_rows
from vivera.organisation.models import Municipality
from vivera.provisions.reading import COLUMNS
from vivera.registration.models import Client

CBS_CODE = "GM8099"
NAME = "Benchmark-Wmo"
START = dt.date(2016, 1, 1)
END = dt.date(2025, 12, 31)
# Rough shares of the product categories in a municipality's Wmo register.
CATEGORIES = (
    ("01", 30),
    ("02", 25),
    ("07", 10),
    ("03", 5),
    ("11", 8),
    ("13", 8),
    ("14", 10),
    ("15", 4),
)
PROVIDERS = [f"9{n:07d}" for n in range(1, 41)]


def valid_bsns(first: int = 10_000_000) -> Iterator[str]:
    """BSNs that pass the 11-test, in order: the ninth digit makes the weighted sum a
    multiple of 11 (a prefix whose check digit would be 10 is skipped)."""
    prefix = first
    while True:
        digits = f"{prefix:08d}"
        check = sum(w * int(d) for w, d in zip(range(9, 1, -1), digits, strict=True)) % 11
        if check < 10:
            yield f"{digits}{check}"
        prefix += 1


def build(lines: int, client_share: float, seed: int = 15) -> tuple[Municipality, User, bytes, int]:
    """The municipality, its administrator, the CSV and how many residents are clients."""
    randomiser = random.Random(seed)
    municipality = Municipality.objects.create(name=NAME, cbs_code=CBS_CODE)
    admin = User.objects.create(
        username="benchmark-wmo-beheer", role=Role.ADMIN, municipality=municipality
    )
    people = max(1, lines * 10 // 25)  # 2.5 allocations per resident over ten years
    bsns = valid_bsns()
    residents = [next(bsns) for _i in range(people)]
    clients = randomiser.sample(residents, int(people * client_share))
    insert_rows(
        Client,
        ["municipality_id", "first_name", "last_name", "bsn", "created_by_id"],
        [
            (municipality.pk, "Benchmark", f"Inwoner {i}", bsn, admin.pk)
            for i, bsn in enumerate(clients)
        ],
    )
    codes, weights = zip(*CATEGORIES, strict=True)
    days = (END - START).days
    rows = [";".join(COLUMNS)]
    for number in range(lines):
        start = START + dt.timedelta(days=randomiser.randrange(days))
        end = (
            ""
            if randomiser.random() < 0.3
            else (start + dt.timedelta(days=randomiser.randrange(30, 900))).strftime("%d-%m-%Y")
        )
        category = randomiser.choices(codes, weights)[0]
        rows.append(
            ";".join(
                (
                    residents[randomiser.randrange(people)],
                    f"T{number:08d}",
                    category,
                    f"{category}A01",
                    start.strftime("%d-%m-%Y"),
                    end,
                    "",
                    "3",
                    "04",
                    "2",
                    randomiser.choice(PROVIDERS),
                    "",
                    "19" if end else "",
                    "",
                    f"{randomiser.randrange(1000, 9999)}AB",
                )
            )
        )
    return municipality, admin, ("\n".join(rows) + "\n").encode(), len(clients)
