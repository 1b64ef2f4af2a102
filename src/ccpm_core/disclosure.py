"""Small-cell suppression, so that no breakdown of counts singles out a respondent.

A count of respondents below the minimum cell size ``k`` is suppressed
(primary suppression). When the total of the breakdown is shown as well, the
suppressed cells could be worked out by subtracting the shown cells from the
total, so more cells are suppressed (complementary suppression) until the
hidden cells number at least two, add up to at least ``k``, and could not all
be 1. A count of zero names nobody and is not suppressed on its own.

A cell whose count readers already know from elsewhere, such as the number of
coordinators, is public: hiding it protects nothing, so it is never
suppressed, and when only public cells are left to hide, the total is.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from ccpm_core.errors import CcpmError

__all__ = [
    "DEFAULT_MIN_CELL_SIZE",
    "DisclosureError",
    "Suppression",
    "check_min_cell_size",
    "suppress_small_cells",
]

DEFAULT_MIN_CELL_SIZE = 3
"""Smallest count of respondents shown in a breakdown when no other size is given."""


class DisclosureError(CcpmError, ValueError):
    """Suppression was asked for with an invalid minimum cell size or invalid counts."""


@attrs.frozen
class Suppression:
    """Which cells of one breakdown to hide, and whether its total must be hidden too."""

    cells: tuple[bool, ...]
    """One flag per input count, True where the count must not be shown."""
    total: bool = False
    """True when no further cell can be hidden and the total would still reveal a hidden one.

    That happens when every cell that is not public is hidden already.
    """

    @property
    def any(self) -> bool:
        """Whether at least one cell or the total is suppressed."""
        return self.total or any(self.cells)


def check_min_cell_size(min_cell_size: int) -> int:
    """Return ``min_cell_size`` when it is a whole number of at least 1, else raise."""
    if isinstance(min_cell_size, bool) or not isinstance(min_cell_size, int) or min_cell_size < 1:
        msg = (
            f"invalid minimum cell size {min_cell_size!r}: give a whole number of respondents "
            f"of at least 1 (1 shows every count; the default is {DEFAULT_MIN_CELL_SIZE})"
        )
        raise DisclosureError(msg)
    return min_cell_size


def suppress_small_cells(
    counts: Sequence[int],
    min_cell_size: int = DEFAULT_MIN_CELL_SIZE,
    total_shown: bool = True,
    public: Sequence[bool] = (),
) -> Suppression:
    """Decide which counts of a breakdown to suppress.

    ``counts`` are the cells of one breakdown, whose sum is the total. With
    ``total_shown`` the total is published next to the cells, so no suppressed
    cell may be the only one hidden. Complementary cells are taken smallest
    first, and non-zero counts before zeros, because hiding a zero next to a
    small count still lets a reader guess which cell holds the small count.

    ``public`` flags, one per count, the cells readers know from elsewhere;
    empty means none. A public cell is never suppressed, whatever its size.
    Raises :class:`DisclosureError` for invalid counts, an invalid
    ``min_cell_size`` or a ``public`` of another length than ``counts``.
    """
    check_min_cell_size(min_cell_size)
    _check_counts(counts)
    known = _check_public(public, len(counts))

    hidden = [
        0 < count < min_cell_size and not is_public
        for count, is_public in zip(counts, known, strict=True)
    ]
    if not total_shown or not any(hidden):
        return Suppression(tuple(hidden))

    while _recoverable(counts, hidden, min_cell_size):
        complement = _complementary_cell(counts, hidden, known)
        if complement is None:
            # Every cell that may be hidden is hidden already, so only hiding the total
            # protects them. A breakdown of one cell, which equals its total, ends here.
            return Suppression(tuple(hidden), total=True)
        hidden[complement] = True
    return Suppression(tuple(hidden))


def _recoverable(counts: Sequence[int], hidden: list[bool], min_cell_size: int) -> bool:
    """Whether the shown total would let a reader work out the hidden cells or their sum.

    One hidden cell is the total minus the shown ones. Several hidden cells
    whose sum is below ``k`` still reveal a small group, and hidden cells that
    add up to their own number must each hold exactly 1, since zeros are shown.
    """
    hidden_counts = [count for count, is_hidden in zip(counts, hidden, strict=True) if is_hidden]
    hidden_sum = sum(hidden_counts)
    return len(hidden_counts) == 1 or hidden_sum < min_cell_size or hidden_sum == len(hidden_counts)


def _complementary_cell(
    counts: Sequence[int], hidden: list[bool], public: Sequence[bool]
) -> int | None:
    """Return the position of the shown cell to hide next, or None when none is left to hide."""
    shown = [
        position
        for position, is_hidden in enumerate(hidden)
        if not is_hidden and not public[position]
    ]
    if not shown:
        return None
    non_zero = [position for position in shown if counts[position] > 0]
    candidates = non_zero or shown
    return min(candidates, key=lambda position: (counts[position], position))


def _check_counts(counts: Sequence[int]) -> None:
    for position, count in enumerate(counts):
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            msg = (
                f"invalid count {count!r} at position {position} of a breakdown: "
                "counts of respondents are whole numbers of at least 0"
            )
            raise DisclosureError(msg)


def _check_public(public: Sequence[bool], size: int) -> tuple[bool, ...]:
    if not public:
        return (False,) * size
    if len(public) != size:
        msg = (
            f"invalid public flags: {len(public)} flags for {size} counts; "
            "give one flag per count, or none"
        )
        raise DisclosureError(msg)
    return tuple(bool(flag) for flag in public)
