"""Opening an existing exercise store for reading, without creating, upgrading or writing it.

Commands that only read, such as ``ccpm dashboard`` and ``ccpm annual-report``,
open the store here. A SQLite file opens in SQLite's read-only mode and a
PostgreSQL session starts with ``default_transaction_read_only``, so a
mistyped location leaves no new database behind and a write fails instead
of changing the store.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError

from ccpm_core.exercise_errors import StoreError
from ccpm_plugins.store.location import display_url, resolve_store_url
from ccpm_plugins.store.migrate import current_revision, migration_config
from ccpm_plugins.store.store import ExerciseStore

__all__ = ["SQLITE_HEADER", "is_sqlite_file", "open_store_read_only"]

SQLITE_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite 3 database file."""

_CREATE_HINT = "create one with `ccpm exercise new --store {location}`"


def is_sqlite_file(path: Path) -> bool:
    """Return True when ``path`` is a file that starts with the SQLite 3 header."""
    try:
        with path.open("rb") as file:
            return file.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def open_store_read_only(location: str | sa.URL) -> ExerciseStore:
    """Open the existing store at ``location`` read-only, without creating, upgrading or writing it.

    ``location`` is a database URL or a SQLite file path, as for
    :func:`~ccpm_plugins.store.location.resolve_store_url`. Raises StoreError,
    naming the store, when it does not exist, is not an exercise store, has a
    schema revision other than this ccpm's newest, or cannot be read.
    """
    url = location if isinstance(location, sa.URL) else resolve_store_url(location)
    where = display_url(url)
    if url.get_backend_name() == "sqlite":
        engine = _sqlite_engine(url, where)
    else:
        # A server-side setting, so every transaction of the session rejects writes.
        engine = sa.create_engine(
            url, connect_args={"options": "-c default_transaction_read_only=on"}
        )

    try:
        with engine.connect() as connection:
            _check_revision(current_revision(connection), where)
    except DBAPIError as error:
        engine.dispose()
        msg = f"cannot open the store {where}: {_first_line(error.orig)}"
        raise StoreError(msg) from None
    except StoreError:
        engine.dispose()
        raise
    return ExerciseStore(engine, where)


def _sqlite_engine(url: sa.URL, where: str) -> sa.Engine:
    """Return an engine on the existing SQLite file of ``url``, opened in read-only mode."""
    database = url.database
    if not database or database == ":memory:":
        msg = (
            f"no exercise store at {where}: an in-memory SQLite database is always empty; "
            "give the store's file path or database URL"
        )
        raise StoreError(msg)

    path = Path(database)
    if not path.exists():
        msg = f"no exercise store at {path}; " + _CREATE_HINT.format(location=path)
        raise StoreError(msg)
    if not path.is_file():
        msg = f"{path}: not a file; an exercise store is a SQLite file or a database URL"
        raise StoreError(msg)
    if not is_sqlite_file(path):
        msg = (
            f"{path}: not an exercise store (the file is not a SQLite database); give the "
            "store's file or database URL, or " + _CREATE_HINT.format(location="NEW-FILE")
        )
        raise StoreError(msg)

    # A URI with mode=ro makes SQLite reject writes and never create the file.
    # Path.as_uri percent-encodes characters such as '?' and '#' in the name.
    uri = f"{path.absolute().as_uri()}?mode=ro"
    engine = sa.create_engine("sqlite+pysqlite://", creator=lambda: sqlite3.connect(uri, uri=True))
    event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


def _enable_sqlite_foreign_keys(connection: sqlite3.Connection, _record: object) -> None:
    connection.execute("PRAGMA foreign_keys=ON")


def _check_revision(found: str | None, where: str) -> None:
    """Raise StoreError unless the database carries this ccpm's newest schema revision."""
    scripts = ScriptDirectory.from_config(migration_config())
    head = scripts.get_current_head()
    if found == head:
        return

    known = {script.revision for script in scripts.walk_revisions()}
    if found is None:
        msg = (
            f"no exercise store at {where}: the database has no ccpm tables; give the "
            "store's file or database URL, or " + _CREATE_HINT.format(location=where)
        )
    elif found in known:
        msg = (
            f"the store {where} has the older schema revision {found!r}; upgrade it by "
            f"running a command that opens it for writing, such as `ccpm exercise list --store "
            f"{where}`, then try again"
        )
    else:
        msg = (
            f"the store {where} has schema revision {found!r}, which this version of ccpm "
            "does not know; it was written by a newer ccpm, so upgrade ccpm to open it"
        )
    raise StoreError(msg)


def _first_line(error: object) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
