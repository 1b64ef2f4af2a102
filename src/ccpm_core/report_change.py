"""Change since the previous exercise: section scores of two exercises, level by level.

Two results compare when they were scored from the same questionnaire id. The
comparison pairs levels by hub name (case and spacing ignored) and sections by
id, keeps a section that only one side has, and classifies each section's
change by status band: good above satisfactory above unsatisfactory above
weak. A section without data on one side has no band movement.

The previous results may come with the :class:`ExerciseInfo` of their
document's ``exercise`` block; :func:`check_previous_exercise` rejects one
that names another cluster or country, or that postdates the report.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from ccpm_core.errors import CcpmError
from ccpm_core.framework import SECTION_IDS, Status
from ccpm_core.labels import match_key, same_hub
from ccpm_core.results import LevelResult, Results, Score
from ccpm_core.results_document import ExerciseInfo

__all__ = [
    "BandMovement",
    "ComparisonError",
    "ExerciseChange",
    "LevelChange",
    "SectionChange",
    "band_movement",
    "check_previous_exercise",
    "compare_levels",
    "compare_results",
]

_BAND_RANK = {
    Status.WEAK: 0,
    Status.UNSATISFACTORY: 1,
    Status.SATISFACTORY: 2,
    Status.GOOD: 3,
}


class ComparisonError(CcpmError, ValueError):
    """Two results cannot be compared, such as results of different questionnaires."""


class BandMovement(enum.StrEnum):
    """Movement of a section's status band between the previous exercise and this one."""

    IMPROVED = "improved"
    FELL = "fell"
    UNCHANGED = "unchanged"
    NO_DATA_THEN = "no_data_then"
    """No scored answer in the previous exercise, some now."""
    NO_DATA_NOW = "no_data_now"
    """Scored answers in the previous exercise, none now."""
    NO_DATA_EITHER = "no_data_either"
    NOT_IN_PREVIOUS = "not_in_previous"
    """The previous results have no such section."""
    NOT_IN_CURRENT = "not_in_current"
    """The current results have no such section."""


@attrs.frozen
class SectionChange:
    """One section in both exercises. A side is None when its results lack the section."""

    section: str
    previous: Score | None
    current: Score | None

    @property
    def points(self) -> float | None:
        """Current score minus previous score in percentage points, or None without both."""
        if self.previous is None or self.current is None:
            return None
        if self.previous.percent is None or self.current.percent is None:
            return None
        return self.current.percent - self.previous.percent

    @property
    def movement(self) -> BandMovement:
        """The band movement, as :func:`band_movement` classifies it."""
        if self.previous is None:
            return BandMovement.NOT_IN_PREVIOUS
        if self.current is None:
            return BandMovement.NOT_IN_CURRENT
        return band_movement(self.previous.status, self.current.status)


@attrs.frozen
class LevelChange:
    """The section changes of one level, named by its current ``hub`` (None for national)."""

    hub: str | None
    sections: tuple[SectionChange, ...]

    def section(self, section_id: str) -> SectionChange:
        """Return the change of one section, such as ``"2.2"``."""
        for change in self.sections:
            if change.section == section_id:
                return change
        msg = f"no section {section_id!r} in this comparison"
        raise KeyError(msg)


@attrs.frozen
class ExerciseChange:
    """Everything that changed between two exercises scored from one questionnaire."""

    questionnaire_id: str
    previous_version: str
    current_version: str
    previous_method: tuple[str, bool]
    """Strategy and partners-only flag the previous results were scored with."""
    current_method: tuple[str, bool]
    levels: tuple[LevelChange, ...]
    """Levels present in both exercises, in the current results' order."""
    new_hubs: tuple[str, ...] = ()
    """Hubs of the current results that the previous ones lack."""
    former_hubs: tuple[str, ...] = ()
    """Hubs of the previous results that the current ones lack."""
    new_national: bool = False
    """Whether only the current results have a national level."""
    former_national: bool = False
    """Whether only the previous results have a national level."""
    previous_exercise: ExerciseInfo | None = None
    """The exercise the previous results belong to, when their document names it."""
    identical: bool = False
    """Whether both results have the same levels with the same figures, as when the
    current results were given as the previous ones by mistake."""

    @property
    def version_changed(self) -> bool:
        """Whether the two exercises used different versions of the questionnaire."""
        return self.previous_version != self.current_version

    @property
    def method_changed(self) -> bool:
        """Whether the strategy or the partners-only choice differs between the exercises."""
        return self.previous_method != self.current_method

    def level(self, hub: str | None) -> LevelChange | None:
        """Return the change of one level, matched as :func:`ccpm_core.labels.same_hub` does.

        Returns None when that level is missing from either exercise.
        """
        for change in self.levels:
            if same_hub(change.hub, hub):
                return change
        return None


def band_movement(previous: Status, current: Status) -> BandMovement:
    """Classify a status change: improved, fell or unchanged by band, or which side has no data."""
    if previous is Status.NO_DATA and current is Status.NO_DATA:
        return BandMovement.NO_DATA_EITHER
    if previous is Status.NO_DATA:
        return BandMovement.NO_DATA_THEN
    if current is Status.NO_DATA:
        return BandMovement.NO_DATA_NOW

    step = _BAND_RANK[current] - _BAND_RANK[previous]
    if step > 0:
        return BandMovement.IMPROVED
    if step < 0:
        return BandMovement.FELL
    return BandMovement.UNCHANGED


def compare_results(
    current: Results, previous: Results, previous_exercise: ExerciseInfo | None = None
) -> ExerciseChange:
    """Compare the section scores of two exercises, level by level.

    ``previous_exercise`` names the exercise of the previous results, from
    their document's ``exercise`` block; it is carried into the change.
    Raises :class:`ComparisonError` when the two results come from different
    questionnaires, because their sections then contain different questions.
    A different version of the same questionnaire is compared, and
    :attr:`ExerciseChange.version_changed` flags it.
    """
    if current.questionnaire_id != previous.questionnaire_id:
        msg = (
            f"the previous results were scored with questionnaire "
            f"{previous.questionnaire_id!r}, these with {current.questionnaire_id!r}; "
            "give previous results of the same questionnaire"
        )
        raise ComparisonError(msg)

    levels: list[LevelChange] = []
    new_hubs: list[str] = []
    for level in current.levels:
        earlier = _matching_level(previous, level.hub)
        if earlier is not None:
            levels.append(compare_levels(level, earlier))
        elif level.hub is not None:
            new_hubs.append(level.hub)
    former_hubs = [
        level.hub
        for level in previous.levels
        if level.hub is not None and _matching_level(current, level.hub) is None
    ]

    return ExerciseChange(
        questionnaire_id=current.questionnaire_id,
        previous_version=previous.questionnaire_version,
        current_version=current.questionnaire_version,
        previous_method=(previous.strategy, previous.partners_only),
        current_method=(current.strategy, current.partners_only),
        levels=tuple(levels),
        new_hubs=tuple(new_hubs),
        former_hubs=tuple(former_hubs),
        new_national=_has_national(current) and not _has_national(previous),
        former_national=_has_national(previous) and not _has_national(current),
        previous_exercise=previous_exercise,
        identical=_same_figures(current, previous),
    )


def check_previous_exercise(
    exercise: ExerciseInfo | None, cluster: str, country: str, report_date: dt.date | None
) -> None:
    """Reject previous results of another exercise than the one reported on.

    ``cluster``, ``country`` and ``report_date`` are the report's cover
    metadata; an empty or None one is not checked, and neither is an
    ``exercise`` of None (a document without an exercise block). Names are
    compared as :func:`ccpm_core.labels.match_key` folds them.

    Raises :class:`ComparisonError` when the previous exercise names another
    cluster or country, or ran after ``report_date``: its survey date when the
    document gives one, else its year.
    """
    if exercise is None:
        return

    for field, previous, current in (
        ("cluster", exercise.cluster, cluster),
        ("country", exercise.country, country),
    ):
        if current.strip() and match_key(previous) != match_key(current):
            msg = (
                f"the previous results are of {field} {previous!r} (exercise {exercise.id!r}), "
                f"this report of {field} {current!r}; give the previous results of the same "
                f"{field}"
            )
            raise ComparisonError(msg)

    if report_date is None:
        return
    if exercise.survey_date is not None and exercise.survey_date > report_date:
        msg = (
            f"the previous exercise {exercise.id!r} was surveyed on "
            f"{exercise.survey_date.isoformat()}, after the report date "
            f"{report_date.isoformat()}; give an earlier exercise's results, or correct "
            "the report date"
        )
        raise ComparisonError(msg)
    if exercise.year > report_date.year:
        msg = (
            f"the previous exercise {exercise.id!r} ran in {exercise.year}, after the report "
            f"date {report_date.isoformat()}; give an earlier exercise's results, or correct "
            "the report date"
        )
        raise ComparisonError(msg)


def compare_levels(current: LevelResult, previous: LevelResult) -> LevelChange:
    """Pair the sections of one level in two exercises, keeping those only one side has.

    Sections come in framework order, then any unknown to the framework in
    the order the current and then the previous results list them.
    """
    now = {unit.id: unit.overall for unit in current.sections}
    then = {unit.id: unit.overall for unit in previous.sections}
    known = [section for section in SECTION_IDS if section in now or section in then]
    unknown = [section for section in [*now, *then] if section not in SECTION_IDS]
    order = list(dict.fromkeys([*known, *unknown]))
    return LevelChange(
        hub=current.hub,
        sections=tuple(
            SectionChange(section, then.get(section), now.get(section)) for section in order
        ),
    )


def _matching_level(results: Results, hub: str | None) -> LevelResult | None:
    for level in results.levels:
        if same_hub(level.hub, hub):
            return level
    return None


def _has_national(results: Results) -> bool:
    return any(level.hub is None for level in results.levels)


def _same_figures(current: Results, previous: Results) -> bool:
    """Return whether both results have the same levels, respondent counts and unit figures."""
    if len(current.levels) != len(previous.levels):
        return False
    for level in current.levels:
        earlier = _matching_level(previous, level.hub)
        if earlier is None or _level_figures(level) != _level_figures(earlier):
            return False
    return True


def _level_figures(level: LevelResult) -> tuple[object, ...]:
    return (level.partners, level.coordinators, level.sections, level.functions, level.items)
