"""Properties of the whole path from a CSV file to results."""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccpm_core.normalise import normalise_responses
from ccpm_core.plugin_api import SourceRequest
from ccpm_core.questionnaire import standard_questionnaire
from ccpm_core.sample import sample_responses
from ccpm_core.scoring import STRATEGIES, score
from ccpm_plugins import plugin_host


@functools.cache
def sample_rows() -> pd.DataFrame:
    # Every sixth row of the sample, hubs and coordinators included, keeps the examples fast.
    frame = sample_responses()
    return frame.iloc[::6].reset_index(drop=True)


def levels_of(frame: pd.DataFrame, folder: Path, strategy: str) -> list[dict[str, object]]:
    questionnaire = standard_questionnaire()
    path = folder / "responses.csv"
    frame.to_csv(path, index=False)
    raw = plugin_host().source("csv").read(SourceRequest(questionnaire, str(path)))
    return score(normalise_responses(raw, questionnaire), strategy).to_dict()["levels"]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(order=st.permutations(range(30)), strategy=st.sampled_from(STRATEGIES))
def test_file_row_order_does_not_matter(order: list[int], strategy: str, tmp_path: Path) -> None:
    rows = sample_rows()
    original = levels_of(rows, tmp_path, strategy)
    shuffled = pd.concat([rows.iloc[order], rows.iloc[30:]]).reset_index(drop=True)

    assert levels_of(shuffled, tmp_path, strategy) == original


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(keep=st.sets(st.integers(0, 29), min_size=1), strategy=st.sampled_from(STRATEGIES))
def test_file_scores_within_range(keep: set[int], strategy: str, tmp_path: Path) -> None:
    rows = sample_rows().iloc[sorted(keep)]

    for level in levels_of(rows, tmp_path, strategy):
        for unit in (*level["sections"], *level["functions"], *level["items"]):
            assert unit["score"] is None or 0 <= unit["score"] <= 100
            assert (unit["score"] is None) == (unit["status"] == "no_data")
