"""Load the results of many exercises from a folder of results files or from the exercise store.

A folder contains ``ccpm.results/1`` documents as ``.json`` files (any case of
the ending, subfolders and links to folders included), each with its
``exercise`` block. Entries whose names start with a dot and files with
another ending are left out with a note, and an entry that cannot be read
is an error. A store location is a database URL (``postgresql+psycopg://…``,
``sqlite:///…``) or the path of an existing SQLite file. The store is opened
read-only and never created or upgraded. Each stored exercise contributes
its latest results, and the store gives its cluster, country and year.

Every document needs at least one level, and every level at least one
section. No level may appear twice, nor a section twice within a level. An
error names the document and the JSON path. Two documents with identical levels under
different exercise ids give a note, since one is probably a copy.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from ccpm_core.errors import InputError
from ccpm_core.labels import match_key
from ccpm_core.portfolio import ExerciseDocument, Portfolio, build_portfolio
from ccpm_core.results_document import ExerciseInfo, ResultsDocumentError, exercise_from_dict
from ccpm_plugins.portfolio.results_folder import FolderListing, list_results_folder

if TYPE_CHECKING:
    import pandas as pd

    from ccpm_core.exercise import Exercise
    from ccpm_plugins.store.store import ExerciseStore

__all__ = ["NoteSink", "echo_note", "load_portfolio", "read_portfolio", "read_results_file"]

NoteSink = Callable[[str], None]
"""Receiver of the loader's notes: one sentence each, about entries left out or copies."""

logger = logging.getLogger(__name__)

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_REMEDY = "re-create it with `ccpm score --format json`"
_SHOWN_NAMES = 5
"""How many names a note lists before it gives the count of the rest."""
_SHOWN_GROUPS = 10
"""How many groups of identical documents get a note of their own."""


def echo_note(note: str) -> None:
    """Print a loader note on stderr as ``Note: …``, for commands to pass as ``on_note``."""
    import click

    click.echo(f"Note: {note}", err=True)


def load_portfolio(
    source: str | os.PathLike[str], *, on_note: NoteSink | None = None
) -> pd.DataFrame:
    """Load the section scores of every exercise at ``source`` as one tidy DataFrame.

    ``source`` is a folder of results files or a store location. The columns
    are :data:`ccpm_core.portfolio.PORTFOLIO_COLUMNS`. Raises a CcpmError
    subclass, naming the file or location, when something cannot be read.
    ``on_note`` receives the notes described in :func:`read_portfolio`.
    """
    return read_portfolio(source, on_note=on_note).scores


def read_portfolio(source: str | os.PathLike[str], *, on_note: NoteSink | None = None) -> Portfolio:
    """Read every exercise at ``source`` (a folder or a store location) into a Portfolio.

    ``on_note`` receives one sentence for each thing the user should know
    that is not an error: entries of the folder left out, and documents with
    identical results under different ids. Without it the notes are logged
    as warnings. Raises InputError, StoreError or ResultsDocumentError naming
    the file, store or document when something cannot be read.
    """
    note = on_note if on_note is not None else logger.warning
    text = os.fspath(source)
    if "://" in text:
        return _read_store(text, note)

    path = Path(text).expanduser()
    if path.is_dir():
        return _read_folder(path, note)
    if path.is_file():
        from ccpm_plugins.store.read_only import SQLITE_HEADER

        header = _read_header(path, len(SQLITE_HEADER))
        if header == SQLITE_HEADER:
            return _read_store(str(path), note)
        raise _not_a_source(path, empty=not header)
    msg = (
        f"{text}: no such folder or store; give a folder of results files "
        "(ccpm score --format json) or the store's database URL or SQLite file"
    )
    raise InputError(msg)


def read_results_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read one results file as a JSON object; raise ResultsDocumentError naming the file.

    A leading UTF-8 byte order mark, as Windows Notepad writes, is skipped.
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

    data = data.removeprefix(_UTF8_BOM)
    if data.startswith(_UTF16_BOMS):
        msg = f"{file}: the file is encoded as UTF-16; save it as UTF-8, or {_REMEDY}"
        raise ResultsDocumentError(msg)
    # orjson parses several times faster than the json module, which matters
    # with thousands of files, and like JSON itself it rejects NaN and Infinity.
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        msg = (
            f"{file}: invalid JSON at line {error.lineno}, column {error.colno} "
            f"({error.msg}); {_REMEDY}, and write null where a figure has no value"
        )
        raise ResultsDocumentError(msg) from None
    if not isinstance(document, dict):
        msg = f"{file}: expected a JSON object (a ccpm.results/1 document); found another value"
        raise ResultsDocumentError(msg)
    return document


def _read_header(path: Path, size: int) -> bytes:
    try:
        with path.open("rb") as file:
            return file.read(size)
    except OSError as error:
        msg = f"{path}: cannot read the file ({error.strerror}); check that it is readable"
        raise InputError(msg) from None


def _not_a_source(path: Path, *, empty: bool) -> InputError:
    """Return the error for a file that is neither a folder of results files nor a store."""
    if path.suffix.lower() == ".json":
        msg = (
            f"{path}: a single file; give the folder that holds the results files "
            f"(such as {path.parent}), or a store's SQLite file or database URL"
        )
    else:
        kind = "an empty file" if empty else "a file"
        msg = (
            f"{path}: {kind}, neither a folder of results files nor an exercise store "
            "(a SQLite database); give a folder of `ccpm score --format json` outputs, "
            "or the store's SQLite file or database URL"
        )
    return InputError(msg)


# A folder of results files


def _read_folder(folder: Path, note: NoteSink) -> Portfolio:
    listing = list_results_folder(folder)
    _note_left_out(folder, listing, note)
    if not listing.files:
        msg = (
            f"{folder}: no results files (*.json) in this folder; write one per exercise "
            "with `ccpm score --format json`"
        )
        raise InputError(msg)
    return build_portfolio(_checked(_folder_documents(listing.files), note))


def _note_left_out(folder: Path, listing: FolderListing, note: NoteSink) -> None:
    if listing.hidden:
        note(
            f"{folder}: left out {_count(listing.hidden, 'entry', 'entries')} whose names "
            f"start with a dot: {_names(folder, listing.hidden)}"
        )
    if listing.other:
        note(
            f"{folder}: left out {_count(listing.other, 'file', 'files')} not ending "
            f"in .json: {_names(folder, listing.other)}"
        )
    if listing.loops:
        note(
            f"{folder}: left out {_count(listing.loops, 'link', 'links')} to a folder that "
            f"contains this one: {_names(folder, listing.loops)}"
        )


def _count(paths: Sequence[Path], singular: str, plural: str) -> str:
    return f"{len(paths)} {singular if len(paths) == 1 else plural}"


def _names(folder: Path, paths: Sequence[Path]) -> str:
    shown = ", ".join(str(path.relative_to(folder)) for path in paths[:_SHOWN_NAMES])
    more = len(paths) - _SHOWN_NAMES
    return f"{shown} and {more} more" if more > 0 else shown


def _folder_documents(files: Iterable[Path]) -> Iterator[ExerciseDocument]:
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


# Checks that need the whole document, with the file name for the message


def _checked(documents: Iterable[ExerciseDocument], note: NoteSink) -> Iterator[ExerciseDocument]:
    """Check the levels of each document and pass it on; at the end, note identical results."""
    copies: dict[bytes, list[ExerciseDocument]] = {}
    for entry in documents:
        _check_levels(entry)
        digest = _content_digest(entry)
        if digest is not None:
            copies.setdefault(digest, []).append(entry)
        yield entry

    groups = [group for group in copies.values() if len({e.exercise.id for e in group}) > 1]
    for group in groups[:_SHOWN_GROUPS]:
        sources = [entry.source for entry in group]
        ids = sorted({entry.exercise.id for entry in group})
        shown = ", ".join(sources[:_SHOWN_NAMES])
        more = f" and {len(sources) - _SHOWN_NAMES} more" if len(sources) > _SHOWN_NAMES else ""
        note(
            f"{shown}{more} hold identical results (every level and score) under "
            f"{len(ids)} exercise ids ({', '.join(map(repr, ids[:_SHOWN_NAMES]))}"
            f"{', …' if len(ids) > _SHOWN_NAMES else ''}); all are counted, so remove "
            "any that is a copy"
        )
    if len(groups) > _SHOWN_GROUPS:
        note(f"{len(groups) - _SHOWN_GROUPS} more groups of documents hold identical results")


def _check_levels(entry: ExerciseDocument) -> None:
    """Raise ResultsDocumentError for no levels, a level twice, or a level without sections.

    Fields of the wrong type are left to :func:`build_portfolio`, which names them.
    """
    levels = entry.document.get("levels")
    if not isinstance(levels, list):
        return
    if not levels:
        msg = (
            f"{entry.source}: $.levels: empty; results have a national level at least, "
            f"so the document was cut or edited: {_REMEDY}"
        )
        raise ResultsDocumentError(msg)

    first_index: dict[str | None, int] = {}
    for index, level in enumerate(levels):
        if not isinstance(level, Mapping):
            continue
        path = f"$.levels[{index}]"
        hub = level.get("hub")
        if "hub" in level and (hub is None or isinstance(hub, str)):
            key = None if hub is None else match_key(hub)
            first = first_index.setdefault(key, index)
            if first != index:
                name = "the national level (hub null)" if hub is None else f"hub {hub!r}"
                msg = (
                    f"{entry.source}: {path}: {name} again, after $.levels[{first}]; "
                    f"each level appears once, so merge or remove one, or {_REMEDY}"
                )
                raise ResultsDocumentError(msg)
        _check_sections(level.get("sections"), path, entry.source)


def _check_sections(sections: Any, path: str, source: str) -> None:
    if not isinstance(sections, list):
        return
    if not sections:
        # A level without sections would vanish from the per-section frame, and
        # its response rates with it. ccpm score writes all 13 sections, with
        # status no_data where nothing was scored.
        msg = (
            f"{source}: {path}.sections: empty; `ccpm score` writes every section, with "
            f"status no_data where nothing was scored, so the document was cut or "
            f"edited: {_REMEDY}"
        )
        raise ResultsDocumentError(msg)

    first_index: dict[str, int] = {}
    for index, section in enumerate(sections):
        section_id = section.get("id") if isinstance(section, Mapping) else None
        if not isinstance(section_id, str):
            continue
        first = first_index.setdefault(section_id, index)
        if first != index:
            msg = (
                f"{source}: {path}.sections[{index}]: section {section_id!r} again, after "
                f"{path}.sections[{first}]; remove one of them, or {_REMEDY}"
            )
            raise ResultsDocumentError(msg)


def _content_digest(entry: ExerciseDocument) -> bytes | None:
    """Return a digest of the levels the portfolio takes from ``entry``.

    Keys stay in document order, because ccpm writes them in a fixed order and
    sorting them makes the encoding about 1.5 times slower. None is returned for
    levels orjson cannot encode (integers beyond 64 bits, from a store),
    which are then not compared.
    """
    levels = entry.document.get("levels")
    if entry.hubs is not None and isinstance(levels, list):
        levels = [
            level
            for level in levels
            if isinstance(level, Mapping) and level.get("hub") in entry.hubs
        ]
    try:
        encoded = orjson.dumps(levels)
    except orjson.JSONEncodeError:
        return None
    return hashlib.blake2b(encoded, digest_size=16).digest()


# The exercise store


def _read_store(location: str, note: NoteSink) -> Portfolio:
    from ccpm_plugins.store.read_only import open_store_read_only

    with open_store_read_only(location) as store:
        documents = _store_documents(store)
    return build_portfolio(_checked(documents, note))


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
