"""The LimeSurvey password, read from an environment variable and never from the command line.

A password given as a command-line option would show in the shell history
and in process lists, so commands take the name of an environment variable
instead (``LIMESURVEY_PASSWORD`` by default).
"""

from __future__ import annotations

import os
import re

from ccpm_core.errors import InputError

__all__ = ["DEFAULT_PASSWORD_ENV", "password_from_environment"]

DEFAULT_PASSWORD_ENV = "LIMESURVEY_PASSWORD"
"""Environment variable read for the password when no other is named."""

_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def password_from_environment(variable: str | None = None) -> str:
    """Return the password held in ``variable`` (default ``LIMESURVEY_PASSWORD``).

    Raises :class:`InputError` when the name is not a valid variable name, or
    when the variable is unset or empty. The message names the variable, never
    its value.
    """
    name = variable or DEFAULT_PASSWORD_ENV
    if not _VARIABLE_NAME.fullmatch(name):
        msg = (
            f"{name!r} is not an environment variable name; give the name of the variable "
            "that holds the LimeSurvey password, such as LIMESURVEY_PASSWORD, not the password"
        )
        raise InputError(msg)

    password = os.environ.get(name, "")
    if not password:
        msg = (
            f"the LimeSurvey password is missing: set the environment variable {name}, for "
            f"example with 'read -s {name} && export {name}' in a POSIX shell"
        )
        raise InputError(msg)
    return password
