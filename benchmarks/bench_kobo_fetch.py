"""Time ccpm's KoboToolbox fetch against a bare requests loop over the same pages.

Both read every page of 100,000 submissions of the standard questionnaire from
the fake KoboToolbox server of the tests, started in this process on
127.0.0.1 with pages of at most 1000 submissions. The server encodes each page
once and then serves the cached bytes, so the figures measure the clients.

- The bare loop is ``session.get(url).json()`` following ``next``; it keeps
  nothing.
- ccpm is ``KoboSource.read``: the same pages, turned into the raw response
  table (edits collapsed, metadata dropped, choices mapped), ready to score.

The two runs alternate, and the median of each is reported with their ratio.
Peak memory is measured with tracemalloc in separate runs, because tracing
slows Python down. Run from the repository root::

    python benchmarks/bench_kobo_fetch.py
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "plugins" / "kobo"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import requests
from benchmark_support import cpu_model, peak_memory
from fake_kobo import TOKEN, FakeKobo, GeneratedSubmissions, content_from_xlsform

from ccpm_core.normalise import normalise_responses
from ccpm_core.plugin_api import SourceRequest
from ccpm_core.questionnaire import standard_questionnaire
from ccpm_plugins.exporters.xlsform import XlsFormExporter
from ccpm_plugins.sources.kobo.client import PAGE_SIZE
from ccpm_plugins.sources.kobo.source import KoboSource


def bare_loop(server: str, uid: str) -> int:
    """Read every page with plain requests and return the number of submissions."""
    url: str | None = f"{server}/api/v2/assets/{uid}/data/?format=json&start=0&limit={PAGE_SIZE}"
    received = 0
    with requests.Session() as session:
        while url:
            response = session.get(url, headers={"Authorization": f"Token {TOKEN}"}, timeout=60)
            response.raise_for_status()
            body = response.json()
            received += len(body["results"])
            url = body["next"]
    return received


def ccpm_fetch(server: str, uid: str) -> int:
    """Read every page through the kobo source and return the number of rows read."""
    request = SourceRequest(standard_questionnaire(), None, {"server": server, "asset": uid})
    raw = KoboSource().read(request)
    return len(raw.table) + len(raw.exclusions)


def timed(function: Callable[[], int]) -> tuple[float, float, int]:
    """Return the wall time and this thread's CPU time of ``function``, and its result.

    The thread's CPU time leaves out the server thread and other processes,
    so it stays meaningful on a busy machine.
    """
    gc.collect()
    started = time.perf_counter()
    started_cpu = time.thread_time()
    result = function()
    return time.perf_counter() - started, time.thread_time() - started_cpu, result


def time_normalise(server: str, uid: str) -> float:
    """Return the seconds that matching a fetched table to the questionnaire takes."""
    questionnaire = standard_questionnaire()
    request = SourceRequest(questionnaire, None, {"server": server, "asset": uid})
    raw = KoboSource().read(request)
    seconds, _, _ = timed(lambda: len(normalise_responses(raw, questionnaire)))
    return seconds


def final_table_bytes(server: str, uid: str) -> int:
    """Return the traced memory that the fetched raw table keeps once the fetch returns.

    pandas' deep memory usage would count a string shared by many cells once
    per cell, so the table's size is measured as what the fetch leaves allocated.
    """
    request = SourceRequest(standard_questionnaire(), None, {"server": server, "asset": uid})
    gc.collect()
    tracemalloc.start()
    try:
        raw = KoboSource().read(request)
        gc.collect()
        retained = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    del raw
    return retained


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    arguments = parser.parse_args()

    questionnaire = standard_questionnaire()
    content = content_from_xlsform(XlsFormExporter().export(questionnaire))
    submissions = GeneratedSubmissions(questionnaire, content, arguments.submissions)
    os.environ["KOBO_TOKEN"] = TOKEN

    with FakeKobo(cache_pages=True) as fake:
        asset = fake.add_asset(content, submissions)
        server, uid = fake.url, asset.uid

        started = time.perf_counter()
        received = bare_loop(server, uid)
        print(f"server encoded {received} submissions in {time.perf_counter() - started:.1f} s")

        bare_times: list[tuple[float, float]] = []
        ccpm_times: list[tuple[float, float]] = []
        for _ in range(arguments.repeats):
            seconds, cpu, count = timed(lambda: bare_loop(server, uid))
            assert count == arguments.submissions
            bare_times.append((seconds, cpu))
            seconds, cpu, count = timed(lambda: ccpm_fetch(server, uid))
            assert count == arguments.submissions
            ccpm_times.append((seconds, cpu))

        normalise_seconds = time_normalise(server, uid)

        bare_peak = peak_memory(lambda: bare_loop(server, uid))
        ccpm_peak = peak_memory(lambda: ccpm_fetch(server, uid))
        table_bytes = final_table_bytes(server, uid)
        pages = len(fake.data_requests())

    bare_wall = statistics.median(wall for wall, _ in bare_times)
    ccpm_wall = statistics.median(wall for wall, _ in ccpm_times)
    bare_cpu = statistics.median(cpu for _, cpu in bare_times)
    ccpm_cpu = statistics.median(cpu for _, cpu in ccpm_times)
    mib = 1024 * 1024
    cores = len(os.sched_getaffinity(0))
    print()
    print(f"machine: {cores} cores (nproc), {cpu_model()}, Python {platform.python_version()}")
    print(f"load average (1, 5, 15 min): {', '.join(f'{load:.1f}' for load in os.getloadavg())}")
    print(f"submissions: {arguments.submissions}, repeats: {arguments.repeats}, requests: {pages}")
    print(f"bare requests loop: wall {bare_wall:.2f} s, client CPU {bare_cpu:.2f} s (medians)")
    print(f"ccpm fetch:         wall {ccpm_wall:.2f} s, client CPU {ccpm_cpu:.2f} s (medians)")
    wall_ratio = ccpm_wall / bare_wall
    print(f"ratio ccpm / bare:  wall {wall_ratio:.2f}, client CPU {ccpm_cpu / bare_cpu:.2f}")
    for name, runs in (("bare", bare_times), ("ccpm", ccpm_times)):
        listed = ", ".join(f"{wall:.2f}/{cpu:.2f}" for wall, cpu in runs)
        print(f"  {name} runs (wall/CPU s): {listed}")
    print(f"normalise after fetch: {normalise_seconds:.2f} s")
    print(f"peak traced memory: bare {bare_peak / mib:.0f} MiB, ccpm {ccpm_peak / mib:.0f} MiB")
    print(
        f"final raw table: {table_bytes / mib:.0f} MiB (traced memory it keeps); "
        f"ccpm peak / table {ccpm_peak / table_bytes:.2f}"
    )


if __name__ == "__main__":
    main()
