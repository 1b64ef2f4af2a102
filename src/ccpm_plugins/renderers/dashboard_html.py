"""Offline HTML dashboard of a portfolio of CCPM exercises across countries, clusters and years.

:func:`render_dashboard` writes one self-contained HTML file: the data sits
in the page as JSON, the style sheet and a small hand-written script are
inline, and the page requests nothing from the network. Readers filter by
year, region, country, cluster and level. The page shows a heatmap of the 13
section statuses per exercise, the mean score of each function over the
years as a line chart with a table beside it, and response rates per
exercise and per region.

The page is in English, French, Spanish or Arabic (right to left), and the
same frame gives the same bytes on every run.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ccpm_core.errors import RenderError
from ccpm_core.i18n import translator
from ccpm_plugins.renderers.dashboard_frame import group_frame
from ccpm_plugins.renderers.dashboard_page import page_html
from ccpm_plugins.renderers.dashboard_payload import build_payload, payload_json
from ccpm_plugins.renderers.file_output import write_atomically

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["dashboard_html", "render_dashboard"]

# A BCP 47 tag in its common shape: a 2 to 8 letter language and subtags.
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")


def render_dashboard(
    frame: pd.DataFrame,
    output_path: Path | str,
    *,
    language: str = "en",
    title: str | None = None,
) -> Path:
    """Write the dashboard of a portfolio frame to ``output_path`` and return the path.

    ``frame`` has the columns of
    :data:`~ccpm_plugins.renderers.dashboard_frame.FRAME_COLUMNS`. The title
    defaults to "CCPM dashboard" in ``language``. Creates the parent folder
    when it is missing. Raises :class:`~ccpm_core.errors.InputError` for a
    missing column or an invalid value, naming the row label, column and value,
    and :class:`~ccpm_core.errors.RenderError` for an invalid language tag or
    a file that cannot be written.
    """
    path = Path(output_path)
    document = dashboard_html(frame, language=language, title=title)
    write_atomically(path, document.encode("utf-8"))
    return path


def dashboard_html(frame: pd.DataFrame, *, language: str = "en", title: str | None = None) -> str:
    """Return the dashboard of a portfolio frame as one HTML document.

    Raises the errors of :func:`render_dashboard`, except those of writing.
    """
    language = _checked_language(language)
    portfolio = group_frame(frame)
    if title is None or not title.strip():
        _ = translator(language)
        title = _("CCPM dashboard")
    payload = build_payload(portfolio, language)
    return page_html(
        language=language,
        title=title,
        exercise_count=portfolio.exercise_count,
        payload_json=payload_json(payload),
    )


def _checked_language(language: str) -> str:
    """Return the language tag with gettext's underscore as a hyphen, or raise RenderError."""
    tag = language.replace("_", "-") if isinstance(language, str) else ""
    if not _LANGUAGE_TAG.fullmatch(tag):
        msg = (
            f"dashboard language {language!r} is not a language tag; "
            "use a BCP 47 tag such as 'en', 'fr', 'es' or 'ar'"
        )
        raise RenderError(msg)
    return tag
