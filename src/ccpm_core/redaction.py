"""Removal of e-mail addresses and phone numbers from free-text comments.

Respondents sometimes sign a comment or leave a way to reach them. Before a
report shows such a comment, each address and phone number is replaced by a
marker. The phone pattern needs at least eight digits in a phone-like layout,
so dates, years, percentages and section numbers such as 2.2.3 stay as written.
"""

from __future__ import annotations

import re

__all__ = ["EMAIL_PATTERN", "PHONE_PATTERN", "redact_contacts"]

EMAIL_PATTERN = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}"
)
"""An address such as name.surname@org.int: a local part, "@" and a dotted domain."""

PHONE_PATTERN = re.compile(
    r"(?<![\w.,/:-])"
    r"(?:\+|00)?\d{0,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]\d{1,4}){1,5}"
    r"|(?<![\w.,/:-])\+?\(?\d{8,15}\b"
)
"""Candidates for phone numbers; :func:`_is_phone_number` keeps those with 8 to 15 digits."""

_DATE_LIKE = re.compile(r"^\d{1,4}([./-])\d{1,2}\1\d{1,4}$")
_YEAR_RANGE = re.compile(r"^(?:19|20)\d\d[ ./-]+(?:19|20)\d\d$")


def redact_contacts(
    text: str, email_marker: str = "[e-mail removed]", phone_marker: str = "[phone removed]"
) -> str:
    """Replace each e-mail address and phone number in ``text`` by its marker."""
    text = EMAIL_PATTERN.sub(email_marker, text)
    return PHONE_PATTERN.sub(lambda match: _phone_replacement(match, phone_marker), text)


def _phone_replacement(match: re.Match[str], phone_marker: str) -> str:
    candidate = match.group(0)
    stripped = candidate.rstrip(" .-")
    if not _is_phone_number(stripped):
        return candidate
    return phone_marker + candidate[len(stripped) :]


def _is_phone_number(candidate: str) -> bool:
    digits = sum(character.isdigit() for character in candidate)
    if not 8 <= digits <= 15:
        return False
    # Dates such as 2024-03-15 and year ranges such as 2019-2023 have eight digits too.
    return not (_DATE_LIKE.match(candidate) or _YEAR_RANGE.match(candidate))
