"""Many exercises in one place: the scores of every exercise as tidy pandas frames.

A :class:`Portfolio` is built from ``ccpm.results/1`` documents, each paired
with the :class:`~ccpm_core.results_document.ExerciseInfo` that names its
exercise. It contains three frames:

- ``scores``: one row per exercise, level (national or hub) and section, with
  the pooled score, in the columns of :data:`PORTFOLIO_COLUMNS`;
- ``organisation_types``: partner responses and the coordinator's counts per
  exercise, level and organisation type, for rates across exercises;
- ``exercises``: one row per exercise, with the rows read and scored.

Only the fields these frames need are read from each document, and each of
them is checked; :func:`ccpm_core.results_document.results_from_dict` checks
a whole document. Building the frames touches each section of each level
once, so 10,000 exercises take a few seconds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ccpm_core.framework import SECTION_IDS, Status
from ccpm_core.portfolio_regions import region_of
from ccpm_core.results import RESULTS_SCHEMA
from ccpm_core.results_document import UNKNOWN_REGION, ExerciseInfo, ResultsDocumentError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "EXERCISE_COLUMNS",
    "LEVEL_COLUMNS",
    "ORGANISATION_TYPE_COLUMNS",
    "PORTFOLIO_COLUMNS",
    "ExerciseDocument",
    "Portfolio",
    "build_portfolio",
]

PORTFOLIO_COLUMNS: tuple[str, ...] = (
    "exercise",
    "year",
    "region",
    "country",
    "cluster",
    "level",
    "hub",
    "section",
    "function",
    "score",
    "status",
    "n",
    "response_rate",
    "effective_response_rate",
    "partners",
    "coordinators",
)
"""Columns of :attr:`Portfolio.scores`, in order.

``level`` is ``national`` or ``subnational``; ``hub`` is None at the national
level. ``score`` is 0 to 100 and NaN where no answer was scored, ``status`` a
:class:`~ccpm_core.framework.Status` value. The two rates are fractions (0 to
1, above 1 when more partners answered than were counted) and NaN where the
coordinator gave no count. ``partners`` and ``coordinators`` count the
responses scored at the level.
"""

ORGANISATION_TYPE_COLUMNS: tuple[str, ...] = (
    "exercise",
    "year",
    "region",
    "country",
    "cluster",
    "level",
    "hub",
    "organisation_type",
    "responses",
    "organisations",
    "attending",
)
"""Columns of :attr:`Portfolio.organisation_types`.

``responses`` counts partner responses of the type; ``organisations`` and
``attending`` are the coordinator's counts of organisations in the cluster
and attending meetings (NaN where not given).
"""

LEVEL_COLUMNS: tuple[str, ...] = (
    "exercise",
    "year",
    "region",
    "country",
    "cluster",
    "level",
    "hub",
    "partners",
    "coordinators",
    "responses",
    "organisations",
    "attending",
)
"""Columns of :attr:`Portfolio.levels`: one row per exercise and level.

``responses`` counts partner responses at the level; ``organisations`` and
``attending`` are the coordinator's totals (NaN where a count is missing).
"""

EXERCISE_COLUMNS: tuple[str, ...] = (
    "exercise",
    "year",
    "region",
    "country",
    "cluster",
    "survey_date",
    "source",
    "rows_read",
    "rows_scored",
)
"""Columns of :attr:`Portfolio.exercises`. ``survey_date`` is an ISO date or None."""

_STATUS_VALUES = frozenset(status.value for status in Status)
_NO_DATA = Status.NO_DATA.value
_FUNCTION_OF_SECTION = {section_id: section_id.split(".")[0] for section_id in SECTION_IDS}
_REMEDY = "re-create the document with `ccpm score --format json`, or correct the field"


@attrs.frozen
class ExerciseDocument:
    """One exercise's results document, with which exercise it is and where it came from.

    ``source`` names the document in messages, such as its file name. A
    ``hubs`` tuple keeps only the levels of those hubs (None is the national
    level); None keeps every level. Stores use it for hub exercises, whose
    results may repeat levels of the national exercise.
    """

    exercise: ExerciseInfo
    document: Mapping[str, Any]
    source: str
    hubs: tuple[str | None, ...] | None = None


@attrs.frozen(eq=False)
class Portfolio:
    """The frames of many exercises, each described in the module documentation."""

    scores: pd.DataFrame
    levels: pd.DataFrame
    organisation_types: pd.DataFrame
    exercises: pd.DataFrame

    @property
    def years(self) -> list[int]:
        """The years with at least one exercise, in order."""
        return sorted(int(year) for year in self.exercises["year"].unique())

    def for_year(self, year: int) -> Portfolio:
        """Return the exercises of one year alone."""
        return Portfolio(
            scores=self.scores[self.scores["year"] == year].reset_index(drop=True),
            levels=self.levels[self.levels["year"] == year].reset_index(drop=True),
            organisation_types=self.organisation_types[
                self.organisation_types["year"] == year
            ].reset_index(drop=True),
            exercises=self.exercises[self.exercises["year"] == year].reset_index(drop=True),
        )


def build_portfolio(documents: Iterable[ExerciseDocument]) -> Portfolio:
    """Build the portfolio frames from results documents.

    Raises ResultsDocumentError, naming the document and the field, when a
    document lacks a field the frames need or has one of the wrong type, and
    when two documents claim the same exercise id.
    """
    import pandas as pd

    scores = _Columns(PORTFOLIO_COLUMNS)
    levels = _Columns(LEVEL_COLUMNS)
    types = _Columns(ORGANISATION_TYPE_COLUMNS)
    exercises = _Columns(EXERCISE_COLUMNS)
    seen: dict[str, str] = {}

    for entry in documents:
        _check_unique(entry, seen)
        _add_document(entry, scores, levels, types, exercises)

    score_frame = pd.DataFrame(scores.data, columns=list(PORTFOLIO_COLUMNS))
    # pandas' string dtype turns None into NaN, so the hub column is set apart to keep
    # None for the national level, as Results does.
    score_frame["hub"] = pd.Series(scores.data["hub"], dtype=object)
    score_frame = score_frame.astype(
        {
            "year": "int64",
            "score": "float64",
            "n": "int64",
            "response_rate": "float64",
            "effective_response_rate": "float64",
            "partners": "int64",
            "coordinators": "int64",
        }
    )

    level_frame = pd.DataFrame(levels.data, columns=list(LEVEL_COLUMNS)).astype(
        {
            "year": "int64",
            "partners": "int64",
            "coordinators": "int64",
            "responses": "int64",
            "organisations": "float64",
            "attending": "float64",
        }
    )
    level_frame["hub"] = pd.Series(levels.data["hub"], dtype=object)
    type_frame = pd.DataFrame(types.data, columns=list(ORGANISATION_TYPE_COLUMNS)).astype(
        {"year": "int64", "responses": "int64", "organisations": "float64", "attending": "float64"}
    )
    type_frame["hub"] = pd.Series(types.data["hub"], dtype=object)
    exercise_frame = pd.DataFrame(exercises.data, columns=list(EXERCISE_COLUMNS)).astype(
        {"year": "int64", "rows_read": "int64", "rows_scored": "int64"}
    )
    return Portfolio(
        scores=score_frame,
        levels=level_frame,
        organisation_types=type_frame,
        exercises=exercise_frame,
    )


class _Columns:
    """Column lists that grow together, so a frame is built once at the end."""

    def __init__(self, names: Sequence[str]) -> None:
        self.data: dict[str, list[Any]] = {name: [] for name in names}

    def extend(self, rows: int, **values: Any) -> None:
        for name, column in self.data.items():
            value = values[name]
            if isinstance(value, list):
                column.extend(value)
            else:
                column.extend([value] * rows)


@attrs.frozen
class _LevelTables:
    scores: _Columns
    levels: _Columns
    types: _Columns


def _check_unique(entry: ExerciseDocument, seen: dict[str, str]) -> None:
    exercise_id = entry.exercise.id
    first = seen.get(exercise_id)
    if first is not None and entry.hubs is None:
        msg = (
            f"{entry.source}: exercise id {exercise_id!r} is also used by {first}; "
            "give each exercise its own id in the exercise block"
        )
        raise ResultsDocumentError(msg)
    seen.setdefault(exercise_id, entry.source)


def _add_document(
    entry: ExerciseDocument,
    scores: _Columns,
    levels: _Columns,
    types: _Columns,
    exercises: _Columns,
) -> None:
    document = _mapping(entry.document, "$", entry.source)
    if document.get("schema") != RESULTS_SCHEMA:
        msg = (
            f"{entry.source}: $.schema: expected {RESULTS_SCHEMA!r}, found "
            f"{document.get('schema')!r}; score the responses again with this version of ccpm"
        )
        raise ResultsDocumentError(msg)

    info = entry.exercise
    region = info.region or region_of(info.country) or UNKNOWN_REGION
    where = {
        "exercise": info.id,
        "year": info.year,
        "region": region,
        "country": info.country,
        "cluster": info.cluster,
    }
    listed = _field(document, "levels", "$", entry.source)
    if not isinstance(listed, list):
        raise _wrong(entry.source, "$.levels", "an array", listed)

    for index, level in enumerate(listed):
        _add_level(
            entry,
            _mapping(level, f"$.levels[{index}]", entry.source),
            index,
            where,
            _LevelTables(scores, levels, types),
        )

    if entry.hubs is None or None in entry.hubs:
        quality = _mapping(
            _field(document, "data_quality", "$", entry.source), "$.data_quality", entry.source
        )
        exercises.extend(
            1,
            **where,
            survey_date=None if info.survey_date is None else info.survey_date.isoformat(),
            source=entry.source,
            rows_read=_count(quality, "rows_read", "$.data_quality", entry.source),
            rows_scored=_count(quality, "rows_scored", "$.data_quality", entry.source),
        )


def _add_level(
    entry: ExerciseDocument,
    level: Mapping[str, Any],
    index: int,
    where: Mapping[str, Any],
    tables: _LevelTables,
) -> None:
    source = entry.source
    path = f"$.levels[{index}]"
    hub = _field(level, "hub", path, source)
    if hub is not None and not isinstance(hub, str):
        raise _wrong(source, f"{path}.hub", "a string or null", hub)
    if entry.hubs is not None and hub not in entry.hubs:
        return

    respondents = _mapping(
        _field(level, "respondents", path, source), f"{path}.respondents", source
    )
    rates = _mapping(
        _field(level, "response_rates", path, source), f"{path}.response_rates", source
    )
    responses, organisations = _rate(rates, "overall", f"{path}.response_rates", source)
    _, attending = _rate(rates, "effective", f"{path}.response_rates", source)
    partners = _count(respondents, "partner", f"{path}.respondents", source)
    coordinators = _count(respondents, "coordinator", f"{path}.respondents", source)
    level_fields = {
        **where,
        "level": "national" if hub is None else "subnational",
        "hub": hub,
    }

    sections = _field(level, "sections", path, source)
    if not isinstance(sections, list):
        raise _wrong(source, f"{path}.sections", "an array", sections)
    ids, functions, percents, statuses, counts = _section_columns(sections, path, source)
    tables.scores.extend(
        len(ids),
        **level_fields,
        section=ids,
        function=functions,
        score=percents,
        status=statuses,
        n=counts,
        response_rate=_fraction(responses, organisations),
        effective_response_rate=_fraction(responses, attending),
        partners=partners,
        coordinators=coordinators,
    )
    tables.levels.extend(
        1,
        **level_fields,
        partners=partners,
        coordinators=coordinators,
        responses=responses,
        organisations=organisations,
        attending=attending,
    )

    by_type = _field(rates, "by_organisation_type", f"{path}.response_rates", source)
    if not isinstance(by_type, list):
        raise _wrong(source, f"{path}.response_rates.by_organisation_type", "an array", by_type)
    codes, responses_by_type, organisations_by_type, attending_by_type = _type_columns(
        by_type, f"{path}.response_rates", source
    )
    tables.types.extend(
        len(codes),
        **level_fields,
        organisation_type=codes,
        responses=responses_by_type,
        organisations=organisations_by_type,
        attending=attending_by_type,
    )


def _type_columns(
    by_type: list[Any], path: str, source: str
) -> tuple[list[str], list[int], list[float], list[float]]:
    codes: list[str] = []
    responses: list[int] = []
    organisations: list[float] = []
    attending: list[float] = []
    for type_index, figures in enumerate(by_type):
        type_path = f"{path}.by_organisation_type[{type_index}]"
        figures = _mapping(figures, type_path, source)
        organisation_type = _field(figures, "organisation_type", type_path, source)
        if not isinstance(organisation_type, str):
            raise _wrong(source, f"{type_path}.organisation_type", "a string", organisation_type)
        overall = _mapping(_field(figures, "overall", type_path, source), type_path, source)
        effective = _mapping(_field(figures, "effective", type_path, source), type_path, source)
        codes.append(organisation_type)
        responses.append(_count(overall, "responses", f"{type_path}.overall", source))
        organisations.append(_base(overall, f"{type_path}.overall", source))
        attending.append(_base(effective, f"{type_path}.effective", source))
    return codes, responses, organisations, attending


_SectionColumns = tuple[list[str], list[str], list[float], list[str], list[int]]


def _section_columns(sections: list[Any], path: str, source: str) -> _SectionColumns:
    """Read the sections of one level.

    The quick pass checks every field without building JSON paths. When a
    check fails, the sections are read again with paths, to name the field.
    """
    try:
        return _section_columns_quickly(sections)
    except (KeyError, TypeError, ValueError):
        return _section_columns_checked(sections, path, source)


def _section_columns_quickly(sections: list[Any]) -> _SectionColumns:
    ids: list[str] = []
    functions: list[str] = []
    percents: list[float] = []
    statuses: list[str] = []
    counts: list[int] = []
    nan = math.nan
    for unit in sections:
        section_id = unit["id"]
        percent = unit["score"]
        status = unit["status"]
        n = unit["n"]
        if percent is None:
            if status != _NO_DATA:
                raise ValueError
            percent = nan
        elif type(percent) not in (float, int) or not 0 <= percent <= 100 or status == _NO_DATA:
            raise ValueError
        if status not in _STATUS_VALUES or type(n) is not int or n < 0:
            raise ValueError
        functions.append(_FUNCTION_OF_SECTION[section_id])
        ids.append(section_id)
        percents.append(float(percent))
        statuses.append(status)
        counts.append(n)
    return ids, functions, percents, statuses, counts


def _section_columns_checked(sections: list[Any], path: str, source: str) -> _SectionColumns:
    ids: list[str] = []
    functions: list[str] = []
    percents: list[float] = []
    statuses: list[str] = []
    counts: list[int] = []
    for index, unit in enumerate(sections):
        unit_path = f"{path}.sections[{index}]"
        unit = _mapping(unit, unit_path, source)
        section_id = _field(unit, "id", unit_path, source)
        function = _FUNCTION_OF_SECTION.get(section_id) if isinstance(section_id, str) else None
        if function is None:
            allowed = ", ".join(SECTION_IDS)
            raise _wrong(source, f"{unit_path}.id", f"a section id ({allowed})", section_id)
        percent = _field(unit, "score", unit_path, source)
        if percent is None:
            percent = math.nan
        elif (
            isinstance(percent, bool)
            or not isinstance(percent, int | float)
            or not math.isfinite(percent)
        ):
            raise _wrong(source, f"{unit_path}.score", "a finite number or null", percent)
        elif not 0 <= percent <= 100:
            raise _wrong(source, f"{unit_path}.score", "a score from 0 to 100", percent)
        status = _field(unit, "status", unit_path, source)
        if status not in _STATUS_VALUES:
            allowed = ", ".join(repr(value) for value in sorted(_STATUS_VALUES))
            raise _wrong(source, f"{unit_path}.status", f"one of {allowed}", status)
        if (status == _NO_DATA) != math.isnan(percent):
            msg = (
                f"{source}: {unit_path}: score {percent!r} and status {status!r} disagree; "
                f"only status 'no_data' has a null score; {_REMEDY}"
            )
            raise ResultsDocumentError(msg)
        ids.append(section_id)
        functions.append(function)
        percents.append(float(percent))
        statuses.append(status)
        counts.append(_count(unit, "n", unit_path, source))
    return ids, functions, percents, statuses, counts


def _rate(rates: Mapping[str, Any], key: str, path: str, source: str) -> tuple[int, float]:
    figure = _mapping(_field(rates, key, path, source), f"{path}.{key}", source)
    return _count(figure, "responses", f"{path}.{key}", source), _base(
        figure, f"{path}.{key}", source
    )


def _fraction(responses: int, base: float) -> float:
    if math.isnan(base) or base <= 0:
        return math.nan
    return responses / base


def _base(figure: Mapping[str, Any], path: str, source: str) -> float:
    base = _field(figure, "base", path, source)
    if base is None:
        return math.nan
    if isinstance(base, bool) or not isinstance(base, int | float) or not math.isfinite(base):
        raise _wrong(source, f"{path}.base", "a finite number or null", base)
    if base < 0:
        raise _wrong(source, f"{path}.base", "a count of 0 or more", base)
    return float(base)


def _count(fields: Mapping[str, Any], key: str, path: str, source: str) -> int:
    value = _field(fields, key, path, source)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _wrong(source, f"{path}.{key}", "a count of 0 or more", value)
    return value


def _field(fields: Mapping[str, Any], key: str, path: str, source: str) -> Any:
    try:
        return fields[key]
    except KeyError:
        msg = f"{source}: {path}.{key}: missing; {_REMEDY}"
        raise ResultsDocumentError(msg) from None


def _mapping(value: Any, path: str, source: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _wrong(source, path, "an object", value)
    return value


def _wrong(source: str, path: str, expected: str, value: Any) -> ResultsDocumentError:
    shown = "null" if value is None else repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    msg = f"{source}: {path}: expected {expected}, found {shown}; {_REMEDY}"
    return ResultsDocumentError(msg)
