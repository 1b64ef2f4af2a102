"""The exercise store location: a database URL, a SQLite file path, or the default file.

The location comes from the ``--store`` option, else the ``CCPM_STORE``
environment variable, else ``exercises.sqlite3`` in the user's data folder
(for example ``~/.local/share/ccpm`` on Linux). A value with ``://`` is a
SQLAlchemy URL, such as ``postgresql+psycopg://user@host/db``; anything else
is the path of a SQLite file. A URL may hold a password, so messages show it
masked.
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import ArgumentError

from ccpm_core.exercise_errors import StoreError

__all__ = [
    "DEFAULT_FILE_NAME",
    "STORE_ENV_VAR",
    "default_store_path",
    "display_url",
    "resolve_store_url",
]

STORE_ENV_VAR = "CCPM_STORE"
DEFAULT_FILE_NAME = "exercises.sqlite3"

_SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def default_store_path() -> Path:
    """Return the default SQLite file in the user's data folder."""
    import platformdirs

    return Path(platformdirs.user_data_dir("ccpm", appauthor=False)) / DEFAULT_FILE_NAME


def resolve_store_url(location: str | None = None) -> sa.URL:
    """Return the database URL of ``location``, of ``CCPM_STORE``, or of the default file.

    A ``postgresql://`` URL without a driver gets the psycopg 3 driver. Raises
    StoreError for a URL that cannot be parsed or names another database.
    """
    value = location if location else os.environ.get(STORE_ENV_VAR, "")
    if not value.strip():
        return _sqlite_url(default_store_path())
    if "://" not in value:
        return _sqlite_url(Path(value).expanduser())

    try:
        url = sa.make_url(value)
    except ArgumentError:
        msg = (
            "the store location is not a valid database URL; use a file path or a URL "
            "such as postgresql+psycopg://user:password@host:5432/database"
        )
        raise StoreError(msg) from None
    if url.get_backend_name() not in _SUPPORTED_BACKENDS:
        msg = (
            f"the store URL {display_url(url)} names a {url.get_backend_name()} database; "
            "the store runs on SQLite or PostgreSQL"
        )
        raise StoreError(msg)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url


def display_url(url: sa.URL) -> str:
    """Return the URL for messages, with any password masked."""
    return url.render_as_string(hide_password=True)


def _sqlite_url(path: Path) -> sa.URL:
    return sa.URL.create("sqlite+pysqlite", database=str(path.absolute()))
