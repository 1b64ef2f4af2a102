"""Column checks of a portfolio frame, vectorised with NumPy so that large portfolios stay quick.

Each check returns the column in the form the dashboard uses (NumPy arrays
for numbers) or raises :class:`~ccpm_core.errors.InputError` naming the first
bad row by its index label, the column and the value. Columns of an
unexpected dtype, such as numbers stored as Python objects, fall back to a
check of each value, which is slower but gives the same result.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Collection, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NoReturn

from ccpm_core.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

__all__ = [
    "FRAME_COLUMNS",
    "check_choice_column",
    "check_columns",
    "check_text_column",
    "float_column",
    "integer_column",
    "missing_mask",
    "raise_bad_value",
]

FRAME_COLUMNS: Mapping[str, str] = MappingProxyType(
    {
        "exercise": "exercise id, a non-empty text",
        "year": "year of the exercise, an integer",
        "region": "region name, a non-empty text",
        "country": "country name, a non-empty text",
        "cluster": "cluster name, a non-empty text",
        "level": "'national' or 'subnational'",
        "hub": "hub name for subnational rows, None for national rows",
        "section": "CCPM section id such as '1.1'",
        "function": "CCPM function number as text, '1' to '7'",
        "score": "section score from 0 to 100, or NaN for no data",
        "status": "status value such as 'good' or 'no_data'",
        "n": "number of respondents behind the score, an integer of 0 or more",
        "response_rate": "overall response rate as a fraction (0.5 for 50 %), or NaN",
        "effective_response_rate": "effective response rate as a fraction, or NaN",
        "partners": "number of partner responses, an integer of 0 or more",
        "coordinators": "number of coordinator responses, an integer of 0 or more",
    }
)
"""Columns a portfolio frame must have, with what each contains. Other columns are ignored."""


def raise_bad_value(label: Any, column: str, value: Any, expected: str) -> NoReturn:
    """Raise InputError for ``value`` in ``column`` of the frame row labelled ``label``."""
    msg = (
        f"portfolio frame row {label!r}: column {column!r} has {value!r}; "
        f"expected {expected}, so correct the value or drop the row"
    )
    raise InputError(msg)


def check_columns(frame: pd.DataFrame) -> None:
    """Raise InputError naming the first column of :data:`FRAME_COLUMNS` that ``frame`` lacks."""
    present = {str(column) for column in frame.columns}
    for column, meaning in FRAME_COLUMNS.items():
        if column not in present:
            msg = (
                f"the portfolio frame has no column {column!r} ({meaning}); "
                f"it needs the columns {', '.join(FRAME_COLUMNS)}"
            )
            raise InputError(msg)
    duplicated = sorted({str(c) for c in frame.columns if list(frame.columns).count(c) > 1})
    if duplicated:
        msg = f"the portfolio frame has the column {duplicated[0]!r} twice; keep one of them"
        raise InputError(msg)


def check_text_column(series: pd.Series[Any], expected: str = "a non-empty text") -> None:
    """Raise InputError unless every value of ``series`` is a non-empty text."""
    _check_distinct_values(series, _is_text, expected)


def check_choice_column(series: pd.Series[Any], choices: Collection[str], expected: str) -> None:
    """Raise InputError unless every value of ``series`` is a text in ``choices``."""

    def is_choice(value: Any) -> bool:
        return isinstance(value, str) and value in choices

    _check_distinct_values(series, is_choice, expected)


def missing_mask(series: pd.Series[Any]) -> npt.NDArray[np.bool_]:
    """Return where ``series`` contains None, NaN or pandas' NA, the frame's marks for no value."""
    mask: npt.NDArray[np.bool_] = series.isna().to_numpy(dtype=bool)
    return mask


def integer_column(series: pd.Series[Any], minimum: int | None) -> npt.NDArray[np.int64]:
    """Return an integer column as int64, accepting whole-number floats such as 2024.0."""
    import numpy as np
    import pandas as pd

    expected = "an integer" if minimum is None else f"an integer of {minimum} or more"
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        return _integer_values(series, minimum, expected)

    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(values) | (values != np.floor(values))
    if minimum is not None:
        bad |= values < minimum
    _raise_first(series, bad, expected)
    integers: npt.NDArray[np.int64] = values.astype(np.int64)
    return integers


def float_column(series: pd.Series[Any], maximum: float | None) -> npt.NDArray[np.float64]:
    """Return a number column as float64 with NaN for no value; reject infinity and negatives."""
    import numpy as np
    import pandas as pd

    if maximum is None:
        expected = "a number of 0 or more, or NaN for no data"
    else:
        expected = f"a number from 0 to {maximum:g}, or NaN for no data"
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        return _float_values(series, maximum, expected)

    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    present = ~np.isnan(values)
    bad = present & (np.isinf(values) | (values < 0))
    if maximum is not None:
        bad |= present & (values > maximum)
    _raise_first(series, bad, expected)
    return values


def _raise_first(series: pd.Series[Any], bad: npt.NDArray[np.bool_], expected: str) -> None:
    import numpy as np

    positions = np.flatnonzero(bad)
    if positions.size:
        position = int(positions[0])
        raise_bad_value(series.index[position], str(series.name), series.iat[position], expected)


def _check_distinct_values(
    series: pd.Series[Any], is_valid: Callable[[Any], bool], expected: str
) -> None:
    """Check each distinct value once, then find the first row of a bad one for the message."""
    import pandas as pd

    try:
        distinct = pd.unique(series.to_numpy(dtype=object))
    except TypeError:
        # An unhashable value such as a list: check the rows one by one.
        distinct = series.to_numpy(dtype=object)
    if all(is_valid(value) for value in distinct):
        return
    for label, value in zip(series.index, series.tolist(), strict=True):
        if not is_valid(value):
            raise_bad_value(label, str(series.name), value, expected)


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_boolean(value: Any) -> bool:
    # bool is a subclass of int, but True as a year or a count is a mistake.
    return isinstance(value, bool) or type(value).__name__ == "bool_"


def _is_missing(value: Any) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return type(value).__name__ == "NAType"


def _integer_values(
    series: pd.Series[Any], minimum: int | None, expected: str
) -> npt.NDArray[np.int64]:
    import numpy as np

    result = np.empty(len(series), dtype=np.int64)
    for position, (label, value) in enumerate(zip(series.index, series.tolist(), strict=True)):
        whole = isinstance(value, numbers.Integral) or (
            isinstance(value, float) and value.is_integer()
        )
        number = int(value) if whole and not _is_boolean(value) else None
        if number is None or (minimum is not None and number < minimum):
            raise_bad_value(label, str(series.name), value, expected)
        result[position] = number
    return result


def _float_values(
    series: pd.Series[Any], maximum: float | None, expected: str
) -> npt.NDArray[np.float64]:
    import numpy as np

    result = np.empty(len(series), dtype=np.float64)
    for position, (label, value) in enumerate(zip(series.index, series.tolist(), strict=True)):
        if _is_missing(value):
            result[position] = np.nan
            continue
        if _is_boolean(value) or not isinstance(value, numbers.Real):
            raise_bad_value(label, str(series.name), value, expected)
        number = float(value)
        if not math.isfinite(number) or number < 0 or (maximum is not None and number > maximum):
            raise_bad_value(label, str(series.name), value, expected)
        result[position] = number
    return result
