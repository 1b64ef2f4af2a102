"""Translation of report and label text through gettext message catalogs.

Catalogs live in ``ccpm_core/locale/<language>/LC_MESSAGES/ccpm.mo``, compiled
from the ``.po`` files beside them (``nox -s i18n`` extracts, updates and
compiles them). A language without a catalog falls back to the English source
text, so a report is always complete, if not always translated.

Source text is marked for extraction in two ways. ``_("...")``, ``gettext`` and
``ngettext`` translate at once. ``N_("...")`` marks English constants, such as
the framework's titles, that stay English in code and are translated where a
report shows them.
"""

from __future__ import annotations

import functools
import gettext
from collections.abc import Callable
from importlib import resources

__all__ = [
    "DOMAIN",
    "N_",
    "RIGHT_TO_LEFT_LANGUAGES",
    "catalog_languages",
    "is_right_to_left",
    "plural_translator",
    "translator",
]

DOMAIN = "ccpm"

SOURCE_LANGUAGE = "en"
"""The language of the source text in code, which needs no catalog."""

RIGHT_TO_LEFT_LANGUAGES = frozenset({"ar", "dv", "fa", "he", "ps", "sd", "ug", "ur", "yi"})
"""Languages written right to left, by their ISO 639-1 code."""


def N_(message: str) -> str:
    """Mark ``message`` for extraction and return it unchanged, to translate it later."""
    return message


@functools.cache
def _translations(language: str) -> gettext.NullTranslations:
    locale_dir = resources.files("ccpm_core") / "locale"
    return gettext.translation(
        DOMAIN, localedir=str(locale_dir), languages=[language], fallback=True
    )


def translator(language: str = "en") -> Callable[[str], str]:
    """Return the function that translates English source text into ``language``."""
    return _translations(language).gettext


def plural_translator(language: str = "en") -> Callable[[str, str, int], str]:
    """Return the function that picks and translates the singular or a plural form for a count.

    It takes the English singular, the English plural and the count, as
    :func:`gettext.ngettext` does; the catalog's plural rule picks the form.
    """
    return _translations(language).ngettext


def is_right_to_left(language: str) -> bool:
    """Return whether ``language``, a tag such as ``ar`` or ``ar-SY``, is written right to left."""
    return language.replace("_", "-").split("-")[0].lower() in RIGHT_TO_LEFT_LANGUAGES


def catalog_languages() -> list[str]:
    """Return the languages that have a compiled catalog, plus the English source, sorted."""
    locale_dir = resources.files("ccpm_core") / "locale"
    languages = {SOURCE_LANGUAGE}
    for entry in locale_dir.iterdir():
        if (entry / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file():
            languages.add(entry.name)
    return sorted(languages)
