"""Message catalogs, translation lookup and the standard questionnaire in four languages."""

from __future__ import annotations

import gettext
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from ccpm_core.framework import FUNCTIONS, SECTIONS
from ccpm_core.i18n import (
    catalog_languages,
    is_right_to_left,
    plural_translator,
    translator,
)
from ccpm_core.labels import match_key
from ccpm_core.normalise import normalise_responses
from ccpm_core.questionnaire import Questionnaire, standard_questionnaire
from ccpm_core.responses import RawResponses
from ccpm_core.scoring import score

REPOSITORY = Path(__file__).resolve().parents[2]
LOCALE_DIR = Path(str(resources.files("ccpm_core") / "locale"))
TRANSLATED = ["fr", "es", "ar"]
LANGUAGES = ["en", "fr", "es", "ar"]
PLACEHOLDER = re.compile(r"\{(\w*)\}")
ARABIC_LETTER = re.compile("[\u0621-\u064a]")
ARABIC_INDIC_DIGIT = re.compile("[\u0660-\u0669\u06f0-\u06f9]")


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as source:
        return read_po(source)


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "ccpm.po"


def message_ids(catalog: Catalog) -> set[str | tuple[str, ...]]:
    return {
        message.id if isinstance(message.id, str) else tuple(message.id)
        for message in catalog
        if message.id
    }


def texts_of(labels: dict[str, str]) -> list[str]:
    return [labels[language] for language in LANGUAGES]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """Extract the messages that the code marks today, as `nox -s i18n` does."""
    template = tmp_path_factory.mktemp("extract") / "ccpm.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "--quiet",
            "extract",
            "--mapping-file=babel.cfg",
            f"--output-file={template}",
            "src",
        ],
        cwd=REPOSITORY,
        check=True,
        capture_output=True,
    )
    return read_catalog(template)


@pytest.fixture(scope="module")
def template() -> Catalog:
    return read_catalog(LOCALE_DIR / "ccpm.pot")


@pytest.fixture(scope="module")
def standard() -> Questionnaire:
    return standard_questionnaire()


# ---------------------------------------------------------------- catalogs


def test_template_has_every_code_message(extracted: Catalog, template: Catalog) -> None:
    missing = sorted(map(str, message_ids(extracted) - message_ids(template)))
    assert missing == [], "run `nox -s i18n` and translate the new messages"


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalog_has_every_template_message(template: Catalog, language: str) -> None:
    missing = sorted(map(str, message_ids(template) - message_ids(read_catalog(po_path(language)))))
    assert missing == [], "run `nox -s i18n` to update the catalogs"


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalog_fully_translated(language: str) -> None:
    catalog = read_catalog(po_path(language))
    untranslated = [
        message.id
        for message in catalog
        if message.id
        and (
            not message.string or (not isinstance(message.string, str) and not all(message.string))
        )
    ]
    assert untranslated == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalog_has_no_fuzzy_entry(language: str) -> None:
    catalog = read_catalog(po_path(language))
    fuzzy = [message.id for message in catalog if message.id and message.fuzzy]
    assert fuzzy == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalog_header_not_fuzzy(language: str) -> None:
    assert not read_catalog(po_path(language)).fuzzy


@pytest.mark.parametrize("language", TRANSLATED)
def test_translation_keeps_placeholders(language: str) -> None:
    wrong: list[str] = []
    for message in read_catalog(po_path(language)):
        if not message.id:
            continue
        if isinstance(message.id, str):
            if set(PLACEHOLDER.findall(message.string)) != set(PLACEHOLDER.findall(message.id)):
                wrong.append(message.id)
            continue
        # A plural form may name its number in words ("one respondent"), so it
        # may drop a placeholder, but it must not bring in a new one.
        allowed = set(PLACEHOLDER.findall(message.id[1]))
        if any(set(PLACEHOLDER.findall(form)) - allowed for form in message.string):
            wrong.append(message.id[0])
    assert wrong == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_catalog_matches_po(language: str) -> None:
    catalog = read_catalog(po_path(language))
    expected: dict[str | tuple[str, int], str] = {}
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, str):
            expected[message.id] = message.string
        else:
            for index, form in enumerate(message.string):
                expected[(message.id[0], index)] = form

    with po_path(language).with_suffix(".mo").open("rb") as source:
        compiled = gettext.GNUTranslations(source)
    entries = {key: value for key, value in compiled._catalog.items() if key != ""}

    assert entries == expected, "the .mo file is out of date; run `nox -s i18n`"


def test_arabic_plural_rule() -> None:
    catalog = read_catalog(po_path("ar"))
    rule = gettext.c2py(catalog.plural_expr)

    assert catalog.num_plurals == 6
    forms = {count: rule(count) for count in (0, 1, 2, 3, 10, 11, 99, 100, 102, 103, 111)}
    assert forms == {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 11: 4, 99: 4, 100: 5, 102: 5, 103: 3, 111: 4}


@pytest.mark.parametrize("language", ["fr", "es"])
def test_plural_rule_singular_and_plural(language: str) -> None:
    rule = gettext.c2py(read_catalog(po_path(language)).plural_expr)
    assert rule(1) == 0
    assert rule(2) != rule(1)


# ---------------------------------------------------------------- lookup


def test_catalog_languages() -> None:
    assert catalog_languages() == ["ar", "en", "es", "fr"]


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "Weak"), ("fr", "Faible"), ("es", "Débil"), ("ar", "ضعيف")],
)
def test_translator_status(language: str, text: str) -> None:
    assert translator(language)("Weak") == text


@pytest.mark.parametrize("language", ["de", "zz", "", "fr-XX-bogus"])
def test_translator_without_catalog_falls_back(language: str) -> None:
    assert translator(language)("Weak") == "Weak"


def test_translator_regional_tag_uses_language() -> None:
    assert translator("fr_CA")("Weak") == "Faible"


def test_translator_unknown_message_unchanged() -> None:
    assert translator("fr")("no such message") == "no such message"


@pytest.mark.parametrize(
    ("count", "ending"),
    [
        (0, "0 مستجيب."),
        (1, "مستجيب واحد."),
        (2, "مستجيبَين اثنين."),
        (3, "3 مستجيبين."),
        (11, "11 مستجيبًا."),
        (100, "100 مستجيب."),
    ],
)
def test_arabic_plural_respondents(count: int, ending: str) -> None:
    ngettext = plural_translator("ar")
    text = ngettext(
        "Status: {status}, score {score} from {n} respondent.",
        "Status: {status}, score {score} from {n} respondents.",
        count,
    ).format(status="جيد", score="80%", n=count)
    assert text.endswith(ending)


@pytest.mark.parametrize(("count", "word"), [(1, "répondant."), (2, "répondants.")])
def test_french_plural_respondents(count: int, word: str) -> None:
    ngettext = plural_translator("fr")
    text = ngettext(
        "Status: {status}, score {score} from {n} respondent.",
        "Status: {status}, score {score} from {n} respondents.",
        count,
    )
    assert text.endswith(word)


def test_english_plural_without_catalog() -> None:
    ngettext = plural_translator("en")
    assert ngettext("{n} respondent", "{n} respondents", 1) == "{n} respondent"
    assert ngettext("{n} respondent", "{n} respondents", 3) == "{n} respondents"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ar", True), ("ar-SY", True), ("AR_sy", True), ("fa", True), ("fr", False), ("en", False)],
)
def test_is_right_to_left(language: str, expected: bool) -> None:
    assert is_right_to_left(language) is expected


@pytest.mark.parametrize("language", TRANSLATED)
def test_framework_texts_translated(language: str) -> None:
    gettext_ = translator(language)
    texts = [
        *(section.title for section in SECTIONS.values()),
        *(section.indicative_characteristics for section in SECTIONS.values()),
        *(function.title for function in FUNCTIONS),
        *(function.short_title for function in FUNCTIONS),
    ]
    untranslated = [text for text in texts if gettext_(text) == text]
    assert untranslated == []


def test_framework_keeps_english_source() -> None:
    assert (
        SECTIONS["4.2"].title
        == "Undertake advocacy on behalf of cluster partners and affected people"
    )


def test_import_core_does_not_load_babel() -> None:
    code = (
        "import sys, ccpm_core, ccpm_core.report_builder, ccpm_core.framework;"
        "print(any(name.split('.')[0] == 'babel' for name in sys.modules))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert output.strip() == "False"


# ---------------------------------------------------------------- questionnaire


def test_standard_languages(standard: Questionnaire) -> None:
    assert standard.languages == LANGUAGES


def test_standard_title_in_every_language(standard: Questionnaire) -> None:
    assert all(text.strip() for text in texts_of(standard.title))


def test_item_titles_in_every_language(standard: Questionnaire) -> None:
    missing = [item.id for item in standard.items if set(item.title) != set(LANGUAGES)]
    assert missing == []


def test_question_labels_in_every_language(standard: Questionnaire) -> None:
    missing = [q.code for q in standard.questions if set(q.label) != set(LANGUAGES)]
    assert missing == []


def test_hints_in_every_language(standard: Questionnaire) -> None:
    missing = [q.code for q in standard.questions if q.hint and set(q.hint) != set(LANGUAGES)]
    assert missing == []


def test_option_labels_in_every_language(standard: Questionnaire) -> None:
    missing = [
        f"{name}:{option.code}"
        for name, scale in standard.scales.items()
        for option in scale.options
        if set(option.label) != set(LANGUAGES)
    ]
    assert missing == []


def test_arabic_labels_are_arabic(standard: Questionnaire) -> None:
    labels = [
        standard.title,
        *(item.title for item in standard.items),
        *(q.label for q in standard.questions),
        *(q.hint for q in standard.questions if q.hint),
        *(option.label for scale in standard.scales.values() for option in scale.options),
    ]
    not_arabic = [text["en"] for text in labels if not ARABIC_LETTER.search(text["ar"])]
    assert not_arabic == []


def test_arabic_labels_use_latin_digits(standard: Questionnaire) -> None:
    texts = [q.label["ar"] for q in standard.questions]
    assert [text for text in texts if ARABIC_INDIC_DIGIT.search(text)] == []


def test_french_questions_keep_no_break_space(standard: Questionnaire) -> None:
    questions = [q.label["fr"] for q in standard.questions if q.label["fr"].endswith("?")]
    assert questions
    assert [text for text in questions if not text.endswith("\u00a0?")] == []


def test_spanish_questions_open_with_inverted_mark(standard: Questionnaire) -> None:
    questions = [q.label["es"] for q in standard.questions if q.label["es"].endswith("?")]
    assert questions
    assert [text for text in questions if "¿" not in text] == []


def test_names_stay_untranslated(standard: Questionnaire) -> None:
    label = standard.question("c121").label
    assert all("3W" in text and "4W" in text for text in texts_of(label))


def test_option_keys_distinct_in_every_scale(standard: Questionnaire) -> None:
    clashes = []
    for name, scale in standard.scales.items():
        owners: dict[str, str] = {}
        for option in scale.options:
            for text in (*option.label.values(), *option.aliases):
                if owners.setdefault(match_key(text), option.code) != option.code:
                    clashes.append(f"{name}: {text}")
    assert clashes == []


@pytest.mark.parametrize(
    ("scale", "text", "code"),
    [
        ("frequency_or_dont_know", "NSP", "99"),
        ("frequency_or_dont_know", "ne sait pas", "99"),
        ("frequency_or_dont_know", "No sabe", "99"),
        ("frequency_or_dont_know", "لا أدري", "99"),
        ("frequency_or_not_applicable", "S.O.", "9999"),
        ("frequency_or_not_applicable", "no aplicable", "9999"),
        ("frequency_or_not_done", "N’existe pas", "999"),
        ("frequency", "دائما", "4"),
        ("frequency", "دائماً", "4"),
        ("organisation_type", "ONGI", "international_ngo"),
        ("organisation_type", "Gobierno", "national_authority"),
    ],
)
def test_alias_matches_option(standard: Questionnaire, scale: str, text: str, code: str) -> None:
    owners = {
        match_key(label): option.code
        for option in standard.scales[scale].options
        for label in (*option.label.values(), *option.aliases)
    }
    assert owners[match_key(text)] == code


def test_answers_in_four_languages_scored_alike(standard: Questionnaire) -> None:
    # p112 (attendance) on the frequency scale: Always is 4, Often 3, Never 0, and
    # "don't know" is not on this scale, so it stays unrecognised.
    rows = [
        {"instrument": "partner", "p112": "Always"},
        {"instrument": "Partenaire du cluster", "p112": "Toujours"},
        {"instrument": "Socio del clúster", "p112": "A menudo"},
        {"instrument": "شريك في المجموعة القطاعية", "p112": "أبدًا"},
    ]
    table = pd.DataFrame(rows)
    raw = RawResponses(source="four.csv", table=table, row_numbers=[2, 3, 4, 5])
    responses = normalise_responses(raw, standard)
    results = score(responses, "mean-of-item-means")

    assert responses.quality.unrecognised_values == ()
    assert results.level(None).partners == 4
    # (4 + 4 + 3 + 0) / 4 = 2.75 of 4, which is 68.75 %.
    assert results.level(None).item("1.1.3").partner.percent == pytest.approx(68.75)
