"""Exceptions of the exercise lifecycle, the action plan and the exercise store.

They derive from :class:`~ccpm_core.errors.CcpmError`, so the command line
prints their message on one line and exits with a non-zero code::

    CcpmError
    ├── ExerciseError        exercise data is invalid
    │   └── TransitionError  a stage change breaks a lifecycle rule
    ├── ActionPlanError      an action plan or its workbook is invalid
    └── StoreError           the exercise store cannot be opened or read
        ├── NotFoundError    no exercise or action with that id
        └── ConflictError    someone else changed the record since it was read
"""

from __future__ import annotations

from ccpm_core.errors import CcpmError

__all__ = [
    "ActionPlanError",
    "ConflictError",
    "ExerciseError",
    "NotFoundError",
    "StoreError",
    "TransitionError",
]


class ExerciseError(CcpmError, ValueError):
    """Exercise data is invalid, such as a sub-national exercise without its national one."""


class TransitionError(ExerciseError):
    """A stage change is not allowed; the message says which rule it breaks and what to do."""


class ActionPlanError(CcpmError, ValueError):
    """An action plan or its workbook is invalid; the message names the sheet, row and column."""


class StoreError(CcpmError):
    """The exercise store cannot be opened, migrated or read."""


class NotFoundError(StoreError, LookupError):
    """No exercise, results or action with the requested id is in the store."""


class ConflictError(StoreError):
    """A record changed in the store after it was read; writing it would overwrite that change."""
