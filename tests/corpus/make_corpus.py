"""Write the corpus files whose bytes are hard to type: UTF-16, Windows-1252 and workbooks.

Run from the repository root with ``python tests/corpus/make_corpus.py``.
The text cases in plain UTF-8 are kept as written, and their expected
outcomes (``*.expected.json``) are written by hand.
"""

from __future__ import annotations

import codecs
import datetime as dt
import sys
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from workbook_files import Formula, ods_bytes, xlsx_bytes

CORPUS = Path(__file__).parent

_PROFILE = ["instrument", "hub", "organisation_type"]


def _unicode_text() -> bytes:
    """Return what Excel writes for "Unicode Text": UTF-16 LE with a BOM, tab-separated, CRLF."""
    rows = [
        [*_PROFILE, "q_meetings", "comment_1"],
        ["partner", "Goma", "ingo", "good", "Réunion utile\uff1a plus de suivi"],
        ["partner", "Goma", "nngo", "poor", ""],
    ]
    text = "\r\n".join("\t".join(row) for row in rows) + "\r\n"
    return codecs.BOM_UTF16_LE + text.encode("utf-16-le")


def _french_excel() -> bytes:
    """Return a ;-separated file from a French-locale Excel, in Windows-1252."""
    rows = [
        [*_PROFILE, "q_partners", "c_orgs_ingo", "c_attending_ingo", "comment_1"],
        ["coordinator", "", "ingo", "Bon", "12,0", "3,5", "Très utile"],
        ["coordinator", "Goma", "ingo", "Passable", "3,5", "2", ""],
        ["partner", "", "nngo", "Mauvais", "", "", "Délais trop longs"],
    ]
    text = "\r\n".join(";".join(row) for row in rows) + "\r\n"
    return text.encode("cp1252")


def _arabic_excel() -> bytes:
    """Return a ;-separated file from an Arabic-locale Excel, in Windows-1256."""
    rows = [
        [*_PROFILE, "q_partners", "c_attending_ingo", "comment_1"],
        ["partner", "غوما", "ingo", "good", "", "الاجتماعات مفيدة جدا"],
        ["coordinator", "", "ingo", "fair", "4.5", "نحتاج إلى متابعة أفضل"],
    ]
    text = "\r\n".join(";".join(row) for row in rows) + "\r\n"
    return text.encode("cp1256")


def _decomposed_labels() -> bytes:
    values = [
        "Good",
        "good ",
        " GOOD",
        "Don\u2019t know",
        "Don't know",
        "Dont know",
        "N/A",
        "Not applicable",
        unicodedata.normalize("NFD", "Très bien"),
    ]
    lines = ["instrument,q_partners"] + [f"partner,{value}" for value in values]
    return ("\n".join(lines) + "\n").encode("utf-8")


_SHEET_ROWS = [
    [*_PROFILE, "q_frequency", "q_meetings", "sectors/health", "sectors/wash", "end"],
    ["partner", "Goma", "ingo", 4.0, "good", 1, 0, dt.datetime(2026, 3, 1, 9, 30)],
    ["partner", None, "nngo", 0, Formula('"ex"&"cellent"', "excellent"), True, True, None],
    ["coordinator", "", "ingo", None, None, False, False, dt.date(2026, 3, 2)],
    ["partner", "Goma", "ingo", Formula("1+1", 2), "poor", "n/a", "n/a", None],
]


def _utf8_with_one_bad_byte() -> bytes:
    """Return UTF-8 text in which one comment was typed in Windows-1252."""
    rows = [
        [*_PROFILE, "q_meetings", "comment_1"],
        ["partner", "Goma", "ingo", "Très bien", "Réunions régulières"],
        ["partner", "Goma", "nngo", "Bon", "Très utile"],
        ["partner", "Goma", "ingo", "Passable", "Délais longs"],
    ]
    lines = [",".join(row).encode("utf-8") for row in rows]
    lines[2] = ",".join(rows[2]).encode("cp1252")
    return b"\n".join(lines) + b"\n"


def _with_cell(row: int, column: int, value: object) -> list[list[object]]:
    rows = [list(cells) for cells in _SHEET_ROWS]
    rows[row][column] = value
    return rows


def main() -> None:
    """Write every generated corpus file."""
    files: dict[str, bytes] = {
        "case-02-excel-unicode-text.txt": _unicode_text(),
        "case-04-french-excel.csv": _french_excel(),
        "case-04b-arabic-excel.csv": _arabic_excel(),
        "case-08-label-variants.csv": _decomposed_labels(),
        "case-10-workbook.xlsx": xlsx_bytes({"Responses": _SHEET_ROWS, "Notes": [["x"]]}),
        "case-10b-workbook.ods": ods_bytes({"Responses": _SHEET_ROWS, "Notes": [["x"]]}),
        "case-11-fraction-as-code.xlsx": xlsx_bytes({"Responses": _with_cell(2, 3, 3.5)}),
        "case-11b-fraction-as-code.ods": ods_bytes({"Responses": _with_cell(2, 3, 3.5)}),
        "case-12-unknown-sheet.xlsx": xlsx_bytes({"Responses": _SHEET_ROWS, "Notes": [["x"]]}),
        "case-13-empty-sheet.xlsx": xlsx_bytes({"Empty": [], "Responses": _SHEET_ROWS}),
        "case-13b-empty-sheet.ods": ods_bytes({"Empty": [], "Responses": _SHEET_ROWS}),
        "case-14-merged-header.xlsx": xlsx_bytes(
            {"Responses": _with_cell(0, 4, None)}, merged=["D1:E1"]
        ),
        "case-14b-merged-answers.xlsx": xlsx_bytes(
            {"Responses": _with_cell(2, 2, None)}, merged=["C2:C3"]
        ),
        "case-14c-merged-header.ods": ods_bytes(
            {"Responses": _with_cell(0, 4, None)}, merged=[(0, 3, 1, 2)]
        ),
        "case-14d-merged-answers.ods": ods_bytes(
            {"Responses": _with_cell(2, 2, None)}, merged=[(1, 2, 2, 1)]
        ),
        "case-15-date-as-code.xlsx": xlsx_bytes(
            {"Responses": _with_cell(1, 3, dt.date(2026, 1, 2))}
        ),
        "case-16-named-sheet.xlsx": xlsx_bytes({"Cover": [["CCPM"]], "Responses": _SHEET_ROWS}),
        "case-16b-cover-sheet-first.xlsx": xlsx_bytes(
            {"Cover": [["CCPM"]], "Responses": _SHEET_ROWS}
        ),
        "case-17-formula-error.xlsx": xlsx_bytes(
            {"Responses": _with_cell(2, 3, Formula("1/0", "#DIV/0!", error=True))}
        ),
        "case-17b-formula-unsaved.xlsx": xlsx_bytes(
            {"Responses": _with_cell(2, 3, Formula("2+2", None))}
        ),
        "case-18-title-two-values.xlsx": xlsx_bytes(
            {"Responses": [["CCPM 2026", "Goma"], *_SHEET_ROWS]}
        ),
        "case-19-utf8-one-bad-byte.csv": _utf8_with_one_bad_byte(),
    }
    for name, data in files.items():
        (CORPUS / name).write_bytes(data)


if __name__ == "__main__":
    main()
