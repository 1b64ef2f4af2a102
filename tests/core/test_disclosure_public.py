"""Small-cell suppression with public cells, whose counts readers know from elsewhere."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccpm_core.disclosure import DisclosureError, suppress_small_cells


def test_public_cell_never_primary() -> None:
    result = suppress_small_cells([1, 10, 10], 3, public=[True, False, False])

    assert result.cells == (False, False, False)


def test_public_cell_not_complement() -> None:
    # The 2 needs a complement: the public 1 is smaller, but the 4 is taken.
    result = suppress_small_cells([1, 2, 4, 9], 3, public=[True, False, False, False])

    assert result.cells == (False, True, True, False)


def test_only_public_left_hides_total() -> None:
    result = suppress_small_cells([2, 1], 3, public=[False, True])

    assert result.cells == (True, False)
    assert result.total


def test_empty_public_means_none() -> None:
    assert suppress_small_cells([2, 5, 6], 3, public=()) == suppress_small_cells([2, 5, 6], 3)


def test_public_length_checked() -> None:
    with pytest.raises(DisclosureError, match="2 flags for 3 counts"):
        suppress_small_cells([2, 5, 6], 3, public=[True, False])


cases = st.lists(
    st.tuples(st.integers(min_value=0, max_value=12), st.booleans()), min_size=1, max_size=9
)


@given(cases, st.integers(min_value=1, max_value=6))
def test_public_cells_always_shown(cells: list[tuple[int, bool]], size: int) -> None:
    counts = [count for count, _ in cells]
    public = [is_public for _, is_public in cells]
    result = suppress_small_cells(counts, size, public=public)

    assert not any(h and p for h, p in zip(result.cells, public, strict=True))


@given(cases, st.integers(min_value=1, max_value=6))
def test_private_small_cells_hidden(cells: list[tuple[int, bool]], size: int) -> None:
    result = suppress_small_cells([c for c, _ in cells], size, public=[p for _, p in cells])
    shown_private = [
        count
        for (count, is_public), hidden in zip(cells, result.cells, strict=True)
        if not hidden and not is_public
    ]

    assert all(count == 0 or count >= size for count in shown_private)


@given(cases, st.integers(min_value=1, max_value=6))
def test_hidden_unrecoverable_or_total(cells: list[tuple[int, bool]], size: int) -> None:
    result = suppress_small_cells([c for c, _ in cells], size, public=[p for _, p in cells])
    hidden = [count for (count, _), h in zip(cells, result.cells, strict=True) if h]
    protected = len(hidden) > 1 and sum(hidden) >= size and sum(hidden) != len(hidden)

    assert result.total or not hidden or protected
