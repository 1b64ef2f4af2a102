"""The ``ccpm`` command line: the root group and the handling of user errors.

A user error (any :class:`~ccpm_core.errors.CcpmError`, or a file that cannot
be written) prints one line, ``Error: ...``, on stderr and exits with code 1,
without a traceback. Usage errors exit with code 2, as click does.
"""

from __future__ import annotations

import sys

import click

from ccpm_core._version import __version__
from ccpm_plugins.cli.demo_command import demo
from ccpm_plugins.cli.questionnaire_commands import questionnaire
from ccpm_plugins.cli.score_commands import report, score
from ccpm_plugins.cli.survey_commands import fetch, progress

__all__ = ["cli", "main"]

EXIT_USER_ERROR = 1


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="ccpm")
def cli() -> None:
    """Cluster Coordination Performance Monitoring: score CCPM surveys and write reports.

    Start with `ccpm demo`, which writes a sample survey and its reports.
    """


cli.add_command(demo)
cli.add_command(questionnaire)
cli.add_command(score)
cli.add_command(report)
cli.add_command(fetch)
cli.add_command(progress)


def _add_plugin_commands() -> None:
    from ccpm_plugins import plugin_host

    plugin_host().manager.hook.ccpm_register_commands(cli=cli)


def main(argv: list[str] | None = None) -> None:
    """Run the command line and exit with its status code."""
    from ccpm_core.errors import CcpmError

    try:
        _add_plugin_commands()
        cli.main(args=argv, prog_name="ccpm", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_USER_ERROR)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except CcpmError as error:
        click.echo(f"Error: {_one_line(str(error))}", err=True)
        sys.exit(EXIT_USER_ERROR)
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        click.echo(f"Error: {where}{error.strerror or error}", err=True)
        sys.exit(EXIT_USER_ERROR)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)


def _one_line(text: str) -> str:
    return " ".join(text.split())


if __name__ == "__main__":
    main()
