"""The report part "Change since the previous exercise", as renderer-neutral blocks.

The part first names the previous exercise, or states that its results do
not name it, and warns when the previous results are identical to these.
Each level compared gets a table of its sections: the previous and current
score with their status, the change in percentage points and the band
movement. Status labels sit in cells of their own, so that every renderer
shows the label and not only the colour.
"""

from __future__ import annotations

from ccpm_core.i18n import N_, translator
from ccpm_core.locale_format import format_date, format_score
from ccpm_core.report_change import BandMovement, ExerciseChange, LevelChange, SectionChange
from ccpm_core.report_model import Block, Cell, Heading, Paragraph, Table
from ccpm_core.report_text import format_points, method_label, status_label
from ccpm_core.results import Score

__all__ = ["change_blocks", "movement_label"]

_MOVEMENT_LABELS = {
    BandMovement.IMPROVED: N_("Improved"),
    BandMovement.FELL: N_("Fell"),
    BandMovement.UNCHANGED: N_("Unchanged"),
    BandMovement.NO_DATA_THEN: N_("No data then"),
    BandMovement.NO_DATA_NOW: N_("No data now"),
    BandMovement.NO_DATA_EITHER: N_("No data then or now"),
    BandMovement.NOT_IN_PREVIOUS: N_("Not in the previous results"),
    BandMovement.NOT_IN_CURRENT: N_("Not in the current results"),
}


def movement_label(movement: BandMovement, language: str = "en") -> str:
    """Return the display label of a band movement in ``language``."""
    return translator(language)(_MOVEMENT_LABELS[movement])


def change_blocks(change: ExerciseChange, hub: str | None, language: str = "en") -> list[Block]:
    """Build the change part of the report of one level (``hub`` None for national).

    The national report shows the national level and every hub present in
    both exercises, and names the hubs only one exercise has. A hub report
    shows its own hub. A level missing from the previous exercise gets a
    sentence saying so in place of its table.
    """
    _ = translator(language)
    blocks: list[Block] = [
        Heading(_("Change since the previous exercise"), 1),
        Paragraph(
            _(
                "Each section's score is set beside the previous exercise's. The change is "
                "in percentage points. The band movement compares status bands, from weak "
                "up to good, and is given only where both exercises have scored answers."
            ),
            emphasis=True,
        ),
        _previous_exercise_sentence(change, language),
        *_identical_note(change, language),
        *_comparability_notes(change, language),
    ]

    own = change.level(hub)
    if own is None:
        blocks.append(Paragraph(_missing_level_sentence(hub, language)))
    else:
        blocks += _level_blocks(own, language)
    if hub is None:
        for level in change.levels:
            if level.hub is not None:
                blocks += _level_blocks(level, language)
        blocks += _unmatched_hub_notes(change, language)
    return blocks


def _previous_exercise_sentence(change: ExerciseChange, language: str) -> Paragraph:
    _ = translator(language)
    exercise = change.previous_exercise
    if exercise is None:
        return Paragraph(
            _(
                "The previous results do not say which exercise they come from, so check "
                "that they are this cluster's previous exercise."
            )
        )
    if exercise.survey_date is not None:
        return Paragraph(
            _(
                "The previous results are those of exercise {exercise}: cluster {cluster} "
                "in {country}, surveyed on {date}."
            ).format(
                exercise=exercise.id,
                cluster=exercise.cluster,
                country=exercise.country,
                date=format_date(exercise.survey_date, language),
            )
        )
    return Paragraph(
        _(
            "The previous results are those of exercise {exercise}: cluster {cluster} "
            "in {country}, {year}."
        ).format(
            exercise=exercise.id,
            cluster=exercise.cluster,
            country=exercise.country,
            year=exercise.year,
        )
    )


def _identical_note(change: ExerciseChange, language: str) -> list[Block]:
    _ = translator(language)
    if not change.identical:
        return []
    return [
        Paragraph(
            _(
                "The previous results are identical to these, so every change is zero. "
                "Check that the right file was given as the previous results."
            )
        )
    ]


def _comparability_notes(change: ExerciseChange, language: str) -> list[Block]:
    _ = translator(language)
    notes: list[Block] = []
    if change.version_changed:
        notes.append(
            Paragraph(
                _(
                    "The previous exercise used version {previous} of questionnaire "
                    "{questionnaire} and this one version {current}. Where a section's "
                    "questions changed between the versions, compare its scores with care."
                ).format(
                    previous=change.previous_version,
                    current=change.current_version,
                    questionnaire=change.questionnaire_id,
                )
            )
        )
    if change.method_changed:
        notes.append(
            Paragraph(
                _(
                    "The previous results were scored as {previous} and these as {current}, "
                    "so part of each change may come from the method alone."
                ).format(
                    previous=method_label(*change.previous_method, language),
                    current=method_label(*change.current_method, language),
                )
            )
        )
    return notes


def _missing_level_sentence(hub: str | None, language: str) -> str:
    _ = translator(language)
    if hub is None:
        return _("The previous results have no national level, so this level cannot be compared.")
    return _("The previous results have no hub {hub}, so this hub cannot be compared.").format(
        hub=hub
    )


def _unmatched_hub_notes(change: ExerciseChange, language: str) -> list[Block]:
    _ = translator(language)
    notes: list[Block] = []
    if change.new_hubs:
        notes.append(
            Paragraph(
                _("Hubs without previous results: {hubs}.").format(hubs=", ".join(change.new_hubs))
            )
        )
    if change.former_hubs:
        notes.append(
            Paragraph(
                _("Hubs in the previous results only: {hubs}.").format(
                    hubs=", ".join(change.former_hubs)
                )
            )
        )
    return notes


def _level_blocks(level: LevelChange, language: str) -> list[Block]:
    _ = translator(language)
    name = _("National") if level.hub is None else level.hub
    rows = tuple(_section_row(section, language) for section in level.sections)
    return [
        Heading(name, 2),
        Table(
            header=(
                _("Section"),
                _("Previous score"),
                _("Previous status"),
                _("Score now"),
                _("Status now"),
                _("Change (points)"),
                _("Band movement"),
            ),
            rows=rows,
            # TRANSLATORS: {level} is "National" or a hub name.
            caption=_("Section scores then and now: {level}").format(level=name),
        ),
    ]


def _section_row(change: SectionChange, language: str) -> tuple[Cell, ...]:
    return (
        Cell(change.section),
        *_score_cells(change.previous, language),
        *_score_cells(change.current, language),
        Cell(format_points(change.points, language), numeric=True),
        Cell(movement_label(change.movement, language)),
    )


def _score_cells(score: Score | None, language: str) -> tuple[Cell, Cell]:
    """Return the score and status cells of one side. A side without the section shows "–"."""
    if score is None:
        return Cell(format_score(None, language), numeric=True), Cell(format_score(None, language))
    status = Cell(status_label(score.status, language), status=score.status)
    return Cell(format_score(score.percent, language), numeric=True), status
