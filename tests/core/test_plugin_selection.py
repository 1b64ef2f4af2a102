"""CCPM_PLUGINS: which installed distributions the plugin host loads.

The tests install two small distributions into a temporary folder on
``sys.path``: ``ccpm-tally-sheets``, whose plugin registers the source
``tally``, and ``ccpm-broken-plugin``, whose plugin module fails on import, so
that loading it by mistake shows as an error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ccpm_core.errors import PluginError
from ccpm_core.plugins import PluginHost, allowed_distributions, normalise_distribution_name

TALLY_PLUGIN = """
from ccpm_core.hookspecs import hookimpl
from ccpm_core.plugin_api import SurveySource


class TallySource(SurveySource):
    name = "tally"
    description = "Tally sheets"

    def read(self, request):
        raise NotImplementedError


@hookimpl
def ccpm_register_sources(register):
    register(TallySource())
"""

BROKEN_PLUGIN = 'raise RuntimeError("this plugin must not be imported")\n'


def install_distribution(folder: Path, name: str, module: str, code: str) -> None:
    """Write a module and the metadata of a distribution with one ``ccpm`` entry point."""
    (folder / f"{module}.py").write_text(code, encoding="utf-8")
    info = folder / f"{name.replace('-', '_')}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(f"[ccpm]\n{module} = {module}\n", encoding="utf-8")


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Put the two test distributions on ``sys.path``."""
    install_distribution(tmp_path, "ccpm-tally-sheets", "tally_sheets_plugin", TALLY_PLUGIN)
    install_distribution(tmp_path, "ccpm-broken-plugin", "broken_ccpm_plugin", BROKEN_PLUGIN)
    monkeypatch.syspath_prepend(str(tmp_path))
    for module in ("tally_sheets_plugin", "broken_ccpm_plugin"):
        monkeypatch.delitem(sys.modules, module, raising=False)
    return tmp_path


@pytest.mark.usefixtures("installed")
def test_selection_named_distribution_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCPM_PLUGINS", "ccpm-tally-sheets")

    assert list(PluginHost().sources()) == ["tally"]


@pytest.mark.usefixtures("installed")
def test_selection_other_distribution_not_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCPM_PLUGINS", "ccpm-tally-sheets")
    PluginHost().sources()

    assert "broken_ccpm_plugin" not in sys.modules


@pytest.mark.usefixtures("installed")
def test_selection_name_spelling_normalised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCPM_PLUGINS", " CCPM_Tally.Sheets , ")

    assert list(PluginHost().sources()) == ["tally"]


@pytest.mark.usefixtures("installed")
def test_selection_empty_loads_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCPM_PLUGINS", "")
    host = PluginHost(("ccpm_plugins.sources.csv_file",))

    assert list(host.sources()) == ["csv"]
    assert "tally_sheets_plugin" not in sys.modules


@pytest.mark.usefixtures("installed")
def test_selection_unset_loads_all(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CCPM_PLUGINS", raising=False)

    with pytest.raises(PluginError) as error:
        PluginHost().sources()

    assert "'broken_ccpm_plugin'" in str(error.value)
    assert "'ccpm-broken-plugin'" in str(error.value)
    assert "RuntimeError: this plugin must not be imported" in str(error.value)
    assert "CCPM_PLUGINS" in str(error.value)


@pytest.mark.usefixtures("installed")
def test_selection_unknown_name_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCPM_PLUGINS", "ccpm-tally-sheets,ccpm-talley-sheets")

    with pytest.raises(PluginError, match="'ccpm-talley-sheets', which is not installed"):
        PluginHost().sources()


def test_allowed_distributions_unset_is_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CCPM_PLUGINS", raising=False)

    assert allowed_distributions() is None


def test_allowed_distributions_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCPM_PLUGINS", " , ")

    assert allowed_distributions() == frozenset()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ccpm-odk-central", "ccpm-odk-central"),
        ("ccpm_odk_central", "ccpm-odk-central"),
        ("CCPM.ODK__Central", "ccpm-odk-central"),
    ],
)
def test_distribution_name_normalised(name: str, expected: str) -> None:
    assert normalise_distribution_name(name) == expected
