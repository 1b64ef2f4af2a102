"""Hook specifications of the command line, for plugins that add ``ccpm`` commands."""

from __future__ import annotations

import click

from ccpm_core.hookspecs import hookspec

__all__ = ["ccpm_register_commands"]


@hookspec
def ccpm_register_commands(cli: click.Group) -> None:
    """Add commands or command groups to the ``ccpm`` command line.

    Called once each time the ``ccpm`` command line starts, before its
    arguments are parsed, so an implementation must be quick and import heavy
    libraries only inside its commands. Mark the implementation
    ``@hookimpl(optionalhook=True)`` when the same module may be loaded by a
    plugin host without the command-line hooks.

    :param cli: the root ``ccpm`` group; call ``cli.add_command(...)`` with a
        command or group whose name no other command uses.
    :returns: nothing; commands reach the command line only through ``cli``.
    """
