"""Run the code examples of the documentation and the README, so they cannot drift.

Each page's ``python`` blocks are executed and its ``pycon`` blocks run as
doctests, in page order and in one namespace per page, inside a temporary
folder that holds a sample ``responses.csv`` and a copy of the standard
questionnaire as ``my_questionnaire.yaml``.
"""

from __future__ import annotations

import doctest
import re
import shutil
from pathlib import Path
from typing import Any, NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

# The plugin guide and the hook reference show fragments, such as signatures and
# parts of a plugin, that run only inside a plugin package, so they are not run here.
FRAGMENT_PAGES = {"plugins.md", "hooks.md"}

FENCE = re.compile(r"^```(?P<lang>[\w-]*)[^\n]*$")


class CodeBlock(NamedTuple):
    """A fenced block of a Markdown page."""

    lang: str
    text: str
    line: int
    """Line number of the opening fence, counting from 1."""


def code_blocks(text: str) -> list[CodeBlock]:
    """Return the top-level fenced blocks of a Markdown text, in order."""
    blocks: list[CodeBlock] = []
    lang: str | None = None
    start = 0
    body: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if lang is None:
            match = FENCE.match(line)
            if match:
                lang, start, body = match["lang"], number, []
        elif line.startswith("```"):
            blocks.append(CodeBlock(lang, "\n".join(body) + "\n", start))
            lang = None
        else:
            body.append(line)
    return blocks


# Pages with a test of their own below, which also checks the files they write.
CHECKED_PAGES = {"tutorial.md"}


def runnable_pages() -> list[Path]:
    """Return the documentation pages whose examples run and have no test of their own."""
    skipped = FRAGMENT_PAGES | CHECKED_PAGES
    return sorted(page for page in DOCS.rglob("*.md") if page.name not in skipped)


def run_blocks(page: Path, namespace: dict[str, Any]) -> int:
    """Run every python and pycon block of ``page``; return how many ran."""
    ran = 0
    for block in code_blocks(page.read_text(encoding="utf-8")):
        where = f"{page.relative_to(ROOT)}:{block.line}"
        if block.lang == "python":
            exec(compile(block.text, where, "exec"), namespace)
        elif block.lang == "pycon":
            run_doctest(block, where, namespace)
        else:
            continue
        ran += 1
    return ran


def run_doctest(block: CodeBlock, where: str, namespace: dict[str, Any]) -> None:
    """Run a pycon block as a doctest and carry its names over to the next blocks."""
    test = doctest.DocTestParser().get_doctest(block.text, namespace, where, where, block.line)
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    report: list[str] = []
    runner = doctest.DocTestRunner(optionflags=flags)
    runner.run(test, out=report.append, clear_globs=False)
    namespace.update(test.globs)
    if runner.failures:
        pytest.fail("".join(report), pytrace=False)


@pytest.fixture(scope="module")
def example_inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Write the files that the examples read, once for the module."""
    from ccpm_core.sample import sample_responses

    folder = tmp_path_factory.mktemp("inputs")
    sample_responses().to_csv(folder / "responses.csv", index=False)
    standard = ROOT / "src" / "ccpm_core" / "data" / "standard_questionnaire.yaml"
    shutil.copy(standard, folder / "my_questionnaire.yaml")
    return folder


@pytest.fixture
def docs_folder(example_inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Enter a fresh folder holding the files that the examples read."""
    import matplotlib

    matplotlib.use("Agg")
    for source in example_inputs.iterdir():
        shutil.copy(source, tmp_path / source.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("page", runnable_pages(), ids=lambda page: page.name)
def test_page_examples_run(page: Path, docs_folder: Path) -> None:
    run_blocks(page, {"__name__": "__docs__"})


def test_readme_analyst_snippet_runs(docs_folder: Path) -> None:
    namespace: dict[str, Any] = {"__name__": "__docs__"}

    ran = run_blocks(ROOT / "README.md", namespace)

    assert ran >= 1
    assert (docs_folder / "report.docx").is_file()
    assert set(namespace["frame"].columns) >= {"level", "id", "score", "status"}


def test_tutorial_examples_run(docs_folder: Path) -> None:
    ran = run_blocks(DOCS / "tutorial.md", {"__name__": "__docs__"})

    assert ran >= 10
    assert (docs_folder / "section-scores.png").stat().st_size > 0
    assert (docs_folder / "rapport-coastal.html").is_file()


def test_code_blocks_parse_fences() -> None:
    text = 'intro\n```python\nx = 1\n```\n\n```pycon title="t"\n>>> x\n1\n```\n'

    blocks = code_blocks(text)

    assert blocks == [CodeBlock("python", "x = 1\n", 2), CodeBlock("pycon", ">>> x\n1\n", 6)]
