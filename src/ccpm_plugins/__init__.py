"""ccpm_plugins: the adapters around ccpm_core.

Survey sources (files and backends), report renderers, questionnaire
exporters and the ``ccpm`` command line. The built-in plugins below are
registered exactly as a third-party plugin would be.
"""

from __future__ import annotations

import functools

from ccpm_core._version import __version__
from ccpm_core.plugins import PluginHost
from ccpm_plugins.analyst_api import read_responses, render_report

__all__ = ["BUILTIN_PLUGINS", "__version__", "plugin_host", "read_responses", "render_report"]

BUILTIN_PLUGINS: tuple[str, ...] = (
    "ccpm_plugins.sources.csv_file",
    "ccpm_plugins.renderers.markdown",
    "ccpm_plugins.renderers.docx",
    "ccpm_plugins.renderers.html",
    "ccpm_plugins.renderers.xlsx",
    "ccpm_plugins.renderers.pdf",
    "ccpm_plugins.exporters.codebook_json",
    "ccpm_plugins.exporters.csv_template",
    "ccpm_plugins.exporters.xlsform",
    "ccpm_plugins.sources.kobo.source",
    "ccpm_plugins.cli.exercise_plugin",
    "ccpm_plugins.sources.limesurvey.source",
    "ccpm_plugins.sources.limesurvey.commands",
    "ccpm_plugins.exporters.limesurvey_lss",
    "ccpm_plugins.exporters.limesurvey_txt",
    "ccpm_plugins.cli.dashboard_commands",
    "ccpm_plugins.portfolio.commands",
)
"""Modules of the plugins that ship with ccpm, registered after installed ones."""


@functools.cache
def plugin_host() -> PluginHost:
    """Return the process-wide plugin host with the built-in plugins and installed ones."""
    from ccpm_plugins.cli import hookspecs as cli_hookspecs

    return PluginHost(BUILTIN_PLUGINS, extra_hookspecs=(cli_hookspecs,))
