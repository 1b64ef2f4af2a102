"""Alembic migrations of the exercise store, run by the store itself when it opens."""

__all__: list[str] = []
