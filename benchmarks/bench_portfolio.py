"""Time loading, aggregating and reporting on many exercises against reading their JSON files.

The script writes synthetic ``ccpm.results/1`` documents to a temporary
folder: the scored sample survey's national level, items included, with
section scores drawn at random, a hub level in one exercise out of three,
and an exercise block spread over 150 countries, 11 clusters and the years
2022 to 2026, each country and cluster pair running once a year. It then times:

- baseline: ``json.load`` of every file, keeping the documents;
- load: :func:`ccpm_plugins.portfolio.loading.read_portfolio` on the folder,
  which reads the same files and builds the portfolio frames;
- aggregate: the annual tables of the latest year, and the band changes and
  confirmed weakening of every cluster;
- report: the annual tables computed once, the annual report built from
  them and rendered to DOCX and HTML, and the workbook written.

Load and baseline alternate, and the median of each is reported. Each step
is given with its wall and CPU times as ratios to the baseline's. Run from
the repository root::

    python benchmarks/bench_portfolio.py --exercises 10000
"""

from __future__ import annotations

import argparse
import copy
import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from benchmark_support import alternate, machine_lines, timed

from ccpm_core.annual_report import build_annual_report
from ccpm_core.framework import Status
from ccpm_core.normalise import normalise_responses
from ccpm_core.portfolio_regions import REGIONS
from ccpm_core.portfolio_tables import annual_tables
from ccpm_core.portfolio_trends import band_changes, confirmed_weakening
from ccpm_core.questionnaire import standard_questionnaire
from ccpm_core.responses import RawResponses
from ccpm_core.results_document import ExerciseInfo, with_exercise
from ccpm_core.sample import sample_responses
from ccpm_core.scoring import classify, score
from ccpm_plugins import plugin_host
from ccpm_plugins.portfolio.loading import read_portfolio
from ccpm_plugins.portfolio.workbook import write_annual_workbook

CLUSTERS = (
    "Health",
    "WASH",
    "Nutrition",
    "Education",
    "Protection",
    "Food Security",
    "Shelter",
    "CCCM",
    "Logistics",
    "Emergency Telecommunications",
    "Early Recovery",
)
YEARS = (2022, 2023, 2024, 2025, 2026)


def sample_document() -> dict[str, Any]:
    """Return the scored sample survey as a results document with its national level and one hub."""
    questionnaire = standard_questionnaire()
    table = sample_responses(questionnaire).fillna("").astype(str)
    raw = RawResponses(source="sample.csv", table=table, row_numbers=range(2, len(table) + 2))
    document = score(normalise_responses(raw, questionnaire)).to_dict()
    document["levels"] = document["levels"][:2]
    return document


def write_documents(folder: Path, count: int, seed: int = 2026) -> None:
    """Write ``count`` synthetic results documents into ``folder``."""
    rng = np.random.default_rng(seed)
    base = sample_document()
    national, hub = base["levels"]
    countries = [country for region in REGIONS.values() for country in region][:150]

    for number in range(count):
        document = copy.copy(base)
        levels = [_with_scores(national, rng)]
        if number % 3 == 0:
            levels.append(_with_scores(hub, rng))
        document["levels"] = levels
        # Each country and cluster pair comes back every 1,650 exercises, one year
        # later, so the change against the previous year and the trends have work.
        pairs = len(countries) * len(CLUSTERS)
        country = countries[number % len(countries)]
        cluster = CLUSTERS[(number // len(countries)) % len(CLUSTERS)]
        year = YEARS[(number // pairs) % len(YEARS)]
        exercise = ExerciseInfo(id=f"ex-{number:05d}", cluster=cluster, country=country, year=year)
        path = folder / f"ex-{number:05d}.json"
        path.write_text(json.dumps(with_exercise(document, exercise)), encoding="utf-8")


def _with_scores(level: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    sections = []
    for section, percent in zip(
        level["sections"], rng.uniform(0, 100, len(level["sections"])), strict=True
    ):
        value = float(round(percent, 4))
        status: Status = classify(value)
        sections.append({**section, "score": value, "value": value / 25, "status": status.value})
    return {**level, "sections": sections}


def load_json(folder: Path) -> list[Any]:
    """Read every results file with json.load: the baseline."""
    documents = []
    for path in sorted(folder.rglob("*.json")):
        with path.open(encoding="utf-8") as file:
            documents.append(json.load(file))
    return documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exercises", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "results"
        folder.mkdir()
        write_seconds, _ = timed(lambda: write_documents(folder, options.exercises))
        size = sum(path.stat().st_size for path in folder.iterdir())
        print(*machine_lines(), sep="\n")
        print(
            f"{options.exercises:,} results documents, {size / 1e6:,.0f} MB, "
            f"written in {write_seconds:.1f} s"
        )

        medians = alternate(
            {"json.load": lambda: load_json(folder), "load": lambda: read_portfolio(folder)},
            options.repeats,
        )
        portfolio = read_portfolio(folder)
        year = max(portfolio.years)

        def aggregate() -> None:
            annual_tables(portfolio, year)
            band_changes(portfolio)
            confirmed_weakening(portfolio)

        def report() -> None:
            # As `ccpm annual-report -o a.docx -o a.html -o a.xlsx` does: the
            # tables are computed once for the report and the workbook.
            tables = annual_tables(portfolio, year)
            built = build_annual_report(portfolio, year, tables=tables)
            host = plugin_host()
            for ending in ("docx", "html"):
                output = Path(temporary) / f"annual.{ending}"
                host.renderer_for_file(output.name).render(built, output)
            write_annual_workbook(portfolio, year, Path(temporary) / "annual.xlsx", tables=tables)

        aggregate_seconds, aggregate_cpu = timed(aggregate)
        report_seconds, report_cpu = timed(report)

    baseline_wall, baseline_cpu = medians["json.load"]
    load_wall, load_cpu = medians["load"]
    rows = len(portfolio.scores)
    print(f"portfolio: {rows:,} score rows, {len(portfolio.exercises):,} exercises")
    # On a shared machine CPU times are steadier than wall times, so both ratios are given.
    print(f"{'step':<12}{'wall s':>10}{'CPU s':>10}{'wall ratio':>12}{'CPU ratio':>12}")
    for name, wall, cpu in (
        ("json.load", baseline_wall, baseline_cpu),
        ("load", load_wall, load_cpu),
        ("aggregate", aggregate_seconds, aggregate_cpu),
        ("report", report_seconds, report_cpu),
    ):
        print(
            f"{name:<12}{wall:>10.2f}{cpu:>10.2f}"
            f"{wall / baseline_wall:>12.2f}{cpu / baseline_cpu:>12.2f}"
        )


if __name__ == "__main__":
    main()
