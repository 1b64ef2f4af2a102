"""The exercise store: exercises, their stage history, response counts, results and action plans.

It runs on SQLite (a file, the default) or PostgreSQL, through SQLAlchemy,
and upgrades its schema with the Alembic migrations shipped in this package
whenever it opens. Import :func:`open_store` from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ccpm_plugins.store.location import resolve_store_url
    from ccpm_plugins.store.store import ExerciseStore, StoredResults, open_store

__all__ = ["ExerciseStore", "StoredResults", "open_store", "resolve_store_url"]

_EXPORTS = {
    "ExerciseStore": "ccpm_plugins.store.store",
    "StoredResults": "ccpm_plugins.store.store",
    "open_store": "ccpm_plugins.store.store",
    "resolve_store_url": "ccpm_plugins.store.location",
}


def __getattr__(name: str) -> Any:
    # SQLAlchemy and Alembic load only when the store is used, so the command
    # line starts fast.
    import importlib

    module_name = _EXPORTS.get(name)
    if module_name is None:
        msg = f"module 'ccpm_plugins.store' has no attribute {name!r}"
        raise AttributeError(msg)
    return getattr(importlib.import_module(module_name), name)
