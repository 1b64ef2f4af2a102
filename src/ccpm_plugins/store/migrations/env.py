"""Alembic environment: run the migrations on the connection the store hands over.

The store calls Alembic with an open connection in ``config.attributes``, so
this script never reads a URL, a password or a logging configuration.
"""

from __future__ import annotations

from alembic import context

from ccpm_plugins.store.models import Base

__all__: list[str] = []

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    msg = (
        "the ccpm store migrations run only through the store, which passes an open "
        "connection; open the store with ccpm_plugins.store.open_store(URL)"
    )
    raise RuntimeError(msg)

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot alter a table in place; batch mode copies it instead.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
