"""A realistic, synthetic CCPM survey for demonstrations, tutorials and tests.

The sample has a national level and two sub-national hubs, about 60 partners
and one coordinator per level, answers that spread over every status band,
special answers, open comments, and the small blemishes real exports carry: a
blank row, answers typed as labels instead of codes, and one answer that
matches no option. It is generated from a fixed seed, so it is the same on
every machine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ccpm_core.framework import SECTION_IDS, Instrument
from ccpm_core.questionnaire import (
    PROFILE_HUB,
    PROFILE_INSTRUMENT,
    PROFILE_ORGANISATION_TYPE,
    CountKind,
    QuestionKind,
    Questionnaire,
    standard_questionnaire,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["SAMPLE_LEVELS", "sample_responses"]

SAMPLE_LEVELS: tuple[tuple[str, int], ...] = (("", 62), ("North-East hub", 58), ("Coastal hub", 55))
"""(hub, number of partners) per level of the sample; an empty hub is the national level."""

# Mean answer value (0 to 4) per section at each level, chosen so that the
# sample shows every status somewhere.
_SECTION_MEANS: dict[str, tuple[float, ...]] = {
    "": (3.4, 2.9, 2.6, 2.2, 3.1, 2.8, 3.0, 1.6, 2.4, 1.0, 2.7, 1.8, 1.4),
    "North-East hub": (3.0, 2.4, 2.0, 2.6, 2.2, 2.1, 2.7, 1.2, 1.9, 0.8, 2.2, 2.4, 1.1),
    "Coastal hub": (3.6, 3.2, 3.1, 2.9, 3.3, 3.2, 3.4, 2.4, 3.0, 2.0, 3.1, 2.9, 2.3),
}

_PARTNER_TYPES = (
    ("international_ngo", 0.30),
    ("national_ngo", 0.34),
    ("un_agency", 0.12),
    ("national_authority", 0.08),
    ("donor", 0.04),
    ("red_cross_red_crescent", 0.05),
    ("academia", 0.03),
    ("other", 0.04),
)

_COMMENTS: dict[int, tuple[str, ...]] = {
    1: (
        "Meetings are useful but too long; a shorter agenda with action points would help.",
        "Sub-national meetings clash with the national one every other week.",
        "The 4W matrix is updated, but few partners see how it is used.",
        "Meeting minutes arrive two weeks late, after the next meeting is planned.",
        "Interpretation into the local language would let more national NGOs take part.",
        "The cluster helped us avoid duplicating distributions in two districts.",
    ),
    2: (
        "Joint assessments happened in the first month only.",
        "Gap analysis is shared late, after allocation decisions are taken.",
        "Good use of the needs overview; disability data is still missing.",
        "Assessment tools differ between agencies, so results cannot be compared.",
        "Cross-cutting issues are discussed, but age and gender data are rarely used.",
    ),
    3: (
        "The response plan was written by a few agencies; national NGOs were consulted late.",
        "Allocation criteria for the pooled fund are not clear to all partners.",
        "Technical standards were agreed and translated, which helped field teams.",
        "The plan has no exit strategy yet.",
        "Funding updates are shared every month, which helps our own planning.",
    ),
    4: (
        "Advocacy on access constraints should be coordinated with the HCT.",
        "We were not aware of any joint advocacy message this year.",
        "The joint statement on attacks on health care was well prepared.",
        "Partners would like to be consulted before key messages are sent to donors.",
    ),
    5: (
        "Monthly dashboards are helpful; indicators change too often.",
        "Reporting templates are long for small organisations.",
        "Progress against the plan is reported, but corrective action is rarely agreed.",
        "The bulletin reflects our data accurately.",
    ),
    6: (
        "The contingency plan exists but partners have not seen the latest version.",
        "Early warning information arrives by e-mail only; a shared channel would help.",
        "Pre-positioned stocks were mapped before the rainy season, which worked well.",
        "Preparedness is discussed once a year, which is not enough in flood season.",
    ),
    7: (
        "Complaint mechanisms exist per agency but findings are not discussed in the cluster.",
        "Community feedback should be a standing agenda item.",
        "A joint hotline would avoid communities being asked the same questions twice.",
        "Feedback from women's groups led to changes in distribution times.",
    ),
}

# (organisations in the cluster, average number attending meetings) per type at
# the national level; hubs have a little fewer of each.
_COUNTS_PER_TYPE = {
    "international_ngo": (28, 22.0),
    "national_ngo": (34, 26.0),
    "un_agency": (12, 10.0),
    "national_authority": (8, 5.0),
    "donor": (6, 3.0),
    "red_cross_red_crescent": (6, 5.0),
    "academia": (4, 2.0),
    "other": (5, 3.0),
}


def sample_responses(questionnaire: Questionnaire | None = None, seed: int = 2026) -> pd.DataFrame:
    """Return a synthetic survey in the canonical layout, every cell as text.

    Columns are ``instrument``, ``hub``, ``organisation_type``, then one per
    question of ``questionnaire`` (the standard one by default).
    """
    import numpy as np
    import pandas as pd

    questionnaire = questionnaire or standard_questionnaire()
    rng = np.random.default_rng(seed)
    columns = [question.code for question in questionnaire.questions]
    records: list[dict[str, str]] = []

    for hub, partners in SAMPLE_LEVELS:
        for _ in range(partners):
            records.append(_respondent(questionnaire, rng, hub, Instrument.PARTNER))
        records.append(_respondent(questionnaire, rng, hub, Instrument.COORDINATOR))

    _add_blemishes(questionnaire, records)
    table = [[record.get(column, "") for column in columns] for record in records]
    return pd.DataFrame(table, columns=columns, dtype=str)


def _respondent(
    questionnaire: Questionnaire, rng: np.random.Generator, hub: str, instrument: Instrument
) -> dict[str, str]:
    record: dict[str, str] = {
        PROFILE_INSTRUMENT: instrument.value,
        PROFILE_HUB: hub,
        PROFILE_ORGANISATION_TYPE: _organisation_type(rng, instrument),
    }
    # Each respondent leans a little above or below the level's profile.
    leaning = float(rng.normal(0.0, 0.45))
    means = dict(zip(SECTION_IDS, _SECTION_MEANS[hub], strict=True))

    for question in questionnaire.questions_of(QuestionKind.RATING, instrument):
        section = questionnaire.section_of(question)
        record[question.code] = _answer(questionnaire, question.code, means[section] + leaning, rng)

    for question in questionnaire.questions_of(QuestionKind.COMMENT, instrument):
        pool = _COMMENTS.get(question.function or 0, ())
        if pool and rng.random() < 0.08:
            record[question.code] = pool[int(rng.integers(len(pool)))]

    if instrument is Instrument.COORDINATOR:
        scale = 1.0 if hub == "" else 0.9
        for question in questionnaire.questions_of(QuestionKind.PROFILE, instrument):
            if question.count is None or question.organisation_type is None:
                continue
            organisations, attending = _COUNTS_PER_TYPE.get(question.organisation_type, (0, 0.0))
            value = organisations if question.count is CountKind.ORGANISATIONS else attending
            # Organisations are counted whole; average attendance may be a half.
            step = 1 if question.count is CountKind.ORGANISATIONS else 2
            record[question.code] = f"{round(value * scale * step) / step:g}"
    return record


def _organisation_type(rng: np.random.Generator, instrument: Instrument) -> str:
    if instrument is Instrument.COORDINATOR:
        return "un_agency"
    codes = [code for code, _ in _PARTNER_TYPES]
    weights = [weight for _, weight in _PARTNER_TYPES]
    return codes[int(rng.choice(len(codes), p=weights))]


def _answer(
    questionnaire: Questionnaire, code: str, target: float, rng: np.random.Generator
) -> str:
    scale = questionnaire.scale_of(questionnaire.question(code))
    scored = [option for option in scale.options if option.value is not None]
    specials = [option for option in scale.options if option.special is not None]

    roll = rng.random()
    if roll < 0.04:
        return ""
    if specials and roll < 0.11:
        return specials[int(rng.integers(len(specials)))].code

    # Pick the scored option nearest to a noisy draw around the target.
    draw = target + float(rng.normal(0.0, 0.8))
    option = min(scored, key=lambda o: abs((o.value or 0.0) - draw))
    if rng.random() < 0.08:
        return questionnaire.label(option.label)
    return option.code


def _add_blemishes(questionnaire: Questionnaire, records: list[dict[str, str]]) -> None:
    """Add what real exports carry: a blank row, label spellings and one stray value."""
    partner_codes = [
        question.code
        for question in questionnaire.questions_of(QuestionKind.RATING, Instrument.PARTNER)
    ]
    first = partner_codes[0]
    records[3][first] = "5"
    records[7][first] = "  " + records[7][first].upper() + " "
    records.insert(20, {})
