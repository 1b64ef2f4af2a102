"""``ccpm limesurvey deploy`` and ``ccpm limesurvey close``: run the survey on a LimeSurvey server.

Registered through the ``ccpm_register_commands`` hook. The command line
loads this module at start-up, so everything beyond click is imported inside
the commands.
"""

from __future__ import annotations

from pathlib import Path

import click

from ccpm_core.hookspecs import hookimpl

__all__ = ["ccpm_register_commands", "limesurvey"]

_PASSWORD_ENV_HELP = (
    "Environment variable that holds the LimeSurvey password (default: LIMESURVEY_PASSWORD). "
    "The password itself is never an option."
)


@click.group()
def limesurvey() -> None:
    """Run the CCPM survey on a LimeSurvey server through RemoteControl 2.

    The server needs the JSON-RPC interface turned on (Configuration > Global
    settings > Interfaces). Read responses with `ccpm fetch limesurvey`,
    count them with `ccpm progress --source limesurvey`.
    """


@limesurvey.command()
@click.option("--url", required=True, help="RemoteControl URL, ending in /admin/remotecontrol.")
@click.option("--user", required=True, help="LimeSurvey user name.")
@click.option("--password-env", default=None, metavar="NAME", help=_PASSWORD_ENV_HELP)
@click.option(
    "--questionnaire",
    "questionnaire_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Questionnaire file (YAML or JSON) to use instead of the standard one.",
)
@click.option("--lang", "language", default=None, help="Base language of the survey, such as en.")
@click.option(
    "--activate/--no-activate",
    default=True,
    show_default=True,
    help="Activate the survey after the import, so that it takes responses.",
)
def deploy(
    url: str,
    user: str,
    password_env: str | None,
    questionnaire_path: Path | None,
    language: str | None,
    activate: bool,
) -> None:
    """Import the questionnaire as a new LimeSurvey survey and activate it.

    Prints the survey id and the link to send to respondents.
    """
    from ccpm_plugins.cli.inputs import load_questionnaire_option
    from ccpm_plugins.sources.limesurvey.credentials import (
        DEFAULT_PASSWORD_ENV,
        password_from_environment,
    )
    from ccpm_plugins.sources.limesurvey.deployment import deploy_questionnaire
    from ccpm_plugins.sources.limesurvey.rpc_client import RemoteControlClient

    questionnaire = load_questionnaire_option(questionnaire_path)
    password = password_from_environment(password_env)
    variable = password_env or DEFAULT_PASSWORD_ENV
    with RemoteControlClient(url, user, password, password_env=variable) as client:
        deployment = deploy_questionnaire(
            client, questionnaire, language=language, activate=activate
        )

    state = "active" if deployment.activated else "imported, not active"
    click.echo(f"Survey id: {deployment.survey_id} ({state})")
    if deployment.link is None:
        click.echo("Link: open the survey in LimeSurvey to copy its link")
    else:
        click.echo(f"Link: {deployment.link}")


@limesurvey.command()
@click.option("--url", required=True, help="RemoteControl URL, ending in /admin/remotecontrol.")
@click.option("--user", required=True, help="LimeSurvey user name.")
@click.option("--survey", "survey_id", required=True, type=click.IntRange(min=1), help="Survey id.")
@click.option("--password-env", default=None, metavar="NAME", help=_PASSWORD_ENV_HELP)
@click.option(
    "--expires",
    default=None,
    metavar="'YYYY-MM-DD HH:MM:SS'",
    help="Expiry time in the server's local time (default: 12 hours before the current UTC "
    "time, which is past in every time zone, so the survey closes at once).",
)
def close(
    url: str, user: str, survey_id: int, password_env: str | None, expires: str | None
) -> None:
    """Close a survey: set its expiry time so that it takes no more responses.

    The responses already given stay on the server and can still be fetched.
    """
    from ccpm_plugins.sources.limesurvey.credentials import (
        DEFAULT_PASSWORD_ENV,
        password_from_environment,
    )
    from ccpm_plugins.sources.limesurvey.deployment import close_survey
    from ccpm_plugins.sources.limesurvey.rpc_client import RemoteControlClient

    if expires is not None:
        expires = _checked_expiry(expires)
    password = password_from_environment(password_env)
    variable = password_env or DEFAULT_PASSWORD_ENV
    with RemoteControlClient(url, user, password, password_env=variable) as client:
        written = close_survey(client, survey_id, expires)
    if expires is None:
        click.echo(f"Survey {survey_id} closed: its expiry time is now {written} (server time)")
    else:
        # A time given by the user may lie in the future, and the server's clock and time
        # zone are unknown here, so the message states the time without claiming it passed.
        click.echo(
            f"Survey {survey_id} will close at {written} (server time); it takes responses "
            "until then. Run the command without --expires to close it now"
        )


@hookimpl
def ccpm_register_commands(cli: click.Group) -> None:
    """Add the ``limesurvey`` command group."""
    cli.add_command(limesurvey)


def _checked_expiry(text: str) -> str:
    import datetime as dt

    from ccpm_plugins.sources.limesurvey.deployment import EXPIRY_FORMAT

    for layout in (EXPIRY_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), layout).strftime(EXPIRY_FORMAT)
        except ValueError:
            continue
    msg = f"--expires takes a time such as '2026-12-31 18:00:00', not {text!r}"
    raise click.BadParameter(msg, param_hint="--expires")
