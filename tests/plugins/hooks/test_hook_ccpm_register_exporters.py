"""The ccpm_register_exporters hook: when it is called and how formats are looked up."""

from __future__ import annotations

import pytest
from hook_plugins import plugin_module

from ccpm_core.errors import PluginError
from ccpm_core.plugin_api import QuestionnaireExporter
from ccpm_core.plugins import PluginHost
from ccpm_core.questionnaire import Questionnaire, standard_questionnaire

HOOK = "ccpm_register_exporters"


class CodeListExporter(QuestionnaireExporter):
    name = "code-list"

    def export(self, questionnaire: Questionnaire, language: str | None = None) -> bytes:
        codes = [question.code for question in questionnaire.questions]
        return "\n".join(codes).encode()


def empty_host() -> PluginHost:
    return PluginHost(load_entry_points=False)


def test_exporters_hook_called_once_lazily() -> None:
    host = empty_host()
    plugin = plugin_module("codes_plugin", HOOK, CodeListExporter())
    host.register_plugin(plugin)
    calls_before = plugin.calls

    host.exporters()
    host.exporter("code-list")

    assert calls_before == 0
    assert plugin.calls == 1


def test_exporters_hook_format_exports() -> None:
    host = empty_host()
    host.register_plugin(plugin_module("codes_plugin", HOOK, CodeListExporter()))

    exported = host.exporter("code-list").export(standard_questionnaire())

    assert exported.startswith(b"instrument\n")


def test_exporters_hook_unknown_format_lists_known() -> None:
    host = empty_host()
    host.register_plugin(plugin_module("codes_plugin", HOOK, CodeListExporter()))

    with pytest.raises(PluginError, match="available: code-list"):
        host.exporter("sav")


def test_exporters_hook_wrong_kind_rejected() -> None:
    host = empty_host()
    host.register_plugin(plugin_module("confused_plugin", HOOK, 42))

    with pytest.raises(PluginError, match="not a QuestionnaireExporter"):
        host.exporters()
