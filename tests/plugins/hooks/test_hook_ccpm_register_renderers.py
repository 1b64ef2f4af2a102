"""The ccpm_register_renderers hook: when it is called and how renderers are picked."""

from __future__ import annotations

from pathlib import Path

import pytest
from hook_plugins import plugin_module

from ccpm_core.errors import PluginError
from ccpm_core.plugin_api import ReportRenderer
from ccpm_core.plugins import PluginHost
from ccpm_core.report_model import Report

HOOK = "ccpm_register_renderers"


class RtfRenderer(ReportRenderer):
    name = "rtf"
    file_suffixes = (".rtf",)

    def render(self, report: Report, path: Path) -> list[Path]:
        return [path]


def empty_host() -> PluginHost:
    return PluginHost(load_entry_points=False)


def test_renderers_hook_called_once_lazily() -> None:
    host = empty_host()
    plugin = plugin_module("rtf_plugin", HOOK, RtfRenderer())
    host.register_plugin(plugin)
    calls_before = plugin.calls

    host.renderers()
    host.renderer("rtf")

    assert calls_before == 0
    assert plugin.calls == 1


def test_renderers_hook_picked_by_suffix() -> None:
    host = empty_host()
    host.register_plugin(plugin_module("rtf_plugin", HOOK, RtfRenderer()))

    assert isinstance(host.renderer_for_file("out/Report.RTF"), RtfRenderer)


def test_renderers_hook_unknown_suffix_lists_known() -> None:
    host = empty_host()
    host.register_plugin(plugin_module("rtf_plugin", HOOK, RtfRenderer()))

    with pytest.raises(PluginError, match=r"report\.odt.*\.rtf"):
        host.renderer_for_file("report.odt")


def test_renderers_hook_wrong_kind_rejected() -> None:
    host = empty_host()
    host.register_plugin(plugin_module("confused_plugin", HOOK, object()))

    with pytest.raises(PluginError, match="not a ReportRenderer"):
        host.renderers()


def test_renderers_hook_duplicate_rejected() -> None:
    host = empty_host()
    host.register_plugin(plugin_module("first_plugin", HOOK, RtfRenderer()))
    host.register_plugin(plugin_module("second_plugin", HOOK, RtfRenderer()))

    with pytest.raises(PluginError, match="'rtf'"):
        host.renderers()
