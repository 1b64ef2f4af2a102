"""The results frame as CSV for spreadsheets: UTF-8 with a byte order mark, formulas inert.

Excel opens a CSV file in the system's legacy code page unless the file
starts with a UTF-8 byte order mark, so the mark keeps accented and Arabic
hub names readable. Text cells that a spreadsheet could read as a formula
get a leading apostrophe (see :mod:`ccpm_plugins.renderers.spreadsheet_text`);
numeric columns are written as pandas writes them, never changed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import attrs

from ccpm_plugins.renderers.spreadsheet_text import is_formula_like, neutralise_formula

if TYPE_CHECKING:
    import pandas as pd

    from ccpm_core.results import Results

__all__ = ["UTF8_BOM", "CsvOutput", "frame_csv", "results_csv"]

UTF8_BOM = b"\xef\xbb\xbf"

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@attrs.frozen
class CsvOutput:
    """CSV bytes and the number of text cells that were given a leading apostrophe."""

    data: bytes
    neutralised_cells: int


def results_csv(results: Results) -> CsvOutput:
    """Encode :meth:`Results.to_frame` as CSV, one row per level, unit and respondent pool."""
    return frame_csv(results.to_frame())


def frame_csv(frame: pd.DataFrame) -> CsvOutput:
    """Encode ``frame`` as CSV: a UTF-8 byte order mark, a header row and CRLF line ends.

    Text in object columns and in the header is neutralised. Numbers and
    missing values are left to pandas, which writes missing values as empty
    fields. Lone surrogates, which UTF-8 cannot encode, become U+FFFD.
    """
    neutralised = 0

    def safe_text(value: object) -> object:
        nonlocal neutralised
        if not isinstance(value, str):
            return value
        if is_formula_like(value):
            neutralised += 1
        return _LONE_SURROGATE.sub("\ufffd", neutralise_formula(value))

    from pandas.api.types import is_object_dtype, is_string_dtype

    safe = frame.copy()
    for column in safe.columns:
        if is_object_dtype(safe[column]) or is_string_dtype(safe[column]):
            safe[column] = safe[column].map(safe_text)
    safe.columns = [safe_text(str(name)) for name in safe.columns]

    text = safe.to_csv(index=False, lineterminator="\r\n")
    return CsvOutput(data=UTF8_BOM + text.encode("utf-8"), neutralised_cells=neutralised)
