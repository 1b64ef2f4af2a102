"""Hook specifications of the command line, for plugins that add ``ccpm`` commands."""

from __future__ import annotations

import click

from ccpm_core.hookspecs import hookspec

__all__ = ["ccpm_register_commands"]


@hookspec
def ccpm_register_commands(cli: click.Group) -> None:
    """Add commands or command groups to the ``ccpm`` command line.

    Called once when the command line starts, before arguments are parsed, so
    an implementation must be quick and import heavy libraries only inside
    its commands.

    :param cli: the root ``ccpm`` group; call ``cli.add_command(...)``.
    """
