"""LimeSurvey exports that are incomplete or malformed: read correctly, or rejected with a message.

The file case lives in ``tests/corpus/limesurvey``: an export of the standard
questionnaire with eight submitted responses and two that stopped early
(empty ``submitdate``, ``lastpage`` 1 and 2).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from limesurvey_fake_server import FakeLimeSurvey, FakeSurvey
from limesurvey_questionnaires import small_questionnaire

from ccpm_core.errors import CcpmError
from ccpm_core.normalise import normalise_responses
from ccpm_core.plugin_api import SourceRequest
from ccpm_core.questionnaire import standard_questionnaire
from ccpm_core.responses import ExclusionReason
from ccpm_plugins.sources.http_client import RetryPolicy
from ccpm_plugins.sources.limesurvey.export_files import (
    decode_base64_export,
    parse_json_export,
    read_export_file,
    records_to_table,
)
from ccpm_plugins.sources.limesurvey.responses import ResponseMapper
from ccpm_plugins.sources.limesurvey.source import LimesurveySource
from cli_runner import run

QUICK = RetryPolicy(max_attempts=2, backoff_initial=0.001, backoff_max=0.001, read_timeout=5)

CORPUS = Path(__file__).parents[2] / "corpus" / "limesurvey"
INCOMPLETE = CORPUS / "incomplete-responses.csv"
DATED = ("--date", "2026-05-30")
READ_ALL = ("--source", "limesurvey", "--include-incomplete")
EXPECTED = json.loads((CORPUS / "incomplete-responses.csv.expected.json").read_text("utf-8"))


def read_incomplete(**options: str) -> Any:
    request = SourceRequest(standard_questionnaire(), str(INCOMPLETE), options)
    return LimesurveySource().read(request)


# --- Incomplete responses -------------------------------------------------------------


def test_incomplete_excluded_by_default() -> None:
    raw = read_incomplete()

    assert len(raw.table) == EXPECTED["default"]["rows_scored"]
    assert [(e.row, e.reason.value, e.detail) for e in raw.exclusions] == [
        tuple(item) for item in EXPECTED["default"]["exclusions"]
    ]


def test_incomplete_counted_in_data_quality() -> None:
    quality = normalise_responses(read_incomplete(), standard_questionnaire()).quality

    assert quality.rows_read == EXPECTED["rows_read"]
    assert quality.rows_scored == EXPECTED["default"]["rows_scored"]
    assert quality.exclusion_counts() == {ExclusionReason.INCOMPLETE.value: 2}


def test_incomplete_included_on_request() -> None:
    raw = read_incomplete(include_incomplete="yes")

    quality = normalise_responses(raw, standard_questionnaire()).quality

    assert raw.exclusions == ()
    assert quality.rows_scored == EXPECTED["included"]["rows_scored"]


def test_incomplete_shown_in_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "report.md"

    code, _, err = run(
        ["report", str(INCOMPLETE), "--source", "limesurvey", *DATED, "-o", str(output)],
        capsys,
    )

    text = output.read_text("utf-8")
    assert code == 0, err
    assert "Rows excluded: 2." in text
    assert "not submitted; last page reached: 1" in text
    assert "not submitted; last page reached: 2" in text


def test_include_incomplete_flag_in_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "report.md"

    code, _, err = run(
        ["report", str(INCOMPLETE), *READ_ALL, *DATED, "-o", str(output)],
        capsys,
    )

    text = output.read_text("utf-8")
    assert code == 0, err
    assert "Rows excluded: 0." in text
    assert "not submitted" not in text


# --- Error messages ------------------------------------------------------------------


@pytest.mark.parametrize("variable", [None, "SURVEY_SECRET"])
def test_wrong_password_names_variable(
    server_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str | None,
) -> None:
    name = variable or "LIMESURVEY_PASSWORD"
    monkeypatch.setenv(name, "wrong-password")
    options = ["--url", server_url, "--user", "admin", "--survey", "123456"]
    if variable is not None:
        options += ["--password-env", variable]

    code, out, err = run(["fetch", "limesurvey", *options, "-o", "unused.csv"], capsys)

    assert code == 1
    assert f"environment variable {name} (--password-env)" in err
    assert "wrong-password" not in out + err


# --- Fuzzing the export parsers ----------------------------------------------------------

HEADINGS = [
    "id",
    "submitdate",
    "lastpage",
    "instrument",
    "hub",
    "organisationtype",
    "p1[1]",
    "p1[2]",
    "p1[other]",
    "c1",
    "corgsingo",
    "pcomment1",
    "Date submitted",
    "unknown heading",
    "",
]

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(["AO01", "AO02", "A3", "-oth-", "=1+1", "", "x" * 3000]),
)
_values = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)
_records = st.lists(st.dictionaries(st.sampled_from(HEADINGS), _values, max_size=8), max_size=5)
_documents = st.one_of(
    st.fixed_dictionaries({"responses": st.one_of(_records, _values)}),
    st.fixed_dictionaries(
        {"responses": st.lists(st.dictionaries(st.sampled_from(["1", "2"]), _records, max_size=2))}
    ),
    _values,
)


def error_of(action: Callable[[], object]) -> CcpmError | None:
    """Run ``action`` and return the ccpm error it raised, or None."""
    try:
        action()
    except CcpmError as error:
        return error
    return None


def map_records(records: list[dict[str, str]], include_incomplete: bool) -> None:
    questionnaire = small_questionnaire()
    table = records_to_table(records, "fuzz.json")
    raw = ResponseMapper(questionnaire).raw_responses(table, include_incomplete=include_incomplete)
    assert len(raw.table) + len(raw.exclusions) == len(records)
    normalise_responses(raw, questionnaire)


@settings(max_examples=80, deadline=None)
@given(document=_documents, include_incomplete=st.booleans())
def test_fuzzed_json_export(document: Any, include_incomplete: bool) -> None:
    data = base64.b64encode(json.dumps(document).encode("utf-8")).decode("ascii")

    def read() -> None:
        export = parse_json_export(decode_base64_export(data, "fuzz"), "fuzz")
        map_records(export.records, include_incomplete)

    error = error_of(read)

    assert error is None or str(error)


@settings(max_examples=40, deadline=None)
@given(text=st.text(max_size=200))
def test_fuzzed_base64_text(text: str) -> None:
    error = error_of(lambda: decode_base64_export(text, "fuzz"))

    assert error is None or "fuzz" in str(error)


_cells = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12)


@settings(max_examples=40, deadline=None)
@given(
    header=st.lists(st.one_of(st.sampled_from(HEADINGS), _cells), min_size=1, max_size=6),
    rows=st.lists(st.lists(_cells, max_size=7), max_size=4),
    separator=st.sampled_from([";", ",", "\t"]),
    bom=st.booleans(),
)
def test_fuzzed_csv_export_file(
    tmp_path_factory: pytest.TempPathFactory,
    header: list[str],
    rows: list[list[str]],
    separator: str,
    bom: bool,
) -> None:
    def line(cells: list[str]) -> str:
        return separator.join('"' + cell.replace('"', '""') + '"' for cell in cells)

    text = "\r\n".join([line(header), *(line(row) for row in rows)]) + "\r\n"
    path = tmp_path_factory.mktemp("fuzz") / "export.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))

    def read() -> None:
        table = read_export_file(str(path))
        raw = ResponseMapper(small_questionnaire()).raw_responses(table, include_incomplete=False)
        normalise_responses(raw, small_questionnaire())

    error = error_of(read)

    assert error is None or str(error)


@settings(max_examples=20, deadline=None)
@given(data=st.binary(max_size=300))
def test_fuzzed_bytes_export_file(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "export.json"
    path.write_bytes(data)

    error = error_of(lambda: read_export_file(str(path)))

    assert error is None or str(error)


_served_results = st.one_of(
    _documents.map(lambda document: base64.b64encode(json.dumps(document).encode()).decode()),
    st.text(max_size=40),
    _values,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(result=_served_results)
def test_fuzzed_export_served(
    fake: FakeLimeSurvey, server_url: str, password_env: str, result: Any
) -> None:
    survey = fake.add_survey(FakeSurvey(sid=654321, languages=["en"], active=True))
    fake.export_result = lambda _params: result
    request = SourceRequest(
        small_questionnaire(),
        None,
        {"url": server_url, "survey": str(survey.sid), "user": "admin"},
    )

    error = error_of(lambda: LimesurveySource(policy=QUICK).read(request))

    assert error is None or str(error)
