"""Timing, memory and machine helpers shared by the benchmark scripts."""

from __future__ import annotations

import gc
import os
import platform
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[1]


def timed(function: Callable[[], Any]) -> tuple[float, float]:
    """Return the wall time and the process CPU time of one call of ``function``, in seconds.

    CPU time leaves out the time other processes take the cores, so it stays
    meaningful on a busy machine.
    """
    gc.collect()
    started = time.perf_counter()
    started_cpu = time.process_time()
    function()
    return time.perf_counter() - started, time.process_time() - started_cpu


def alternate(
    functions: dict[str, Callable[[], Any]], repeats: int
) -> dict[str, tuple[float, float]]:
    """Run each function ``repeats`` times, alternating, and return median wall and CPU seconds.

    Alternating spreads the load of other work on the machine over every
    function instead of over whichever happened to run at a busy moment.
    """
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            runs[name].append(timed(function))
    return {
        name: (
            statistics.median(wall for wall, _ in times),
            statistics.median(cpu for _, cpu in times),
        )
        for name, times in runs.items()
    }


def peak_memory(function: Callable[[], Any]) -> int:
    """Return the peak of Python and NumPy allocations made while ``function`` runs, in bytes."""
    gc.collect()
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def cpu_model() -> str:
    """Return the processor's model name as /proc/cpuinfo gives it."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_lines() -> list[str]:
    """Return lines that describe the machine and its load, for the record."""
    cores = len(os.sched_getaffinity(0))
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return [
        f"machine: {cores} cores, {cpu_model()}, Python {platform.python_version()}",
        f"load average (1, 5, 15 min): {load}",
    ]


MIB = 1024 * 1024
