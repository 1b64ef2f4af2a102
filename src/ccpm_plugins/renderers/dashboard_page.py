"""The HTML skeleton and style sheet of the dashboard; its script fills in the data.

The skeleton contains everything that does not depend on the reader's filters:
headings, filter labels, table headers with the localised section names,
the status legend and a notice for browsers without JavaScript. Every text
is HTML-escaped here, and the script writes data only through ``textContent``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from ccpm_core.framework import FUNCTIONS, SECTION_IDS, SECTIONS
from ccpm_core.i18n import is_right_to_left, translator
from ccpm_core.locale_format import format_number
from ccpm_core.report_builder import status_label
from ccpm_plugins.renderers.dashboard_payload import STATUS_ORDER
from ccpm_plugins.renderers.dashboard_script import DASHBOARD_SCRIPT
from ccpm_plugins.renderers.html_style import status_class
from ccpm_plugins.renderers.styling import (
    DARK_TEXT,
    LIGHT_TEXT,
    MUTED_TEXT,
    STATUS_STYLES,
    TABLE_HEADER_FILL,
)

__all__ = ["DASHBOARD_STYLE", "TREND_COLOURS", "page_html"]

TREND_COLOURS: tuple[str, ...] = (
    "#0072b2",
    "#b85000",
    "#00785a",
    "#a8487f",
    "#7a5c00",
    "#56307a",
    "#000000",
)
"""Line colours of functions 1 to 7: hues of the Okabe-Ito palette, darkened
where needed so each reaches 4.5:1 on white, as their number labels are text."""

# Characters that HTML 5 reports as parse errors in text: C0 and C1 controls
# other than tab, line feed and carriage return, noncharacters, and lone surrogates.
_HTML_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff]"
)


def _status_rules() -> str:
    return "\n".join(
        f".{status_class(status)} {{ background-color: {style.fill}; color: {style.text}; }}"
        for status, style in STATUS_STYLES.items()
    )


def _trend_rules() -> str:
    return "\n".join(
        f".trend-{number} {{ color: {colour}; }}"
        for number, colour in enumerate(TREND_COLOURS, start=1)
    )


DASHBOARD_STYLE = f"""\
:root {{ color-scheme: light; }}
html {{ background: {LIGHT_TEXT}; color: {DARK_TEXT}; }}
body {{
  margin: 0 auto;
  max-width: 90rem;
  padding: 1.5rem;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans",
    Arial, sans-serif;
  font-size: 1rem;
  line-height: 1.5;
}}
h1, h2, h3 {{ line-height: 1.25; margin: 1.5em 0 0.5em; }}
h1 {{ font-size: 2rem; margin-top: 0; }}
h2 {{ font-size: 1.5rem; border-bottom: 2px solid {DARK_TEXT}; padding-bottom: 0.2em; }}
h3 {{ font-size: 1.2rem; }}
.summary, .note {{ color: {MUTED_TEXT}; }}
.filters {{ display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-end; }}
.filters label {{ display: flex; flex-direction: column; font-weight: bold; gap: 0.2rem; }}
select, button {{ font: inherit; padding: 0.2rem 0.4rem; }}
select:focus, button:focus, .table-scroll:focus {{
  outline: 3px solid {DARK_TEXT};
  outline-offset: 2px;
}}
.pager {{ display: flex; gap: 0.75rem; align-items: center; flex-wrap: wrap; }}
.table-scroll {{ overflow: auto; max-height: 70vh; margin: 0.5rem 0 1rem; }}
table {{ border-collapse: collapse; font-size: 0.85rem; }}
caption {{ font-weight: bold; text-align: start; padding: 0.4em 0; }}
th, td {{ border: 1px solid {MUTED_TEXT}; padding: 0.2em 0.4em; text-align: start; }}
thead th {{ background-color: {TABLE_HEADER_FILL}; position: sticky; top: 0; }}
tbody th {{ font-weight: normal; white-space: nowrap; }}
.num {{ text-align: end; font-variant-numeric: tabular-nums; white-space: nowrap; }}
.cell {{ text-align: center; min-width: 5.5rem; white-space: nowrap; }}
.cell .label {{ display: block; font-size: 0.8em; font-weight: bold; }}
.legend {{ display: flex; flex-wrap: wrap; gap: 0.5rem; padding: 0; list-style: none; }}
.legend li {{ padding: 0.1rem 0.5rem; border: 1px solid {MUTED_TEXT}; }}
{_status_rules()}
.status-cell, .legend li {{ -webkit-print-color-adjust: exact; }}
.section-names {{ columns: 2 24rem; font-size: 0.9rem; }}
.section-names dt {{ font-weight: bold; float: inline-start; margin-inline-end: 0.5rem; }}
.section-names dd {{ margin: 0 0 0.3rem; }}
.chart {{ margin: 1rem 0; max-width: 60rem; }}
.chart svg {{ width: 100%; height: auto; display: block; direction: ltr; }}
.trend-legend {{
  display: flex;
  flex-wrap: wrap;
  gap: 0.3rem 1.2rem;
  padding: 0;
  list-style: none;
}}
.trend-legend .swatch {{ font-weight: bold; }}
{_trend_rules()}
/* The rate cell aligns its text to the end, so the track aligns to the start
   itself: bars fill from the left in left-to-right pages and from the right in
   right-to-left ones. */
.bar {{ display: block; height: 0.7em; background: {DARK_TEXT}; }}
.bar-track {{
  display: inline-block;
  width: 6rem;
  border: 1px solid {MUTED_TEXT};
  text-align: start;
  vertical-align: middle;
}}
.visually-hidden {{
  position: absolute;
  width: 1px;
  height: 1px;
  overflow: hidden;
  clip: rect(0 0 0 0);
  white-space: nowrap;
}}
"""


def page_html(*, language: str, title: str, exercise_count: int, payload_json: str) -> str:
    """Return the whole dashboard document, with ``payload_json`` as its embedded data.

    ``payload_json`` must already be safe inside a script element, as
    :func:`~ccpm_plugins.renderers.dashboard_payload.payload_json` makes it.
    """
    _ = translator(language)
    direction = "rtl" if is_right_to_left(language) else "ltr"
    no_script = _("This dashboard needs JavaScript to show its data.")
    lines = [
        "<!DOCTYPE html>",
        f'<html lang="{_attribute(language)}" dir="{direction}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light">',
        f"<title>{_one_line(title)}</title>",
        f"<style>\n{DASHBOARD_STYLE}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_one_line(title)}</h1>",
        f'<p class="summary">{_text(_summary(language, exercise_count))}</p>',
        f"<noscript><p>{_text(no_script)}</p></noscript>",
        "</header>",
        "<main>",
        *_filters(_),
        *_heatmap(_, language),
        *_trends(_),
        *_response_rates(_),
        "</main>",
        f'<script type="application/json" id="dashboard-data">{payload_json}</script>',
        f"<script>\n{DASHBOARD_SCRIPT}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(lines) + "\n"


def _summary(language: str, exercise_count: int) -> str:
    _ = translator(language)
    return _("Exercises in the portfolio: {count}").format(
        count=format_number(exercise_count, language)
    )


def _filters(_: Callable[[str], str]) -> list[str]:
    controls = [
        ("year", _("Year")),
        ("region", _("Region")),
        ("country", _("Country")),
        ("cluster", _("Cluster")),
        ("level", _("Level")),
    ]
    heading = _("Filters")
    clear = _("Reset filters")
    lines = [
        '<section aria-labelledby="filters-title">',
        f'<h2 id="filters-title">{_text(heading)}</h2>',
        '<form class="filters" id="filters">',
    ]
    lines.extend(
        f'<label for="filter-{key}">{_text(label)}'
        f'<select id="filter-{key}" name="{key}"></select></label>'
        for key, label in controls
    )
    lines += [
        f'<button type="reset" id="filter-reset">{_text(clear)}</button>',
        "</form>",
        '<p id="filter-summary" role="status" aria-live="polite"></p>',
        "</section>",
    ]
    return lines


def _heatmap(_: Callable[[str], str], language: str) -> list[str]:
    fixed_columns = [_("Exercise"), _("Year"), _("Country"), _("Cluster"), _("Level or hub")]
    header = "".join(f'<th scope="col">{_text(name)}</th>' for name in fixed_columns)
    header += "".join(
        f'<th scope="col" class="cell"><abbr title="{_attribute(_(SECTIONS[section].title))}">'
        f"{_text(section)}</abbr></th>"
        for section in SECTION_IDS
    )
    legend = "".join(
        f'<li class="{status_class(status)}">{_text(status_label(status, language))}</li>'
        for status in STATUS_ORDER
    )
    section_names = "".join(
        f"<dt>{_text(section)}</dt><dd>{_text(_(SECTIONS[section].title))}</dd>"
        for section in SECTION_IDS
    )
    heading = _("Section scores by exercise")
    legend_name = _("Status")
    caption = _("Score and status of each section")
    names_heading = _("Sections")
    return [
        '<section aria-labelledby="heatmap-title">',
        f'<h2 id="heatmap-title">{_text(heading)}</h2>',
        f'<ul class="legend" aria-label="{_attribute(legend_name)}">{legend}</ul>',
        *_pager("heatmap", _),
        '<div class="table-scroll" role="region" aria-labelledby="heatmap-caption" tabindex="0">',
        '<table id="heatmap">',
        f'<caption id="heatmap-caption">{_text(caption)}</caption>',
        f"<thead><tr>{header}</tr></thead>",
        "<tbody></tbody>",
        "</table>",
        "</div>",
        f"<h3>{_text(names_heading)}</h3>",
        f'<dl class="section-names">{section_names}</dl>',
        "</section>",
    ]


def _trends(_: Callable[[str], str]) -> list[str]:
    legend = "".join(
        f'<li><span class="swatch trend-{function.number}" aria-hidden="true">'
        f"&#9644; {function.number}</span> {_text(_(function.short_title))}</li>"
        for function in FUNCTIONS
    )
    heading = _("Trends by function")
    caption = _("Mean score by function and year")
    return [
        '<section aria-labelledby="trend-title">',
        f'<h2 id="trend-title">{_text(heading)}</h2>',
        f'<p class="note">{_text(_trend_note(_))}</p>',
        '<figure class="chart">',
        '<svg id="trend-chart" role="img" aria-labelledby="trend-caption" '
        'aria-describedby="trend-table-caption" viewBox="0 0 760 380" '
        'xmlns="http://www.w3.org/2000/svg"></svg>',
        f'<figcaption id="trend-caption">{_text(caption)}</figcaption>',
        "</figure>",
        f'<ul class="trend-legend">{legend}</ul>',
        '<p id="trend-empty" class="note" hidden></p>',
        '<div class="table-scroll" role="region" aria-labelledby="trend-table-caption" '
        'tabindex="0">',
        '<table id="trend-table">',
        f'<caption id="trend-table-caption">{_text(caption)}</caption>',
        "<thead></thead>",
        "<tbody></tbody>",
        "</table>",
        "</div>",
        "</section>",
    ]


def _trend_note(_: Callable[[str], str]) -> str:
    # The option names come from the level filter's own labels, so they match it.
    return _(
        "Each point is the mean of the section scores of a function, over the rows that "
        "match the filters in that year. Sections without a score are left out. The level "
        'filter starts at "{national}", so each exercise gives one value. Choose "{all}" to '
        'average the national level and the hubs together, or "{hubs}" for the hubs only.'
    ).format(national=_("National"), all=_("All"), hubs=_("Hubs"))


def _response_rates(_: Callable[[str], str]) -> list[str]:
    region_columns = [
        _("Region"),
        _("Rows"),
        _("Rows with a response rate"),
        _("Overall response rate"),
        _("Effective response rate"),
    ]
    row_columns = [
        _("Exercise"),
        _("Year"),
        _("Country"),
        _("Cluster"),
        _("Level or hub"),
        _("Partner responses"),
        _("Coordinator responses"),
        _("Overall response rate"),
        _("Effective response rate"),
    ]
    heading = _("Response rates")
    return [
        '<section aria-labelledby="rates-title">',
        f'<h2 id="rates-title">{_text(heading)}</h2>',
        f'<p class="note">{_text(_rates_note(_))}</p>',
        *_table("region-rates", _("Mean response rates by region"), region_columns),
        *_pager("rates", _),
        *_table("row-rates", _("Response rates by exercise and level"), row_columns),
        "</section>",
    ]


def _rates_note(_: Callable[[str], str]) -> str:
    return _(
        "Rates are shares of the cluster's partners that answered; a region's rate is the "
        "mean over its rows that have one."
    )


def _table(table_id: str, caption: str, columns: list[str]) -> list[str]:
    header = "".join(f'<th scope="col">{_text(name)}</th>' for name in columns)
    return [
        f'<div class="table-scroll" role="region" aria-labelledby="{table_id}-caption" '
        'tabindex="0">',
        f'<table id="{table_id}">',
        f'<caption id="{table_id}-caption">{_text(caption)}</caption>',
        f"<thead><tr>{header}</tr></thead>",
        "<tbody></tbody>",
        "</table>",
        "</div>",
    ]


def _pager(prefix: str, _: Callable[[str], str]) -> list[str]:
    group_name = _("Pages")
    previous = _("Previous page")
    following = _("Next page")
    return [
        f'<div class="pager" role="group" aria-label="{_attribute(group_name)}">',
        f'<button type="button" id="{prefix}-previous">{_text(previous)}</button>',
        f'<button type="button" id="{prefix}-next">{_text(following)}</button>',
        f'<p id="{prefix}-note" aria-live="polite"></p>',
        "</div>",
    ]


def _clean(text: str) -> str:
    return _HTML_FORBIDDEN.sub("\ufffd", text)


def _text(text: str) -> str:
    return html.escape(_clean(text), quote=True)


def _one_line(text: str) -> str:
    return html.escape(" ".join(_clean(text).split()), quote=True)


def _attribute(text: str) -> str:
    return html.escape(_clean(text), quote=True)
