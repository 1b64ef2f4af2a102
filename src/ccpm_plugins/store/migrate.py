"""Schema migrations of the exercise store, run through Alembic from inside the package.

The migration scripts ship in ``ccpm_plugins/store/migrations``. Opening a
store upgrades its schema to the newest revision, so a store made by an
earlier ccpm opens in a later one with its data.
"""

from __future__ import annotations

from importlib import resources

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from ccpm_core.exercise_errors import StoreError

__all__ = ["HEAD", "current_revision", "migration_config", "upgrade_schema"]

HEAD = "head"


def migration_config(connection: sa.Connection | None = None) -> Config:
    """Return the Alembic configuration of the store's migrations, on ``connection`` if given."""
    config = Config()
    location = resources.files("ccpm_plugins.store") / "migrations"
    config.set_main_option("script_location", str(location))
    config.attributes["connection"] = connection
    return config


def current_revision(connection: sa.Connection) -> str | None:
    """Return the schema revision of the database, or None for an empty database."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade_schema(connection: sa.Connection, revision: str = HEAD, where: str = "") -> None:
    """Upgrade the schema on ``connection`` to ``revision`` (default: the newest).

    ``where`` names the store in messages. Raises StoreError when the database
    carries a revision this ccpm does not know, which means a newer ccpm wrote it.
    """
    config = migration_config(connection)
    scripts = ScriptDirectory.from_config(config)
    found = current_revision(connection)
    known = {script.revision for script in scripts.walk_revisions()}
    if found is not None and found not in known:
        msg = (
            f"the store {where} has schema revision {found!r}, which this version of ccpm "
            "does not know; it was written by a newer ccpm, so upgrade ccpm to open it"
        )
        raise StoreError(msg)
    command.upgrade(config, revision)
