"""The public API: declared names, one version, and the typing marker in the wheel."""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import ccpm_core
import ccpm_plugins
from ccpm_core._version import __version__

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "src"
MODULE_FILES = sorted(SOURCES.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(SOURCES).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def declared_names(path: Path, tree: ast.Module) -> list[str] | None:
    """Return the ``__all__`` of a module, or None when it has none.

    A literal list is read from the source, so that modules such as migration
    scripts need not be imported; a computed one is read from the module.
    """
    for node in tree.body:
        targets = []
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            try:
                return list(ast.literal_eval(value))
            except ValueError:
                return list(importlib.import_module(module_name(path)).__all__)
    return None


def top_level_names(tree: ast.Module) -> set[str]:
    """Return the names a module binds at its top level, including under TYPE_CHECKING."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


@pytest.mark.parametrize("path", MODULE_FILES, ids=module_name)
def test_module_declares_all(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))

    names = declared_names(path, tree)

    assert names is not None, f"{path.relative_to(ROOT)} has no __all__"
    assert sorted(set(names) - top_level_names(tree)) == []
    assert len(names) == len(set(names))


@pytest.mark.parametrize("package", [ccpm_core, ccpm_plugins], ids=lambda p: p.__name__)
def test_package_names_resolve(package: object) -> None:
    missing = [name for name in package.__all__ if not hasattr(package, name)]  # type: ignore[attr-defined]

    assert missing == []


def test_core_all_lists_lazy_names() -> None:
    # A literal __all__ is what type checkers read; it must match the lazy table.
    assert sorted(ccpm_core.__all__) == sorted(["__version__", *ccpm_core._EXPORTS])


def test_core_exports_results_types() -> None:
    from ccpm_core.results import LevelResult, Results, Score, UnitScore

    assert ccpm_core.Results is Results
    assert ccpm_core.LevelResult is LevelResult
    assert ccpm_core.Score is Score
    assert ccpm_core.UnitScore is UnitScore


def test_core_does_not_import_plugins() -> None:
    core_files = [path for path in MODULE_FILES if path.is_relative_to(SOURCES / "ccpm_core")]

    offenders = [
        str(path.relative_to(ROOT))
        for path in core_files
        if "ccpm_plugins" in top_level_names(ast.parse(path.read_text(encoding="utf-8")))
    ]

    assert offenders == []


def test_version_single_source() -> None:
    assert ccpm_core.__version__ == __version__
    assert ccpm_plugins.__version__ == __version__
    assert importlib.metadata.version("ccpm") == __version__


def test_cli_prints_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ccpm_plugins.cli.main", "--version"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )

    assert done.stdout.strip() == f"ccpm, version {__version__}"


def test_wheel_ships_typing_markers(tmp_path: Path) -> None:
    from hatchling.builders.wheel import WheelBuilder

    wheel = next(
        iter(WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"]))
    )
    names = set(zipfile.ZipFile(wheel).namelist())

    assert "ccpm_core/py.typed" in names
    assert "ccpm_plugins/py.typed" in names
    assert Path(wheel).name == f"ccpm-{__version__}-py3-none-any.whl"


def test_builtin_plugin_modules_import() -> None:
    for name in ccpm_plugins.BUILTIN_PLUGINS:
        module = importlib.import_module(name)

        assert module.__all__, name
