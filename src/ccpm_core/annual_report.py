"""The annual CCPM report: how many exercises ran where, rates, statuses and change.

The report is built as renderer-neutral blocks (:mod:`ccpm_core.report_model`),
so every report renderer draws it. Its tables come from
:func:`ccpm_core.portfolio_tables.annual_tables`; this module only formats
them in the report's language.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ccpm_core.annual_report_lists import (
    DEFAULT_ROW_LIMIT,
    SHORTENED_TABLE_KEYS,
    ShortenedTable,
    shorten_table,
)
from ccpm_core.disclosure import DEFAULT_MIN_CELL_SIZE
from ccpm_core.errors import InputError
from ccpm_core.framework import Status
from ccpm_core.i18n import N_, plural_translator, translator
from ccpm_core.locale_format import NO_VALUE, format_number, format_percent, format_score
from ccpm_core.portfolio_tables import ColumnKind, PortfolioTable, annual_tables
from ccpm_core.portfolio_trends import name_key
from ccpm_core.report_model import (
    Block,
    Cell,
    Chart,
    ChartBar,
    Cover,
    Heading,
    Paragraph,
    Report,
    Table,
)
from ccpm_core.report_text import status_label
from ccpm_core.scoring import classify

if TYPE_CHECKING:
    import pandas as pd

    from ccpm_core.portfolio import Portfolio

__all__ = ["build_annual_report", "format_table_cell", "hub_label", "level_label"]

_LEVEL_LABELS = {"national": N_("National"), "subnational": N_("Sub-national")}
_REPORT_TABLE_KEYS = frozenset(
    {
        "by_region",
        "by_country",
        "by_cluster",
        "rates_by_region",
        "rates_by_organisation_type",
        "rates_by_level",
        "status_by_function",
        "function_ranking",
        "change_from_previous_year",
        "confirmed_weakening",
    }
)


def build_annual_report(
    portfolio: Portfolio,
    year: int,
    language: str = "en",
    min_cell_size: int = DEFAULT_MIN_CELL_SIZE,
    date: dt.date | None = None,
    organisation_type_label: Callable[[str], str] | None = None,
    tables: Sequence[PortfolioTable] | None = None,
    row_limit: int = DEFAULT_ROW_LIMIT,
) -> Report:
    """Build the annual report of ``year`` in ``language``.

    ``date`` is printed on the cover. ``tables`` are the tables of
    :func:`~ccpm_core.portfolio_tables.annual_tables` for the same year, cell
    size and labels, when the caller has computed them already, such as to
    write the workbook too. The change and weakening tables longer than
    ``row_limit`` rows are shown as counts per region and function with their
    worst ``row_limit`` rows, and a sentence gives how many more rows the
    workbook lists. Raises InputError when no exercise ran in ``year``, and
    when ``tables`` lacks one of the report's tables. Raises ValueError when
    ``row_limit`` is below 1.
    """
    if tables is None:
        tables = annual_tables(portfolio, year, min_cell_size, organisation_type_label)
    by_key = {table.key: table for table in tables}
    missing = sorted(_REPORT_TABLE_KEYS - by_key.keys())
    if missing:
        msg = (
            f"the annual tables given lack {', '.join(missing)}; pass the tables of "
            "annual_tables() for this year, or none"
        )
        raise InputError(msg)
    _ = translator(language)

    blocks: list[Block] = [Heading(_("Summary"), 1)]
    blocks += _summary(portfolio.for_year(year), by_key, language)
    if any(table.withheld for table in tables):
        blocks.append(Paragraph(_withheld_note(min_cell_size, language), emphasis=True))

    parts = (
        (N_("Where the exercises ran"), ("by_region", "by_country", "by_cluster")),
        (
            N_("Response and completion rates"),
            ("rates_by_region", "rates_by_organisation_type", "rates_by_level"),
        ),
        (N_("Performance"), ("status_by_function", "function_ranking")),
        (N_("Change"), ("change_from_previous_year", "confirmed_weakening")),
    )
    for title, keys in parts:
        blocks.append(Heading(_(title), 1))
        for key in keys:
            shortened = (
                shorten_table(by_key[key], row_limit) if key in SHORTENED_TABLE_KEYS else None
            )
            if shortened is None:
                blocks += _table_blocks(by_key[key], language)
            else:
                blocks += _shortened_blocks(by_key[key], shortened, language)
            if key == "function_ranking":
                blocks.append(_function_chart(by_key[key], language))

    cover = Cover(
        title=_("Annual CCPM report {year}").format(year=year),
        cluster=_("All clusters"),
        country=_("All countries"),
        level=_("National and sub-national"),
        date=date,
        subtitle=_("Cluster Coordination Performance Monitoring"),
    )
    return Report(cover=cover, blocks=tuple(blocks), language=language)


def level_label(level: str, language: str) -> str:
    """Return ``national`` or ``subnational`` as a label in ``language``."""
    return translator(language)(_LEVEL_LABELS.get(level, level))


def hub_label(hub: str, language: str) -> str:
    """Return a hub name as it is, or "National" in ``language`` for the national level.

    The portfolio tables contain ``""`` in their hub column on national rows.
    """
    return hub if hub else translator(language)(_LEVEL_LABELS["national"])


def format_table_cell(value: Any, kind: ColumnKind, language: str) -> str:
    """Format one value of a portfolio table for reading. NaN and None give a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NO_VALUE
    if kind is ColumnKind.COUNT:
        return format_number(float(value), language)
    if kind is ColumnKind.RATE:
        return format_percent(float(value) * 100, language)
    if kind is ColumnKind.SCORE:
        return format_score(float(value), language)
    if kind is ColumnKind.CHANGE:
        # Half-up rounding from the shortest decimal form, as format_percent does,
        # so 4.25 points show as +4.3 and not as Python's round-half-even 4.2.
        tenths = decimal.Decimal(repr(float(value))).quantize(
            decimal.Decimal("0.1"), rounding=decimal.ROUND_HALF_UP
        )
        sign = "+" if tenths > 0 else ""
        return sign + format_number(float(tenths), language)
    return str(value)


def _summary(current: Portfolio, tables: dict[str, PortfolioTable], language: str) -> list[Block]:
    _ = translator(language)
    exercises = current.exercises
    levels = current.levels
    facts = _(
        "Exercises: {exercises}. Countries: {countries}. Regions: {regions}. Clusters: "
        "{clusters}. Sub-national levels: {hubs}."
    ).format(
        exercises=format_number(len(exercises), language),
        countries=format_number(exercises["country"].nunique(), language),
        regions=format_number(exercises["region"].nunique(), language),
        clusters=format_number(exercises["cluster"].nunique(), language),
        hubs=format_number(int((levels["level"] == "subnational").sum()), language),
    )
    blocks: list[Block] = [Paragraph(facts)]

    ranking = tables["function_ranking"].frame.dropna(subset=["mean_score"])
    if not ranking.empty:
        weakest = ranking.iloc[0]
        strongest = ranking.iloc[-1]
        blocks.append(
            Paragraph(
                _(
                    "Weakest function: {weakest} ({weakest_score}). Strongest function: "
                    "{strongest} ({strongest_score})."
                ).format(
                    weakest=f"{weakest['function']}. {_(weakest['title'])}",
                    weakest_score=format_score(float(weakest["mean_score"]), language),
                    strongest=f"{strongest['function']}. {_(strongest['title'])}",
                    strongest_score=format_score(float(strongest["mean_score"]), language),
                )
            )
        )

    change = tables["change_from_previous_year"].frame
    blocks.append(
        Paragraph(
            _("Clusters compared with the previous year: {compared}.").format(
                compared=format_number(len(change), language)
            )
        )
    )
    blocks.append(_weakening_summary(tables["confirmed_weakening"].frame, language))
    return blocks


def _weakening_summary(weakening: pd.DataFrame, language: str) -> Paragraph:
    """Count the confirmed weakening per cluster, as a global cluster coordinator reads it.

    The table has one row per level (national and each hub) and function, so
    a function weak both nationally and in a hub of the same cluster is one
    weak function of that cluster but two rows.
    """
    _ = translator(language)
    clusters = name_key(weakening["country"]) + "\x1f" + name_key(weakening["cluster"])
    functions = clusters + "\x1f" + weakening["function"].astype(str)
    return Paragraph(
        _(
            "Clusters with a function weak in two exercises in a row: {clusters}. Functions "
            "weak in two exercises in a row, counted once per cluster: {functions} ({rows} "
            "when the national level and each hub count apart)."
        ).format(
            clusters=format_number(clusters.nunique(), language),
            functions=format_number(functions.nunique(), language),
            rows=format_number(len(weakening), language),
        )
    )


def _withheld_note(min_cell_size: int, language: str) -> str:
    _ = translator(language)
    return _(
        "To keep respondents anonymous, a count of fewer than {k} partners is not shown, and "
        "neither is a rate computed from it. Where a total would reveal such a count, a "
        'further count is withheld as well. Withheld figures read "{marker}".'
    ).format(k=format_number(min_cell_size, language), marker=_("withheld"))


def _table_blocks(table: PortfolioTable, language: str, level: int = 2) -> list[Block]:
    _ = translator(language)
    blocks: list[Block] = [Heading(_(table.title), level)]
    if table.frame.empty:
        blocks.append(Paragraph(_("No data for this table.")))
        return blocks

    withheld_text = _("withheld")
    rows: list[tuple[Cell, ...]] = []
    records = table.frame.to_dict("records")
    for position, record in enumerate(records):
        cells: list[Cell] = []
        for column in table.columns:
            value = record[column.key]
            if (position, column.key) in table.withheld:
                text = withheld_text
            elif column.key == "level":
                text = level_label(str(value), language)
            elif column.key == "hub":
                text = hub_label(str(value), language)
            elif column.key == "title":
                text = _(str(value))
            else:
                text = format_table_cell(value, column.kind, language)
            cells.append(Cell(text, numeric=column.kind is not ColumnKind.TEXT))
        rows.append(tuple(cells))

    # The heading above names the table, so the table has no caption repeating it.
    blocks.append(
        Table(header=tuple(_(column.header) for column in table.columns), rows=tuple(rows))
    )
    if table.note:
        blocks.append(Paragraph(_(table.note), emphasis=True))
    return blocks


def _shortened_blocks(
    table: PortfolioTable, shortened: ShortenedTable, language: str
) -> list[Block]:
    """Return a long table as its summaries, its worst rows and how many rows the workbook adds."""
    _ = translator(language)
    ngettext = plural_translator(language)
    blocks: list[Block] = [Heading(_(table.title), 2)]
    if table.note:
        blocks.append(Paragraph(_(table.note), emphasis=True))
    for summary in shortened.summaries:
        blocks += _table_blocks(summary, language, level=3)
    blocks += _table_blocks(shortened.worst, language, level=3)

    shown = len(shortened.worst.frame)
    shown_text = ngettext(
        "This table shows {count} row of {total}.",
        "This table shows {count} rows of {total}.",
        shown,
    ).format(
        count=format_number(shown, language),
        total=format_number(len(table.frame), language),
    )
    omitted_text = ngettext(
        "{count} more row is listed in the workbook (XLSX) of this report.",
        "{count} more rows are listed in the workbook (XLSX) of this report.",
        shortened.omitted,
    ).format(count=format_number(shortened.omitted, language))
    blocks.append(Paragraph(f"{shown_text} {omitted_text}"))
    return blocks


def _function_chart(table: PortfolioTable, language: str) -> Chart:
    _ = translator(language)
    frame = table.frame.sort_values("function", kind="stable")
    bars: list[ChartBar] = []
    described: list[str] = []
    for record in frame.to_dict("records"):
        score = record["mean_score"]
        value = None if score is None or math.isnan(score) else float(score)
        label = f"{record['function']}. {_(str(record['title']))}"
        bars.append(ChartBar(label=label, score=value, status=classify(value)))
        described.append(f"{label}: {format_score(value, language)}")
    return Chart(
        title=_("Mean score per function"),
        bars=tuple(bars),
        # TRANSLATORS: keep the final space; the list of function scores follows it.
        alt_text=_("Bar chart of the mean score of each function. ") + "; ".join(described),
        key="annual-function-scores",
        legend=tuple(
            (status, status_label(status, language))
            for status in (Status.GOOD, Status.SATISFACTORY, Status.UNSATISFACTORY, Status.WEAK)
        ),
        axis_label=_("Score (%)"),
        no_data_label=_("no data"),
        language=language,
    )
