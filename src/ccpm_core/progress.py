"""Response counts while a survey is open: by level, instrument and organisation type.

Global cluster units count responses during the survey to tell coordinators
whom to remind. A count needs only the profile answers, so sources may read
just those; the rates use the coordinator's organisation counts when the
coordinator has already answered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from ccpm_core.framework import Instrument
from ccpm_core.questionnaire import PROFILE_ORGANISATION_TYPE
from ccpm_core.rates import ResponseRates, response_rates

if TYPE_CHECKING:
    from ccpm_core.responses import ResponseSet

__all__ = ["LevelProgress", "SurveyProgress", "survey_progress"]


@attrs.frozen
class LevelProgress:
    """Counts of one level: partners by organisation type, coordinators, and the rates."""

    hub: str | None
    partners: int
    coordinators: int
    partners_by_type: tuple[tuple[str, int], ...]
    """Partner responses per organisation type code, every type listed; None for not given."""
    rates: ResponseRates

    def to_dict(self) -> dict[str, Any]:
        """Return the counts as a JSON-ready mapping."""
        return {
            "hub": self.hub,
            "partners": self.partners,
            "coordinators": self.coordinators,
            "partners_by_organisation_type": dict(self.partners_by_type),
            "response_rates": self.rates.to_dict(),
        }


@attrs.frozen
class SurveyProgress:
    """Counts of one group of responses (such as complete ones) at every level."""

    group: str
    levels: tuple[LevelProgress, ...]
    excluded: dict[str, int]
    """Rows set aside, per exclusion reason."""

    @property
    def partners(self) -> int:
        """Partner responses at all levels together."""
        return sum(level.partners for level in self.levels)

    @property
    def coordinators(self) -> int:
        """Coordinator responses at all levels together."""
        return sum(level.coordinators for level in self.levels)

    def to_dict(self) -> dict[str, Any]:
        """Return the progress as a JSON-ready mapping."""
        return {
            "group": self.group,
            "partners": self.partners,
            "coordinators": self.coordinators,
            "levels": [level.to_dict() for level in self.levels],
            "excluded": dict(self.excluded),
        }


def survey_progress(responses: ResponseSet, group: str = "responses") -> SurveyProgress:
    """Count the responses of a response set at each level."""
    import numpy as np

    questionnaire = responses.questionnaire
    type_scale = questionnaire.scale_of(questionnaire.question(PROFILE_ORGANISATION_TYPE))
    type_codes: list[str | None] = [option.code for option in type_scale.options]

    levels: list[LevelProgress] = []
    hubs = responses.hub.tolist()
    for hub in responses.hubs:
        rows = np.asarray([i for i, value in enumerate(hubs) if value == hub], dtype=np.intp)
        instruments = responses.instrument[rows]
        partner_types = responses.organisation_type[rows][instruments == Instrument.PARTNER]
        by_type = [
            (str(code), sum(1 for value in partner_types.tolist() if value == code))
            for code in type_codes
        ]
        unknown = sum(1 for value in partner_types.tolist() if value is None)
        if unknown:
            by_type.append(("not_given", unknown))
        levels.append(
            LevelProgress(
                hub=hub,
                partners=len(partner_types),
                coordinators=int(np.count_nonzero(instruments == Instrument.COORDINATOR)),
                partners_by_type=tuple(by_type),
                rates=response_rates(responses, rows),
            )
        )
    return SurveyProgress(
        group=group, levels=tuple(levels), excluded=responses.quality.exclusion_counts()
    )
