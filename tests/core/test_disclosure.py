"""Small-cell suppression: primary and complementary cells, checked by hand and by property."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccpm_core.disclosure import DisclosureError, check_min_cell_size, suppress_small_cells


def recoverable_cells(counts: list[int], hidden: tuple[bool, ...], total_hidden: bool) -> list[int]:
    """Return the positions of hidden cells a reader can work out from shown cells and total.

    With the total shown, the hidden cells have a known sum. Counts are whole
    numbers of at least 0, so one hidden cell alone, or hidden cells summing to 0,
    are determined exactly; two or more with a positive sum are not.
    """
    if total_hidden:
        return []
    positions = [position for position, is_hidden in enumerate(hidden) if is_hidden]
    hidden_sum = sum(counts[position] for position in positions)
    if len(positions) == 1 or hidden_sum == 0:
        return positions
    return []


def test_small_cell_suppressed() -> None:
    result = suppress_small_cells([10, 2, 7], 3, total_shown=False)

    assert result.cells == (False, True, False)


def test_zero_cell_shown() -> None:
    result = suppress_small_cells([10, 0, 7], 3)

    assert result.cells == (False, False, False)


def test_complement_is_smallest_non_zero() -> None:
    result = suppress_small_cells([10, 2, 0, 5, 7], 3)

    assert result.cells == (False, True, False, True, False)


def test_complement_zero_when_no_other_count() -> None:
    # Hidden cells adding up to 2 still reveal a group below 3, so everything is
    # hidden, and the total too.
    result = suppress_small_cells([2, 0, 0], 3)

    assert result.cells == (True, True, True)
    assert result.total


def test_two_small_cells_need_no_complement() -> None:
    result = suppress_small_cells([1, 2, 9], 3)

    assert result.cells == (True, True, False)


def test_single_cell_hides_total() -> None:
    result = suppress_small_cells([2], 3)

    assert result.total


def test_min_cell_size_one_shows_all() -> None:
    result = suppress_small_cells([1, 1, 0], 1)

    assert not result.any


def test_empty_breakdown() -> None:
    result = suppress_small_cells([], 3)

    assert result.cells == ()


@pytest.mark.parametrize("size", [0, -2, 2.5, True, "3"])
def test_invalid_min_cell_size(size: object) -> None:
    with pytest.raises(DisclosureError, match="minimum cell size"):
        check_min_cell_size(size)  # type: ignore[arg-type]


@pytest.mark.parametrize("count", [-1, 1.5, None])
def test_invalid_count(count: object) -> None:
    with pytest.raises(DisclosureError, match="position 1"):
        suppress_small_cells([4, count], 3)  # type: ignore[list-item]


breakdowns = st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=9)
sizes = st.integers(min_value=1, max_value=6)


@given(breakdowns, sizes)
def test_no_shown_cell_below_k(counts: list[int], size: int) -> None:
    result = suppress_small_cells(counts, size)
    shown = [count for count, hidden in zip(counts, result.cells, strict=True) if not hidden]

    assert all(count == 0 or count >= size for count in shown)


@given(breakdowns, sizes)
def test_no_hidden_cell_recoverable(counts: list[int], size: int) -> None:
    result = suppress_small_cells(counts, size)

    assert recoverable_cells(counts, result.cells, result.total) == []


@given(breakdowns, sizes)
def test_cells_flagged_one_each(counts: list[int], size: int) -> None:
    result = suppress_small_cells(counts, size)

    assert len(result.cells) == len(counts)


@given(breakdowns, sizes)
def test_without_total_only_primary(counts: list[int], size: int) -> None:
    result = suppress_small_cells(counts, size, total_shown=False)

    assert result.cells == tuple(0 < count < size for count in counts)


def test_two_ones_need_a_third_cell() -> None:
    # Hiding only the two ones would leave 62 - 60 = 2 for two non-zero cells: 1 each.
    suppression = suppress_small_cells([1, 1, 30, 30], min_cell_size=3)

    assert suppression.cells == (True, True, True, False)


def test_hidden_ones_adding_to_their_number_extended() -> None:
    suppression = suppress_small_cells([1, 1, 1, 20, 40], min_cell_size=2)

    assert suppression.cells == (True, True, True, True, False)
