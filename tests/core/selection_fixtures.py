"""A tiny questionnaire with one select_multiple question, and responses with counts known by hand.

``sectors`` offers health, wash and shelter. The responses, by level:

National (hub empty): three partners and one coordinator. Partners answered
"health wash", "wash" and nothing; the coordinator answered "shelter". So 2
partners answered: health 1, wash 2, shelter 0; 1 coordinator answered:
shelter 1.

Goma: five partners, no coordinator. They answered "health wash", "health",
"health shelter" three times. So 5 answered: health 5, wash 1, shelter 3.

Every row carries a submission id. Row 9 repeats row 8 exactly, and row 11
is an earlier version of row 10's submission, so 11 rows are read and 9 kept.
Row numbers count the header as row 1.
"""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd
from conftest_questionnaire import small_questionnaire_data

from ccpm_core.normalise import normalise_responses
from ccpm_core.questionnaire import Questionnaire, questionnaire_from_data
from ccpm_core.responses import RawResponses, ResponseSet

SECTORS_SCALE = {
    "options": [
        {"code": "health", "label": {"en": "Health", "fr": "Santé"}},
        {"code": "wash", "label": {"en": "WASH", "fr": "EHA"}},
        {"code": "shelter", "label": {"en": "Shelter", "fr": "Abris"}},
    ]
}

HEADER = ["_uuid", "_submission_time", "instrument", "hub", "sectors"]

ROWS = [
    ["id-01", "2026-03-01T09:00:00", "partner", "", "health wash"],
    ["id-02", "2026-03-01T09:00:00", "partner", "", "wash"],
    ["id-03", "2026-03-01T09:00:00", "partner", "", ""],
    ["id-04", "2026-03-01T09:00:00", "coordinator", "", "shelter"],
    ["id-05", "2026-03-01T09:00:00", "partner", "Goma", "health wash"],
    ["id-06", "2026-03-01T09:00:00", "partner", "Goma", "health"],
    ["id-07", "2026-03-01T09:00:00", "partner", "Goma", "health shelter"],
    ["id-07", "2026-03-01T09:00:00", "partner", "Goma", "health shelter"],
    ["id-08", "2026-03-02T09:00:00", "partner", "Goma", "health shelter"],
    ["id-08", "2026-03-01T09:00:00", "partner", "Goma", "wash"],
    ["id-09", "2026-03-01T09:00:00", "partner", "Goma", "health shelter"],
]
"""Eleven data rows, the file's rows 2 to 12 (see the module docstring for rows 9 and 11)."""


def sectors_questionnaire(**question: Any) -> Questionnaire:
    """Return the small questionnaire with the select_multiple question ``sectors`` added."""
    data = copy.deepcopy(small_questionnaire_data())
    data["scales"]["sectors"] = SECTORS_SCALE
    entry: dict[str, Any] = {
        "code": "sectors",
        "kind": "profile",
        "type": "select_multiple",
        "label": {"en": "Sectors", "fr": "Secteurs"},
        "scale": "sectors",
    }
    entry.update(question)
    data["questions"].append(entry)
    return questionnaire_from_data(data, source="sectors questionnaire")


def sectors_responses(
    rows: list[list[str]] | None = None, questionnaire: Questionnaire | None = None
) -> ResponseSet:
    """Normalise ``rows`` (by default :data:`ROWS`) of :data:`HEADER` against the questionnaire."""
    chosen = ROWS if rows is None else rows
    table = pd.DataFrame([list(row) for row in chosen], columns=HEADER, dtype=object)
    raw = RawResponses(source="sectors.csv", table=table, row_numbers=range(2, len(chosen) + 2))
    return normalise_responses(raw, questionnaire or sectors_questionnaire())
