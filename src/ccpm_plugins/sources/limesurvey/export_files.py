"""LimeSurvey response exports as tables of text: JSON from RemoteControl, CSV or JSON files.

Formats read:

- JSON ``{"responses": [...]}``, each item either a flat record (LimeSurvey
  3 and later) or a one-key object ``{"<id>": record}`` (older versions).
  Values are strings or null; null becomes the empty string.
- CSV as LimeSurvey 3 to 6 write it: UTF-8 with a byte-order mark, ``;``
  between fields, every field quoted, records ending in CRLF and a blank line
  at the end. LimeSurvey 2.x writes ``,`` and no byte-order mark. Both are
  read with the shared reader of :mod:`ccpm_plugins.sources.csv_file`.

When no response matches an export's filter, LimeSurvey writes one record
whose every value is empty. Such records, and blank lines, carry no answer and
are dropped; a note says so unless the blank line is the one ending the file.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ccpm_core.errors import InputError, SourceError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ExportTable",
    "JsonExport",
    "decode_base64_export",
    "parse_json_export",
    "read_export_file",
    "records_to_table",
]


@attrs.frozen(eq=False)
class ExportTable:
    """A LimeSurvey export as headings and rows of text, before mapping to a questionnaire."""

    source: str
    table: pd.DataFrame
    """One column per heading, as exported; empty cells are empty strings."""
    row_numbers: Sequence[int]
    """Row of each record in a CSV export, the heading row being row 1."""
    notes: tuple[str, ...] = ()


def decode_base64_export(text: str, source: str) -> bytes:
    """Decode the base64 text that ``export_responses`` returns.

    Raises :class:`SourceError` naming ``source`` when the text is not base64.
    """
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        msg = (
            f"{source}: the export is not valid base64 text ({len(text)} characters); the "
            "server may have cut the reply short, so try a smaller page of responses"
        )
        raise SourceError(msg) from None


@attrs.frozen
class JsonExport:
    """The records of a JSON export, and how many empty records were dropped."""

    records: list[dict[str, str]]
    empty_records: int = 0


def parse_json_export(data: bytes, source: str) -> JsonExport:
    """Parse a JSON response export into flat records of text, in export order.

    Both layouts are accepted: a list of records, and the older list of
    one-key objects that map a response id to its record. Records whose every
    value is empty are dropped and counted. Raises :class:`InputError` naming
    ``source`` when the document is not JSON or has no ``responses`` list.
    """
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        msg = f"{source}: the export is not UTF-8 text (byte {error.start}); export it again"
        raise InputError(msg) from None
    except json.JSONDecodeError as error:
        msg = (
            f"{source}: the export is not valid JSON (line {error.lineno}, column "
            f"{error.colno}: {error.msg}); export it again"
        )
        raise InputError(msg) from None

    responses = document.get("responses") if isinstance(document, Mapping) else None
    if not isinstance(responses, list):
        msg = (
            f"{source}: the export has no 'responses' list; it is not a LimeSurvey response "
            "export in JSON"
        )
        raise InputError(msg)

    records = [_flat_record(item, index, source) for index, item in enumerate(responses, start=1)]
    kept = [record for record in records if any(value for value in record.values())]
    return JsonExport(records=kept, empty_records=len(records) - len(kept))


def _flat_record(item: Any, index: int, source: str) -> dict[str, str]:
    if not isinstance(item, Mapping):
        msg = f"{source}: response {index} of the export is not a JSON object"
        raise InputError(msg)
    # The older layout wraps each record in an object keyed by the response id.
    if len(item) == 1:
        (only,) = item.values()
        if isinstance(only, Mapping):
            item = only
    return {str(key): _text(value) for key, value in item.items()}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def records_to_table(records: Sequence[Mapping[str, str]], source: str) -> ExportTable:
    """Turn flat records into a table, columns in the order they first appear."""
    import pandas as pd

    columns: dict[str, None] = {}
    for record in records:
        columns.update(dict.fromkeys(record))
    table = pd.DataFrame(
        [[record.get(column, "") for column in columns] for record in records],
        columns=pd.Index(list(columns)),
        dtype=object,
    )
    return ExportTable(source=source, table=table, row_numbers=range(2, len(records) + 2))


def read_export_file(path: str) -> ExportTable:
    """Read a response export file saved from LimeSurvey: CSV, or JSON by its content.

    Raises :class:`InputError` naming the file when it cannot be read or parsed.
    """
    if _looks_like_json(path):
        return _read_json_export(path)
    return _read_csv_export(path)


def _read_json_export(path: str) -> ExportTable:
    try:
        data = Path(path).expanduser().read_bytes()
    except FileNotFoundError:
        msg = f"{path}: file not found; check the path and the current directory"
        raise InputError(msg) from None
    except OSError as error:
        msg = f"{path}: the file cannot be read ({error.strerror or error}); check the path"
        raise InputError(msg) from None

    export = parse_json_export(data, path)
    table = records_to_table(export.records, path)
    if not export.empty_records:
        return table
    note = (
        f"{path}: {export.empty_records} empty record{'s' if export.empty_records != 1 else ''} "
        f"{'was' if export.empty_records == 1 else 'were'} ignored; LimeSurvey writes one when "
        "no response matches the export's filter"
    )
    return attrs.evolve(table, notes=(*table.notes, note))


def _looks_like_json(path: str) -> bool:
    """Tell a JSON export by its name or first character; reading errors go to the CSV reader."""
    if path.lower().endswith(".json"):
        return True
    try:
        with Path(path).expanduser().open("rb") as file:
            start = file.read(64)
    except OSError:
        return False
    return start.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"{"


def _read_csv_export(path: str) -> ExportTable:
    import pandas as pd

    from ccpm_plugins.sources.csv_file import drop_unnamed_empty_columns, read_text_table

    text_table = read_text_table(path)
    _check_unique_headings(text_table.header, path)
    table = text_table.rows
    table.columns = pd.Index(text_table.header)
    table = drop_unnamed_empty_columns(table, path)

    filled = (table.apply(lambda column: column.str.strip() != "")).any(axis=1).to_numpy()
    row_numbers = [index + 2 for index, keep in enumerate(filled.tolist()) if keep]
    dropped = [index + 2 for index, keep in enumerate(filled.tolist()) if not keep]
    notes = list(text_table.notes)
    # A LimeSurvey CSV export ends with a blank line, which is no record at all.
    if dropped and dropped[-1] == len(filled) + 1:
        dropped.pop()
    if dropped:
        rows = ", ".join(str(row) for row in dropped[:10])
        notes.append(
            f"{path}: {len(dropped)} empty record{'s' if len(dropped) != 1 else ''} (row "
            f"{rows}) {'was' if len(dropped) == 1 else 'were'} ignored; LimeSurvey writes "
            "one when no response matches the export's filter"
        )
    table = table.loc[filled].reset_index(drop=True)
    return ExportTable(source=path, table=table, row_numbers=row_numbers, notes=tuple(notes))


def _check_unique_headings(header: list[str], path: str) -> None:
    seen: set[str] = set()
    for heading in header:
        if heading.strip() and heading in seen:
            msg = (
                f"{path}: the heading {heading!r} appears more than once, so its answers cannot "
                "be told apart; export the responses again with question codes as headings"
            )
            raise InputError(msg)
        seen.add(heading)
