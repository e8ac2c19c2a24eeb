"""Numbers as a Dutch reader reads them (`core.formatting`), from Django's localisation."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation

from vivera.core.formatting import number, seconds


def test_whole_numbers_get_a_dot_between_thousands():
    assert [number(n) for n in (0, 7, 1234, 1_000_000, -2500)] == [
        "0",
        "7",
        "1.234",
        "1.000.000",
        "-2.500",
    ]
    assert number(1234, grouping=False) == "1234"


def test_a_fixed_number_of_decimals_is_rounded_not_cut_off():
    # Django's number_format alone cuts a float's decimals off: 2,96 would read 2,9.
    assert number(2.96, 1) == "3,0"
    assert number(0.125, 2) == "0,12"  # the float 0.125 is exact: rounded half to even
    assert number(1234.5678, 2) == "1.234,57"
    assert number(Decimal("1.239"), 2) == "1,24"
    assert number(12.7, 0) == "13"
    assert number(-0.04, 1) == "0,0"


def test_without_places_a_fraction_gets_the_decimals_it_needs():
    assert number(2.5) == "2,5"
    assert number(20.0) == "20"
    assert number(0.30000000000000004) == "0,3"
    assert number(-0.0) == "0"
    assert number(0.02) == "0,02"
    assert number(12500.25, grouping=False) == "12500,25"


def test_seconds_as_the_commands_print_them():
    assert seconds(12.345) == "12,35 s"  # 12.345 is just above 12.345 as a float


def test_it_follows_the_active_language():
    with translation.override("en"):
        assert number(1234.5, 1) == "1,234.5"
