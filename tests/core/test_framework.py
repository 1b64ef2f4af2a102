"""The CCPM framework: functions, sections and the 2015 Reference Module numbering."""

from __future__ import annotations

import pytest

from ccpm_core.framework import (
    FUNCTIONS,
    SECTION_IDS,
    Status,
    function_by_number,
    function_by_rm2015_number,
    section_by_id,
)


def test_thirteen_sections_in_order() -> None:
    assert SECTION_IDS == (
        "1.1", "1.2", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1", "4.2", "5", "6", "7",
    )  # fmt: skip


def test_functions_cover_every_section_once() -> None:
    covered = [section_id for function in FUNCTIONS for section_id in function.section_ids]

    assert covered == list(SECTION_IDS)


def test_sections_have_titles_and_characteristics() -> None:
    for section_id in SECTION_IDS:
        section = section_by_id(section_id)
        assert section.title
        assert section.indicative_characteristics


def test_advocacy_numbered_differently_in_2015_module() -> None:
    assert function_by_number(4).title == "Advocacy"
    assert function_by_rm2015_number(6).number == 4
    assert function_by_rm2015_number(4).number == 5
    assert function_by_rm2015_number(5).number == 6


def test_aap_has_no_2015_number() -> None:
    assert function_by_number(7).rm2015_number is None


def test_unknown_section_and_function() -> None:
    with pytest.raises(KeyError, match="expected one of"):
        section_by_id("8")
    with pytest.raises(KeyError, match="1 to 7"):
        function_by_number(8)
    with pytest.raises(KeyError, match="1 to 6"):
        function_by_rm2015_number(7)


def test_actions_needed_for_orange_and_red() -> None:
    assert Status.WEAK.needs_action
    assert Status.UNSATISFACTORY.needs_action
    assert not Status.SATISFACTORY.needs_action
    assert not Status.GOOD.needs_action
    assert not Status.NO_DATA.needs_action


def test_core_imports_no_adapters() -> None:
    """The core stays free of plugins and of I/O libraries."""
    import subprocess
    import sys

    code = (
        "import sys, ccpm_core, ccpm_core.scoring, ccpm_core.normalise, ccpm_core.report_builder;"
        "bad = [m for m in ('ccpm_plugins', 'requests', 'docx', 'openpyxl', 'matplotlib')"
        " if m in sys.modules]; print(bad)"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout

    assert output.strip() == "[]"
