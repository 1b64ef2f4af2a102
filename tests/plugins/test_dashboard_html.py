"""The HTML dashboard as text: structure, embedded data, escaping, determinism and input checks."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from dashboard_samples import (
    HOSTILE_COUNTRY,
    SAMPLE_LEVELS,
    Level,
    embedded_payload,
    make_frame,
    sample_frame,
    script_elements,
    uniform,
)
from hypothesis import given
from hypothesis import strategies as st

from ccpm_core.errors import InputError, RenderError
from ccpm_core.framework import FUNCTIONS, SECTION_IDS, SECTIONS, Status
from ccpm_core.i18n import translator
from ccpm_core.locale_format import format_percent, format_score
from ccpm_core.report_builder import status_label
from ccpm_plugins.renderers.dashboard_html import dashboard_html, render_dashboard
from ccpm_plugins.renderers.dashboard_payload import STATUS_ORDER, NumberText

CELL_STATUS, CELL_SCORE, CELL_TEXT, CELL_COUNT = range(4)


@pytest.fixture(scope="module")
def sample_html() -> str:
    return dashboard_html(sample_frame())


@pytest.fixture(scope="module")
def sample_payload(sample_html: str) -> dict[str, Any]:
    return embedded_payload(sample_html)


def html_attributes(document: str) -> str:
    match = re.search(r"<html [^>]*>", document)
    assert match is not None
    return match.group(0)


# Writing and determinism


def test_render_writes_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "dashboard.html"

    written = render_dashboard(sample_frame(), target)

    assert written == target
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_render_accepts_text_path(tmp_path: Path) -> None:
    written = render_dashboard(sample_frame(), str(tmp_path / "d.html"))
    assert written == tmp_path / "d.html"


def test_byte_identical_runs(tmp_path: Path) -> None:
    first = render_dashboard(sample_frame(), tmp_path / "a.html").read_bytes()
    second = render_dashboard(sample_frame(), tmp_path / "b.html").read_bytes()
    assert first == second


def test_row_order_does_not_matter() -> None:
    frame = sample_frame()
    shuffled = frame.sample(frac=1, random_state=7).reset_index(drop=True)
    assert dashboard_html(shuffled) == dashboard_html(frame)


def test_no_network_references(sample_html: str) -> None:
    # The SVG namespace is a name, not an address the browser fetches.
    assert "http://" not in sample_html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in sample_html
    assert " src=" not in sample_html
    assert "<link" not in sample_html


def test_unwritable_target(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(RenderError, match="cannot write"):
        render_dashboard(sample_frame(), blocker / "d.html")


# Language


def test_english_page_left_to_right(sample_html: str) -> None:
    assert html_attributes(sample_html) == '<html lang="en" dir="ltr">'


def test_arabic_page_right_to_left() -> None:
    document = dashboard_html(sample_frame(), language="ar")
    assert html_attributes(document) == '<html lang="ar" dir="rtl">'


def test_gettext_language_tag() -> None:
    document = dashboard_html(sample_frame(), language="fr_CA")
    assert html_attributes(document) == '<html lang="fr-CA" dir="ltr">'


@pytest.mark.parametrize("language", ["", "f", "en us", '"><script>'])
def test_invalid_language(language: str) -> None:
    with pytest.raises(RenderError, match="language tag"):
        dashboard_html(sample_frame(), language=language)


def test_french_section_names() -> None:
    document = dashboard_html(sample_frame(), language="fr")
    _ = translator("fr")
    for section_id in SECTION_IDS:
        title = _(SECTIONS[section_id].title)
        assert title != SECTIONS[section_id].title
        assert f"<dd>{title}</dd>" in document.replace("&#x27;", "'")


def test_section_columns_in_order(sample_html: str) -> None:
    headers = re.findall(
        r'<th scope="col" class="cell"><abbr title="[^"]*">([^<]*)</abbr>', sample_html
    )
    assert headers == list(SECTION_IDS)


def test_status_legend_labels() -> None:
    document = dashboard_html(sample_frame(), language="es")
    legend = re.search(r'<ul class="legend"[^>]*>(.*?)</ul>', document)
    assert legend is not None
    labels = re.findall(r">([^<]+)</li>", legend.group(1))
    assert labels == [status_label(status, "es") for status in STATUS_ORDER]


@pytest.mark.parametrize("language", ["fr", "es", "ar"])
def test_headings_translated(sample_html: str, language: str) -> None:
    english = re.findall(r"<h2[^>]*>([^<]+)</h2>", sample_html)
    translated = re.findall(
        r"<h2[^>]*>([^<]+)</h2>", dashboard_html(sample_frame(), language=language)
    )

    assert len(translated) == len(english) == 4
    assert all(a != b for a, b in zip(english, translated, strict=True))


@pytest.mark.parametrize("language", ["fr", "es", "ar"])
def test_buttons_translated(language: str) -> None:
    document = dashboard_html(sample_frame(), language=language)
    for english in ("Reset filters", "Previous page", "Next page", "Score and status"):
        assert english not in document


def test_default_title_translated() -> None:
    document = dashboard_html(sample_frame(), language="fr")
    assert "<title>Tableau de bord CCPM</title>" in document


def test_given_title_escaped() -> None:
    document = dashboard_html(sample_frame(), title="Sahel <b>2024</b> & more")
    assert "<h1>Sahel &lt;b&gt;2024&lt;/b&gt; &amp; more</h1>" in document


def test_function_names_in_payload() -> None:
    payload = embedded_payload(dashboard_html(sample_frame(), language="fr"))
    _ = translator("fr")
    assert payload["functions"] == [[f.number, _(f.short_title)] for f in FUNCTIONS]


def test_real_headings(sample_html: str) -> None:
    assert sample_html.count("<h1>") == 1
    assert len(re.findall(r"<h2 id=", sample_html)) == 4


def test_every_filter_labelled(sample_html: str) -> None:
    for name in ("year", "region", "country", "cluster", "level"):
        assert f'<label for="filter-{name}">' in sample_html
        assert f'<select id="filter-{name}"' in sample_html


# Embedded data


def test_payload_rows(sample_payload: dict[str, Any]) -> None:
    # Ordered by year, country, cluster and exercise, the national level before hubs.
    exercises = sample_payload["exercises"]
    rows = [(exercises[row[0]][0], row[1]) for row in sample_payload["rows"]]
    assert rows == [
        ("CHD-HEA-2023", None),
        ("CHD-HEA-2023", "Abéché"),
        ("CHD-HEA-2024", None),
        ("MMR-WSH-2024", None),
    ]


def test_payload_exercise_facts(sample_payload: dict[str, Any]) -> None:
    (index,) = [i for i, e in enumerate(sample_payload["exercises"]) if e[0] == "MMR-WSH-2024"]
    exercise = sample_payload["exercises"][index]

    assert exercise[1] == 2024
    assert sample_payload["regions"][exercise[2]] == "Asia and the Pacific"
    assert sample_payload["countries"][exercise[3]] == "Myanmar"
    assert sample_payload["clusters"][exercise[4]] == "WASH"


def test_payload_filter_values(sample_payload: dict[str, Any]) -> None:
    assert sample_payload["years"] == [2023, 2024]
    assert sample_payload["countries"] == ["Chad", "Myanmar"]
    assert sample_payload["clusters"] == ["Health", "WASH"]


def test_payload_scores_match_frame(sample_payload: dict[str, Any]) -> None:
    expected = SAMPLE_LEVELS[2].scores
    cells = sample_payload["rows"][2][6]

    scores = [cell[CELL_SCORE] for cell in cells]
    assert scores[:8] == list(expected[:8])
    assert scores[8] is None
    assert scores[9:] == list(expected[9:])


def test_payload_statuses(sample_payload: dict[str, Any]) -> None:
    cells = sample_payload["rows"][2][6]
    statuses = [STATUS_ORDER[cell[CELL_STATUS]] for cell in cells]
    # 80 good, 62.5 satisfactory, 30 unsatisfactory, 10 weak, 75 satisfactory (upper-inclusive).
    assert statuses[:5] == [
        Status.GOOD,
        Status.SATISFACTORY,
        Status.UNSATISFACTORY,
        Status.WEAK,
        Status.SATISFACTORY,
    ]
    assert statuses[8] == Status.NO_DATA


def test_payload_score_texts(sample_payload: dict[str, Any]) -> None:
    cells = sample_payload["rows"][2][6]
    assert cells[1][CELL_TEXT] == "62.5%"
    assert cells[8][CELL_TEXT] == "–"


def test_payload_score_texts_french() -> None:
    payload = embedded_payload(dashboard_html(sample_frame(), language="fr"))
    assert payload["rows"][2][6][1][CELL_TEXT] == format_score(62.5, "fr")


def test_payload_rates(sample_payload: dict[str, Any]) -> None:
    row = sample_payload["rows"][2]
    assert row[2] == [0.75, 0.9]
    assert row[3] == ["75.0%", "90.0%"]
    assert row[4] == [15, 2]


def test_payload_missing_rate(sample_payload: dict[str, Any]) -> None:
    row = sample_payload["rows"][0]
    assert row[2] == [0.5, None]
    assert row[3] == ["50.0%", "–"]


def test_payload_respondent_counts(sample_payload: dict[str, Any]) -> None:
    assert all(cell[CELL_COUNT] == 8 for cell in sample_payload["rows"][0][6])


def test_missing_section_shows_no_data() -> None:
    level = Level("E1", 2024, "R", "C", "K", [70.0, 70.0])
    payload = embedded_payload(dashboard_html(make_frame([level])))
    cells = payload["rows"][0][6]

    assert len(cells) == 13
    assert cells[2] == [STATUS_ORDER.index(Status.NO_DATA), None, "–", None]


def test_extra_columns_ignored() -> None:
    frame = sample_frame().assign(note="unused")
    assert dashboard_html(frame) == dashboard_html(sample_frame())


def test_empty_frame_renders() -> None:
    payload = embedded_payload(dashboard_html(sample_frame().iloc[0:0]))
    assert payload["rows"] == []
    assert payload["years"] == []


def test_number_style_french() -> None:
    payload = embedded_payload(dashboard_html(sample_frame(), language="fr"))
    style = payload["number"]

    assert style["decimal"] == ","
    assert style["percent"].replace("{}", "12,5") == format_percent(12.5, "fr")


# Escaping


@pytest.fixture(scope="module")
def hostile_html() -> str:
    level = Level("E<1>", 2024, "R&D", HOSTILE_COUNTRY, "<!-- K -->", uniform(50.0), hub=None)
    hub = Level("E<1>", 2024, "R&D", HOSTILE_COUNTRY, "<!-- K -->", uniform(50.0), hub="</a>")
    return dashboard_html(make_frame([level, hub]))


def test_hostile_text_cannot_close_script(hostile_html: str) -> None:
    assert "alert(1)</script>" not in hostile_html
    assert hostile_html.count("<script") == 2


def test_hostile_text_parses_to_two_scripts(hostile_html: str) -> None:
    scripts = script_elements(hostile_html)
    assert [attributes.get("type") for attributes, _ in scripts] == ["application/json", None]


def test_hostile_text_round_trips(hostile_html: str) -> None:
    payload = embedded_payload(hostile_html)

    assert payload["countries"] == [HOSTILE_COUNTRY]
    assert payload["regions"] == ["R&D"]
    assert payload["clusters"] == ["<!-- K -->"]
    assert payload["exercises"][0][0] == "E<1>"
    assert payload["rows"][1][1] == "</a>"


def test_payload_has_no_markup_characters(hostile_html: str) -> None:
    (_, text) = script_elements(hostile_html)[0]
    assert "<" not in text
    assert ">" not in text
    assert "&" not in text


def test_lone_surrogate_encodes(tmp_path: Path) -> None:
    level = Level("E1", 2024, "R", "Chad\ud800", "K", uniform(50.0))
    path = render_dashboard(make_frame([level]), tmp_path / "d.html", title="T\ud800")
    document = path.read_text(encoding="utf-8")
    assert "<title>T\ufffd</title>" in document


# Number text


@given(st.floats(min_value=0, max_value=100, allow_nan=False))
def test_score_text_matches_format_score(value: float) -> None:
    assert NumberText("fr").scores([value]) == [format_score(value, "fr")]


@pytest.mark.parametrize("value", [0.15, 62.25, 62.35, 24.95, 25.0, 75.02, 74.96, 99.95, 100.0])
def test_score_text_edge_values(value: float) -> None:
    assert NumberText("en").scores([value]) == [format_score(value, "en")]


@given(st.floats(min_value=0, max_value=20, allow_nan=False))
def test_rate_text_matches_format_percent(fraction: float) -> None:
    assert NumberText("es").rates([fraction]) == [format_percent(100 * fraction, "es")]


def test_count_text_grouped() -> None:
    assert NumberText("en").count(12345) == "12,345"


# Input checks


def replaced(column: str, value: Any, row: int = 0) -> pd.DataFrame:
    frame = sample_frame().astype({column: object})
    frame.at[row, column] = value
    return frame


def test_not_a_frame() -> None:
    with pytest.raises(InputError, match="needs a pandas DataFrame, not list"):
        dashboard_html([])  # type: ignore[arg-type]


@pytest.mark.parametrize("column", ["exercise", "score", "status", "hub", "coordinators"])
def test_missing_column(column: str) -> None:
    with pytest.raises(InputError, match=f"has no column '{column}'"):
        dashboard_html(sample_frame().drop(columns=column))


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("score", 120.0, "from 0 to 100"),
        ("score", -1.0, "from 0 to 100"),
        ("score", math.inf, "from 0 to 100"),
        ("score", "50", "from 0 to 100"),
        ("status", "great", "one of 'good'"),
        ("level", "regional", "'national' or 'subnational'"),
        ("section", "8", "one of 1.1"),
        ("function", "2", "'1', the function of section 1.1"),
        ("function", 1, "'1', the function of section 1.1"),
        ("year", "2024", "an integer"),
        ("year", 2024.5, "an integer"),
        ("year", True, "an integer"),
        ("n", -1, "an integer of 0 or more"),
        ("partners", math.nan, "an integer of 0 or more"),
        ("response_rate", -0.1, "a number of 0 or more"),
        ("country", "  ", "a non-empty text"),
        ("exercise", None, "a non-empty text"),
        ("hub", "Abéché", "None on a national row"),
    ],
)
def test_invalid_value(column: str, value: Any, expected: str) -> None:
    with pytest.raises(InputError, match=re.escape(expected)) as caught:
        dashboard_html(replaced(column, value))
    assert f"column '{column}'" in str(caught.value)
    assert "row 0" in str(caught.value)


def test_subnational_row_without_hub() -> None:
    frame = replaced("hub", None, row=13)
    with pytest.raises(InputError, match="row 13: column 'hub' has None; expected a hub name"):
        dashboard_html(frame)


def test_missing_score_with_status() -> None:
    frame = replaced("score", math.nan)
    with pytest.raises(InputError, match="'no_data' where the score is NaN"):
        dashboard_html(frame)


def test_row_label_in_message() -> None:
    frame = sample_frame()
    frame.index = [f"line-{i}" for i in range(len(frame))]
    frame.loc["line-3", "score"] = 101.0
    with pytest.raises(InputError, match="row 'line-3'"):
        dashboard_html(frame)


def test_repeated_section() -> None:
    frame = pd.concat([sample_frame(), sample_frame().iloc[[5]]], ignore_index=True)
    with pytest.raises(InputError, match=r"row 52: .* has section '3\.1' twice"):
        dashboard_html(frame)


def test_exercise_with_two_years() -> None:
    frame = replaced("year", 2020, row=14)
    with pytest.raises(InputError, match="exercise 'CHD-HEA-2023' has two values in column 'year'"):
        dashboard_html(frame)


def test_level_with_two_rates() -> None:
    frame = replaced("response_rate", 0.9, row=3)
    with pytest.raises(
        InputError, match=r"rows 0 and 3: .* column 'response_rate' \(0.5 and 0.9\)"
    ):
        dashboard_html(frame)


def test_whole_number_floats_accepted() -> None:
    frame = sample_frame().astype({"year": float, "partners": float})
    assert dashboard_html(frame) == dashboard_html(sample_frame())


def test_nullable_dtypes_accepted() -> None:
    frame = sample_frame().astype({"year": "Int64", "score": "Float64", "country": "string"})
    assert dashboard_html(frame) == dashboard_html(sample_frame())
