"""Small results documents with chosen scores, for portfolio, trend and annual report tests."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from ccpm_core.framework import SECTION_IDS, Status
from ccpm_core.rates import RateFigure, ResponseRates, TypeRates
from ccpm_core.responses import DataQuality
from ccpm_core.results import LevelResult, Results, Score, UnitScore
from ccpm_core.results_document import ExerciseInfo, with_exercise
from ccpm_core.scoring import classify

ORGANISATION_TYPES = ("international_ngo", "national_ngo")


def figure(percent: float | None, n: int = 10) -> Score:
    """Return a score of ``percent`` (None for no data) with its status."""
    if percent is None:
        return Score(value=None, percent=None, status=Status.NO_DATA, n=0)
    return Score(value=percent / 25, percent=percent, status=classify(percent), n=n)


def level(
    hub: str | None = None,
    scores: Mapping[str, float | None] | None = None,
    default: float | None = 60.0,
    partners: int = 10,
    organisations: tuple[float | None, float | None] = (10.0, 10.0),
    attending: tuple[float | None, float | None] = (8.0, 8.0),
    responses: tuple[int, int] = (5, 5),
) -> LevelResult:
    """Return a level whose 13 sections score ``default`` except those in ``scores``."""
    chosen = dict(scores or {})
    sections = tuple(
        UnitScore(
            id=section_id,
            overall=figure(chosen.get(section_id, default)),
            partner=figure(chosen.get(section_id, default)),
            coordinator=figure(None),
        )
        for section_id in SECTION_IDS
    )
    by_type = tuple(
        TypeRates(
            organisation_type=code,
            overall=RateFigure(count, base),
            effective=RateFigure(count, attended),
        )
        for code, count, base, attended in zip(
            ORGANISATION_TYPES, responses, organisations, attending, strict=True
        )
    )
    total_base = _total(organisations)
    total_attending = _total(attending)
    rates = ResponseRates(
        overall=RateFigure(sum(responses), total_base),
        effective=RateFigure(sum(responses), total_attending),
        by_type=by_type,
        partners_without_type=partners - sum(responses),
        coordinators_reporting=1,
    )
    return LevelResult(
        hub=hub,
        partners=partners,
        coordinators=1,
        sections=sections,
        functions=(),
        items=(),
        distributions=(),
        rates=rates,
    )


def _total(values: tuple[float | None, ...]) -> float | None:
    given = [value for value in values if value is not None]
    return sum(given) if given else None


def results(*levels: LevelResult, rows_read: int = 12, rows_scored: int = 11) -> Results:
    """Return results made of ``levels`` (a national level by default)."""
    from ccpm_core.responses import Exclusion, ExclusionReason

    exclusions = tuple(
        Exclusion(row=index + 2, reason=ExclusionReason.BLANK_ROW)
        for index in range(rows_read - rows_scored)
    )
    return Results(
        strategy="median",
        partners_only=False,
        questionnaire_id="ccpm-standard",
        questionnaire_version="2026.1",
        levels=levels or (level(),),
        quality=DataQuality(
            source="responses.csv",
            rows_read=rows_read,
            rows_scored=rows_scored,
            exclusions=exclusions,
        ),
    )


def document(
    exercise_id: str,
    year: int,
    *levels: LevelResult,
    country: str = "Chad",
    cluster: str = "Health",
    region: str | None = None,
    rows_read: int = 12,
    rows_scored: int = 11,
) -> dict[str, Any]:
    """Return a ``ccpm.results/1`` document with its exercise block."""
    exercise = ExerciseInfo(
        id=exercise_id, cluster=cluster, country=country, year=year, region=region
    )
    scored = results(*levels, rows_read=rows_read, rows_scored=rows_scored)
    return with_exercise(scored.to_dict(), exercise)


@functools.cache
def sample_results() -> Results:
    """Return the scored sample survey: a national level and two hubs."""
    from ccpm_core.normalise import normalise_responses
    from ccpm_core.questionnaire import standard_questionnaire
    from ccpm_core.responses import RawResponses
    from ccpm_core.sample import sample_responses
    from ccpm_core.scoring import score

    questionnaire = standard_questionnaire()
    table = sample_responses(questionnaire).fillna("").astype(str)
    raw = RawResponses(source="sample.csv", table=table, row_numbers=list(range(2, len(table) + 2)))
    return score(normalise_responses(raw, questionnaire))
