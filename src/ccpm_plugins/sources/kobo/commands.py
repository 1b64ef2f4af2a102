"""``ccpm kobo deploy`` and ``ccpm kobo close``: put the survey on KoboToolbox, and close it.

Reading responses needs no command of its own: ``ccpm fetch kobo``,
``ccpm progress --source kobo`` and ``ccpm score --source kobo`` take the
source's ``--server`` and ``--asset`` options. The API token always comes from
an environment variable, never from the command line, where shell history and
process lists would keep it.
"""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["kobo"]

_server_option = click.option(
    "--server",
    required=True,
    metavar="URL",
    help="KoboToolbox server address, such as https://kf.kobotoolbox.org or https://eu.kobotoolbox.org.",
)
_token_option = click.option(
    "--token-env",
    "token_variable",
    default="KOBO_TOKEN",
    show_default=True,
    metavar="NAME",
    help="Environment variable that holds the KoboToolbox API token.",
)


@click.group()
def kobo() -> None:
    """Deploy the CCPM survey on KoboToolbox, and close it when the survey period ends.

    Read the responses with `ccpm progress`, `ccpm fetch` or `ccpm score`
    and their options `--source kobo --server URL --asset UID`.
    """


@kobo.command()
@_server_option
@_token_option
@click.option(
    "--questionnaire",
    "questionnaire_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Questionnaire file (YAML or JSON) to deploy instead of the standard one.",
)
@click.option("--name", default=None, help="Project name in KoboToolbox (default: the title).")
def deploy(
    server: str, token_variable: str, questionnaire_path: Path | None, name: str | None
) -> None:
    """Upload the questionnaire as a new KoboToolbox project and deploy it.

    Prints the project's asset uid, which the other commands take as
    --asset, and the link of the web form to send to respondents.
    """
    from ccpm_plugins.cli.inputs import load_questionnaire_option
    from ccpm_plugins.sources.kobo.client import KoboClient, read_token
    from ccpm_plugins.sources.kobo.deployment import deploy_questionnaire

    questionnaire = load_questionnaire_option(questionnaire_path)
    token = read_token(token_variable)
    with KoboClient(server, token, token_variable=token_variable) as client:
        deployment = deploy_questionnaire(client, questionnaire, name)

    click.echo(f"Asset uid: {deployment.uid}")
    if deployment.link:
        click.echo(f"Survey link: {deployment.link}")
    else:
        click.echo(
            "Survey link: not given by the server yet; open the project in KoboToolbox, "
            "under Form, Collect data"
        )
    click.echo(f"Project {deployment.name!r} is deployed and accepts submissions.", err=True)


@kobo.command()
@_server_option
@_token_option
@click.option("--asset", required=True, metavar="UID", help="Uid of the project to close.")
def close(server: str, token_variable: str, asset: str) -> None:
    """Archive a deployed project: it keeps its submissions and accepts no new ones.

    The responses stay on the server and can still be read; unarchive the
    project in KoboToolbox to collect more.
    """
    from ccpm_plugins.sources.kobo.client import KoboClient, read_token
    from ccpm_plugins.sources.kobo.deployment import close_survey

    token = read_token(token_variable)
    with KoboClient(server, token, token_variable=token_variable) as client:
        close_survey(client, asset.strip())
    click.echo(f"Project {asset.strip()} is archived: it accepts no more submissions.")
