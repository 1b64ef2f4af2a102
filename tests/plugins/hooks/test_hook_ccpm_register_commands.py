"""The ccpm_register_commands hook: plugins add commands to the ``ccpm`` command line."""

from __future__ import annotations

import types

import click
from click.testing import CliRunner

from ccpm_core.hookspecs import hookimpl
from ccpm_core.plugins import PluginHost
from ccpm_plugins.cli import hookspecs as cli_hookspecs


@click.command("hello")
def hello() -> None:
    """Print a greeting."""
    click.echo("hello from a plugin")


def command_plugin() -> types.ModuleType:
    module = types.ModuleType("hello_plugin")

    @hookimpl(optionalhook=True)
    def ccpm_register_commands(cli: click.Group) -> None:
        cli.add_command(hello)

    module.ccpm_register_commands = ccpm_register_commands  # type: ignore[attr-defined]
    return module


def command_host() -> PluginHost:
    return PluginHost(load_entry_points=False, extra_hookspecs=(cli_hookspecs,))


def test_commands_hook_adds_command() -> None:
    host = command_host()
    host.register_plugin(command_plugin())
    group = click.Group("ccpm")

    host.manager.hook.ccpm_register_commands(cli=group)

    assert "hello" in group.commands


def test_commands_hook_command_runs() -> None:
    host = command_host()
    host.register_plugin(command_plugin())
    group = click.Group("ccpm")
    host.manager.hook.ccpm_register_commands(cli=group)

    result = CliRunner().invoke(group, ["hello"])

    assert result.exit_code == 0
    assert result.output == "hello from a plugin\n"


def test_commands_hook_optional_without_cli_specs() -> None:
    host = PluginHost(load_entry_points=False)
    host.register_plugin(command_plugin())

    assert host.sources() == {}


def test_commands_hook_builtins_add_kobo() -> None:
    host = PluginHost(
        ("ccpm_plugins.sources.kobo.source",),
        load_entry_points=False,
        extra_hookspecs=(cli_hookspecs,),
    )
    group = click.Group("ccpm")

    host.manager.hook.ccpm_register_commands(cli=group)

    assert "kobo" in group.commands
