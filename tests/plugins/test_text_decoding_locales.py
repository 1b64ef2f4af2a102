"""Text decoding of files saved by Excel in French and Arabic locales."""

from __future__ import annotations

from ccpm_plugins.sources.text_decoding import decode_text

ARABIC = "instrument;comment_1\r\npartner;الاجتماعات مفيدة جدا\r\n"
FRENCH = "instrument;comment_1\r\npartner;Réunion À l'ÉTÉ, CAFÉ ÇA, année\r\n"


def test_decoding_arabic_windows_1256() -> None:
    decoded = decode_text(ARABIC.encode("cp1256"), "a.csv")
    assert decoded.encoding == "cp1256"
    assert decoded.text == ARABIC
    assert "reads as Arabic in Windows-1256" in decoded.notes[0]
    assert decoded.notes[0].startswith("a.csv is not valid UTF-8")


def test_decoding_french_stays_windows_1252() -> None:
    decoded = decode_text(FRENCH.encode("cp1252"), "f.csv")
    assert decoded.encoding == "cp1252"
    assert decoded.text == FRENCH


def test_decoding_arabic_utf8_unchanged() -> None:
    decoded = decode_text(ARABIC.encode("utf-8"), "a.csv")
    assert decoded.encoding == "utf-8"
    assert decoded.notes == ()
