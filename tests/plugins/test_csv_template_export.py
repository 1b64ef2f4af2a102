"""The csv-template exporter: the canonical header row, read back by the CSV source."""

from __future__ import annotations

from pathlib import Path

from ccpm_core.normalise import normalise_responses
from ccpm_core.plugin_api import SourceRequest
from ccpm_core.questionnaire import standard_questionnaire
from ccpm_plugins import plugin_host


def test_template_starts_with_profile_columns() -> None:
    data = plugin_host().exporter("csv-template").export(standard_questionnaire())
    header = data.decode("utf-8-sig").splitlines()[0].split(",")

    assert data.startswith(b"\xef\xbb\xbf")
    assert header[:3] == ["instrument", "hub", "organisation_type"]
    assert "p111" in header
    assert "c_orgs_un_agency" in header
    assert "p_comment_1" in header
    assert len(header) == len(standard_questionnaire().questions)


def test_filled_template_reads_without_unknown_columns(tmp_path: Path) -> None:
    questionnaire = standard_questionnaire()
    template = plugin_host().exporter("csv-template").export(questionnaire)
    path = tmp_path / "responses.csv"
    header_count = template.decode("utf-8-sig").splitlines()[0].count(",") + 1
    row = ["partner", "", "national_ngo", *[""] * (header_count - 3)]
    path.write_bytes(template + (",".join(row) + "\r\n").encode("utf-8"))

    raw = plugin_host().source("csv").read(SourceRequest(questionnaire, str(path)))
    responses = normalise_responses(raw, questionnaire)

    assert responses.quality.unknown_columns == ()
    assert responses.quality.missing_questions == ()
    assert responses.quality.rows_scored == 1
