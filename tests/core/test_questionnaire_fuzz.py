"""The questionnaire loader on generated YAML and JSON: a questionnaire or a QuestionnaireError."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ccpm_core.errors import CcpmError
from ccpm_core.questionnaire import load_questionnaire, questionnaire_from_data

KEYS = [
    "schema",
    "id",
    "version",
    "languages",
    "title",
    "scales",
    "items",
    "questions",
    "code",
    "label",
    "options",
    "scale",
    "kind",
    "instrument",
    "item",
    "section",
    "count",
    "type",
    "value",
    "special",
    "aliases",
    "en",
    "ar",
]

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**66), max_value=2**66),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.sampled_from(["ccpm.questionnaire/1", "partner", "rating", "=1+1", "1.1", "x" * 2000]),
)
_documents = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(KEYS), children, max_size=6),
    ),
    max_leaves=25,
)


def error_of(action: Callable[[], object]) -> CcpmError | None:
    """Run ``action`` and return the ccpm error it raised, or None."""
    try:
        action()
    except CcpmError as error:
        return error
    return None


@settings(max_examples=80, deadline=None)
@given(document=_documents)
def test_generated_data_loads_or_rejected(document: Any) -> None:
    error = error_of(lambda: questionnaire_from_data(document, source="generated"))

    assert error is None or "generated" in str(error)


@settings(max_examples=40, deadline=None)
@given(document=_documents, as_json=st.booleans())
def test_generated_file_loads_or_rejected(
    tmp_path_factory: pytest.TempPathFactory, document: Any, as_json: bool
) -> None:
    folder = tmp_path_factory.mktemp("questionnaire")
    if as_json:
        path = folder / "questionnaire.json"
        path.write_text(json.dumps(document), encoding="utf-8")
    else:
        path = folder / "questionnaire.yaml"
        path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")

    error = error_of(lambda: load_questionnaire(path))

    assert error is None or str(error)


@settings(max_examples=40, deadline=None)
@given(data=st.binary(max_size=200), suffix=st.sampled_from([".yaml", ".yml", ".json"]))
def test_generated_bytes_rejected_with_message(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str
) -> None:
    path = Path(tmp_path_factory.mktemp("questionnaire")) / f"questionnaire{suffix}"
    path.write_bytes(data)

    error = error_of(lambda: load_questionnaire(path))

    assert error is None or str(error)


@pytest.mark.parametrize(
    "text",
    [
        "a: &a [*a]",
        "- " * 200 + "x",
        "key: !!python/object/apply:os.system ['true']",
        "\ufeff{}",
        "{'a': 1e999999}",
    ],
)
def test_hostile_yaml_rejected(tmp_path: Path, text: str) -> None:
    path = tmp_path / "questionnaire.yaml"
    path.write_text(text, encoding="utf-8")

    error = error_of(lambda: load_questionnaire(path))

    assert error is not None
    assert "questionnaire.yaml" in str(error)
