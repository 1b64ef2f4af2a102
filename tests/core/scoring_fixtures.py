"""A small questionnaire and a direct way to build response sets for scoring tests.

Building ResponseSet objects here, without the normaliser, keeps the scoring
tests about scoring alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ccpm_core.questionnaire import Questionnaire, questionnaire_from_data
from ccpm_core.responses import NO_ANSWER, Comment, DataQuality, ResponseSet


def _scale_0_4() -> dict[str, Any]:
    labels = ["None", "Little", "Some", "Much", "Full"]
    options: list[dict[str, Any]] = [
        {"code": str(v), "value": v, "label": {"en": labels[v]}} for v in range(5)
    ]
    options += [
        {"code": "99", "special": "dont_know", "label": {"en": "Don't know"}},
        {"code": "999", "special": "not_done", "label": {"en": "Not done"}},
        {"code": "9999", "special": "not_applicable", "label": {"en": "Not applicable"}},
    ]
    return {"options": options}


def _rating(code: str, instrument: str, item: str) -> dict[str, Any]:
    return {
        "code": code,
        "instrument": instrument,
        "kind": "rating",
        "item": item,
        "scale": "s04",
        "label": {"en": f"Question {code}"},
    }


def small_questionnaire() -> Questionnaire:
    """Return a questionnaire with items in sections 1.1, 1.2 and 5, and two organisation types."""
    items = [
        ("1.1.1", "1.1"),
        ("1.1.2", "1.1"),
        ("1.1.3", "1.1"),
        ("1.1.4", "1.1"),
        ("1.2.1", "1.2"),
        ("1.2.2", "1.2"),
        ("1.2.3", "1.2"),
        ("5.1.1", "5"),
    ]
    questions: list[dict[str, Any]] = [
        {
            "code": "instrument",
            "kind": "profile",
            "scale": "instrument",
            "label": {"en": "Instrument"},
        },
        {"code": "hub", "kind": "profile", "type": "text", "label": {"en": "Hub"}},
        {
            "code": "organisation_type",
            "kind": "profile",
            "scale": "organisation_type",
            "label": {"en": "Organisation type"},
        },
    ]
    questions += [_rating(f"p11{i}", "partner", f"1.1.{i}") for i in range(1, 5)]
    questions += [_rating(f"p12{i}", "partner", f"1.2.{i}") for i in range(1, 4)]
    questions += [_rating(f"c12{i}", "coordinator", f"1.2.{i}") for i in range(1, 4)]
    questions.append(_rating("p51", "partner", "5.1.1"))
    for organisation_type in ("international_ngo", "national_ngo"):
        for count, kind in (("orgs", "organisations"), ("attending", "attending")):
            questions.append(
                {
                    "code": f"c_{count}_{organisation_type}",
                    "instrument": "coordinator",
                    "kind": "profile",
                    "type": "decimal",
                    "count": kind,
                    "organisation_type": organisation_type,
                    "label": {"en": f"{kind} {organisation_type}"},
                }
            )
    questions.append(
        {
            "code": "p_comment_1",
            "instrument": "partner",
            "kind": "comment",
            "type": "text",
            "function": 1,
            "label": {"en": "Comments on function 1"},
        }
    )
    return questionnaire_from_data(
        {
            "schema": "ccpm.questionnaire/1",
            "id": "small",
            "version": "1",
            "languages": ["en"],
            "title": {"en": "Small test questionnaire"},
            "scales": {
                "s04": _scale_0_4(),
                "instrument": {
                    "options": [
                        {"code": "partner", "label": {"en": "Partner"}},
                        {"code": "coordinator", "label": {"en": "Coordinator"}},
                    ]
                },
                "organisation_type": {
                    "options": [
                        {"code": "international_ngo", "label": {"en": "International NGO"}},
                        {"code": "national_ngo", "label": {"en": "National NGO"}},
                    ]
                },
            },
            "items": [
                {"id": item_id, "section": section, "title": {"en": f"Item {item_id}"}}
                for item_id, section in items
            ],
            "questions": questions,
        }
    )


def response_set(
    questionnaire: Questionnaire,
    rows: Sequence[Mapping[str, Any]],
    comments: Sequence[Comment] = (),
) -> ResponseSet:
    """Build a response set from rows of option codes; keys absent or empty mean no answer."""
    from ccpm_core.framework import Instrument
    from ccpm_core.questionnaire import QuestionKind

    rating_codes = tuple(q.code for q in questionnaire.questions_of(QuestionKind.RATING))
    count_codes = [
        q.code for q in questionnaire.questions_of(QuestionKind.PROFILE) if q.count is not None
    ]
    choices = np.full((len(rows), len(rating_codes)), NO_ANSWER, dtype=np.int16)
    for i, row in enumerate(rows):
        for j, code in enumerate(rating_codes):
            answer = row.get(code)
            if answer in (None, ""):
                continue
            options = questionnaire.scale_of(questionnaire.question(code)).options
            choices[i, j] = [o.code for o in options].index(str(answer))

    counts = {
        code: np.array([float(row.get(code, "nan")) for row in rows], dtype=np.float64)
        for code in count_codes
    }
    return ResponseSet(
        questionnaire=questionnaire,
        instrument=np.array([Instrument(row["instrument"]) for row in rows], dtype=object),
        hub=np.array([row.get("hub") or None for row in rows], dtype=object),
        organisation_type=np.array(
            [row.get("organisation_type") or None for row in rows], dtype=object
        ),
        rating_codes=rating_codes,
        choices=choices,
        counts=counts,
        comments=tuple(comments),
        quality=DataQuality(source="test", rows_read=len(rows), rows_scored=len(rows)),
    )
