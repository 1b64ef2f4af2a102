"""The ccpm_register_sources hook: when it is called and what the host does with its sources."""

from __future__ import annotations

import pytest
from hook_plugins import plugin_module

from ccpm_core.errors import PluginError
from ccpm_core.plugin_api import SourceRequest, SurveySource
from ccpm_core.plugins import PluginHost
from ccpm_core.responses import RawResponses

HOOK = "ccpm_register_sources"


class TabletSource(SurveySource):
    name = "tablet"
    description = "Responses copied from tablets."
    file_suffixes = (".tab",)

    def read(self, request: SourceRequest) -> RawResponses:
        raise NotImplementedError


class NamelessSource(TabletSource):
    name = ""


def empty_host() -> PluginHost:
    return PluginHost(load_entry_points=False)


def test_sources_hook_not_called_on_register() -> None:
    host = empty_host()
    plugin = plugin_module("tablet_plugin", HOOK, TabletSource())
    host.register_plugin(plugin)

    assert plugin.calls == 0


def test_sources_hook_called_once() -> None:
    host = empty_host()
    plugin = plugin_module("tablet_plugin", HOOK, TabletSource())
    host.register_plugin(plugin)

    host.sources()
    host.source("tablet")

    assert plugin.calls == 1


def test_sources_hook_component_found() -> None:
    host = empty_host()
    host.register_plugin(plugin_module("tablet_plugin", HOOK, TabletSource()))

    assert isinstance(host.source("tablet"), TabletSource)
    assert isinstance(host.source_for_file("partners.TAB"), TabletSource)


def test_sources_hook_two_sources_from_one_plugin() -> None:
    class PaperSource(TabletSource):
        name = "paper"

    host = empty_host()
    host.register_plugin(plugin_module("field_plugin", HOOK, TabletSource(), PaperSource()))

    assert sorted(host.sources()) == ["paper", "tablet"]


def test_sources_hook_wrong_kind_rejected() -> None:
    host = empty_host()
    host.register_plugin(plugin_module("confused_plugin", HOOK, "not a source"))

    with pytest.raises(PluginError, match=r"'confused_plugin'.*not a SurveySource"):
        host.sources()


def test_sources_hook_empty_name_rejected() -> None:
    host = empty_host()
    host.register_plugin(plugin_module("nameless_plugin", HOOK, NamelessSource()))

    with pytest.raises(PluginError, match=r"'nameless_plugin'.*without a name"):
        host.sources()


def test_sources_hook_duplicate_names_plugins() -> None:
    host = empty_host()
    host.register_plugin(plugin_module("first_plugin", HOOK, TabletSource()))
    host.register_plugin(plugin_module("second_plugin", HOOK, TabletSource()))

    with pytest.raises(PluginError) as error:
        host.sources()

    assert "'first_plugin'" in str(error.value)
    assert "'second_plugin'" in str(error.value)
    assert "CCPM_PLUGINS" in str(error.value)
