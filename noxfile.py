"""Development sessions: ``nox -s tests``, ``lint``, ``typecheck``, ``docs`` and ``i18n``."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "venv"
nox.options.sessions = ["tests", "lint", "typecheck"]


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite."""
    session.install("-e", ".[test]")
    # A second step, so that pip takes ccpm from the checkout for the example's dependency.
    session.install("./examples/ccpm-odk-central")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Check style and common mistakes with ruff."""
    session.install("ruff")
    session.run("ruff", "check", "src", "tests", "examples", "noxfile.py")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site into site/, failing on any warning such as a broken link."""
    session.install("-e", ".[docs]")
    # The command-line reference documents what ccpm ships, without installed plugins.
    session.run("mkdocs", "build", "--strict", *session.posargs, env={"CCPM_PLUGINS": ""})


@nox.session
def typecheck(session: nox.Session) -> None:
    """Type-check the packages with mypy in strict mode."""
    session.install("-e", ".[dev]")
    session.run("mypy", "src")


BENCHMARKS = (
    "bench_scoring.py",
    "bench_csv_read.py",
    "bench_kobo_fetch.py",
    "bench_portfolio.py",
    "bench_startup.py",
)


@nox.session
def bench(session: nox.Session) -> None:
    """Run every benchmark script and print its figures; docs/benchmarks.md records them.

    Takes about 15 minutes on 2 cores. Name scripts to run only those, as in
    ``nox -s bench -- bench_startup.py``.
    """
    session.install("-e", ".[test]")
    for script in session.posargs or BENCHMARKS:
        session.run("python", f"benchmarks/{script}")


LOCALE_DIR = "src/ccpm_core/locale"
MESSAGE_DOMAIN = "ccpm"
MESSAGE_TEMPLATE = f"{LOCALE_DIR}/{MESSAGE_DOMAIN}.pot"


@nox.session
def i18n(session: nox.Session) -> None:
    """Extract report text into the template, update every catalog and compile it.

    New and changed messages arrive untranslated or marked fuzzy, and the
    catalog tests fail until a translator has filled them in. Start a new
    language with ``nox -s i18n -- LANGUAGE`` (such as ``pt``), which first
    creates its catalog from the template.
    """
    session.install("babel>=2.14")
    session.run(
        "pybabel",
        "extract",
        "--mapping-file=babel.cfg",
        f"--output-file={MESSAGE_TEMPLATE}",
        "--project=ccpm",
        "--copyright-holder=ccpm contributors",
        "--add-comments=TRANSLATORS:",
        # File names without line numbers, so that moving code does not touch the catalogs.
        "--add-location=file",
        "src",
    )
    for language in session.posargs:
        session.run(
            "pybabel",
            "init",
            f"--input-file={MESSAGE_TEMPLATE}",
            f"--output-dir={LOCALE_DIR}",
            f"--domain={MESSAGE_DOMAIN}",
            f"--locale={language}",
        )
    session.run(
        "pybabel",
        "update",
        f"--input-file={MESSAGE_TEMPLATE}",
        f"--output-dir={LOCALE_DIR}",
        f"--domain={MESSAGE_DOMAIN}",
        "--ignore-obsolete",
        "--ignore-pot-creation-date",
    )
    session.run(
        "pybabel",
        "compile",
        f"--directory={LOCALE_DIR}",
        f"--domain={MESSAGE_DOMAIN}",
        "--statistics",
    )
