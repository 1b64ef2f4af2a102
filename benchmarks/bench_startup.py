"""Time the start-up of ``ccpm --help`` and of ``import ccpm_core`` against a bare interpreter.

Each command runs in a new process, alternating with ``python -c pass``,
``--repeats`` times, and the medians are reported, as hyperfine would. The
heaviest imports of ``ccpm --help`` are then listed from
``python -X importtime``.

Every process runs without ``PYTHONDONTWRITEBYTECODE``, after one warm-up
run, so that modules load from cached bytecode as on an installed system;
with that variable set, Python compiles every module on every start. Run
from the repository root::

    python benchmarks/bench_startup.py
"""

from __future__ import annotations

import argparse
import functools
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmark_support import alternate, machine_lines

HELP = "from ccpm_plugins.cli.main import main; main(['--help'])"
COMMANDS: dict[str, list[str]] = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "import ccpm_core": [sys.executable, "-c", "import ccpm_core"],
    "ccpm --help": [sys.executable, "-c", HELP],
}
ENVIRONMENT = {
    name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"
}
HEAVY_MODULES = (
    "matplotlib",
    "docx",
    "openpyxl",
    "sqlalchemy",
    "requests",
    "pandas",
    "numpy",
    "pydantic",
)


def run(command: list[str], cpu_times: list[float] | None = None) -> None:
    """Run one command to the end, discarding its output, and add its CPU seconds to ``cpu_times``.

    The CPU time is the user and system time of the child process, which other
    work on the machine disturbs far less than the wall-clock time.
    """
    before = _child_cpu_seconds()
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENVIRONMENT
    )
    if cpu_times is not None:
        cpu_times.append(_child_cpu_seconds() - before)


def _child_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def heaviest_imports(count: int) -> list[tuple[int, str]]:
    """Return the ``count`` top-level packages that ``ccpm --help`` spends most time importing.

    Times are cumulative microseconds, as ``-X importtime`` reports them.
    """
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", HELP],
        check=True,
        capture_output=True,
        text=True,
        env=ENVIRONMENT,
    )
    totals: dict[str, int] = {}
    for line in completed.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|")
        if not cumulative.strip().isdigit() or name.strip().count(".") > 0:
            continue
        module = name.strip()
        totals[module] = max(totals.get(module, 0), int(cumulative))
    ranked = sorted(((micros, name) for name, micros in totals.items()), reverse=True)
    return ranked[:count]


def loaded_heavy_modules() -> list[str]:
    """Return which heavy modules ``ccpm --help`` leaves in ``sys.modules``."""
    check = f"{HELP[: HELP.index(';')]}\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
    # The marker keeps an empty list apart from the last line of the help text.
    check += "import sys; print('heavy:' + ','.join("
    check += f"m for m in {HEAVY_MODULES!r} if m in sys.modules))"
    completed = subprocess.run(
        [sys.executable, "-c", check], check=True, capture_output=True, text=True, env=ENVIRONMENT
    )
    listing = completed.stdout.splitlines()[-1].removeprefix("heavy:")
    return [name for name in listing.split(",") if name]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    arguments = parser.parse_args()

    for line in machine_lines():
        print(line)
    for command in COMMANDS.values():
        run(command)
    cpu_times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    medians = alternate(
        {
            name: functools.partial(run, command, cpu_times[name])
            for name, command in COMMANDS.items()
        },
        arguments.repeats,
    )
    cpu = {name: statistics.median(times) for name, times in cpu_times.items()}
    bare_wall, _ = medians["python -c pass"]
    print(f"repeats: {arguments.repeats} (medians of the wall-clock and child CPU time)")
    for name, (wall, _) in medians.items():
        print(
            f"  {name:<16} wall {wall:.3f} s ({wall / bare_wall:.1f} x python -c pass), "
            f"CPU {cpu[name]:.3f} s ({cpu[name] / cpu['python -c pass']:.1f} x)"
        )
    print(f"heavy modules loaded by ccpm --help: {', '.join(loaded_heavy_modules()) or 'none'}")
    print("heaviest top-level imports of ccpm --help (cumulative):")
    for micros, name in heaviest_imports(8):
        print(f"  {name:<24} {micros / 1000:.0f} ms")


if __name__ == "__main__":
    main()
