"""Short paths for analysts: read a responses file, and render a report from results.

With :func:`ccpm_core.score` and :meth:`ccpm_core.Results.to_frame` they make
the whole job a few lines in a script or notebook::

    from ccpm_core import score
    from ccpm_plugins import read_responses, render_report

    results = score(read_responses("responses.csv"))
    frame = results.to_frame()
    render_report(results, "report.docx", cluster="Health", country="Chad")

Both functions use the same plugin host as the ``ccpm`` command line, so every
installed source and renderer works here too.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ccpm_core.disclosure import DEFAULT_MIN_CELL_SIZE

if TYPE_CHECKING:
    from ccpm_core.plugin_api import SurveySource
    from ccpm_core.questionnaire import Questionnaire
    from ccpm_core.responses import ResponseSet
    from ccpm_core.results import Results

__all__ = ["read_responses", "render_report"]


def read_responses(
    location: str | os.PathLike[str] | None = None,
    *,
    source: str | None = None,
    questionnaire: Questionnaire | None = None,
    **options: str,
) -> ResponseSet:
    """Read survey responses and match them to the questionnaire, ready for scoring.

    ``location`` is a responses file, such as ``responses.csv``. Its file name
    picks the source that reads it, unless ``source`` names one (``csv``,
    ``kobo``, ``limesurvey`` or a plugin's). A backend source takes
    its settings as keyword ``options``, named as on the command line with
    underscores (``server=..., asset=...``). Secrets such as API tokens come
    from environment variables, not from ``options``. ``questionnaire`` defaults to
    the standard CCPM questionnaire.

    Rows that cannot be scored and answers that match no option are kept in
    the returned set's ``quality``, never dropped silently.

    :raises ccpm_core.errors.InputError: the file is missing, is a folder, no
        source reads it, or an option is unknown or missing.
    """
    from ccpm_core.normalise import normalise_responses
    from ccpm_core.plugin_api import SourceRequest
    from ccpm_core.questionnaire import standard_questionnaire

    questionnaire = questionnaire or standard_questionnaire()
    path = None if location is None else os.fspath(location)
    reader = _pick_source(path, source)
    _check_options(reader, options)

    request = SourceRequest(questionnaire=questionnaire, location=path, options=dict(options))
    return normalise_responses(reader.read(request), questionnaire)


def render_report(
    results: Results,
    path: str | os.PathLike[str],
    *,
    questionnaire: Questionnaire | None = None,
    hub: str | None = None,
    language: str | None = None,
    cluster: str = "",
    country: str = "",
    date: dt.date | None = None,
    survey_period: str = "",
    min_cell_size: int = DEFAULT_MIN_CELL_SIZE,
    redact_contacts: bool = False,
) -> list[Path]:
    """Write the preliminary report of one level and return the files written, ``path`` first.

    The ending of ``path`` picks the format: ``.docx``, ``.md``, ``.html``,
    ``.xlsx`` or ``.pdf`` (PDF needs the ``pdf`` extra). ``hub`` None is the
    national level; a hub name is matched whatever its case. ``language`` is
    one of the questionnaire's languages (``en``, ``fr``, ``es`` or ``ar`` for
    the standard one), by default its first. ``questionnaire`` must be the one
    the results were scored with; it defaults to the standard questionnaire.
    ``cluster``, ``country``, ``date`` (default: today) and ``survey_period``
    go on the cover. Partner counts below ``min_cell_size`` are withheld, and
    ``redact_contacts`` removes e-mail addresses and phone numbers from comments.

    :raises ccpm_core.errors.InputError: the questionnaire does not match the
        results, the language is not the questionnaire's, or the level has no
        responses.
    :raises ccpm_core.errors.PluginError: no renderer writes files with this ending.
    """
    from ccpm_core.questionnaire import standard_questionnaire
    from ccpm_core.report_builder import ReportMetadata, build_preliminary_report
    from ccpm_plugins import plugin_host

    questionnaire = questionnaire or standard_questionnaire()
    _check_questionnaire(results, questionnaire)
    language = _check_language(questionnaire, language)
    level_hub = _level_hub(results, hub)
    output = Path(path)
    renderer = plugin_host().renderer_for_file(output.name)

    metadata = ReportMetadata(
        cluster=cluster,
        country=country,
        date=date or dt.date.today(),
        survey_period=survey_period,
    )
    model = build_preliminary_report(
        results,
        questionnaire,
        metadata,
        hub=level_hub,
        language=language,
        min_cell_size=min_cell_size,
        redact_comment_contacts=redact_contacts,
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    return renderer.render(model, output)


def _pick_source(path: str | None, name: str | None) -> SurveySource:
    from ccpm_core.errors import InputError
    from ccpm_plugins import plugin_host

    host = plugin_host()
    if name is not None:
        return host.source(name)

    if path is None:
        msg = "give a responses file, or source=NAME with that source's options"
        raise InputError(msg)
    if Path(path).is_dir():
        msg = f"{path}: is a folder; give a responses file, such as responses.csv"
        raise InputError(msg)
    if not Path(path).exists():
        msg = f"{path}: file not found; check the path"
        raise InputError(msg)

    found = host.source_for_file(path)
    if found is None:
        known = ", ".join(sorted(host.sources()))
        msg = f"{path}: no survey source reads files of this kind; name one with source= ({known})"
        raise InputError(msg)
    return found


def _check_options(reader: SurveySource, options: dict[str, str]) -> None:
    from ccpm_core.errors import InputError

    accepted = {option.name for option in reader.options}
    unknown = sorted(set(options) - accepted)
    if unknown:
        known = ", ".join(sorted(accepted)) or "none"
        msg = f"the {reader.name} source does not take {', '.join(unknown)}; it takes: {known}"
        raise InputError(msg)

    missing = [
        option.name for option in reader.options if option.required and not options.get(option.name)
    ]
    if missing:
        msg = f"the {reader.name} source needs {', '.join(missing)}; pass them as keyword arguments"
        raise InputError(msg)


def _check_questionnaire(results: Results, questionnaire: Questionnaire) -> None:
    from ccpm_core.errors import InputError

    scored_with = (results.questionnaire_id, results.questionnaire_version)
    if scored_with != (questionnaire.id, questionnaire.version):
        msg = (
            f"the results were scored with questionnaire {scored_with[0]!r} version "
            f"{scored_with[1]!r}, not {questionnaire.id!r} version {questionnaire.version!r}; "
            "pass the same questionnaire as questionnaire="
        )
        raise InputError(msg)


def _check_language(questionnaire: Questionnaire, language: str | None) -> str:
    from ccpm_core.errors import InputError, QuestionnaireError

    try:
        return questionnaire.label_language(language)
    except QuestionnaireError as error:
        raise InputError(str(error)) from None


def _level_hub(results: Results, hub: str | None) -> str | None:
    """Return the hub as the results spell it, so the report names it as the data does."""
    from ccpm_core.errors import InputError

    try:
        return results.level(hub).hub
    except KeyError as error:
        msg = f"{error.args[0]}; pass hub=None for the national level or one of those names"
        raise InputError(msg) from None
