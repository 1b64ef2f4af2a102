"""The plugin host: a typed front over pluggy that finds sources, renderers and exporters.

Loading happens on first use, in this order: plugins of installed
distributions (entry-point group ``ccpm``), then the built-in modules that the
caller names. Built-ins are registered exactly like third-party plugins.

The environment variable ``CCPM_PLUGINS`` limits which installed distributions
are loaded: unset loads all, an empty value loads none, and a comma-separated
list of distribution names loads only those. Names compare as package
indexes compare them (PEP 503), so ``ccpm_odk_central`` and ``CCPM-ODK-Central``
both name the distribution ``ccpm-odk-central``. The entry points of a
distribution left out are never imported. Built-ins are always loaded.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import logging
import os
import re
from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import Any, TypeVar

import pluggy

from ccpm_core import hookspecs
from ccpm_core.errors import PluginError
from ccpm_core.plugin_api import QuestionnaireExporter, ReportRenderer, SurveySource

__all__ = [
    "PLUGINS_ENV_VAR",
    "PluginHost",
    "allowed_distributions",
    "normalise_distribution_name",
]

logger = logging.getLogger(__name__)

PLUGINS_ENV_VAR = "CCPM_PLUGINS"

Component = TypeVar("Component", SurveySource, ReportRenderer, QuestionnaireExporter)

# The abstract component classes, typed as plain classes so they can be passed
# as values for the isinstance check of registered components.
_SOURCE: type[Any] = SurveySource
_RENDERER: type[Any] = ReportRenderer
_EXPORTER: type[Any] = QuestionnaireExporter


class PluginHost:
    """Finds the components that plugins register, by kind and by name.

    ``extra_hookspecs`` adds hook specifications that live outside the core,
    such as the command-line hooks of :mod:`ccpm_plugins`.
    """

    def __init__(
        self,
        builtin_modules: Sequence[str] = (),
        *,
        load_entry_points: bool = True,
        extra_hookspecs: Sequence[ModuleType] = (),
    ) -> None:
        self._builtin_modules = tuple(builtin_modules)
        self._extra_hookspecs = tuple(extra_hookspecs)
        self._load_entry_points = load_entry_points
        self._manager: pluggy.PluginManager | None = None
        self._registries: dict[str, dict[str, Any]] = {}

    @property
    def manager(self) -> pluggy.PluginManager:
        """The pluggy manager, loaded on first access."""
        if self._manager is None:
            self._manager = self._load()
        return self._manager

    def register_plugin(self, plugin: object, name: str | None = None) -> None:
        """Register one more plugin object or module, such as a test double.

        Registries already built are dropped, so the plugin's components appear
        on the next look-up.
        """
        self.manager.register(plugin, name=name)
        self.manager.check_pending()
        self._registries.clear()

    def unregister_plugin(self, name: str) -> None:
        """Remove a plugin registered under ``name``."""
        self.manager.unregister(name=name)
        self._registries.clear()

    def sources(self) -> dict[str, SurveySource]:
        """Return every registered survey source, by name."""
        return self._registry("ccpm_register_sources", _SOURCE)

    def renderers(self) -> dict[str, ReportRenderer]:
        """Return every registered report renderer, by name."""
        return self._registry("ccpm_register_renderers", _RENDERER)

    def exporters(self) -> dict[str, QuestionnaireExporter]:
        """Return every registered questionnaire exporter, by name."""
        return self._registry("ccpm_register_exporters", _EXPORTER)

    def source(self, name: str) -> SurveySource:
        """Return the survey source called ``name``."""
        return _lookup("survey source", name, self.sources())

    def renderer(self, name: str) -> ReportRenderer:
        """Return the report renderer called ``name``."""
        return _lookup("report renderer", name, self.renderers())

    def exporter(self, name: str) -> QuestionnaireExporter:
        """Return the questionnaire exporter called ``name``."""
        return _lookup("questionnaire export format", name, self.exporters())

    def source_for_file(self, location: str) -> SurveySource | None:
        """Return the first source that reads this file by its name, or None."""
        for source in self.sources().values():
            if source.can_read(location):
                return source
        return None

    def renderer_for_file(self, path: str) -> ReportRenderer:
        """Return the renderer that writes files ending like ``path``."""
        for renderer in self.renderers().values():
            if path.lower().endswith(renderer.file_suffixes):
                return renderer
        known = sorted(s for r in self.renderers().values() for s in r.file_suffixes)
        msg = (
            f"no report renderer writes {path!r}; "
            f"use a file name ending in one of: {', '.join(known)}"
        )
        raise PluginError(msg)

    def _load(self) -> pluggy.PluginManager:
        manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        manager.add_hookspecs(hookspecs)
        for module in self._extra_hookspecs:
            manager.add_hookspecs(module)

        if self._load_entry_points:
            self._load_external(manager)

        for module_name in self._builtin_modules:
            module = importlib.import_module(module_name)
            manager.register(module, name=module_name)

        manager.check_pending()
        return manager

    @staticmethod
    def _load_external(manager: pluggy.PluginManager) -> None:
        allowed = allowed_distributions()
        for distribution, entry_point in _entry_points(allowed):
            if manager.get_plugin(entry_point.name) or manager.is_blocked(entry_point.name):
                continue
            try:
                plugin = entry_point.load()
            except Exception as error:
                # Any exception: a plugin's import may fail in ways its author did not foresee.
                msg = (
                    f"the ccpm plugin {entry_point.name!r} of the distribution "
                    f"{distribution!r} failed to load ({type(error).__name__}: {error}); "
                    f"upgrade or uninstall it, or leave it out of {PLUGINS_ENV_VAR}"
                )
                raise PluginError(msg) from error
            manager.register(plugin, name=entry_point.name)

    def _registry(self, hook_name: str, kind: type[Any]) -> dict[str, Any]:
        if hook_name in self._registries:
            return self._registries[hook_name]

        found: dict[str, Any] = {}
        owners: dict[str, str] = {}
        hook_caller = getattr(self.manager.hook, hook_name)

        # Each implementation is called on its own so that a duplicate name can
        # be blamed on the two plugins that registered it.
        for implementation in reversed(hook_caller.get_hookimpls()):
            plugin_name: str = implementation.plugin_name

            def register(component: object, plugin_name: str = plugin_name) -> None:
                _check_component(component, kind, plugin_name)
                name: str = getattr(component, "name", "")
                if name in found:
                    msg = (
                        f"two plugins register a {kind.__name__} named {name!r}: "
                        f"{owners[name]!r} and {plugin_name!r}; uninstall one of them "
                        f"or limit the plugins loaded with {PLUGINS_ENV_VAR}"
                    )
                    raise PluginError(msg)
                found[name] = component
                owners[name] = plugin_name

            implementation.function(register=register)

        self._registries[hook_name] = found
        return found


def allowed_distributions() -> frozenset[str] | None:
    """Read ``CCPM_PLUGINS``: the normalised distribution names allowed, or None for all.

    Raises :class:`PluginError` when the variable names a distribution that is
    not installed, because a misspelt name would otherwise disable the plugin
    without a word.
    """
    value = os.environ.get(PLUGINS_ENV_VAR)
    if value is None:
        return None

    names = [name.strip() for name in value.split(",") if name.strip()]
    for name in names:
        if not _is_installed(name):
            msg = (
                f"{PLUGINS_ENV_VAR} names {name!r}, which is not installed; "
                "install it or remove it from the variable"
            )
            raise PluginError(msg)
    return frozenset(normalise_distribution_name(name) for name in names)


def normalise_distribution_name(name: str) -> str:
    """Return a distribution name as package indexes compare it: lower case, runs of -_. as -."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _is_installed(name: str) -> bool:
    # The look-up by name matches the metadata folder names as PEP 503
    # normalises them, so it reads no other distribution's metadata.
    try:
        importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def _entry_points(
    allowed: frozenset[str] | None,
) -> Iterator[tuple[str, importlib.metadata.EntryPoint]]:
    """Yield the ``ccpm`` entry points of the allowed distributions, with each distribution's name.

    ``entry_points`` reads only the ``entry_points.txt`` of each distribution and
    keeps the first distribution of each name on ``sys.path``, as import does.
    The metadata of a distribution, which is slow to parse, is read only for
    the distributions that declare a ``ccpm`` entry point.
    """
    for entry_point in importlib.metadata.entry_points(group=hookspecs.PROJECT_NAME):
        distribution = entry_point.dist
        name = "" if distribution is None else distribution.name or ""
        if allowed is None or normalise_distribution_name(name) in allowed:
            yield name, entry_point


def _check_component(component: object, kind: type, plugin_name: str) -> None:
    if not isinstance(component, kind):
        msg = f"plugin {plugin_name!r} registered {component!r}, which is not a {kind.__name__}"
        raise PluginError(msg)
    name = getattr(component, "name", None)
    if not isinstance(name, str) or not name:
        msg = f"plugin {plugin_name!r} registered a {kind.__name__} without a name"
        raise PluginError(msg)


def _lookup(kind: str, name: str, registry: dict[str, Component]) -> Component:
    try:
        return registry[name]
    except KeyError:
        known = ", ".join(sorted(registry)) or "none"
        msg = f"unknown {kind} {name!r}; available: {known}"
        raise PluginError(msg) from None
