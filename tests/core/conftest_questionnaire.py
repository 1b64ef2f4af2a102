"""A small two-language questionnaire for the normalisation tests.

It has the three profile questions, rating questions of each instrument and
of both, comments, a pair of coordinator counts and one profile question that
a response set does not hold (``p_sectors``). The French label ``Fréquemment``
and the curly apostrophe in ``Don’t know`` let tests check label matching.
"""

from __future__ import annotations

from typing import Any

from ccpm_core.questionnaire import Questionnaire, questionnaire_from_data

FREQUENCY_CODES = ("0", "1", "2", "3", "4", "99", "999")
"""Option codes of the ``frequency`` scale, in scale order (the option index)."""


def _frequency_scale() -> dict[str, Any]:
    labels = [
        ("Never", "Jamais"),
        ("Rarely", "Rarement"),
        ("Sometimes", "Parfois"),
        ("Often", "Fréquemment"),
        ("Always", "Toujours"),
    ]
    options: list[dict[str, Any]] = [
        {"code": str(value), "value": value, "label": {"en": en, "fr": fr}}
        for value, (en, fr) in enumerate(labels)
    ]
    options.append(
        {
            "code": "99",
            "special": "dont_know",
            "label": {"en": "Don’t know", "fr": "Ne sait pas"},
            "aliases": ["DK"],
        }
    )
    options.append(
        {
            "code": "999",
            "special": "not_done",
            "label": {"en": "Not done", "fr": "Pas fait"},
        }
    )
    return {"options": options}


def _rating(code: str, instrument: str | None, item: str) -> dict[str, Any]:
    return {
        "code": code,
        "instrument": instrument,
        "kind": "rating",
        "label": {"en": f"Question {code}", "fr": f"Question {code}"},
        "item": item,
        "scale": "frequency",
    }


def _count(code: str, count: str, answer_type: str) -> dict[str, Any]:
    return {
        "code": code,
        "instrument": "coordinator",
        "kind": "profile",
        "type": answer_type,
        "label": {"en": code, "fr": code},
        "count": count,
        "organisation_type": "ingo",
    }


def small_questionnaire_data() -> dict[str, Any]:
    """Return the questionnaire as parsed YAML would give it."""
    return {
        "schema": "ccpm.questionnaire/1",
        "id": "small",
        "version": "1",
        "languages": ["en", "fr"],
        "title": {"en": "Small", "fr": "Petit"},
        "scales": {
            "instrument": {
                "options": [
                    {"code": "partner", "label": {"en": "Cluster partner", "fr": "Partenaire"}},
                    {
                        "code": "coordinator",
                        "label": {"en": "Cluster coordinator", "fr": "Coordinateur"},
                    },
                ]
            },
            "organisation_type": {
                "options": [
                    {
                        "code": "ingo",
                        "label": {"en": "International NGO", "fr": "ONG internationale"},
                        "aliases": ["INGO"],
                    },
                    {"code": "nngo", "label": {"en": "National NGO", "fr": "ONG nationale"}},
                    {"code": "un", "label": {"en": "UN agency", "fr": "Agence des Nations unies"}},
                ]
            },
            "frequency": _frequency_scale(),
        },
        "items": [
            {"id": "1.1.1", "section": "1.1", "title": {"en": "Meetings", "fr": "Réunions"}},
            {"id": "1.2.1", "section": "1.2", "title": {"en": "4W", "fr": "4W"}},
            {"id": "2.2.3", "section": "2.2", "title": {"en": "Gaps", "fr": "Lacunes"}},
        ],
        "questions": [
            {
                "code": "instrument",
                "kind": "profile",
                "label": {"en": "Instrument", "fr": "Instrument"},
                "scale": "instrument",
            },
            {
                "code": "hub",
                "kind": "profile",
                "type": "text",
                "label": {"en": "Hub", "fr": "Hub"},
            },
            {
                "code": "organisation_type",
                "kind": "profile",
                "label": {"en": "Organisation type", "fr": "Type d'organisation"},
                "scale": "organisation_type",
            },
            _rating("p111", "partner", "1.1.1"),
            _rating("p121", "partner", "1.2.1"),
            _rating("c111", "coordinator", "1.1.1"),
            _rating("c222_3", "coordinator", "2.2.3"),
            _rating("q121", None, "1.2.1"),
            {
                "code": "p_comment_1",
                "instrument": "partner",
                "kind": "comment",
                "type": "text",
                "label": {"en": "Comments on function 1", "fr": "Commentaires"},
                "function": 1,
            },
            {
                "code": "c_comment_1",
                "instrument": "coordinator",
                "kind": "comment",
                "type": "text",
                "label": {"en": "Comments on function 1", "fr": "Commentaires"},
                "function": 1,
            },
            _count("c_orgs_ingo", "organisations", "integer"),
            _count("c_attending_ingo", "attending", "decimal"),
            {
                "code": "p_sectors",
                "instrument": "partner",
                "kind": "profile",
                "type": "text",
                "label": {"en": "Sectors", "fr": "Secteurs"},
            },
        ],
    }


def small_questionnaire() -> Questionnaire:
    """Return the small questionnaire, validated."""
    return questionnaire_from_data(small_questionnaire_data(), source="small questionnaire")
