"""Importing a delivery of allocations: what is kept, what is counted, what is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection

from vivera.accounts.models import User
from vivera.audit.models import AccessLogEntry, ObjectType
from vivera.provisions.models import Allocation, AllocationCount, Delivery, Provider
from vivera.provisions.services import delivery_import
from vivera.registration.models import Client

from .conftest import CLIENT_BSN, OTHER_BSN, THIRD_BSN, csv, message, product

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 12, 15)
START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


def run(municipality: Any, user: User | None, *files: tuple[str, bytes], **kwargs: Any) -> Any:
    return delivery_import(
        municipality=municipality,
        files=list(files),
        start=kwargs.pop("start", START),
        end=kwargs.pop("end", END),
        user=user,
        today=kwargs.pop("today", TODAY),
        **kwargs,
    )


def counts(month: str) -> dict[str, tuple[int, int]]:
    """Category → (running on the month's last day, started in the month), all neighbourhoods."""
    result: dict[str, list[int]] = {}
    for c in AllocationCount.objects.filter(month=dt.date.fromisoformat(month + "-01")):
        pair = result.setdefault(c.category, [0, 0])
        pair[0] += c.running
        pair[1] += c.started
    return {k: (v[0], v[1]) for k, v in result.items()}


DELIVERY = csv(
    # The client's support, March to August; the other residents' household help and day
    # activities.
    f"{CLIENT_BSN};A1;02;02A01;01-03-2025;31-08-2025;3;04;2;42420001;Zorg Thuis BV;19;9991AB",
    f"{OTHER_BSN};A2;1;01A01;15-01-2025;;4;04;2;42420002;Huishoudhulp Oost;;9991CD",
    f"{THIRD_BSN};A3;07;07X01;2025-03-10;2025-03-20;;;;42420001;;;",
)


def test_a_delivery_keeps_the_clients_allocation_and_only_counts_of_everyone_else(
    municipality: Any, admin_user: User, known_client: Client
) -> None:
    result = run(municipality, admin_user, DELIVERY)
    assert result.ok, result.problems
    assert (result.lines, result.counted, result.linked) == (3, 3, 1)

    kept = Allocation.objects.get()
    assert kept.client == known_client
    assert (kept.number, kept.category, kept.start_date, kept.end_date) == (
        "A1",
        "02",
        dt.date(2025, 3, 1),
        dt.date(2025, 8, 31),
    )
    assert (kept.volume, kept.unit, kept.frequency, kept.end_reason) == (3, "04", "2", "19")
    assert kept.provider is not None and kept.provider.name == "Zorg Thuis BV"
    # Hand-worked: on 31 January only A2 runs (and started); in March A1 started and runs on
    # the 31st, A3 started and ended on the 20th; in September A1 has ended.
    assert counts("2025-01") == {"01": (1, 1)}
    assert counts("2025-03") == {"01": (1, 0), "02": (1, 1), "07": (0, 1)}
    assert counts("2025-09") == {"01": (1, 0)}
    # December is the current month: counted on today, 15 December.
    assert counts("2025-12") == {"01": (1, 0)}
    assert not AllocationCount.objects.filter(month=dt.date(2026, 1, 1)).exists()


def test_no_bsn_and_nothing_of_a_resident_who_is_not_a_client_is_stored(
    municipality: Any, admin_user: User, known_client: Client
) -> None:
    run(municipality, admin_user, DELIVERY)
    with connection.cursor() as cursor:
        for model in (Allocation, AllocationCount, Delivery, Provider):
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")
            text = repr(cursor.fetchall())
            for value in (CLIENT_BSN, OTHER_BSN, THIRD_BSN, "A2", "A3", "42420002"):
                if model is Provider and value.startswith("4242"):
                    continue  # providers are organisations, kept by AGB code
                assert value not in text, (model, value)
    assert not Allocation.objects.exclude(client=known_client).exists()
    assert Client.objects.count() == 1  # nobody is added


def test_the_import_is_in_the_access_log(
    municipality: Any, admin_user: User, known_client: Client
) -> None:
    result = run(municipality, admin_user, DELIVERY)
    line = AccessLogEntry.objects.get(object_type=ObjectType.PROVISION_DELIVERY)
    assert line.user == admin_user and line.object_id == str(result.delivery.pk)
    assert line.detail["linked"] == 1 and line.detail["lines"] == 3


def test_importing_the_same_delivery_again_changes_nothing(
    municipality: Any, admin_user: User, known_client: Client
) -> None:
    run(municipality, admin_user, DELIVERY)
    before = sorted(AllocationCount.objects.values_list("month", "category", "running", "started"))
    again = run(municipality, admin_user, DELIVERY)
    assert again.ok and again.already
    assert Delivery.objects.count() == 1 and Allocation.objects.count() == 1
    after = sorted(AllocationCount.objects.values_list("month", "category", "running", "started"))
    assert after == before


def test_a_later_delivery_replaces_its_months_and_removes_a_withdrawn_allocation(
    municipality: Any, admin_user: User, known_client: Client
) -> None:
    run(municipality, admin_user, DELIVERY)
    later = csv(
        f"{OTHER_BSN};A2;01;01A01;15-01-2025;30-06-2025;4;04;2;42420002;;36;9991CD",
    )
    result = run(municipality, admin_user, later, start=dt.date(2025, 6, 1))
    assert result.ok and result.removed == 1  # A1 overlaps June–December and is not in it
    assert not Allocation.objects.exists()
    assert counts("2025-03") == {"01": (1, 0), "02": (1, 1), "07": (0, 1)}  # untouched
    assert counts("2025-06") == {"01": (1, 0)}
    assert counts("2025-07") == {}


def test_every_problem_is_named_and_nothing_is_written(
    municipality: Any, admin_user: User, known_client: Client
) -> None:
    bad = csv(
        f"{CLIENT_BSN};B1;99;;01-03-2025;;;;;42420001;;;",  # unknown category
        f"{OTHER_BSN};B2;02;;01-05-2025;01-04-2025;;;;42420001;;;",  # end before start
        "123456789;B3;02;;01-05-2025;;;;;42420001;;;",  # fails the 11-test
        f"{THIRD_BSN};B4;02;;31-02-2025;;3;;;4242;;19;",  # no date, no unit, AGB, reason
    )
    result = run(municipality, admin_user, bad)
    found = {(p.line, p.column, p.code) for p in result.problems}
    assert {
        (2, "productcategorie", "unknown_code"),
        (3, "einddatum", "end_before"),
        (4, "bsn", "invalid_bsn"),
        (5, "ingangsdatum", "invalid_date"),
        (5, "eenheid", "required"),
        (5, "aanbieder", "invalid"),
        (5, "reden_beeindiging", "invalid"),
    } <= found
    assert all(p.file == "toewijzingen.csv" for p in result.problems)
    reasons = {(p.line, p.column): p.reason for p in result.problems}
    assert reasons[(2, "productcategorie")].startswith("Onbekende code “99”; toegestaan: 01, 02")
    assert reasons[(3, "einddatum")] == "De einddatum ligt vóór de begindatum."
    assert "elfproef" in reasons[(4, "bsn")]
    assert not Delivery.objects.exists() and not AllocationCount.objects.exists()
    assert not Allocation.objects.exists() and not Provider.objects.exists()


def test_a_missing_column_and_a_repeated_number_refuse_the_delivery(
    municipality: Any, admin_user: User
) -> None:
    no_bsn = csv(
        "A1;02;01-03-2025;42420001",
        header="toewijzingnummer;productcategorie;ingangsdatum;aanbieder",
    )
    result = run(municipality, admin_user, no_bsn)
    assert [(p.line, p.column, p.code) for p in result.problems] == [(1, "bsn", "missing_column")]
    twice = csv(
        f"{OTHER_BSN};A1;02;;01-03-2025;;;;;42420001;;;",
        f"{THIRD_BSN};A1;02;;01-04-2025;;;;;42420001;;;",
    )
    result = run(municipality, admin_user, twice)
    assert [(p.line, p.code) for p in result.problems] == [(3, "duplicate")]
    assert not Delivery.objects.exists()


def test_the_period_is_checked(municipality: Any, admin_user: User) -> None:
    result = run(municipality, admin_user, DELIVERY, start=END, end=START)
    assert [p.code for p in result.problems] == ["period"]
    result = run(municipality, admin_user, DELIVERY, end=dt.date(2026, 2, 1))
    assert [p.code for p in result.problems] == ["period"]


def test_lines_outside_the_period_and_removed_allocations_are_passed_over(
    municipality: Any, admin_user: User
) -> None:
    delivery = csv(
        f"{OTHER_BSN};C1;02;;01-03-2023;31-12-2023;;;;42420001;;;",
        f"{THIRD_BSN};C2;02;;01-03-2025;;;;;42420001;;;",
    )
    result = run(municipality, admin_user, delivery)
    assert (result.counted, result.outside) == (1, 1)
    assert counts("2025-03") == {"02": (1, 1)}


def test_only_check_writes_nothing(
    municipality: Any, admin_user: User, known_client: Client
) -> None:
    result = run(municipality, admin_user, DELIVERY, only_check=True)
    assert result.ok and result.linked == 1 and result.counted == 3
    assert not Delivery.objects.exists() and not AllocationCount.objects.exists()


# --- WMO301 -------------------------------------------------------------------------------------


def test_a_wmo301_message_is_read(
    municipality: Any, admin_user: User, known_client: Client
) -> None:
    result = run(municipality, admin_user, ("bericht.xml", message(product())))
    assert result.ok, result.problems
    kept = Allocation.objects.get()
    assert (kept.number, kept.category, kept.product_code, kept.volume, kept.unit) == (
        "101",
        "02",
        "02A01",
        3,
        "04",
    )
    assert kept.provider is not None and kept.provider.agb_code == "42420001"
    assert counts("2025-03") == {"02": (1, 1)}


def test_the_newest_message_about_an_allocation_counts(
    municipality: Any, admin_user: User, known_client: Client
) -> None:
    first = ("a.xml", message(product(end="2025-08-31"), dated="2025-02-20"))
    shortened = (
        "b.xml",
        message(
            product(end="2025-04-30", extra="<wmo301:RedenWijziging>05</wmo301:RedenWijziging>"),
            dated="2025-04-10",
        ),
    )
    result = run(municipality, admin_user, shortened, first)
    assert result.ok and result.superseded == 1
    assert Allocation.objects.get().end_date == dt.date(2025, 4, 30)
    assert Allocation.objects.get().change_reason == "05"


def test_a_removed_allocation_counts_as_never_sent(
    municipality: Any, admin_user: User, known_client: Client
) -> None:
    removed = product(
        end="2025-03-01",
        start="2025-03-01",
        extra="<wmo301:RedenWijziging>13</wmo301:RedenWijziging>",
    )
    result = run(municipality, admin_user, ("a.xml", message(removed)))
    assert result.ok and result.removed_by_sender == 1 and result.counted == 0
    assert not Allocation.objects.exists()


@pytest.mark.parametrize(
    ("changes", "code", "line"),
    [
        ({"namespace_version": "3_1"}, "wrong_version", 2),
        ({"message_code": "416"}, "wrong_message", 4),
        ({"sender": "0363"}, "other_municipality", 7),
        ({"bsn": "123456789"}, "invalid_bsn", 19),
    ],
)
def test_a_message_of_the_wrong_kind_version_or_sender_is_refused(
    municipality: Any, admin_user: User, changes: dict[str, str], code: str, line: int
) -> None:
    result = run(municipality, admin_user, ("bericht.xml", message(product(), **changes)))
    assert [(p.file, p.line, p.code) for p in result.problems] == [("bericht.xml", line, code)]
    assert not Delivery.objects.exists()


def test_another_message_is_refused(municipality: Any, admin_user: User) -> None:
    other = message(product()).replace(b"/wmo301/schema", b"/wmo305/schema")
    result = run(municipality, admin_user, ("bericht.xml", other))
    assert [p.code for p in result.problems] == ["wrong_message"]


def test_an_element_out_of_structure_is_named_with_its_line(
    municipality: Any, admin_user: User
) -> None:
    bad = message(product(end="2025-01-31", extra="<wmo301:Kleur>rood</wmo301:Kleur>"))
    result = run(municipality, admin_user, ("bericht.xml", bad))
    [problem] = result.problems
    assert problem.code == "unknown_element" and problem.line == 44
    assert problem.column.endswith("ToegewezenProduct/Kleur")
    missing = message(
        product().replace("<wmo301:Ingangsdatum>2025-03-01</wmo301:Ingangsdatum>", "")
    )
    result = run(municipality, admin_user, ("bericht.xml", missing))
    assert [p.code for p in result.problems] == ["missing_element"]
    assert "Ingangsdatum" in result.problems[0].column


def test_broken_xml_and_entities_are_refused(municipality: Any, admin_user: User) -> None:
    result = run(municipality, admin_user, ("bericht.xml", b"<?xml version='1.0'?><a><b></a>"))
    assert [p.code for p in result.problems] == ["xml"]
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + message(
        product()
    ).split(b"?>", 1)[1].replace(b"<wmo301:Bsn>", b"<wmo301:Bsn>&e;")
    result = run(municipality, admin_user, ("bericht.xml", bomb))
    assert not result.ok
    assert all("root:" not in p.reason for p in result.problems)


def test_spreadsheets_and_messages_are_not_mixed(municipality: Any, admin_user: User) -> None:
    result = run(municipality, admin_user, DELIVERY, ("bericht.xml", message(product())))
    assert [p.code for p in result.problems] == ["mixed"]


def test_a_client_of_another_municipality_is_not_linked(
    municipality: Any, other_municipality: Any, admin_user: User, pro: User
) -> None:
    Client.objects.create(
        municipality=other_municipality,
        first_name="Elders",
        last_name="Woont",
        bsn=CLIENT_BSN,
        created_by=pro,
    )
    result = run(municipality, admin_user, DELIVERY)
    assert result.ok and result.linked == 0
    assert not Allocation.objects.exists()
