"""Load the results of many exercises from a folder of results files or from the exercise store.

A folder holds ``ccpm.results/1`` documents as ``*.json`` files (subfolders
included), each with its ``exercise`` block. A store location is a database
URL (``postgresql+psycopg://…``, ``sqlite:///…``) or the path of an existing
SQLite file. Each stored exercise contributes its latest results, and the
store gives its cluster, country and year.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from ccpm_core.errors import InputError
from ccpm_core.labels import match_key
from ccpm_core.portfolio import ExerciseDocument, Portfolio, build_portfolio
from ccpm_core.results_document import ExerciseInfo, ResultsDocumentError, exercise_from_dict

if TYPE_CHECKING:
    import pandas as pd

    from ccpm_core.exercise import Exercise
    from ccpm_plugins.store.store import ExerciseStore

__all__ = ["load_portfolio", "read_portfolio", "read_results_file"]


def load_portfolio(source: str | os.PathLike[str]) -> pd.DataFrame:
    """Load the section scores of every exercise at ``source`` as one tidy DataFrame.

    ``source`` is a folder of results files or a store location. The columns
    are :data:`ccpm_core.portfolio.PORTFOLIO_COLUMNS`. Raises a CcpmError
    subclass, naming the file or location, when nothing can be read.
    """
    return read_portfolio(source).scores


def read_portfolio(source: str | os.PathLike[str]) -> Portfolio:
    """Read every exercise at ``source`` (a folder or a store location) into a Portfolio."""
    text = os.fspath(source)
    path = Path(text).expanduser()
    if "://" not in text and path.is_dir():
        return build_portfolio(_folder_documents(path))
    if "://" in text or path.is_file():
        return _read_store(text)
    msg = (
        f"{text}: no such folder or store; give a folder of results files "
        "(ccpm score --format json) or the store's database URL or SQLite file"
    )
    raise InputError(msg)


def read_results_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read one results file as a JSON object; raise ResultsDocumentError naming the file.

    The document is not checked beyond being a JSON object: pass it to
    :func:`ccpm_core.results_document.results_from_dict` for that.
    """
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as error:
        msg = (
            f"{file}: cannot read the file ({error.strerror}); check that it exists and is readable"
        )
        raise InputError(msg) from None
    # orjson parses several times faster than the json module, which matters
    # with thousands of files, and like JSON itself it rejects NaN and Infinity.
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        msg = (
            f"{file}: invalid JSON at line {error.lineno}, column {error.colno} "
            f"({error.msg}); re-create it with `ccpm score --format json`, and write "
            "null where a figure has no value"
        )
        raise ResultsDocumentError(msg) from None
    if not isinstance(document, dict):
        msg = f"{file}: expected a JSON object (a ccpm.results/1 document); found another value"
        raise ResultsDocumentError(msg)
    return document


def _folder_documents(folder: Path) -> Iterator[ExerciseDocument]:
    files = sorted(file for file in folder.rglob("*.json") if file.is_file())
    if not files:
        msg = (
            f"{folder}: no results files (*.json) in this folder; write one per exercise "
            "with `ccpm score --format json`"
        )
        raise InputError(msg)
    for file in files:
        document = read_results_file(file)
        exercise = exercise_from_dict(document, str(file))
        if exercise is None:
            msg = (
                f"{file}: $.exercise: missing; the portfolio needs to know which exercise "
                "these results belong to. Score again with --exercise-id, --cluster, "
                "--country and --year, or add the exercise block by hand"
            )
            raise ResultsDocumentError(msg)
        yield ExerciseDocument(exercise=exercise, document=document, source=str(file))


def _read_store(location: str) -> Portfolio:
    from ccpm_plugins.store.store import open_store

    with open_store(location) as store:
        return build_portfolio(_store_documents(store))


def _store_documents(store: ExerciseStore) -> list[ExerciseDocument]:
    exercises = store.exercises()
    if not exercises:
        msg = f"the store {store.where} has no exercises; add them with `ccpm exercise new`"
        raise InputError(msg)
    results = store.all_latest_results()
    by_id = {exercise.id: exercise for exercise in exercises}

    # A hub exercise's own results replace the same hub's level in its national
    # exercise's results, so that no level counts twice.
    scored_hubs: dict[int, set[str]] = {}
    for exercise in exercises:
        if exercise.hub is not None and exercise.national_id is not None and exercise.id in results:
            scored_hubs.setdefault(exercise.national_id, set()).add(match_key(exercise.hub))

    documents: list[ExerciseDocument] = []
    for exercise in exercises:
        if exercise.id is None or exercise.id not in results:
            continue
        stored = results[exercise.id]
        national = by_id.get(exercise.national_id) if exercise.national_id is not None else None
        info = _store_exercise_info(exercise, national, stored.document, store.where)
        if exercise.hub is not None:
            hubs: tuple[str | None, ...] | None = (exercise.hub,)
        else:
            hubs = _levels_without(stored.document, scored_hubs.get(exercise.id, set()))
        documents.append(
            ExerciseDocument(
                exercise=info,
                document=stored.document,
                source=f"{store.where}, exercise {exercise.id}",
                hubs=hubs,
            )
        )
    if not documents:
        msg = (
            f"the store {store.where} has {len(exercises)} exercises but no results; "
            "results are stored when `ccpm action-plan draft` scores an exercise"
        )
        raise InputError(msg)
    return documents


def _levels_without(document: dict[str, Any], excluded: set[str]) -> tuple[str | None, ...] | None:
    """Return the levels of ``document`` whose hub is not in ``excluded``; None keeps all."""
    if not excluded:
        return None
    levels = document.get("levels")
    hubs = [level.get("hub") for level in levels or () if isinstance(level, dict)]
    return tuple(
        hub
        for hub in hubs
        if hub is None or (isinstance(hub, str) and match_key(hub) not in excluded)
    )


def _store_exercise_info(
    exercise: Exercise, national: Exercise | None, document: dict[str, Any], where: str
) -> ExerciseInfo:
    """Return the portfolio identity of a stored exercise: hubs take their national exercise's."""
    owner = national if national is not None else exercise
    opened = owner.survey_opened_at or owner.created_at
    block = exercise_from_dict(document, f"{where}, exercise {exercise.id}")
    region = block.region if block is not None else None
    return ExerciseInfo(
        id=str(owner.id),
        cluster=owner.cluster,
        country=owner.country,
        year=opened.year,
        region=region,
        survey_date=opened.date(),
    )
