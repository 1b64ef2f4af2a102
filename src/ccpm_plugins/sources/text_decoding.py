"""Decoding of delimited text files whose encoding and delimiter are not declared.

Spreadsheet programs save CSV as UTF-8 with or without a byte-order mark
(BOM), as UTF-16 with a BOM (Excel's "Unicode text"), or in the Windows code
page of the computer. For the Latin-script languages of CCPM (English, French,
Spanish) that code page is usually Windows-1252, which is the fallback here.
An Excel set to Arabic writes Windows-1256, which is chosen instead when the
text read that way is mostly Arabic words.
The delimiter depends on the locale too: a comma, or a semicolon where the
comma is the decimal mark, or a tab.
"""

from __future__ import annotations

import codecs
import csv
import re

import attrs

from ccpm_core.errors import InputError

__all__ = ["DELIMITERS", "DecodedText", "decode_text", "header_line", "sniff_delimiter"]

DELIMITERS = (",", ";", "\t")
"""Delimiters that :func:`sniff_delimiter` recognises. On a tie, the earlier one wins."""

# UTF-32 marks come first because the UTF-32 LE mark starts with the UTF-16 LE one.
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)


@attrs.frozen
class DecodedText:
    """Text decoded from a file, with the codec used and anything the reader should know."""

    text: str
    encoding: str
    """Python codec name, such as ``utf-8-sig`` or ``cp1252``."""
    notes: tuple[str, ...] = ()


def decode_text(data: bytes, source: str) -> DecodedText:
    """Decode the bytes of a text file: UTF-8 or UTF-16/32 by their BOM, else Windows-1252.

    The BOM is removed from the text. Raises :class:`InputError` naming
    ``source`` when the bytes are in none of these encodings, when they are
    UTF-8 except for a few invalid bytes (the error names their lines and
    columns), or when they contain NUL characters, which UTF-16 text without a
    BOM does.
    """
    decoded = _decode_by_byte_order_mark(data, source)
    if decoded is None:
        decoded = _decode_utf8_or_windows_1252(data, source)

    if "\x00" in decoded.text:
        msg = (
            f"{source}: the file contains NUL characters, so it is probably UTF-16 text "
            "without a byte-order mark or not a text file at all; save it as CSV UTF-8"
        )
        raise InputError(msg)
    return decoded


def _decode_by_byte_order_mark(data: bytes, source: str) -> DecodedText | None:
    for mark, codec, name in _BYTE_ORDER_MARKS:
        if not data.startswith(mark):
            continue
        try:
            # The utf-8-sig, utf-16 and utf-32 codecs read the mark and drop it.
            text = data.decode(codec)
        except UnicodeDecodeError as error:
            msg = (
                f"{source}: the file starts with a {name} byte-order mark but byte "
                f"{error.start} is not valid {name}; save the file again as CSV UTF-8"
            )
            raise InputError(msg) from None
        return DecodedText(text, codec)
    return None


# Arabic letters, hamza to yeh. Three in a row are a word fragment. In French or Spanish
# text read as Windows-1256 the few accented capitals become isolated Arabic letters.
_ARABIC_RUN = re.compile("[\u0621-\u064a]{3,}")


def _decode_utf8_or_windows_1252(data: bytes, source: str) -> DecodedText:
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as utf8_error:
        first_invalid = utf8_error.start

    _check_not_mostly_utf8(data, source)

    arabic = _decode_as_arabic(data)
    if arabic is not None:
        note = (
            f"{source} is not valid UTF-8 (first invalid byte at offset {first_invalid}) and "
            "reads as Arabic in Windows-1256, so it was read that way; check the text in the "
            "results, or save the file as CSV UTF-8 and read it again"
        )
        return DecodedText(arabic, "cp1256", (note,))

    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as error:
        # Windows-1252 leaves five byte values (0x81, 0x8D, 0x8F, 0x90, 0x9D) undefined.
        msg = (
            f"{source}: the file is neither UTF-8 nor Windows-1252 text (invalid UTF-8: byte "
            f"0x{data[first_invalid]:02X} on line {_line_of(data, first_invalid)}, offset "
            f"{first_invalid}; invalid Windows-1252: byte 0x{data[error.start]:02X} on line "
            f"{_line_of(data, error.start)}, offset {error.start}); save it as CSV UTF-8"
        )
        raise InputError(msg) from None

    note = (
        f"{source} is not valid UTF-8 (first invalid byte at offset {first_invalid}), so it "
        "was read as Windows-1252; check accented letters in the results, or save the file "
        "as CSV UTF-8 and read it again"
    )
    return DecodedText(text, "cp1252", (note,))


# With errors="surrogateescape" every byte that is not valid UTF-8 decodes to one
# lone surrogate U+DC80..U+DCFF, so the text keeps the position of each bad byte.
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_VALID_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")
_MAX_BAD_BYTES_LISTED = 5


def _check_not_mostly_utf8(data: bytes, source: str) -> None:
    """Raise :class:`InputError` when ``data`` is UTF-8 text with a few invalid bytes.

    Text in Windows-1252 contains almost no valid multi-byte UTF-8 sequences, so
    when valid non-ASCII characters are at least as many as invalid bytes, the
    file is UTF-8 with damaged bytes or with pasted text in another encoding.
    Reading it as Windows-1252 would garble every other accented letter, and
    dropping the bad bytes would change answers without saying so.
    """
    text = data.decode("utf-8", errors="surrogateescape")
    bad = [match.start() for match in _ESCAPED_BYTE.finditer(text)]
    valid = len(_VALID_NON_ASCII.findall(text))
    if valid < len(bad):
        return

    header = _header_cells(text)
    places = [_describe_bad_byte(text, index, header) for index in bad[:_MAX_BAD_BYTES_LISTED]]
    if len(bad) > _MAX_BAD_BYTES_LISTED:
        places.append(f"and {len(bad) - _MAX_BAD_BYTES_LISTED} more")
    noun = "byte" if len(bad) == 1 else "bytes"
    msg = (
        f"{source}: the file is UTF-8 text except for {len(bad)} invalid {noun} "
        f"({'; '.join(places)}), so it was not read: as Windows-1252, its other accented "
        "letters would be garbled. Correct the text at that place in a text editor that "
        "saves UTF-8, or export the responses again as CSV UTF-8"
    )
    raise InputError(msg)


def _header_cells(text: str) -> list[str]:
    line = header_line(text)
    delimiter = sniff_delimiter(line)
    return next(csv.reader([line], delimiter=delimiter), [])


def _describe_bad_byte(text: str, index: int, header: list[str]) -> str:
    """Return where the escaped byte at ``index`` sits: line, column and byte offset."""
    line_start = max(text.rfind("\n", 0, index), text.rfind("\r", 0, index)) + 1
    line = text.count("\n", 0, index) + 1 if "\n" in text else text.count("\r", 0, index) + 1
    offset = len(text[:index].encode("utf-8", errors="surrogateescape"))
    byte = ord(text[index]) - 0xDC00
    column = _cell_index(text[line_start:index], sniff_delimiter(header_line(text)))
    # NOTE: the cell is counted from the start of the line, so a bad byte on the
    # second line of a multi-line quoted cell names a column too far to the left.
    name = f" ({header[column]!r})" if column < len(header) else ""
    return (
        f"byte 0x{byte:02X} on line {line}, column {_column_letter(column)}{name}, offset {offset}"
    )


def _cell_index(prefix: str, delimiter: str) -> int:
    """Return the 0-based cell that a line's text ``prefix`` ends in, quotes respected."""
    cell = 0
    in_quotes = False
    for character in prefix:
        if character == '"':
            in_quotes = not in_quotes
        elif character == delimiter and not in_quotes:
            cell += 1
    return cell


def _line_of(data: bytes, offset: int) -> int:
    """Return the 1-based line of the byte at ``offset``, counting LF, or CR alone."""
    if b"\n" in data:
        return data.count(b"\n", 0, offset) + 1
    return data.count(b"\r", 0, offset) + 1


def _column_letter(index: int) -> str:
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _decode_as_arabic(data: bytes) -> str | None:
    """Return ``data`` as Windows-1256 text if most non-ASCII letters form Arabic words."""
    # Windows-1256 maps all 256 byte values, so decoding cannot fail.
    text = data.decode("cp1256")
    non_ascii = sum(1 for character in text if ord(character) > 0x7F)
    in_words = sum(len(run) for run in _ARABIC_RUN.findall(text))
    if in_words and in_words * 2 >= non_ascii:
        return text
    return None


def header_line(text: str) -> str:
    """Return the first record of delimited text: up to the first line break outside quotes."""
    in_quotes = False
    for index, character in enumerate(text):
        if character == '"':
            in_quotes = not in_quotes
        elif character in "\r\n" and not in_quotes:
            return text[:index]
    return text


def sniff_delimiter(header: str) -> str:
    """Return the delimiter of a header line: the one of :data:`DELIMITERS` found most often.

    Characters inside double quotes are not counted, so a quoted header such as
    ``"Comments, function 1"`` does not make a semicolon file look comma-separated.
    A header without any delimiter is one column; it gets a comma.
    """
    counts = dict.fromkeys(DELIMITERS, 0)
    in_quotes = False
    for character in header:
        if character == '"':
            in_quotes = not in_quotes
        elif not in_quotes and character in counts:
            counts[character] += 1
    # max() keeps the first of equal counts, so ties go to the order of DELIMITERS.
    return max(DELIMITERS, key=counts.__getitem__)
