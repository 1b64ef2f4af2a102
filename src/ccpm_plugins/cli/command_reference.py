"""The ``ccpm`` command tree with every built-in command, for the command-line reference.

:func:`ccpm_plugins.cli.main.main` adds plugin commands to the root group when
it runs, so the group object alone lacks ``exercise``, ``kobo`` and the other
commands that built-in plugins register. :data:`builtin_cli` is a copy of the
root group with those commands added, and without commands of separately
installed plugins, so the generated reference shows what ccpm itself ships.
"""

from __future__ import annotations

import click

from ccpm_plugins.cli.main import cli

__all__ = ["builtin_cli", "builtin_command_tree"]


def builtin_command_tree() -> click.Group:
    """Build a copy of the ``ccpm`` root group with the commands of the built-in plugins added."""
    from ccpm_core.plugins import PluginHost
    from ccpm_plugins import BUILTIN_PLUGINS
    from ccpm_plugins.cli import hookspecs as cli_hookspecs

    group = click.Group(
        name="ccpm",
        commands=dict(cli.commands),
        params=list(cli.params),
        help=cli.help,
        context_settings=dict(cli.context_settings),
    )
    host = PluginHost(BUILTIN_PLUGINS, load_entry_points=False, extra_hookspecs=(cli_hookspecs,))
    host.manager.hook.ccpm_register_commands(cli=group)
    return group


builtin_cli = builtin_command_tree()
"""The root group as :func:`builtin_command_tree` builds it, for mkdocs-click."""
