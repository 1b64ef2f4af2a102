"""The message of the PDF renderer when WeasyPrint is missing names both ways to install it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from report_samples import make_report

from ccpm_core.errors import RenderError
from ccpm_plugins.renderers.pdf import PdfRenderer


def test_missing_weasyprint_names_both_installs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A None entry in sys.modules makes "import weasyprint" raise ImportError.
    monkeypatch.setitem(sys.modules, "weasyprint", None)

    with pytest.raises(RenderError) as raised:
        PdfRenderer().render(make_report(), tmp_path / "report.pdf")

    assert "pip install 'ccpm[pdf]'" in str(raised.value)
    assert "pip install '.[pdf]' in a clone of the repository" in str(raised.value)
