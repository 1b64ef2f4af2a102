"""The reader corpus: every ``case-*`` file read through the csv source and matched.

Each case file has a ``.expected.json`` beside it with either ``error`` (one
or more substrings of the expected :class:`InputError` message) or the
expected results: any of ``rows_read``, ``rows_scored``, ``instrument``,
``hub``, ``organisation_type``, ``answers`` (option codes per scored
respondent), ``counts``, ``selections``, ``comments``, ``unrecognised``,
``exclusions`` (count per reason), ``unknown_columns``, ``deduplication`` and ``notes``
(substrings). ``same_as`` names another case whose results must be equal.
``options`` holds source options such as ``sheet``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ccpm_core.errors import InputError
from ccpm_core.normalise import normalise_responses
from ccpm_core.plugin_api import SourceRequest
from ccpm_core.questionnaire import Questionnaire, load_questionnaire
from ccpm_core.responses import NO_ANSWER, ResponseSet
from ccpm_plugins.sources.csv_file import CsvSource

CORPUS = Path(__file__).parent
CASES = sorted(path for path in CORPUS.glob("case-*") if not path.name.endswith(".expected.json"))


def _questionnaire() -> Questionnaire:
    return load_questionnaire(CORPUS / "questionnaire.yaml")


def _read(path: Path, options: dict[str, str]) -> ResponseSet:
    questionnaire = _questionnaire()
    request = SourceRequest(questionnaire=questionnaire, location=str(path), options=options)
    return normalise_responses(CsvSource().read(request), questionnaire)


def _number(value: float) -> float | None:
    return None if math.isnan(value) else value


def _summary(responses: ResponseSet) -> dict[str, Any]:
    """Return the results of a response set as plain data, free of file names and headers."""
    questionnaire = responses.questionnaire
    answers: dict[str, list[str | None]] = {}
    for j, code in enumerate(responses.rating_codes):
        options = questionnaire.scale_of(questionnaire.question(code)).options
        answers[code] = [
            None if index == NO_ANSWER else options[index].code
            for index in responses.choices[:, j].tolist()
        ]
    selections = {
        code: {
            "counts": responses.selection_counts(code),
            "answered": int(np.count_nonzero((matrix != NO_ANSWER).any(axis=1))),
        }
        for code, matrix in responses.selections.items()
    }
    quality = responses.quality
    return {
        "rows_read": quality.rows_read,
        "rows_scored": quality.rows_scored,
        "instrument": [str(member) for member in responses.instrument.tolist()],
        "hub": responses.hub.tolist(),
        "organisation_type": responses.organisation_type.tolist(),
        "answers": answers,
        "counts": {
            code: [_number(value) for value in values.tolist()]
            for code, values in responses.counts.items()
        },
        "selections": selections,
        "comments": [comment.text for comment in responses.comments],
        "unrecognised": [
            {"value": entry.value, "count": entry.count} for entry in quality.unrecognised_values
        ],
        "exclusions": quality.exclusion_counts(),
        "unknown_columns": list(quality.unknown_columns),
        "deduplication": (
            None if quality.deduplication is None else quality.deduplication.to_dict()
        ),
    }


def _expected(path: Path) -> dict[str, Any]:
    expected_path = path.with_name(path.name + ".expected.json")
    result: dict[str, Any] = json.loads(expected_path.read_text(encoding="utf-8"))
    return result


@pytest.mark.parametrize("path", CASES, ids=[path.name for path in CASES])
def test_corpus_case(path: Path) -> None:
    expected = _expected(path)
    options = expected.get("options", {})

    if "error" in expected:
        with pytest.raises(InputError) as raised:
            _read(path, options)
        message = str(raised.value)
        assert path.name in message
        for part in expected["error"]:
            assert part in message
        return

    responses = _read(path, options)
    summary = _summary(responses)
    for key in summary.keys() & expected.keys():
        if key == "answers" or key == "counts":
            for code, values in expected[key].items():
                assert summary[key][code] == values, (key, code)
        else:
            assert summary[key] == expected[key], key

    for part in expected.get("notes", []):
        assert any(part in note for note in responses.quality.notes), part

    if "same_as" in expected:
        other = CORPUS / expected["same_as"]
        other_options = _expected(other).get("options", {})
        assert summary == _summary(_read(other, other_options))


def test_corpus_cases_expected() -> None:
    missing = [
        path.name for path in CASES if not path.with_name(path.name + ".expected.json").exists()
    ]
    assert missing == []
