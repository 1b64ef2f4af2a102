"""Plugin modules built in memory, for the tests of single hooks."""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

from ccpm_core.hookspecs import hookimpl


def plugin_module(name: str, hook_name: str, *components: object) -> types.ModuleType:
    """Build a plugin module called ``name`` whose hook ``hook_name`` registers ``components``.

    The module counts its hook calls in its attribute ``calls``.
    """
    module = types.ModuleType(name)
    module.calls = 0  # type: ignore[attr-defined]

    def implementation(register: Callable[[Any], None]) -> None:
        module.calls += 1  # type: ignore[attr-defined]
        for component in components:
            register(component)

    implementation.__name__ = hook_name
    setattr(module, hook_name, hookimpl(implementation))
    return module
