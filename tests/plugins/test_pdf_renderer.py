"""The optional PDF renderer: a clear message without WeasyPrint, a real PDF with it."""

from __future__ import annotations

import importlib.util
import logging
import re
import sys
import zlib
from pathlib import Path

import pytest
from report_samples import make_report

from ccpm_core.errors import RenderError
from ccpm_core.report_model import Heading, Paragraph
from ccpm_plugins import plugin_host
from ccpm_plugins.renderers.pdf import INSTALL_HINT, PdfRenderer, render_pdf

# NOTE: find_spec only finds the package. Its Pango libraries may still fail
# to load, and the renderer then raises a RenderError that this skip does not catch.
weasyprint_installed = pytest.mark.skipif(
    importlib.util.find_spec("weasyprint") is None,
    reason="WeasyPrint is not installed; pip install 'ccpm[pdf]' to test real PDF output",
)

PAGES_COUNT = re.compile(
    rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b"
)
STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)


def page_count(pdf: bytes) -> int:
    """Return the page count of the PDF's page tree, looking inside compressed object streams."""
    sections = [pdf]
    for stream in STREAM.findall(pdf):
        try:
            sections.append(zlib.decompress(stream))
        except zlib.error:
            continue
    counts = [
        int(first or second)
        for section in sections
        for first, second in PAGES_COUNT.findall(section)
    ]
    return max(counts, default=0)


def test_renderer_registered() -> None:
    assert plugin_host().renderer_for_file("report.pdf").name == "pdf"


def test_missing_weasyprint_message(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A None entry in sys.modules makes "import weasyprint" raise ImportError.
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    path = tmp_path / "report.pdf"

    with pytest.raises(RenderError) as raised:
        PdfRenderer().render(make_report(), path)

    assert "pip install 'ccpm[pdf]'" in str(raised.value)
    assert str(path) in str(raised.value)


def test_missing_weasyprint_writes_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    path = tmp_path / "report.pdf"

    with pytest.raises(RenderError):
        PdfRenderer().render(make_report(), path)

    assert list(tmp_path.iterdir()) == []


def test_install_hint() -> None:
    assert INSTALL_HINT == "pip install 'ccpm[pdf]'"


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(scope="module")
def rendered() -> tuple[bytes, list[str]]:
    """Render the sample report once, and return the PDF and WeasyPrint's warnings meanwhile."""
    collector = _Collector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        pdf = render_pdf(make_report())
    finally:
        logger.removeHandler(collector)
    return pdf, collector.messages


@pytest.fixture(scope="module")
def pdf_bytes(rendered: tuple[bytes, list[str]]) -> bytes:
    return rendered[0]


@weasyprint_installed
def test_pdf_signature(pdf_bytes: bytes) -> None:
    assert pdf_bytes.startswith(b"%PDF-")


@weasyprint_installed
def test_pdf_parts_start_pages(pdf_bytes: bytes) -> None:
    # The cover, then one page for each of the two parts, which start new pages.
    assert page_count(pdf_bytes) >= 3


@weasyprint_installed
def test_pdf_render_writes_file(tmp_path: Path) -> None:
    path = tmp_path / "out" / "report.pdf"
    written = PdfRenderer().render(make_report(Heading("Part", 1), Paragraph("Text")), path)

    assert written == [path]
    assert path.read_bytes().startswith(b"%PDF-")


@weasyprint_installed
def test_pdf_no_weasyprint_warnings(rendered: tuple[bytes, list[str]]) -> None:
    assert rendered[1] == []
