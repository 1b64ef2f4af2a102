"""Plugin that adds the exercise commands: ``exercise``, ``action-plan`` and ``followup``.

The command modules import only click at start-up; the store, scoring and
workbook libraries load inside the commands that use them.
"""

from __future__ import annotations

import click

from ccpm_core.hookspecs import hookimpl

__all__ = ["ccpm_register_commands"]


@hookimpl
def ccpm_register_commands(cli: click.Group) -> None:
    """Add the ``exercise``, ``action-plan`` and ``followup`` command groups."""
    from ccpm_plugins.cli.action_plan_commands import action_plan
    from ccpm_plugins.cli.exercise_commands import exercise
    from ccpm_plugins.cli.followup_commands import followup

    cli.add_command(exercise)
    cli.add_command(action_plan)
    cli.add_command(followup)
