"""``ccpm demo``: run the whole job on the built-in sample survey."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

__all__ = ["demo"]

DEFAULT_DEMO_DIR = Path("ccpm-demo")
DEMO_DATE = dt.date(2026, 11, 30)


@click.command()
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_DEMO_DIR,
    show_default=True,
    help="Folder to write the sample survey, its results and its reports into.",
)
@click.option(
    "--lang",
    "language",
    default=None,
    metavar="CODE",
    help="Language of the reports: en, fr, es or ar (default: en).",
)
def demo(output_dir: Path, language: str | None) -> None:
    """Write a sample CCPM survey, score it and write its reports.

    The sample has a national level and two hubs with about 60 partners and a
    coordinator each. The files written are the same ones `ccpm score` and
    `ccpm report` produce from a real survey.
    """
    from ccpm_core.i18n import translator
    from ccpm_core.normalise import normalise_responses
    from ccpm_core.plugin_api import SourceRequest
    from ccpm_core.questionnaire import standard_questionnaire
    from ccpm_core.report_builder import ReportMetadata
    from ccpm_core.sample import sample_responses
    from ccpm_core.scoring import score
    from ccpm_plugins import plugin_host
    from ccpm_plugins.cli.score_commands import (
        format_results_table,
        report_language,
        write_level_reports,
    )

    questionnaire = standard_questionnaire()
    language = report_language(questionnaire, language)
    output_dir.mkdir(parents=True, exist_ok=True)

    responses_path = output_dir / "responses.csv"
    sample_responses(questionnaire).to_csv(responses_path, index=False, encoding="utf-8")

    raw = (
        plugin_host()
        .source("csv")
        .read(SourceRequest(questionnaire=questionnaire, location=str(responses_path)))
    )
    results = score(normalise_responses(raw, questionnaire))
    results_path = output_dir / "results.json"
    results_path.write_text(
        json.dumps(results.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )

    # The sample's cover facts are report text, so they follow the report language.
    gettext = translator(language)
    metadata = ReportMetadata(
        cluster=gettext("Health (sample)"),
        country=gettext("Sample country"),
        date=DEMO_DATE,
        survey_period=gettext("2 to 16 November 2026"),
    )
    reports = write_level_reports(
        results,
        questionnaire,
        metadata,
        output_dir / "preliminary-report.docx",
        results.hubs,
        language,
    )
    reports += write_level_reports(
        results, questionnaire, metadata, output_dir / "preliminary-report.md", [None], language
    )

    click.echo(format_results_table(results))
    click.echo(f"Sample survey:   {responses_path}")
    click.echo(f"Results (JSON):  {results_path}")
    for path in reports:
        click.echo(f"Report:          {path}")
    click.echo(f"\nEverything is in {output_dir.resolve()}")
