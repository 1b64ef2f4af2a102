"""Time reading a large KoboToolbox-style CSV export against ``pandas.read_csv``.

The file has 100,000 responses to the standard questionnaire as KoboToolbox
exports them with labels: ``;`` as the delimiter, every cell quoted, headers
that carry the group path (``grp_function_1/p111``), and answers written as
the options' English labels. One response in 40 is a coordinator's, 8 % of
ratings are empty, and responses spread over the national level and 20 hubs.

- pandas: ``pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)``,
  which only splits the file into a table of strings;
- ccpm: the csv source's ``read`` followed by ``normalise_responses``, which
  also decodes and checks the file and matches every header and answer to the
  questionnaire.

The two alternate, and medians are reported. Run from the repository root::

    python benchmarks/bench_csv_read.py
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pandas as pd
from benchmark_support import MIB, alternate, machine_lines, peak_memory

from ccpm_core.normalise import normalise_responses
from ccpm_core.plugin_api import SourceRequest
from ccpm_core.questionnaire import (
    PROFILE_HUB,
    PROFILE_INSTRUMENT,
    QuestionKind,
    Questionnaire,
    standard_questionnaire,
)
from ccpm_plugins.sources.csv_file import CsvSource

HUBS = 20
COORDINATOR_SHARE = 1 / 40
EMPTY_SHARE = 0.08


def write_export(questionnaire: Questionnaire, path: Path, size: int, seed: int = 11) -> None:
    """Write ``size`` random responses to ``path`` as a labelled KoboToolbox CSV export."""
    rng = random.Random(seed)
    ratings = questionnaire.questions_of(QuestionKind.RATING)
    labels = [
        [questionnaire.label(option.label, "en") for option in questionnaire.scale_of(q).options]
        for q in ratings
    ]
    headers = ["start", "end", f"grp_profile/{PROFILE_INSTRUMENT}", f"grp_profile/{PROFILE_HUB}"]
    headers += [
        f"grp_function_{questionnaire.section_of(question)[0]}/{question.code}"
        for question in ratings
    ]
    hubs = ["", *(f"Hub {number:02d}" for number in range(1, HUBS + 1))]

    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, delimiter=";", quoting=csv.QUOTE_ALL)
        writer.writerow(headers)
        for _ in range(size):
            instrument = "coordinator" if rng.random() < COORDINATOR_SHARE else "partner"
            row = ["2026-03-02T09:00:00", "2026-03-02T09:20:00", instrument, rng.choice(hubs)]
            for question, options in zip(ratings, labels, strict=True):
                answered = question.instrument in (None, instrument)
                empty = not answered or rng.random() < EMPTY_SHARE
                row.append("" if empty else rng.choice(options))
            writer.writerow(row)


def pandas_read(path: Path) -> int:
    """Read the file into a table of strings with pandas alone, and return its row count."""
    return len(pd.read_csv(path, sep=";", dtype=str, keep_default_na=False))


def ccpm_read(path: Path, questionnaire: Questionnaire) -> int:
    """Read the file through the csv source, match it, and return the responses scored."""
    raw = CsvSource().read(SourceRequest(questionnaire, str(path), {}))
    return len(normalise_responses(raw, questionnaire))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()

    questionnaire = standard_questionnaire()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "kobo-export.csv"
        write_export(questionnaire, path, arguments.responses)
        assert ccpm_read(path, questionnaire) == arguments.responses

        medians = alternate(
            {
                "pandas": lambda: pandas_read(path),
                "ccpm": lambda: ccpm_read(path, questionnaire),
            },
            arguments.repeats,
        )
        pandas_peak = peak_memory(lambda: pandas_read(path))
        ccpm_peak = peak_memory(lambda: ccpm_read(path, questionnaire))
        size = path.stat().st_size

    for line in machine_lines():
        print(line)
    print(
        f"file: {arguments.responses:,} responses, {size / MIB:.0f} MiB; "
        f"repeats: {arguments.repeats}"
    )
    pandas_wall, pandas_cpu = medians["pandas"]
    ccpm_wall, ccpm_cpu = medians["ccpm"]
    print(f"  pandas.read_csv:       wall {pandas_wall:.2f} s, CPU {pandas_cpu:.2f} s")
    print(f"  ccpm read + normalise: wall {ccpm_wall:.2f} s, CPU {ccpm_cpu:.2f} s")
    print(
        f"  ratio ccpm / pandas:   wall {ccpm_wall / pandas_wall:.2f}, "
        f"CPU {ccpm_cpu / pandas_cpu:.2f}"
    )
    print(
        f"  peak traced memory: pandas {pandas_peak / MIB:.0f} MiB, ccpm {ccpm_peak / MIB:.0f} MiB"
    )


if __name__ == "__main__":
    main()
