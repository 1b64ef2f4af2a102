"""Options shared by the commands that use the exercise store, and small parsers they need.

This module imports only click, because the command line loads it at start-up.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from ccpm_plugins.store import ExerciseStore

__all__ = [
    "AUTHOR_ENV_VAR",
    "DATE",
    "author_option",
    "default_author",
    "open_store_option",
    "parse_time",
    "store_option",
    "today_utc",
]

F = TypeVar("F", bound=Callable[..., Any])

AUTHOR_ENV_VAR = "CCPM_USER"

DATE = click.DateTime(formats=["%Y-%m-%d"])
"""Click type for a date given as YYYY-MM-DD. It converts the date to a datetime at midnight."""


def store_option(function: F) -> F:
    """Add ``--store``, the exercise store's file path or database URL."""
    decorator = click.option(
        "--store",
        "store_location",
        metavar="PATH|URL",
        envvar="CCPM_STORE",
        show_envvar=True,
        help=(
            "Exercise store: a SQLite file path or a database URL such as "
            "postgresql+psycopg://user@host/db (default: exercises.sqlite3 in the "
            "user data folder)."
        ),
    )
    return decorator(function)


def author_option(function: F) -> F:
    """Add ``--by``, the person recorded as making a change."""
    decorator = click.option(
        "--by",
        "author",
        metavar="NAME",
        help=f"Who makes the change (default: ${AUTHOR_ENV_VAR}, else the login name).",
    )
    return decorator(function)


def default_author(author: str | None) -> str:
    """Return ``author``, else ``$CCPM_USER``, else the login name."""
    if author and author.strip():
        return author.strip()
    from_env = os.environ.get(AUTHOR_ENV_VAR, "").strip()
    if from_env:
        return from_env
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def open_store_option(location: str | None) -> ExerciseStore:
    """Open the store that ``--store`` (or ``CCPM_STORE``) names."""
    from ccpm_plugins.store import open_store

    return open_store(location)


_CLOCK_TOLERANCE = dt.timedelta(minutes=5)
"""How far ahead of this machine's clock a recorded time may be, for clocks slightly apart."""


def parse_time(value: str | None, *, past_only: bool = False) -> dt.datetime:
    """Return the time given as ISO 8601 (UTC unless it has an offset), or now in UTC.

    With ``past_only``, a time still to come is rejected: a decision recorded
    in the future would block every later change made without ``--at``.
    """
    now = dt.datetime.now(dt.UTC)
    if value is None:
        return now
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        msg = f"{value!r} is not a time; write it as 2027-03-31T14:00 (UTC) or with an offset"
        raise click.BadParameter(msg) from None
    moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    if past_only and moment > now + _CLOCK_TOLERANCE:
        msg = f"{value!r} is in the future; record a change when it has happened"
        raise click.BadParameter(msg)
    return moment


def today_utc() -> dt.date:
    """Return today's date in UTC."""
    return dt.datetime.now(dt.UTC).date()
