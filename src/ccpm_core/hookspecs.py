"""Hook specifications: what a ccpm plugin can provide.

A plugin is a module or object with functions marked ``@hookimpl`` whose
names match the specifications below. It is registered through the ``ccpm``
entry-point group of its distribution::

    [project.entry-points.ccpm]
    my_source = "my_package.ccpm_plugin"

Each hook receives a ``register`` callable and calls it once per component it
provides. Hooks are called once per plugin host, the first time the host is
asked for components of that kind, never at import time. A plugin registered
later with :meth:`~ccpm_core.plugins.PluginHost.register_plugin` makes the
host call them again on the next look-up. The hook reference
in ``docs/hooks.md`` has one section per hook, with its exact signature.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from ccpm_core.plugin_api import QuestionnaireExporter, ReportRenderer, SurveySource

__all__ = ["PROJECT_NAME", "hookimpl", "hookspec"]

PROJECT_NAME = "ccpm"
"""Name of the pluggy project and of the entry-point group."""

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def ccpm_register_sources(register: Callable[[SurveySource], None]) -> None:
    """Register survey sources, which read responses from a file or a survey backend.

    Called once per plugin host, the first time any source is looked up: when
    the command line starts (it offers every source's options as flags), or
    when Python code calls ``plugin_host().source(NAME)``.

    :param register: call it with one :class:`~ccpm_core.plugin_api.SurveySource`
        instance per source. Its ``name`` must not be taken by another plugin,
        otherwise the look-up raises :class:`~ccpm_core.errors.PluginError`
        naming both plugins.
    :returns: nothing; components reach the host only through ``register``.
    """


@hookspec
def ccpm_register_renderers(register: Callable[[ReportRenderer], None]) -> None:
    """Register report renderers, which write a report model to a file format.

    Called once per plugin host, the first time a renderer is looked up, for
    example when ``ccpm report -o report.docx`` picks the renderer for ``.docx``.

    :param register: call it with one :class:`~ccpm_core.plugin_api.ReportRenderer`
        instance per renderer. Its ``name`` must not be taken by another plugin.
    :returns: nothing; components reach the host only through ``register``.
    """


@hookspec
def ccpm_register_exporters(register: Callable[[QuestionnaireExporter], None]) -> None:
    """Register questionnaire exporters, which write a questionnaire for a survey tool.

    Called once per plugin host, the first time an export format is looked
    up, for example by ``ccpm questionnaire export --format json``.

    :param register: call it with one
        :class:`~ccpm_core.plugin_api.QuestionnaireExporter` instance per format.
        Its ``name`` must not be taken by another plugin.
    :returns: nothing; components reach the host only through ``register``.
    """
