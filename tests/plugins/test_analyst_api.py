"""The analyst functions: read_responses and render_report, with every input check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import ClassVar

import pandas as pd
import pytest

import ccpm_plugins
from ccpm_core.errors import InputError, PluginError
from ccpm_core.framework import Status
from ccpm_core.hookspecs import hookimpl
from ccpm_core.plugin_api import SourceOption, SourceRequest, SurveySource
from ccpm_core.questionnaire import questionnaire_from_data, standard_questionnaire
from ccpm_core.responses import RawResponses
from ccpm_core.scoring import score
from ccpm_plugins import plugin_host, read_responses, render_report

ROWS = [
    {"instrument": "partner", "hub": "", "p121": "3", "p122": "999", "p123": "4"},
    {"instrument": "partner", "hub": "", "p121": "2", "p122": "2", "p123": "1"},
    {"instrument": "coordinator", "hub": "", "c121": "4", "c122": "3", "c123": "4"},
    {"instrument": "partner", "hub": "Coastal hub", "p121": "Often", "p122": "1", "p123": "1"},
    {"instrument": "", "hub": "", "p121": "4"},
]


@pytest.fixture
def responses_csv(tmp_path: Path) -> Path:
    path = tmp_path / "responses.csv"
    pd.DataFrame(ROWS).to_csv(path, index=False)
    return path


class TicketSource(SurveySource):
    """A backend double that needs a ticket and returns the rows above."""

    name = "ticket"
    description = "Test backend"
    options: ClassVar[tuple[SourceOption, ...]] = (
        SourceOption("ticket", "Ticket number", required=True),
    )
    seen: ClassVar[list[SourceRequest]] = []

    def read(self, request: SourceRequest) -> RawResponses:
        TicketSource.seen.append(request)
        table = pd.DataFrame(ROWS[:3]).fillna("")
        return RawResponses(source="ticket", table=table, row_numbers=[2, 3, 4])


@pytest.fixture
def ticket_source() -> Iterator[type[TicketSource]]:
    @hookimpl
    def ccpm_register_sources(register: Callable[[SurveySource], None]) -> None:
        register(TicketSource())

    plugin_host().register_plugin(
        SimpleNamespace(ccpm_register_sources=ccpm_register_sources), name="ticket_test"
    )
    TicketSource.seen.clear()
    yield TicketSource
    plugin_host().unregister_plugin("ticket_test")


def test_package_exports_analyst_functions() -> None:
    assert ccpm_plugins.read_responses is read_responses
    assert ccpm_plugins.render_report is render_report


def test_read_responses_csv_by_suffix(responses_csv: Path) -> None:
    responses = read_responses(responses_csv)

    assert len(responses) == 4
    assert responses.hubs == [None, "Coastal hub"]


def test_read_responses_keeps_exclusions(responses_csv: Path) -> None:
    quality = read_responses(str(responses_csv)).quality

    assert quality.rows_read == 5
    assert quality.rows_scored == 4
    assert [exclusion.row for exclusion in quality.exclusions] == [6]


def test_read_responses_labels_matched(responses_csv: Path) -> None:
    responses = read_responses(responses_csv)

    assert responses.quality.unrecognised_values == ()


def test_read_responses_then_score(responses_csv: Path) -> None:
    results = score(read_responses(responses_csv))

    section = results.level().section("1.2").overall
    # Means 3.5, 5/3 and 11/3: the median is 3.5, or 87.5%.
    assert section.percent == 87.5
    assert section.status is Status.GOOD


def test_read_responses_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.csv"

    with pytest.raises(InputError, match=r"nowhere\.csv: file not found"):
        read_responses(missing)


def test_read_responses_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder"):
        read_responses(tmp_path)


def test_read_responses_unknown_suffix(tmp_path: Path) -> None:
    path = tmp_path / "responses.sav"
    path.write_bytes(b"\x00")

    with pytest.raises(InputError, match=r"no survey source reads files of this kind.*csv"):
        read_responses(path)


def test_read_responses_no_location() -> None:
    with pytest.raises(InputError, match="give a responses file"):
        read_responses()


def test_read_responses_unknown_source(responses_csv: Path) -> None:
    with pytest.raises(PluginError):
        read_responses(responses_csv, source="no-such-source")


def test_read_responses_unknown_option(responses_csv: Path) -> None:
    with pytest.raises(InputError, match=r"the csv source does not take colour; it takes: sheet"):
        read_responses(responses_csv, colour="blue")


def test_read_responses_backend_options(ticket_source: type[TicketSource]) -> None:
    responses = read_responses(source="ticket", ticket="42")

    assert len(responses) == 3
    assert ticket_source.seen[0].options == {"ticket": "42"}
    assert ticket_source.seen[0].location is None


def test_read_responses_required_option(ticket_source: type[TicketSource]) -> None:
    with pytest.raises(InputError, match="the ticket source needs ticket"):
        read_responses(source="ticket")


def test_read_responses_custom_questionnaire(responses_csv: Path) -> None:
    custom = standard_questionnaire()

    responses = read_responses(responses_csv, questionnaire=custom)

    assert responses.questionnaire is custom


def test_render_report_markdown(responses_csv: Path, tmp_path: Path) -> None:
    results = score(read_responses(responses_csv))

    written = render_report(
        results,
        tmp_path / "out" / "report.md",
        cluster="Health",
        country="Chad",
        date=dt.date(2026, 12, 1),
    )

    assert written[0] == tmp_path / "out" / "report.md"
    text = written[0].read_text(encoding="utf-8")
    assert "Health" in text
    assert "Chad" in text


def test_render_report_hub_any_case(responses_csv: Path, tmp_path: Path) -> None:
    results = score(read_responses(responses_csv))

    written = render_report(results, tmp_path / "coastal.md", hub="COASTAL HUB")

    assert "Coastal hub" in written[0].read_text(encoding="utf-8")


def test_render_report_language(responses_csv: Path, tmp_path: Path) -> None:
    results = score(read_responses(responses_csv))

    written = render_report(results, tmp_path / "rapport.md", language="fr")

    assert "Rapport" in written[0].read_text(encoding="utf-8")


def test_render_report_unknown_hub(responses_csv: Path, tmp_path: Path) -> None:
    results = score(read_responses(responses_csv))

    with pytest.raises(InputError, match=r"hub 'Desert'.*Coastal hub.*hub=None"):
        render_report(results, tmp_path / "report.md", hub="Desert")


def test_render_report_unknown_language(responses_csv: Path, tmp_path: Path) -> None:
    results = score(read_responses(responses_csv))

    with pytest.raises(InputError, match=r"no labels in 'de'; choose one of: en, fr, es, ar"):
        render_report(results, tmp_path / "report.md", language="de")


def test_render_report_unknown_format(responses_csv: Path, tmp_path: Path) -> None:
    results = score(read_responses(responses_csv))

    with pytest.raises(PluginError):
        render_report(results, tmp_path / "report.odt")


def test_render_report_other_questionnaire(responses_csv: Path, tmp_path: Path) -> None:
    results = score(read_responses(responses_csv))
    data = standard_questionnaire().model_dump(by_alias=True)
    other = questionnaire_from_data({**data, "version": "1999.1"})

    with pytest.raises(InputError, match=r"scored with questionnaire 'ccpm-standard' version"):
        render_report(results, tmp_path / "report.md", questionnaire=other)
