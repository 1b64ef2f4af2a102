"""Survey responses, before and after they are matched to the questionnaire.

A survey source returns :class:`RawResponses`: the table as the source read
it, every cell as text. :func:`ccpm_core.normalise.normalise_responses` matches
its columns and answers to a questionnaire and returns a :class:`ResponseSet`,
in which every answer is an option of its question's scale, and a
:class:`DataQuality` record of everything that was excluded or not recognised.

Row numbers count as a spreadsheet does: the header is row 1, so the first
data row of a file is row 2. Nothing here contains a name, an e-mail address or a
submission id, so a response set can be shown without exposing a respondent.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ccpm_core.framework import Instrument

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

    from ccpm_core.questionnaire import Questionnaire

__all__ = [
    "NOT_SELECTED",
    "NO_ANSWER",
    "SELECTED",
    "Comment",
    "DataQuality",
    "Deduplication",
    "Exclusion",
    "ExclusionReason",
    "RawResponses",
    "ResponseSet",
    "UnrecognisedValue",
]

NO_ANSWER = -1
"""Entry of :attr:`ResponseSet.choices` and :attr:`ResponseSet.selections` without an answer."""

SELECTED = 1
"""Entry of :attr:`ResponseSet.selections` where the respondent chose the option."""

NOT_SELECTED = 0
"""Entry of :attr:`ResponseSet.selections` where the respondent answered but left the option out."""


class ExclusionReason(enum.StrEnum):
    """Why a row of the input was not scored."""

    BLANK_ROW = "blank_row"
    """Every cell is empty or white space."""
    MISSING_INSTRUMENT = "missing_instrument"
    """The instrument column is empty, so the row cannot be scored as partner or coordinator."""
    UNKNOWN_INSTRUMENT = "unknown_instrument"
    """The instrument column contains a value that is neither partner nor coordinator."""
    INCOMPLETE = "incomplete"
    """The survey tool marks the response as not submitted."""
    NOT_APPROVED = "not_approved"
    """The survey tool has not approved the response, and only approved ones were requested."""
    DUPLICATE = "duplicate"
    """The row repeats another row of the same submission."""
    SUPERSEDED = "superseded"
    """A later version of the same submission replaces this row."""


@attrs.frozen
class Exclusion:
    """A row that was read but not scored, with the reason."""

    row: int
    reason: ExclusionReason
    detail: str = ""


@attrs.frozen
class UnrecognisedValue:
    """Answer that matches no option of its question, and so is never scored."""

    column: str
    value: str
    count: int
    rows: tuple[int, ...]
    """The first rows (at most 10) where the value appears."""


@attrs.frozen
class Comment:
    """One free-text answer to a comment question. Comments are never scored."""

    question: str
    function: int
    instrument: Instrument
    hub: str | None
    text: str
    respondent: int = -1
    """Row of the respondent in its response set, or -1 when unknown.

    It links a comment to the other answers of the same response within one
    response set and means nothing outside it; reports never show it.
    """


@attrs.frozen
class Deduplication:
    """Rows that repeat a submission id, and how they were reduced to one row per submission.

    Rows with the same non-empty id in ``id_column`` are one submission. Exact
    copies collapse into one row. When copies differ, the row with the latest
    submission time (``time_column``) is kept. Without such a column, or when a
    time cannot be read, the last row in the file is kept instead. The others
    are excluded as superseded and counted in ``conflicts``.
    """

    id_column: str
    """Header of the submission id column, as written in the file."""
    time_column: str | None
    """Header of the submission time column used to pick the latest copy, if any."""
    rows_before: int
    rows_after: int
    exact_duplicates: int
    """Rows dropped because another row of the same submission is identical."""
    conflicts: int
    """Rows dropped because a differing copy of the same submission was kept instead."""

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a plain mapping for the results document."""
        return attrs.asdict(self)


@attrs.frozen
class DataQuality:
    """What happened to every row and answer of the input.

    ``rows_read`` equals ``rows_scored`` plus the number of exclusions: no row
    is lost without a reason.
    """

    source: str
    rows_read: int
    rows_scored: int
    exclusions: tuple[Exclusion, ...] = ()
    unrecognised_values: tuple[UnrecognisedValue, ...] = ()
    unknown_columns: tuple[str, ...] = ()
    """Headers that match no question of the questionnaire."""
    missing_questions: tuple[str, ...] = ()
    """Questions of the questionnaire that no column answers."""
    notes: tuple[str, ...] = ()
    """Other facts worth knowing, such as an encoding fallback."""
    deduplication: Deduplication | None = None
    """Row counts before and after repeated submissions were removed; None without an id column."""

    def exclusion_counts(self) -> dict[str, int]:
        """Count exclusions per reason, in the order of :class:`ExclusionReason`."""
        counts = {reason.value: 0 for reason in ExclusionReason}
        for exclusion in self.exclusions:
            counts[exclusion.reason.value] += 1
        return {reason: count for reason, count in counts.items() if count}

    def to_dict(self) -> dict[str, Any]:
        """Return the data-quality fields of the ``ccpm.results/1`` document."""
        return {
            "source": self.source,
            "rows_read": self.rows_read,
            "rows_scored": self.rows_scored,
            "rows_excluded": len(self.exclusions),
            "exclusion_counts": self.exclusion_counts(),
            "exclusions": [
                {"row": e.row, "reason": e.reason.value, "detail": e.detail}
                for e in self.exclusions
            ],
            "unrecognised_values": [
                {"column": u.column, "value": u.value, "count": u.count, "rows": list(u.rows)}
                for u in self.unrecognised_values
            ],
            "unknown_columns": list(self.unknown_columns),
            "missing_questions": list(self.missing_questions),
            "notes": list(self.notes),
            "deduplication": None if self.deduplication is None else self.deduplication.to_dict(),
        }


@attrs.frozen(eq=False)
class RawResponses:
    """Responses as a source read them, every cell as text.

    ``table`` has one column per header, as named in the source, and one row
    per response; empty cells are empty strings, never NaN. ``row_numbers``
    gives each row's number in the source, for messages. Rows the source
    itself set aside, such as incomplete LimeSurvey responses, are listed in
    ``exclusions`` and are not in ``table``.
    """

    source: str
    """File name or address shown in messages. A source must leave secrets out of it."""
    table: pd.DataFrame
    row_numbers: Sequence[int]
    notes: tuple[str, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    column_sources: Mapping[str, str] = attrs.field(factory=dict)
    """Optional original header per column, where the source renamed a column."""

    def __attrs_post_init__(self) -> None:
        if len(self.row_numbers) != len(self.table):
            msg = (
                f"{self.source}: {len(self.row_numbers)} row numbers were given "
                f"for {len(self.table)} rows"
            )
            raise ValueError(msg)


@attrs.frozen(eq=False)
class ResponseSet:
    """Responses matched to a questionnaire, ready to score.

    Row ``i`` of every array is the same respondent. ``choices[i, j]`` is the
    index of respondent ``i``'s answer to ``rating_codes[j]`` in that
    question's scale options, or :data:`NO_ANSWER`.

    ``selections[code][i, k]`` is respondent ``i``'s answer to option ``k`` of
    the select_multiple question ``code``: :data:`SELECTED`,
    :data:`NOT_SELECTED` or :data:`NO_ANSWER`. Such answers are counted per
    option and never scored.
    """

    questionnaire: Questionnaire
    instrument: npt.NDArray[np.object_]
    """:class:`Instrument` of each respondent."""
    hub: npt.NDArray[np.object_]
    """Sub-national hub of each respondent, or None at the national level."""
    organisation_type: npt.NDArray[np.object_]
    """Organisation type code of each respondent, or None when not given or not recognised."""
    rating_codes: tuple[str, ...]
    choices: npt.NDArray[np.int16]
    counts: Mapping[str, npt.NDArray[np.float64]]
    """Answers to each count question, NaN where not given."""
    comments: tuple[Comment, ...]
    quality: DataQuality
    selections: Mapping[str, npt.NDArray[np.int8]] = attrs.field(factory=dict)
    """Answers to each select_multiple question, one column per option of its scale."""

    def __len__(self) -> int:
        return len(self.instrument)

    def _repr_html_(self) -> str:
        from ccpm_core.notebook_html import response_set_html

        return response_set_html(self)

    @property
    def hubs(self) -> list[str | None]:
        """Levels present: None for national first, then hub names in sorted order."""
        names = {hub for hub in self.hub.tolist() if hub is not None}
        national: list[str | None] = [None] if any(h is None for h in self.hub.tolist()) else []
        return national + sorted(names)

    def selection_counts(self, code: str) -> dict[str, int]:
        """Count, per option code of a select_multiple question, the respondents who chose it."""
        question = self.questionnaire.question(code)
        options = self.questionnaire.scale_of(question).options
        chosen = self.selections[code] == SELECTED
        totals = chosen.sum(axis=0).tolist()
        return {option.code: int(total) for option, total in zip(options, totals, strict=True)}

    def value_table(self, code: str) -> npt.NDArray[np.int64]:
        """Return, for one rating question, the value in hundredths of each option index.

        Unscored options (special answers) map to -1. The array has one extra
        entry at the end for :data:`NO_ANSWER`, so ``table[choices]`` works.
        """
        import numpy as np

        question = self.questionnaire.question(code)
        options = self.questionnaire.scale_of(question).options
        hundredths = [option.value_hundredths for option in options]
        return np.array([-1 if h is None else h for h in hundredths] + [-1], dtype=np.int64)

    def value_matrix(self) -> npt.NDArray[np.int64]:
        """Return every scored answer's value in hundredths, -1 where nothing is scored."""
        import numpy as np

        values = np.full(self.choices.shape, -1, dtype=np.int64)
        for j, code in enumerate(self.rating_codes):
            values[:, j] = self.value_table(code)[self.choices[:, j]]
        return values

    def to_frame(
        self,
        labels: bool = False,
        language: str | None = None,
        with_comments: bool = False,
    ) -> pd.DataFrame:
        """Return the responses in the canonical layout, one row per respondent.

        Columns are ``instrument``, ``hub``, ``organisation_type``, one per
        rating question holding option codes (or labels with ``labels=True``),
        one per count question, and with ``with_comments`` one per comment
        question. Reading the frame back gives the same response set.
        """
        import pandas as pd

        questionnaire = self.questionnaire
        columns: dict[str, Any] = {
            "instrument": [str(i) for i in self.instrument.tolist()],
            "hub": self.hub.tolist(),
            "organisation_type": self.organisation_type.tolist(),
        }
        for j, code in enumerate(self.rating_codes):
            options = questionnaire.scale_of(questionnaire.question(code)).options
            texts = [
                questionnaire.label(option.label, language) if labels else option.code
                for option in options
            ]
            lookup = [*texts, None]
            columns[code] = [lookup[index] for index in self.choices[:, j].tolist()]
        for code, values in self.counts.items():
            columns[code] = values
        for code, selection in self.selections.items():
            columns[code] = _selection_texts(questionnaire, code, selection)

        if with_comments:
            from ccpm_core.questionnaire import QuestionKind

            for question in questionnaire.questions_of(QuestionKind.COMMENT):
                comment_texts: list[str | None] = [None] * len(self)
                for comment in self.comments:
                    if comment.question == question.code and comment.respondent >= 0:
                        comment_texts[comment.respondent] = comment.text
                columns[question.code] = comment_texts
        return pd.DataFrame(columns)


def _selection_texts(
    questionnaire: Questionnaire, code: str, selection: npt.NDArray[np.int8]
) -> list[str | None]:
    """Write each respondent's select_multiple answer as space-separated option codes.

    A respondent who answered no option at all gets None; the options chosen
    are listed even where other options were left unknown.
    """
    options = questionnaire.scale_of(questionnaire.question(code)).options
    texts: list[str | None] = []
    for row in selection.tolist():
        if all(entry == NO_ANSWER for entry in row):
            texts.append(None)
            continue
        chosen = [
            option.code for option, entry in zip(options, row, strict=True) if entry == SELECTED
        ]
        texts.append(" ".join(chosen))
    return texts
