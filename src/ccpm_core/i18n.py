"""Translation of report and label text through gettext message catalogs.

Catalogs live in ``ccpm_core/locale/<language>/LC_MESSAGES/ccpm.mo``. A
language without a catalog falls back to the English source text, so a
report is always complete, if not always translated.
"""

from __future__ import annotations

import functools
import gettext
from collections.abc import Callable
from importlib import resources

__all__ = ["DOMAIN", "translator"]

DOMAIN = "ccpm"


@functools.cache
def translator(language: str = "en") -> Callable[[str], str]:
    """Return the function that translates English source text into ``language``."""
    locale_dir = resources.files("ccpm_core") / "locale"
    translations = gettext.translation(
        DOMAIN, localedir=str(locale_dir), languages=[language], fallback=True
    )
    return translations.gettext
