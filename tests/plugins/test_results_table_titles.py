"""Section titles in the plain-text table of `ccpm score`: cut at a space, with an ellipsis."""

from __future__ import annotations

import pandas as pd

from ccpm_core.normalise import normalise_responses
from ccpm_core.questionnaire import standard_questionnaire
from ccpm_core.responses import RawResponses
from ccpm_core.scoring import score
from ccpm_plugins.cli.score_commands import TITLE_WIDTH, format_results_table, shorten_title

LONG_TITLE = "Provide a platform so that service delivery follows the agreed strategic priorities"


def test_short_title_unchanged() -> None:
    assert shorten_title("Needs assessment and gap analysis") == "Needs assessment and gap analysis"


def test_title_of_exact_width_unchanged() -> None:
    title = "a" * TITLE_WIDTH

    assert shorten_title(title) == title


def test_long_title_cut_at_space() -> None:
    # The first 59 characters end inside "agreed"; the cut falls on the space before it.
    assert shorten_title(LONG_TITLE) == "Provide a platform so that service delivery follows the…"


def test_long_title_fits_width() -> None:
    assert len(shorten_title(LONG_TITLE)) <= TITLE_WIDTH


def test_cut_drops_trailing_comma() -> None:
    title = "Analysis to identify and address emerging gaps, obstacles, duplication and more"

    assert shorten_title(title, 50) == "Analysis to identify and address emerging gaps…"


def test_single_long_word_cut() -> None:
    assert shorten_title("x" * 70, 10) == "xxxxxxxxx…"


def test_results_table_shortens_title() -> None:
    table = pd.DataFrame([{"instrument": "partner", "organisation_type": "un_agency", "p111": "3"}])
    raw = RawResponses(source="survey.csv", table=table, row_numbers=[2])
    text = format_results_table(score(normalise_responses(raw, standard_questionnaire())))
    line = next(line for line in text.splitlines() if line.startswith("1.1 "))

    assert line.endswith("  Provide a platform so that service delivery follows the…")
