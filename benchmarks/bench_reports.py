"""Time writing the national DOCX, HTML and XLSX reports of an exercise with 20 hubs.

The exercise is synthetic (see ``bench_scoring.synthetic_responses``): 60
respondents per level on average at the national level and 20 hubs, scored
with the default strategy. Each renderer writes the national report from the
same report model, ``--repeats`` times, and the medians are reported. The
baseline is one bare Matplotlib chart of the same size: 13 labelled bars,
drawn on the Agg canvas and saved as a PNG (see :func:`bare_chart`). Building
the report model is timed separately. Run from the repository root::

    python benchmarks/bench_reports.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import io
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scoring import HUBS, synthetic_responses
from benchmark_support import alternate, machine_lines, timed

from ccpm_core.questionnaire import standard_questionnaire
from ccpm_core.report_builder import ReportMetadata, build_preliminary_report
from ccpm_core.scoring import score
from ccpm_plugins import plugin_host
from ccpm_plugins.renderers.charts import CHART_DPI, CHART_WIDTH_CM

FORMATS = (".md", ".docx", ".html", ".xlsx")
RESPONSES_PER_LEVEL = 60


def bare_chart() -> bytes:
    """Draw 13 labelled horizontal bars with plain Matplotlib and return the PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(CHART_WIDTH_CM / 2.54, 4.5), dpi=CHART_DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.barh([f"Section {number}" for number in range(13)], [5.0 * n for n in range(13)])
    axes.set_xlim(0, 100)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()

    questionnaire = standard_questionnaire()
    responses = synthetic_responses(questionnaire, RESPONSES_PER_LEVEL * (HUBS + 1))
    results = score(responses)
    metadata = ReportMetadata(
        cluster="Health", country="Example", date=dt.date(2026, 3, 2), survey_period="March 2026"
    )

    def build() -> object:
        return build_preliminary_report(
            results, questionnaire, metadata, hub=None, language=questionnaire.default_language
        )

    build_wall, build_cpu = timed(build)
    model = build_preliminary_report(
        results, questionnaire, metadata, hub=None, language=questionnaire.default_language
    )
    host = plugin_host()
    with tempfile.TemporaryDirectory() as folder:
        bare_chart()
        renders: dict[str, Callable[[], object]] = {"bare chart": bare_chart}
        for suffix in FORMATS:
            path = Path(folder) / f"report{suffix}"
            renderer = host.renderer_for_file(path.name)
            renderer.render(model, path)  # warm-up: fonts, templates and imports
            renders[suffix] = functools.partial(renderer.render, model, path)
        medians = alternate(renders, arguments.repeats)

    for line in machine_lines():
        print(line)
    print(
        f"exercise: {len(responses):,} responses, national level and {HUBS} hubs; "
        f"repeats: {arguments.repeats}"
    )
    print(f"  build report model: wall {build_wall:.2f} s, CPU {build_cpu:.2f} s")
    baseline_cpu = medians["bare chart"][1]
    for name, (wall, cpu) in medians.items():
        print(
            f"  {name:<10} wall {wall:.2f} s, CPU {cpu:.2f} s "
            f"({cpu / baseline_cpu:.1f} x the bare chart's CPU)"
        )


if __name__ == "__main__":
    main()
