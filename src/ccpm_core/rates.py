"""Response rates: how many cluster partners answered, against the coordinator's counts.

The overall rate divides partner responses by the number of organisations in
the cluster; the effective rate divides them by the average number of
organisations attending meetings. Both come from the coordinator's answers at
the same level, in total and per organisation type. CCPM sets no minimum rate,
so a low rate is shown, never rejected.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ccpm_core.framework import Instrument
from ccpm_core.questionnaire import PROFILE_ORGANISATION_TYPE, CountKind, QuestionKind

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from ccpm_core.responses import ResponseSet

__all__ = ["RateFigure", "ResponseRates", "TypeRates", "response_rates"]


@attrs.frozen
class RateFigure:
    """Partner responses against a base count; ``percent`` is None when the base is unknown or 0."""

    responses: int
    base: float | None

    @property
    def percent(self) -> float | None:
        """Responses as a percentage of the base."""
        if self.base is None or self.base <= 0:
            return None
        return 100 * self.responses / self.base

    @property
    def exceeds_base(self) -> bool:
        """Whether more partners answered than the base counts, a sign the counts are off."""
        return self.base is not None and self.responses > self.base

    def to_dict(self) -> dict[str, Any]:
        """Return the figure as a JSON-ready mapping."""
        return {"responses": self.responses, "base": self.base, "percent": self.percent}


@attrs.frozen
class TypeRates:
    """Overall and effective rates for one organisation type."""

    organisation_type: str
    overall: RateFigure
    effective: RateFigure


@attrs.frozen
class ResponseRates:
    """Response rates of one level, in total and per organisation type.

    Partners whose organisation type is not known count in the totals only,
    and ``partners_without_type`` counts them.
    """

    overall: RateFigure
    effective: RateFigure
    by_type: tuple[TypeRates, ...]
    partners_without_type: int
    coordinators_reporting: int
    """Coordinator responses at this level that gave at least one count."""
    types_without_count: tuple[str, ...] = ()
    """Organisation types with partner responses but no count from the coordinator.

    While any type is listed here, the total rates have no base: dividing all
    partner responses by the counts of the other types alone would overstate them.
    """

    @property
    def types_above_base(self) -> tuple[str, ...]:
        """Organisation types where more partners answered than the coordinator counted."""
        return tuple(
            rates.organisation_type
            for rates in self.by_type
            if rates.overall.exceeds_base or rates.effective.exceeds_base
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the rates as they appear in ``ccpm.results/1``."""
        return {
            "overall": self.overall.to_dict(),
            "effective": self.effective.to_dict(),
            "by_organisation_type": [
                {
                    "organisation_type": rates.organisation_type,
                    "overall": rates.overall.to_dict(),
                    "effective": rates.effective.to_dict(),
                }
                for rates in self.by_type
            ],
            "partners_without_type": self.partners_without_type,
            "coordinators_reporting": self.coordinators_reporting,
            "types_without_count": list(self.types_without_count),
        }


def response_rates(responses: ResponseSet, rows: npt.NDArray[np.intp]) -> ResponseRates:
    """Compute the response rates of the respondents at positions ``rows`` (one level).

    When several coordinators answered at one level, as co-leads may, each
    count is the mean of their answers.
    """
    import numpy as np

    questionnaire = responses.questionnaire
    instruments = responses.instrument[rows]
    is_partner = instruments == Instrument.PARTNER
    is_coordinator = instruments == Instrument.COORDINATOR
    partner_types = responses.organisation_type[rows][is_partner]

    type_scale = questionnaire.scale_of(questionnaire.question(PROFILE_ORGANISATION_TYPE))
    type_codes = [option.code for option in type_scale.options]
    count_questions = [
        question
        for question in questionnaire.questions_of(QuestionKind.PROFILE, Instrument.COORDINATOR)
        if question.count is not None
    ]

    def base_of(kind: CountKind, organisation_type: str) -> float | None:
        answers: list[float] = []
        for question in count_questions:
            if question.count is kind and question.organisation_type == organisation_type:
                column = responses.counts.get(question.code)
                if column is not None:
                    answers.extend(column[rows][is_coordinator].tolist())
        given = [value for value in answers if not math.isnan(value)]
        return sum(given) / len(given) if given else None

    by_type: list[TypeRates] = []
    for code in type_codes:
        answered = int(np.count_nonzero(partner_types == code))
        by_type.append(
            TypeRates(
                organisation_type=code,
                overall=RateFigure(answered, base_of(CountKind.ORGANISATIONS, code)),
                effective=RateFigure(answered, base_of(CountKind.ATTENDING, code)),
            )
        )

    partners = int(np.count_nonzero(is_partner))
    uncounted = tuple(
        t.organisation_type for t in by_type if t.overall.responses and t.overall.base is None
    )
    overall_base = None if uncounted else _total([t.overall.base for t in by_type])
    effective_base = None if uncounted else _total([t.effective.base for t in by_type])
    return ResponseRates(
        overall=RateFigure(partners, overall_base),
        effective=RateFigure(partners, effective_base),
        by_type=tuple(by_type),
        partners_without_type=sum(1 for value in partner_types.tolist() if value is None),
        coordinators_reporting=_coordinators_reporting(responses, rows, is_coordinator),
        types_without_count=uncounted,
    )


def _total(bases: Sequence[float | None]) -> float | None:
    given = [base for base in bases if base is not None]
    return sum(given) if given else None


def _coordinators_reporting(
    responses: ResponseSet, rows: npt.NDArray[np.intp], is_coordinator: npt.NDArray[np.bool_]
) -> int:
    import numpy as np

    if not responses.counts:
        return 0
    stacked = np.column_stack(
        [column[rows][is_coordinator] for column in responses.counts.values()]
    )
    return int(np.count_nonzero(~np.isnan(stacked).all(axis=1)))
