"""Every hook has a test file of its own and a section in docs/hooks.md with its exact signature.

The convention: the tests of hook ``NAME`` live in
``tests/plugins/hooks/test_hook_NAME.py``, and ``docs/hooks.md`` has a
section ``## NAME`` whose first ``python`` block is the signature line
``def NAME(...) -> ...``.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from ccpm_core import hookspecs as core_hookspecs
from ccpm_plugins.cli import hookspecs as cli_hookspecs

REPOSITORY = Path(__file__).resolve().parents[3]
HOOK_REFERENCE = REPOSITORY / "docs" / "hooks.md"
HOOK_TESTS = Path(__file__).resolve().parent
SPEC_MODULES: tuple[ModuleType, ...] = (core_hookspecs, cli_hookspecs)
SPEC_MARK = f"{core_hookspecs.PROJECT_NAME}_spec"


def hook_specifications() -> dict[str, Callable[..., Any]]:
    """Return every hook specification of ccpm, by name."""
    found: dict[str, Callable[..., Any]] = {}
    for module in SPEC_MODULES:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if hasattr(function, SPEC_MARK):
                found[name] = function
    return found


def documented_signatures() -> dict[str, str]:
    """Return the signature line under each ``## NAME`` heading of the hook reference."""
    text = HOOK_REFERENCE.read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.MULTILINE)[1:]
    signatures: dict[str, str] = {}
    for section in sections:
        title, _, body = section.partition("\n")
        block = re.search(r"```python\n(.*?)```", body, flags=re.DOTALL)
        signatures[title.strip()] = block.group(1).strip() if block else ""
    return signatures


def normalised(annotation: str) -> str:
    return ast.unparse(ast.parse(annotation, mode="eval"))


def annotation_text(node: ast.expr | None) -> str:
    return ast.unparse(node) if node is not None else ""


def parsed_signature(line: str) -> tuple[str, list[tuple[str, str, str]], str]:
    """Return name, parameters (name, kind, annotation) and return annotation of a ``def`` line."""
    tree = ast.parse(line + ":\n    ...")
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef), line
    arguments = function.args
    parameters: list[tuple[str, str, str]] = []
    for argument in arguments.posonlyargs:
        parameters.append((argument.arg, "POSITIONAL_ONLY", annotation_text(argument.annotation)))
    for argument in arguments.args:
        parameters.append(
            (argument.arg, "POSITIONAL_OR_KEYWORD", annotation_text(argument.annotation))
        )
    for argument in arguments.kwonlyargs:
        parameters.append((argument.arg, "KEYWORD_ONLY", annotation_text(argument.annotation)))
    returns = annotation_text(function.returns)
    return function.name, parameters, returns


def spec_signature(function: Callable[..., Any]) -> tuple[str, list[tuple[str, str, str]], str]:
    signature = inspect.signature(function)
    parameters = [
        (name, parameter.kind.name, normalised(str(parameter.annotation)))
        for name, parameter in signature.parameters.items()
    ]
    returns = normalised(str(signature.return_annotation))
    return function.__name__, parameters, returns


HOOKS = sorted(hook_specifications())


def test_hook_specifications_found() -> None:
    assert "ccpm_register_sources" in HOOKS
    assert "ccpm_register_commands" in HOOKS


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_docstring(hook: str) -> None:
    docstring = inspect.getdoc(hook_specifications()[hook]) or ""

    assert "Called" in docstring, f"{hook}: the docstring must say when the hook is called"
    assert ":param" in docstring, f"{hook}: the docstring must say what the hook receives"
    assert ":returns:" in docstring, f"{hook}: the docstring must say what the hook returns"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_own_test_file(hook: str) -> None:
    test_file = HOOK_TESTS / f"test_hook_{hook}.py"

    assert test_file.is_file(), f"{hook}: add its tests in {test_file.relative_to(REPOSITORY)}"
    assert re.search(r"^def test_", test_file.read_text(encoding="utf-8"), re.MULTILINE), (
        f"{test_file.name} contains no test function"
    )


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_reference_section(hook: str) -> None:
    assert hook in documented_signatures(), f"docs/hooks.md has no section '## {hook}'"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_reference_signature_matches(hook: str) -> None:
    line = documented_signatures().get(hook, "")
    if not line:
        pytest.fail(f"docs/hooks.md: the section '## {hook}' has no python signature block")

    assert parsed_signature(line) == spec_signature(hook_specifications()[hook])


def test_hook_reference_lists_no_unknown_hook() -> None:
    unknown = sorted(set(documented_signatures()) - set(HOOKS))

    assert unknown == []


def test_hook_test_files_name_known_hooks() -> None:
    named = {path.stem.removeprefix("test_hook_") for path in HOOK_TESTS.glob("test_hook_*.py")}

    assert sorted(named - set(HOOKS)) == []
