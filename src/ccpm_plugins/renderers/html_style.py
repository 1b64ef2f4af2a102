"""The style sheet of the HTML report: screen and print layout, status colours, chart sizes.

Colours come from :mod:`ccpm_plugins.renderers.styling`, so every text
colour reaches the WCAG AA contrast of 4.5:1 on its background.
"""

from __future__ import annotations

from ccpm_core.framework import Status
from ccpm_plugins.renderers.charts import CHART_WIDTH_CM
from ccpm_plugins.renderers.styling import (
    DARK_TEXT,
    LIGHT_TEXT,
    MUTED_TEXT,
    STATUS_STYLES,
    TABLE_HEADER_FILL,
)

__all__ = ["STYLE_SHEET", "status_class"]


def status_class(status: Status) -> str:
    """Return the CSS class that colours a cell of ``status``, such as ``status-no-data``."""
    return "status-" + status.value.replace("_", "-")


def _status_rules() -> str:
    rules = []
    for status, style in STATUS_STYLES.items():
        rules.append(
            f".{status_class(status)} {{ background-color: {style.fill}; color: {style.text}; }}"
        )
    return "\n".join(rules)


# Print colour adjustment uses only the -webkit- name, which Chromium and
# Safari read, because WeasyPrint warns about the unprefixed name. A browser
# that prints no backgrounds still prints every status label. WeasyPrint also
# warns about overflow-x, so table scrolling is for screens only.
STYLE_SHEET = f"""\
:root {{ color-scheme: light; }}
html {{ background: {LIGHT_TEXT}; color: {DARK_TEXT}; }}
body {{
  margin: 0 auto;
  max-width: 60rem;
  padding: 1.5rem;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans",
    Arial, sans-serif;
  font-size: 1rem;
  line-height: 1.5;
}}
h1, h2, h3, h4, h5, h6 {{ line-height: 1.25; margin: 1.5em 0 0.5em; }}
h1 {{ font-size: 2rem; margin-top: 0; }}
h2 {{ font-size: 1.6rem; border-bottom: 2px solid {DARK_TEXT}; padding-bottom: 0.2em; }}
h3 {{ font-size: 1.3rem; }}
h4 {{ font-size: 1.1rem; }}
a {{ color: {DARK_TEXT}; text-decoration: underline; }}
a:focus, .table-scroll:focus {{ outline: 3px solid {DARK_TEXT}; outline-offset: 2px; }}
.cover {{ padding: 2rem 0 1rem; }}
.subtitle {{ font-size: 1.2rem; color: {MUTED_TEXT}; margin-top: 0; }}
.facts div {{ display: flex; gap: 1.5rem; margin: 0.2rem 0; }}
.facts dt {{ font-weight: bold; min-width: 9rem; }}
.facts dd {{ margin: 0; }}
.note {{ font-style: italic; color: {MUTED_TEXT}; }}
.caption, caption {{ font-weight: bold; text-align: start; padding: 0.4em 0; caption-side: top; }}
.table-scroll {{ margin: 1rem 0; }}
table {{ border-collapse: collapse; width: 100%; font-size: 0.9rem; }}
th, td {{
  border: 1px solid {MUTED_TEXT};
  padding: 0.3em 0.5em;
  text-align: start;
  vertical-align: top;
  overflow-wrap: break-word;
}}
thead th {{ background-color: {TABLE_HEADER_FILL}; color: {DARK_TEXT}; }}
tbody th {{ font-weight: normal; }}
.num {{ text-align: end; font-variant-numeric: tabular-nums; }}
.status-label {{ display: block; font-size: 0.85em; font-weight: bold; }}
{_status_rules()}
.status, thead th, .chart-image {{ -webkit-print-color-adjust: exact; }}
.chart {{ margin: 1.5rem 0; }}
.chart-image {{ display: block; width: 100%; max-width: {CHART_WIDTH_CM:g}cm; height: auto; }}
figcaption {{ font-weight: bold; margin-top: 0.3em; }}
.field {{
  border: 2px dashed {MUTED_TEXT};
  border-radius: 4px;
  padding: 0.5rem 0.75rem;
  margin: 1rem 0;
}}
.field-required {{ border-style: solid; border-inline-start-width: 8px; }}
.field-label {{ margin: 0; }}
.field-prompt {{ margin: 0.25rem 0 0; font-style: italic; color: {MUTED_TEXT}; }}
.field-space {{ min-height: 5rem; }}
@page {{
  size: A4;
  margin: 2cm;
  @bottom-center {{ content: counter(page); }}
}}
@page :first {{
  @bottom-center {{ content: none; }}
}}
@media screen {{
  .table-scroll {{ overflow-x: auto; }}
}}
@media print {{
  body {{ max-width: none; padding: 0; font-size: 10.5pt; }}
  .part {{ break-before: page; page-break-before: always; }}
  h2, h3, h4, h5, h6, caption, .caption, .field-label {{
    break-after: avoid;
    page-break-after: avoid;
  }}
  tr, li, figure, .field {{ break-inside: avoid; page-break-inside: avoid; }}
  thead {{ display: table-header-group; }}
  .contents a {{ text-decoration: none; }}
}}
"""
