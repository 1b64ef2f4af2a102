"""A small two-language questionnaire and a KoboToolbox form rebuilt by hand for it.

The questionnaire has both instruments, a label that a partner and a
coordinator question share (``p11`` and ``c11``), a comment and two counts.

The hand-built form differs from the one ccpm exports as a form made in the
KoboToolbox form builder does. It has nested groups, a question without a
``name`` (only ``$autoname``), choice names that are not the option codes,
metadata questions (one renamed), a field the questionnaire does not know and
a question inside a repeat group.
"""

from __future__ import annotations

from typing import Any

from ccpm_core.questionnaire import Questionnaire, questionnaire_from_data

TRANSLATIONS = ["English (en)", "Français (fr)"]
MEETING_LABEL = "How often does the cluster meet?"
"""The label that the partner question p11 and the coordinator question c11 share."""


def _frequency() -> dict[str, Any]:
    labels = [
        ("Never", "Jamais"),
        ("Rarely", "Rarement"),
        ("Sometimes", "Parfois"),
        ("Often", "Souvent"),
        ("Always", "Toujours"),
    ]
    options: list[dict[str, Any]] = [
        {"code": str(value), "value": value, "label": {"en": en, "fr": fr}}
        for value, (en, fr) in enumerate(labels)
    ]
    options.append(
        {"code": "99", "special": "dont_know", "label": {"en": "Don't know", "fr": "Ne sait pas"}}
    )
    return {"options": options}


def _rating(code: str, instrument: str, item: str, en: str, fr: str) -> dict[str, Any]:
    return {
        "code": code,
        "instrument": instrument,
        "kind": "rating",
        "item": item,
        "scale": "frequency",
        "label": {"en": en, "fr": fr},
    }


def small_questionnaire() -> Questionnaire:
    """Return the two-language test questionnaire."""
    data: dict[str, Any] = {
        "schema": "ccpm.questionnaire/1",
        "id": "kobo-test",
        "version": "3",
        "languages": ["en", "fr"],
        "title": {"en": "CCPM test", "fr": "CCPM essai"},
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
                    {"code": "ingo", "label": {"en": "International NGO", "fr": "ONG inter."}},
                    {"code": "nngo", "label": {"en": "National NGO", "fr": "ONG nationale"}},
                ]
            },
            "frequency": _frequency(),
        },
        "items": [
            {"id": "1.1.1", "section": "1.1", "title": {"en": "Meetings", "fr": "Réunions"}},
            {"id": "2.2.1", "section": "2.2", "title": {"en": "Gaps", "fr": "Lacunes"}},
        ],
        "questions": [
            {
                "code": "instrument",
                "kind": "profile",
                "scale": "instrument",
                "label": {"en": "Your role", "fr": "Votre rôle"},
            },
            {
                "code": "hub",
                "kind": "profile",
                "type": "text",
                "label": {"en": "Hub", "fr": "Antenne"},
                "hint": {"en": "Empty for national", "fr": "Vide pour le niveau national"},
            },
            {
                "code": "organisation_type",
                "kind": "profile",
                "scale": "organisation_type",
                "label": {"en": "Organisation type", "fr": "Type d'organisation"},
            },
            _rating("p11", "partner", "1.1.1", MEETING_LABEL, "Réunions ?"),
            _rating("p22", "partner", "2.2.1", "Are gaps analysed together?", "Lacunes ?"),
            {
                "code": "p_comment_1",
                "instrument": "partner",
                "kind": "comment",
                "type": "text",
                "function": 1,
                "label": {"en": "Comments on function 1", "fr": "Commentaires"},
            },
            {
                "code": "c_orgs_ingo",
                "instrument": "coordinator",
                "kind": "profile",
                "type": "integer",
                "count": "organisations",
                "organisation_type": "ingo",
                "label": {"en": "Number of INGOs", "fr": "Nombre d'ONGI"},
            },
            {
                "code": "c_attending_ingo",
                "instrument": "coordinator",
                "kind": "profile",
                "type": "decimal",
                "count": "attending",
                "organisation_type": "ingo",
                "label": {"en": "INGOs attending", "fr": "ONGI présentes"},
            },
            _rating("c11", "coordinator", "1.1.1", MEETING_LABEL, "Réunions ?"),
            _rating("c22", "coordinator", "2.2.1", "How far are gaps analysed?", "Analyse ?"),
        ],
    }
    return questionnaire_from_data(data, source="kobo_forms")


def _labels(en: str, fr: str | None = None) -> list[str | None]:
    return [en, fr]


def hand_built_content() -> dict[str, Any]:
    """Return the expanded content of a form rebuilt by hand for :func:`small_questionnaire`."""
    survey: list[dict[str, Any]] = [
        {"type": "start", "$autoname": "start", "$kuid": "k1", "$xpath": "start"},
        {"type": "end", "$autoname": "end", "$kuid": "k2", "$xpath": "end"},
        {"type": "deviceid", "name": "phone_device", "$autoname": "phone_device", "$kuid": "k3"},
        {
            # Built in the form builder without a name: only $autoname, and no $xpath.
            "type": "select_one",
            "select_from_list_name": "roles",
            "$autoname": "instrument",
            "$kuid": "k4",
            "label": _labels("Role", "Rôle"),
            "required": True,
        },
        {"type": "begin_group", "name": "about", "$autoname": "about", "$kuid": "g1"},
        {"type": "begin_group", "name": "place", "$autoname": "place", "$kuid": "g2"},
        {"type": "text", "name": "hub", "$autoname": "hub", "$kuid": "k5", "label": _labels("Hub")},
        {"type": "end_group", "$kuid": "/g2"},
        {
            "type": "select_one",
            "select_from_list_name": "orgs",
            "name": "organisation_type",
            "$autoname": "organisation_type",
            "$kuid": "k6",
            "$xpath": "about/organisation_type",
            "label": _labels("Organisation", "Organisation"),
        },
        {"type": "end_group", "$kuid": "/g1"},
        {"type": "begin_group", "name": "meetings", "$autoname": "meetings", "$kuid": "g3"},
        {
            "type": "select_one",
            "select_from_list_name": "freq",
            "name": "p11",
            "$autoname": "p11",
            "$kuid": "k7",
            "$xpath": "meetings/p11",
            "label": _labels("How often?", "Combien ?"),
        },
        {
            "type": "select_one",
            "select_from_list_name": "freq",
            "name": "C11",
            "$autoname": "C11",
            "$kuid": "k8",
            "$xpath": "meetings/C11",
            "label": _labels("How often?", "Combien ?"),
        },
        {"type": "note", "name": "thanks", "$autoname": "thanks", "$kuid": "k9"},
        {"type": "end_group", "$kuid": "/g3"},
        {"type": "text", "name": "p_comment_1", "$autoname": "p_comment_1", "$kuid": "k10"},
        {"type": "begin_group", "name": "counts", "$autoname": "counts", "$kuid": "g4"},
        {"type": "integer", "name": "c_orgs_ingo", "$autoname": "c_orgs_ingo", "$kuid": "k11"},
        {"type": "end_group", "$kuid": "/g4"},
        {"type": "text", "name": "contact_name", "$autoname": "contact_name", "$kuid": "k12"},
        {"type": "begin_repeat", "name": "visits", "$autoname": "visits", "$kuid": "r1"},
        {
            "type": "select_one",
            "select_from_list_name": "freq",
            "name": "c22",
            "$autoname": "c22",
            "$kuid": "k13",
        },
        {"type": "end_repeat", "$kuid": "/r1"},
    ]
    choices: list[dict[str, Any]] = [
        {"list_name": "roles", "name": "part", "label": _labels("Cluster partner", "Partenaire")},
        {"list_name": "roles", "name": "coord", "label": _labels("Coordinator", "Coordinateur")},
        {"list_name": "orgs", "name": "ingo", "label": _labels("International NGO")},
        {"list_name": "orgs", "name": "nngo", "label": _labels("National NGO")},
        {"list_name": "freq", "name": "never", "label": _labels("Never", "Jamais")},
        {"list_name": "freq", "name": "rarely", "label": _labels("Rarely", "Rarement")},
        {"list_name": "freq", "name": "sometimes", "label": _labels("Sometimes", "Parfois")},
        {"list_name": "freq", "name": "often", "label": _labels("Frequently", "Souvent")},
        {"list_name": "freq", "name": "always", "label": _labels("Always", "Toujours")},
        {"list_name": "freq", "name": "dk", "label": _labels("Don’t know", "Ne sait pas")},
        {"list_name": "freq", "name": "unsure", "label": _labels("Unsure", "Incertain")},
    ]
    return {
        "schema": "1",
        "survey": survey,
        "choices": choices,
        "settings": {"default_language": "English (en)"},
        "translations": TRANSLATIONS,
        "translated": ["label"],
    }
