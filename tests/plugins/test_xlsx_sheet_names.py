"""Sheet names of the preliminary report's workbook in every report language."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook import Workbook

from ccpm_plugins.cli.main import main
from ccpm_plugins.renderers.spreadsheet_text import utf16_length
from ccpm_plugins.renderers.xlsx_plan import MAX_SHEET_TITLE

LANGUAGES = ("en", "fr", "es", "ar")

SHORT_NAMES = {
    "en": ("Partners vs coordinator", "Levels compared", "Item scores", "Answer distributions"),
    "fr": (
        "Écart partenaires-coordinateur",
        "Comparaison des niveaux",
        "Scores des items",
        "Répartition des réponses",
    ),
    "es": (
        "Socios y coordinador",
        "Comparación de niveles",
        "Puntuaciones de ítems",
        "Distribución de respuestas",
    ),
    "ar": ("الشركاء والمنسق", "مقارنة المستويات", "درجات البنود", "توزيع الإجابات"),
}


def run(argv: list[str]) -> int:
    try:
        main(argv)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 1
    return 0


@pytest.fixture(scope="module")
def responses(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Write the demo survey, which has a national level and two hubs, once."""
    folder = tmp_path_factory.mktemp("demo")
    assert run(["demo", "-o", str(folder)]) == 0
    return folder / "responses.csv"


@pytest.fixture(scope="module", params=LANGUAGES)
def workbook(
    request: pytest.FixtureRequest, responses: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Workbook]:
    language: str = request.param
    target = tmp_path_factory.mktemp(language) / "report.xlsx"
    assert run(["report", str(responses), "-o", str(target), "--lang", language]) == 0
    return language, openpyxl.load_workbook(target)


def truncations(title: str) -> set[str]:
    """Return the ways a title longer than a sheet name allows could have been cut."""
    if utf16_length(title) <= MAX_SHEET_TITLE:
        return set()
    cut = title
    while utf16_length(cut) > MAX_SHEET_TITLE:
        cut = cut[:-1]
    words = cut.rsplit(" ", 1)[0]
    return {cut.rstrip(), words.rstrip()}


def test_short_names_present(workbook: tuple[str, Workbook]) -> None:
    language, book = workbook
    for name in SHORT_NAMES[language]:
        assert name in book.sheetnames


def test_names_fit(workbook: tuple[str, Workbook]) -> None:
    _, book = workbook
    for name in book.sheetnames:
        assert utf16_length(name) <= MAX_SHEET_TITLE


def test_names_unique(workbook: tuple[str, Workbook]) -> None:
    _, book = workbook
    lowered = [name.lower() for name in book.sheetnames]
    assert len(set(lowered)) == len(lowered)


def test_names_not_cut(workbook: tuple[str, Workbook]) -> None:
    # The Contents sheet lists the caption of every table, chart and list, next
    # to links such as "'Item scores'!A1", which are not titles.
    _, book = workbook
    titles = {
        value
        for row in book.worksheets[1].iter_rows(values_only=True)
        for value in row
        if isinstance(value, str) and "'!" not in value and not value.startswith("=")
    }
    cut_titles = set().union(*(truncations(title) for title in titles))
    for name in book.sheetnames:
        assert name not in cut_titles
