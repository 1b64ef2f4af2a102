"""Option codes typed in other digit sets or as spreadsheet numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccpm_core.labels import normalise_code

_ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
_PERSIAN = "۰۱۲۳۴۵۶۷۸۹"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("٤", "4"),
        (" ۴ ", "4"),
        ("١٠", "10"),
        ("٤٫٠", "4"),
        ("۹۹۹۹", "9999"),
        ("4.0", "4"),
        ("007", "007"),
        ("٠٠٧", "007"),
        ("-٢", "-2"),
    ],
)
def test_code_digits_normalised(text: str, expected: str) -> None:
    assert normalise_code(text) == expected


@pytest.mark.parametrize("text", ["q٤", "٤ سنوات", "Très bien", "٤,٥", ""])
def test_code_text_kept(text: str) -> None:
    assert normalise_code(text) == text.strip()


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from([_ARABIC_INDIC, _PERSIAN]))
def test_code_eastern_digits_property(number: int, digits: str) -> None:
    typed = "".join(digits[int(character)] for character in str(number))
    assert normalise_code(typed) == str(number)
