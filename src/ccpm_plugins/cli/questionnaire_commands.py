"""``ccpm questionnaire``: export the questionnaire for survey tools and integrators."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ccpm_plugins.cli.inputs import load_questionnaire_option

__all__ = ["questionnaire"]


@click.group()
def questionnaire() -> None:
    """Work with the CCPM questionnaire."""


@questionnaire.command("export")
@click.option(
    "--format",
    "export_format",
    default="json",
    show_default=True,
    metavar="NAME",
    help=(
        "Export format: json (the ccpm.codebook/1 codebook), csv-template (the header "
        "row of a responses file), xlsform (for KoboToolbox and ODK), lss or "
        "limesurvey-txt (for LimeSurvey), or one a plugin adds."
    ),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
@click.option(
    "--questionnaire",
    "questionnaire_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Questionnaire file (YAML or JSON) to use instead of the standard one.",
)
@click.option("--lang", "language", default=None, help="Label language, such as en or fr.")
def export(
    export_format: str,
    output: Path | None,
    questionnaire_path: Path | None,
    language: str | None,
) -> None:
    """Export the questionnaire, by default as the JSON codebook."""
    from ccpm_plugins import plugin_host

    exporter = plugin_host().exporter(export_format)
    data = exporter.export(load_questionnaire_option(questionnaire_path), language)

    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(data)
        click.echo(f"Questionnaire written to {output}", err=True)
        return
    if exporter.binary:
        msg = f"the {export_format} format is binary; write it to a file with -o FILE"
        raise click.UsageError(msg)
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
