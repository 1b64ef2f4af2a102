"""Command-line options that name the exercise a results document belongs to.

``ccpm score --format json`` takes them and writes the ``exercise`` block of
``ccpm.results/1``, which the portfolio needs to tell exercises apart.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, MutableMapping
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ccpm_core.labels import match_key

if TYPE_CHECKING:
    from ccpm_core.results_document import ExerciseInfo

__all__ = ["default_exercise_id", "exercise_options", "pop_exercise_info"]

F = TypeVar("F", bound=Callable[..., Any])

_OPTION_NAMES = (
    "exercise_id",
    "exercise_cluster",
    "exercise_country",
    "exercise_region",
    "exercise_year",
    "exercise_survey_date",
)


def exercise_options(function: F) -> F:
    """Add --exercise-id, --cluster, --country, --region, --year and --survey-date."""
    options = [
        click.option(
            "--survey-date",
            "exercise_survey_date",
            type=click.DateTime(formats=["%Y-%m-%d"]),
            help="Date the survey opened (YYYY-MM-DD); sets the year when --year is not given.",
        ),
        click.option(
            "--year",
            "exercise_year",
            type=click.IntRange(1900, 9999),
            help="Year the exercise ran, such as 2026.",
        ),
        click.option(
            "--region",
            "exercise_region",
            help="Region of the country; default: its UN M49 region, or 'Unknown'.",
        ),
        click.option("--country", "exercise_country", help="Country or operation of the exercise."),
        click.option(
            "--cluster", "exercise_cluster", help="Cluster of the exercise, such as Health."
        ),
        click.option(
            "--exercise-id",
            "exercise_id",
            help="Identifier of the exercise in results documents; default: country, cluster "
            "and year, such as south-sudan-health-2026.",
        ),
    ]
    for option in options:
        function = option(function)
    return function


def pop_exercise_info(options: MutableMapping[str, Any]) -> ExerciseInfo | None:
    """Remove the exercise options from ``options`` and return the exercise they name.

    Returns None when none was given. Raises click.UsageError when some were
    given but the cluster, the country, or both the year and the survey date
    are missing.
    """
    # Imported here, so that ``ccpm --help`` does not load the results model.
    from ccpm_core.results_document import ExerciseInfo

    values = {name: options.pop(name, None) for name in _OPTION_NAMES}
    if all(value is None for value in values.values()):
        return None

    cluster = _text(values["exercise_cluster"])
    country = _text(values["exercise_country"])
    survey_datetime: dt.datetime | None = values["exercise_survey_date"]
    survey_date = None if survey_datetime is None else survey_datetime.date()
    year: int | None = values["exercise_year"]
    if year is None and survey_date is not None:
        year = survey_date.year

    missing = [
        option
        for option, value in (("--cluster", cluster), ("--country", country), ("--year", year))
        if not value
    ]
    if missing:
        msg = (
            f"the exercise options need {', '.join(missing)} as well (--year may come from "
            "--survey-date); give them, or leave out every exercise option"
        )
        raise click.UsageError(msg)
    assert year is not None  # checked with the missing options above

    if survey_date is not None and survey_date.year != year:
        msg = f"--year {year} differs from the year of --survey-date {survey_date.isoformat()}"
        raise click.UsageError(msg)

    exercise_id = _text(values["exercise_id"]) or default_exercise_id(country, cluster, year)
    region = _text(values["exercise_region"]) or None
    return ExerciseInfo(
        id=exercise_id,
        cluster=cluster,
        country=country,
        year=year,
        region=region,
        survey_date=survey_date,
    )


def default_exercise_id(country: str, cluster: str, year: int) -> str:
    """Return an exercise id made of the country, the cluster and the year.

    >>> default_exercise_id("South Sudan", "Health", 2026)
    'south-sudan-health-2026'
    """
    parts = [match_key(country), match_key(cluster), str(year)]
    return "-".join(re.sub(r"[^\w]+", "-", part).strip("-") for part in parts)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
