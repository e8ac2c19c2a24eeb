"""Small-count suppression, with expectations worked out by hand (threshold 5)."""

from __future__ import annotations

from vivera.core.privacy import suppress, suppress_total


def shown(cells):
    return {k: str(v) for k, v in cells.items()}


def test_counts_from_1_to_4_are_hidden_and_0_is_shown():
    assert shown(suppress({"a": 0, "b": 4, "c": 5, "d": 12}, with_total=False)) == {
        "a": "0", "b": "<5", "c": "5", "d": "12"}


def test_a_single_hidden_cell_takes_the_next_smallest_with_it_when_a_total_is_shown():
    # Total 4 + 7 + 9 = 20 is public; hiding only b would let anyone compute 20 - 7 - 9 = 4.
    assert shown(suppress({"a": 7, "b": 4, "c": 9})) == {"a": "<5", "b": "<5", "c": "9"}


def test_two_hidden_cells_need_no_extra_suppression():
    # 20 - 11 = 9 = b + c, which cannot be split: no third cell needs hiding.
    assert shown(suppress({"a": 11, "b": 3, "c": 6, "d": 2})) == {
        "a": "11", "b": "<5", "c": "6", "d": "<5"}


def test_zero_is_never_taken_as_the_secondary_cell():
    assert shown(suppress({"a": 0, "b": 2, "c": 30})) == {"a": "0", "b": "<5", "c": "<5"}


def test_totals_below_the_threshold_are_hidden():
    assert [str(suppress_total(n)) for n in (0, 1, 4, 5)] == ["0", "<5", "<5", "5"]
