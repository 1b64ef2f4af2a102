"""Heavy libraries stay out of the core import and out of the command line's help."""

from __future__ import annotations

import subprocess
import sys

CORE_FREE_OF = ("matplotlib", "docx", "openpyxl", "requests", "pandas", "sqlalchemy")
HELP_FREE_OF = (*CORE_FREE_OF, "numpy", "pydantic")


def loaded_modules(code: str) -> set[str]:
    """Run ``code`` in a new interpreter and return the top-level modules it left loaded."""
    listing = "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    script = f"{code}\nimport sys\n{listing}"
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return set(completed.stdout.split("\n")[-2].split())


def test_core_import_is_light() -> None:
    loaded = loaded_modules("import ccpm_core")

    for module in CORE_FREE_OF:
        assert module not in loaded, f"import ccpm_core imports {module}"


def test_cli_help_is_light() -> None:
    code = (
        "from ccpm_plugins.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    )
    loaded = loaded_modules(code)

    assert "click" in loaded
    for module in HELP_FREE_OF:
        assert module not in loaded, f"ccpm --help imports {module}"


def test_cli_help_lists_no_source_options() -> None:
    code = (
        "from ccpm_plugins.cli import inputs\n"
        "from ccpm_plugins.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('source options listed:', inputs._declared_source_options.cache_info().currsize)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert completed.stdout.splitlines()[-1] == "source options listed: 0"
