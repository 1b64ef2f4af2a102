"""Databases for the store tests: a SQLite file, and the PostgreSQL server the environment names.

``CCPM_TEST_POSTGRES_URL`` names the PostgreSQL test database (default:
``postgresql+psycopg://ccpm:ccpm@127.0.0.1:5432/ccpm_test``). Each test gets
an empty ``public`` schema there, so the database must be one for tests only.
When no server accepts a connection, the PostgreSQL tests are skipped with
the reason, except under continuous integration (``CI=true``), where they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

POSTGRES_ENV_VAR = "CCPM_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://ccpm:ccpm@127.0.0.1:5432/ccpm_test"


def postgres_url() -> str:
    """Return the PostgreSQL test URL; skip, or fail under CI, when no server is reachable."""
    url = os.environ.get(POSTGRES_ENV_VAR, DEFAULT_POSTGRES_URL)
    engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as error:
        shown = sa.make_url(url).render_as_string(hide_password=True)
        reason = f"no PostgreSQL server at {shown} ({str(error.orig).strip().splitlines()[0]})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI must start PostgreSQL and set {POSTGRES_ENV_VAR}")
        pytest.skip(f"{reason}; set {POSTGRES_ENV_VAR} to run the PostgreSQL tests")
    finally:
        engine.dispose()
    return url


def reset_postgres(url: str) -> None:
    """Drop every table of the test database by recreating its ``public`` schema."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of an empty store database, SQLite and PostgreSQL in turn."""
    if request.param == "sqlite":
        yield f"sqlite+pysqlite:///{tmp_path / 'store.sqlite3'}"
        return
    url = postgres_url()
    reset_postgres(url)
    yield url
    reset_postgres(url)
