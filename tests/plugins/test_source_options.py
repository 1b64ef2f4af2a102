"""Source options on the command line: which commands take them and how their help is merged."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import click
import pytest

from ccpm_core.plugin_api import SourceOption, SourceRequest, SurveySource
from ccpm_core.responses import RawResponses
from ccpm_plugins.cli.command_reference import builtin_command_tree
from ccpm_plugins.cli.inputs import ResponseInputCommand, merge_source_options
from cli_runner import run


class BoardSource(SurveySource):
    name = "board"
    description = "Responses read from a board's server."
    options: ClassVar[tuple[SourceOption, ...]] = (
        SourceOption("server", "Board server address."),
        SourceOption("drafts", "Read drafts too.", flag=True),
    )

    def read(self, request: SourceRequest) -> RawResponses:
        raise NotImplementedError


class DeskSource(BoardSource):
    name = "desk"
    options = (
        SourceOption("server", "Desk server address."),
        SourceOption("drafts", "Number of drafts to read."),
        SourceOption("project", "Desk project number."),
    )


def commands(group: click.Group) -> list[click.Command]:
    """Return every command under ``group``, depth first."""
    found: list[click.Command] = []
    for command in group.commands.values():
        found.append(command)
        if isinstance(command, click.Group):
            found.extend(commands(command))
    return found


def test_merge_sorted_by_name() -> None:
    merged = merge_source_options([DeskSource()])

    assert [name for name, _, _ in merged] == ["drafts", "project", "server"]


def helps_of(*sources: SurveySource) -> dict[str, str]:
    return {name: help_text for name, help_text, _ in merge_source_options(sources)}


def flags_of(*sources: SurveySource) -> dict[str, bool]:
    return {name: flag for name, _, flag in merge_source_options(sources)}


def test_merge_shared_name_joins_help() -> None:
    merged = helps_of(BoardSource(), DeskSource())

    assert merged["server"] == "Board server address. [board]; Desk server address. [desk]"
    assert merged["project"] == "Desk project number. [desk]"


def test_merge_first_source_sets_flag() -> None:
    board_first = flags_of(BoardSource(), DeskSource())
    desk_first = flags_of(DeskSource(), BoardSource())

    assert board_first["drafts"] is True
    assert desk_first["drafts"] is False


def test_merge_no_sources_empty() -> None:
    assert merge_source_options([]) == ()


def test_reading_commands_take_source_options() -> None:
    readers = [
        command
        for command in commands(builtin_command_tree())
        if any(param.name == "source_name" for param in command.params)
    ]

    assert len(readers) >= 6
    for command in readers:
        assert isinstance(command, ResponseInputCommand), f"{command.name} lists no source options"


@pytest.mark.parametrize("command", ["score", "report", "fetch", "progress"])
def test_command_help_lists_source_options(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run([command, "--help"], capsys)

    assert code == 0
    assert "\n  --sheet VALUE" in out
    assert "\n  --server VALUE" in out
    assert out.index("\n  --questionnaire") < out.index("\n  --server")


def test_source_option_parsed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    responses = tmp_path / "responses.csv"
    responses.write_text("respondent_type\npartner\n", encoding="utf-8")

    code, _, err = run(["score", "--server", "https://kf.example.org", str(responses)], capsys)

    assert code == 1
    assert "the csv source does not take --server" in err
