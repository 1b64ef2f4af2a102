"""PDF rendering of a report: the HTML report laid out on A4 pages by WeasyPrint.

WeasyPrint is an optional extra (``pip install 'ccpm[pdf]'``, or
``pip install '.[pdf]'`` in a clone of the repository) and is
imported only when a PDF is written, so the rest of ccpm works without it
and without the Pango libraries it needs. The PDF has the page breaks,
repeated table headers and page numbers of the HTML report's print style
sheet. The HTML refers to no other file, so WeasyPrint fetches nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ccpm_core.errors import RenderError
from ccpm_core.hookspecs import hookimpl
from ccpm_core.plugin_api import ReportRenderer
from ccpm_core.report_model import Report
from ccpm_plugins.renderers.file_output import write_atomically
from ccpm_plugins.renderers.html import render_html

__all__ = ["INSTALL_HINT", "PdfRenderer", "ccpm_register_renderers", "render_pdf"]

INSTALL_HINT = "pip install 'ccpm[pdf]'"
"""Command that installs the PDF extra, quoted for POSIX shells."""

_CLONE_INSTALL_HINT = "pip install '.[pdf]'"
"""Command that installs the PDF extra from the root of a clone of the repository."""

_WEASYPRINT_INSTALL_DOCS = "https://doc.courtbouillon.org/weasyprint/stable/first_steps.html"


class PdfRenderer(ReportRenderer):
    """Writes a report as a PDF file, through its HTML rendering and WeasyPrint."""

    name = "pdf"
    file_suffixes = (".pdf",)

    def render(self, report: Report, path: Path) -> list[Path]:
        """Write the report to ``path`` as a PDF file and return ``[path]``.

        Raises :class:`~ccpm_core.errors.RenderError` when WeasyPrint or its
        system libraries are missing, for an invalid block, chart or language,
        or when the file cannot be written.
        """
        path = Path(path)
        write_atomically(path, render_pdf(report, path))
        return [path]


@hookimpl
def ccpm_register_renderers(register: Callable[[ReportRenderer], None]) -> None:
    """Register the PDF renderer."""
    register(PdfRenderer())


def render_pdf(report: Report, path: Path | None = None) -> bytes:
    """Return the report as PDF bytes. ``path`` only names the output in error messages."""
    weasyprint = _import_weasyprint(path)
    document = render_html(report)
    pdf: bytes = weasyprint.HTML(string=document).write_pdf()
    return pdf


def _import_weasyprint(path: Path | None) -> Any:
    target = f"cannot write {path}" if path is not None else "cannot write a PDF"
    try:
        import weasyprint
    except ImportError as error:
        msg = (
            f"{target}: PDF output needs WeasyPrint, which is not installed; "
            f"install it with {INSTALL_HINT} ({_CLONE_INSTALL_HINT} in a clone of the "
            "repository), or write .html and print it to PDF"
        )
        raise RenderError(msg) from error
    except OSError as error:
        # WeasyPrint loads Pango and its font libraries when it is imported.
        msg = (
            f"{target}: WeasyPrint is installed but cannot load its system libraries "
            f"({error}); install Pango as described at {_WEASYPRINT_INSTALL_DOCS}"
        )
        raise RenderError(msg) from error
    return weasyprint
