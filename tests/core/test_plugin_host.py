"""The plugin host: registration, look-up, duplicate names and external plugins."""

from __future__ import annotations

import types
from collections.abc import Callable
from pathlib import Path

import pytest

from ccpm_core.errors import PluginError
from ccpm_core.hookspecs import hookimpl
from ccpm_core.plugin_api import ReportRenderer, SourceRequest, SurveySource
from ccpm_core.plugins import PluginHost
from ccpm_core.report_model import Report
from ccpm_core.responses import RawResponses


class PaperSource(SurveySource):
    name = "paper"
    description = "Responses typed from paper forms."
    file_suffixes = (".paper",)

    def read(self, request: SourceRequest) -> RawResponses:
        raise NotImplementedError


class PlainRenderer(ReportRenderer):
    name = "plain"
    file_suffixes = (".txt",)

    def render(self, report: Report, path: Path) -> list[Path]:
        return [path]


def source_plugin(name: str, source: SurveySource) -> types.ModuleType:
    """Build a plugin module named ``name`` that registers ``source``."""
    module = types.ModuleType(name)

    @hookimpl
    def ccpm_register_sources(register: Callable[[SurveySource], None]) -> None:
        register(source)

    module.ccpm_register_sources = ccpm_register_sources  # type: ignore[attr-defined]
    return module


def empty_host() -> PluginHost:
    return PluginHost(load_entry_points=False)


def test_registered_source_found_by_name() -> None:
    host = empty_host()
    host.register_plugin(source_plugin("paper_plugin", PaperSource()))

    assert isinstance(host.source("paper"), PaperSource)
    assert isinstance(host.source_for_file("forms.PAPER"), PaperSource)
    assert host.source_for_file("forms.csv") is None


def test_duplicate_name_names_both_plugins() -> None:
    host = empty_host()
    host.register_plugin(source_plugin("first_plugin", PaperSource()))
    host.register_plugin(source_plugin("second_plugin", PaperSource()))

    with pytest.raises(PluginError) as error:
        host.sources()

    assert "'first_plugin'" in str(error.value)
    assert "'second_plugin'" in str(error.value)
    assert "'paper'" in str(error.value)


def test_unknown_name_lists_available() -> None:
    host = empty_host()
    host.register_plugin(source_plugin("paper_plugin", PaperSource()))

    with pytest.raises(PluginError, match="available: paper"):
        host.source("kobo")


def test_component_of_wrong_kind_rejected() -> None:
    host = empty_host()
    module = types.ModuleType("confused_plugin")

    @hookimpl
    def ccpm_register_sources(register: Callable[[object], None]) -> None:
        register(PlainRenderer())

    module.ccpm_register_sources = ccpm_register_sources  # type: ignore[attr-defined]
    host.register_plugin(module)

    with pytest.raises(PluginError, match="not a SurveySource"):
        host.sources()


def test_renderer_chosen_by_file_ending() -> None:
    host = empty_host()
    module = types.ModuleType("plain_plugin")

    @hookimpl
    def ccpm_register_renderers(register: Callable[[ReportRenderer], None]) -> None:
        register(PlainRenderer())

    module.ccpm_register_renderers = ccpm_register_renderers  # type: ignore[attr-defined]
    host.register_plugin(module)

    assert isinstance(host.renderer_for_file("out/report.TXT"), PlainRenderer)
    with pytest.raises(PluginError, match=r"\.txt"):
        host.renderer_for_file("report.rtf")


def test_unregistered_plugin_disappears() -> None:
    host = empty_host()
    host.register_plugin(source_plugin("paper_plugin", PaperSource()), name="paper_plugin")
    host.unregister_plugin("paper_plugin")

    assert host.sources() == {}


def test_builtins_load_like_plugins() -> None:
    host = PluginHost(("ccpm_plugins.sources.csv_file",), load_entry_points=False)

    assert "csv" in host.sources()


def test_plugins_variable_empty_loads_no_external(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCPM_PLUGINS", "")
    host = PluginHost(("ccpm_plugins.sources.csv_file",))

    assert list(host.sources()) == ["csv"]


def test_plugins_variable_unknown_distribution(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCPM_PLUGINS", "ccpm-not-installed-anywhere")
    host = PluginHost()

    with pytest.raises(PluginError, match="ccpm-not-installed-anywhere"):
        host.sources()
