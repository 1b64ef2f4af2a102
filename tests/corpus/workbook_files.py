"""Builders of small .xlsx and .ods workbooks for the reader tests.

openpyxl writes .xlsx but saves no computed value for a formula, so
:func:`xlsx_bytes` adds the cached values afterwards, as a spreadsheet program
would, unless the formula's ``cached`` value is None. The .ods writer is a
minimal OpenDocument package written by hand, because no dependency of the
project writes .ods.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import attrs

Rows = Sequence[Sequence[Any]]


@attrs.frozen
class Formula:
    """A formula cell with the value the spreadsheet program last computed."""

    formula: str
    """Formula without the leading ``=``, such as ``1+3``."""
    cached: float | str | None
    """Saved result; None leaves the result unsaved, as openpyxl does."""
    error: bool = False
    """Whether ``cached`` is an error value such as ``#DIV/0!``."""


def xlsx_bytes(sheets: Mapping[str, Rows], merged: Sequence[str] = ()) -> bytes:
    """Return an .xlsx workbook with one sheet per entry; ``merged`` ranges go on the first."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    cached: dict[str, Formula] = {}
    for name, rows in sheets.items():
        worksheet = workbook.create_sheet(name)
        for row in rows:
            values = []
            for value in row:
                if isinstance(value, Formula):
                    if value.cached is not None:
                        cached[value.formula] = value
                    values.append("=" + value.formula)
                else:
                    values.append(value)
            worksheet.append(values)
    if merged:
        first = workbook.worksheets[0]
        for cells in merged:
            first.merge_cells(cells)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return _add_cached_values(buffer.getvalue(), cached) if cached else buffer.getvalue()


def _add_cached_values(data: bytes, cached: Mapping[str, Formula]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                text = content.decode()
                for formula, cell in cached.items():
                    # A text result needs t="str" on the cell, an error t="e", a number nothing.
                    pattern = re.compile(
                        r"(<c r=\"[A-Z]+\d+\")>(<f>" + re.escape(escape(formula)) + r"</f>)<v></v>"
                    )
                    kind = ' t="str"' if isinstance(cell.cached, str) else ""
                    kind = ' t="e"' if cell.error else kind
                    value = _replacement(str(cell.cached))
                    text = pattern.sub(rf"\1{kind}>\2<v>{value}</v>", text)
                content = text.encode()
            target.writestr(info, content)
    return target_buffer.getvalue()


def _replacement(text: str) -> str:
    """Escape ``text`` for XML and for use in a regular expression replacement."""
    return escape(text).replace("\\", "\\\\")


_ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"'
)

_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


Span = tuple[int, int, int, int]
"""Merged range of an .ods sheet: first row, first column (0-based), rows and columns spanned."""


def ods_bytes(sheets: Mapping[str, Rows], merged: Sequence[Span] = ()) -> bytes:
    """Return an .ods workbook with one sheet per entry; ``merged`` spans go on the first."""
    tables = "".join(
        _ods_table(name, rows, merged if index == 0 else ())
        for index, (name, rows) in enumerate(sheets.items())
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<office:document-content {_ODS_NAMESPACES} office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        # The mimetype entry comes first and uncompressed, as OpenDocument requires.
        package.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr("META-INF/manifest.xml", _ODS_MANIFEST, zipfile.ZIP_DEFLATED)
        package.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _ods_table(name: str, rows: Rows, merged: Sequence[Span]) -> str:
    spans = {
        (row, column): (rows_spanned, columns) for row, column, rows_spanned, columns in merged
    }
    body = "".join(
        "<table:table-row>"
        + "".join(
            _ods_cell(value, spans.get((row_index, column_index)))
            for column_index, value in enumerate(row)
        )
        + "</table:table-row>"
        for row_index, row in enumerate(rows)
    )
    return f"<table:table table:name={quoteattr(name)}>{body}</table:table>"


def _ods_cell(value: Any, span: tuple[int, int] | None = None) -> str:
    if span is not None:
        rows, columns = span
        return (
            f'<table:table-cell table:number-rows-spanned="{rows}" '
            f'table:number-columns-spanned="{columns}" {_ods_value(value)}>'
            f"<text:p>{escape(str(value))}</text:p></table:table-cell>"
        )
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, Formula):
        return (
            f"<table:table-cell table:formula={quoteattr('of:=' + value.formula)} "
            f"{_ods_value(value.cached)}><text:p>{escape(str(value.cached))}</text:p>"
            "</table:table-cell>"
        )
    paragraph = f"<text:p>{escape(str(value))}</text:p>"
    return f"<table:table-cell {_ods_value(value)}>{paragraph}</table:table-cell>"


def _ods_value(value: Any) -> str:
    if isinstance(value, bool):
        return f'office:value-type="boolean" office:boolean-value="{str(value).lower()}"'
    if isinstance(value, int | float):
        return f'office:value-type="float" office:value="{value!r}"'
    if isinstance(value, dt.date):
        return f'office:value-type="date" office:date-value="{value.isoformat()}"'
    return f'office:value-type="string" office:string-value={quoteattr(str(value))}'
