"""Questionnaires for the LimeSurvey tests: the standard one in two languages, and a small one."""

from __future__ import annotations

import copy
import functools
from importlib import resources
from typing import Any

import yaml

from ccpm_core.questionnaire import Questionnaire, questionnaire_from_data


@functools.cache
def bilingual_questionnaire() -> Questionnaire:
    """Return the standard questionnaire with French labels added: "FR " before the English."""
    text = (resources.files("ccpm_core") / "data" / "standard_questionnaire.yaml").read_text(
        encoding="utf-8"
    )
    data = yaml.safe_load(text)
    data["languages"] = ["en", "fr"]
    _add_french(data)
    return questionnaire_from_data(data, source="bilingual test questionnaire")


def _add_french(node: Any) -> None:
    if isinstance(node, dict):
        for key, value in list(node.items()):
            if key in ("label", "title", "hint") and isinstance(value, dict) and "en" in value:
                value["fr"] = "FR " + value["en"]
            else:
                _add_french(value)
    elif isinstance(node, list):
        for item in node:
            _add_french(item)


def small_questionnaire_data() -> dict[str, Any]:
    """Return a questionnaire with a matrix of two items, a count and a comment."""
    labels = {"en": "x"}
    frequency = [{"code": str(v), "value": v, "label": {"en": f"Level {v}"}} for v in range(5)]
    frequency.append({"code": "99", "special": "dont_know", "label": {"en": "Don't know"}})
    return copy.deepcopy(
        {
            "schema": "ccpm.questionnaire/1",
            "id": "small",
            "version": "1",
            "languages": ["en"],
            "title": {"en": "Small survey"},
            "scales": {
                "instrument": {
                    "options": [
                        {"code": "partner", "label": {"en": "Cluster partner"}},
                        {"code": "coordinator", "label": {"en": "Cluster coordinator"}},
                    ]
                },
                "organisation_type": {
                    "options": [
                        {"code": "ingo", "label": {"en": "International NGO"}},
                        {"code": "other", "label": {"en": "Other"}},
                    ]
                },
                "frequency": {"options": frequency},
            },
            "items": [
                {"id": "1.1.1", "section": "1.1", "title": labels},
                {"id": "1.1.2", "section": "1.1", "title": labels},
            ],
            "questions": [
                {
                    "code": "instrument",
                    "kind": "profile",
                    "label": {"en": "Role?"},
                    "scale": "instrument",
                },
                {"code": "hub", "kind": "profile", "type": "text", "label": {"en": "Hub?"}},
                {
                    "code": "organisation_type",
                    "kind": "profile",
                    "label": {"en": "Organisation?"},
                    "scale": "organisation_type",
                },
                {
                    "code": "p1_1",
                    "instrument": "partner",
                    "kind": "rating",
                    "item": "1.1.1",
                    "scale": "frequency",
                    "label": {"en": "How often does the cluster meet?"},
                },
                {
                    "code": "p1_2",
                    "instrument": "partner",
                    "kind": "rating",
                    "item": "1.1.2",
                    "scale": "frequency",
                    "label": {"en": "How often does the cluster report?"},
                },
                {
                    "code": "c_orgs_ingo",
                    "instrument": "coordinator",
                    "kind": "profile",
                    "type": "integer",
                    "count": "organisations",
                    "organisation_type": "ingo",
                    "label": {"en": "Number of INGOs"},
                },
                {
                    "code": "c1",
                    "instrument": "coordinator",
                    "kind": "rating",
                    "item": "1.1.1",
                    "scale": "frequency",
                    "label": {"en": "How often do you call meetings?"},
                },
                {
                    "code": "p_comment_1",
                    "instrument": "partner",
                    "kind": "comment",
                    "type": "text",
                    "function": 1,
                    "label": {"en": "Comments?"},
                },
            ],
        }
    )


@functools.cache
def small_questionnaire() -> Questionnaire:
    return questionnaire_from_data(small_questionnaire_data(), source="small test questionnaire")
