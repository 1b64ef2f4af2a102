"""Removal of e-mail addresses and phone numbers from comments, leaving other numbers alone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccpm_core.redaction import redact_contacts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call me on +33 6 12 34 56 78 please.", "Call me on [phone removed] please."),
        ("Office: (212) 555-0100.", "Office: [phone removed]."),
        ("Write to name.surname@org.int.", "Write to [e-mail removed]."),
        ("Mail j_doe+ccpm@health.cluster.example.org", "Mail [e-mail removed]"),
        ("Phone +1-212-555-0100 or 06.12.34.56.78", "Phone [phone removed] or [phone removed]"),
        ("UK +44 20 7946 0958", "UK [phone removed]"),
        ("tel 0612345678", "tel [phone removed]"),
        ("Whatsapp 00235 66 12 34 56", "Whatsapp [phone removed]"),
    ],
)
def test_contacts_replaced(text: str, expected: str) -> None:
    assert redact_contacts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Meeting on 2024-03-15 and on 15/03/2024.",
        "Only 75 % of partners, or 45.5%, attended.",
        "From 2019 to 2023, and in 2019-2023 or 2020/2021.",
        "Sections 2.2.3 and 1.1 need work.",
        "About 12 500 people, 1,250,000 USD.",
        "3 of 12 meetings in 2023 (week 14).",
        "Date 15.03.2024 at 10:30.",
    ],
)
def test_other_numbers_kept(text: str) -> None:
    assert redact_contacts(text) == text


def test_markers_configurable() -> None:
    text = redact_contacts("a@b.org, +33 6 12 34 56 78", "[courriel]", "[tél.]")

    assert text == "[courriel], [tél.]"


@given(st.text(alphabet=st.characters(exclude_characters="@0123456789")))
def test_text_without_digits_unchanged(text: str) -> None:
    assert redact_contacts(text) == text
