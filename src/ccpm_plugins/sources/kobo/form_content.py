"""A deployed KoboToolbox form and its mapping onto the questionnaire.

An asset's ``content`` lists the form's rows (``survey``), its choice lists
(``choices``) and its languages (``translations``). A submission's keys are
the rows' full paths without the root, such as ``group/sub/question``; a row
whose ``name`` is empty uses its ``$autoname``. Matching a row to a question
uses the row's name, exactly or ignoring case, as the CSV reader matches
headers, so a form built from ``ccpm questionnaire export --format xlsform``
and a form rebuilt by hand with the same question names read alike.

A form rebuilt by hand may name its choices differently from the option codes
(``never`` instead of ``0``). Such a choice is matched to an option through its
labels in every language, and its answers are translated to the option code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from ccpm_core.errors import SourceError
from ccpm_core.labels import match_key, normalise_code
from ccpm_core.questionnaire import Question, Questionnaire
from ccpm_plugins.sources.kobo.metadata import META_QUESTION_TYPES

__all__ = [
    "FormChoice",
    "FormContent",
    "FormField",
    "FormMapping",
    "QuestionNames",
    "map_form",
    "parse_form_content",
]

_SELECT_WITH_LIST = re.compile(
    r"^(select_one|select_multiple|select one|select all that apply|select_one_from_file|"
    r"select_multiple_from_file|rank)\s+(\S+)",
    re.IGNORECASE,
)
_TYPE_ALIASES = {
    "begin group": "begin_group",
    "end group": "end_group",
    "begin repeat": "begin_repeat",
    "end repeat": "end_repeat",
    "begin looped group": "begin_repeat",
    "end looped group": "end_repeat",
    "select one": "select_one",
    "select all that apply": "select_multiple",
}
_NO_DATA_TYPES = frozenset({"note", "end_group", "end_repeat"})


@attrs.frozen
class FormField:
    """A row of the form that can hold an answer."""

    xpath: str
    """Full path without the root, the key of its answers in a submission."""
    type: str
    list_name: str | None = None
    labels: tuple[str, ...] = ()
    """Label texts in every language of the form, empty ones left out."""
    in_repeat: bool = False

    @property
    def name(self) -> str:
        """The row's own name, the last part of its path."""
        return self.xpath.rsplit("/", 1)[-1]


@attrs.frozen
class FormChoice:
    """One choice of a choice list."""

    name: str
    labels: tuple[str, ...] = ()


@attrs.frozen
class FormContent:
    """The parts of a form's content that reading its submissions needs."""

    fields: tuple[FormField, ...]
    choices: Mapping[str, tuple[FormChoice, ...]]
    translations: tuple[str | None, ...] = ()
    """Language names such as ``English (en)``; None for a form without named languages."""


class QuestionNames:
    """Finds the question that a field name or header names: exactly, or ignoring case."""

    def __init__(self, questionnaire: Questionnaire) -> None:
        codes = [question.code for question in questionnaire.questions]
        self._exact = set(codes)
        self._folded: dict[str, str | None] = {}
        for code in codes:
            folded = code.casefold()
            # Codes that differ only in case (allowed, if unwise) are matched exactly only.
            self._folded[folded] = None if folded in self._folded else code

    def code_of(self, name: str) -> str | None:
        """Return the code of the question named ``name`` (without its group path), or None."""
        if name in self._exact:
            return name
        return self._folded.get(name.strip().casefold())

    def code_of_path(self, path: str) -> str | None:
        """Return the code that a full field path names by its last part, or None."""
        code = self.code_of(path)
        if code is None and "/" in path:
            code = self.code_of(path.rsplit("/", 1)[-1])
        return code


@attrs.frozen
class FormMapping:
    """Mapping of form fields to the questions they answer, with their choice translations."""

    codes: Mapping[str, str]
    """Question code of each field path that answers a question."""
    choice_codes: Mapping[str, Mapping[str, str]]
    """Per field path, option codes of the choice names that differ from them."""
    metadata: frozenset[str] = frozenset()
    """Paths of metadata questions, such as ``start`` or a renamed ``deviceid``."""
    notes: tuple[str, ...] = ()

    def paths_of(self, codes: Iterable[str]) -> list[str]:
        """Return the field paths that answer any of ``codes``, in form order."""
        requested = set(codes)
        return [path for path, code in self.codes.items() if code in requested]

    def merged_with(self, older: FormMapping) -> FormMapping:
        """Add the fields of an older form version; this mapping wins where both have a path."""
        codes = {**older.codes, **self.codes}
        choice_codes = {**older.choice_codes, **self.choice_codes}
        notes = (*self.notes, *(note for note in older.notes if note not in self.notes))
        return FormMapping(codes, choice_codes, self.metadata | older.metadata, notes)


def parse_form_content(content: Any, source: str) -> FormContent:
    """Read the fields, choice lists and languages of a form's ``content``.

    Accepts the expanded content of ``/api/v2/assets/{uid}/`` and of a form
    version, and the flattened one (``label::English (en)`` keys, ``type``
    such as ``select_one yesno``). Raises :class:`SourceError` naming
    ``source`` when the content has no list of survey rows.
    """
    if not isinstance(content, Mapping) or not isinstance(content.get("survey"), list):
        msg = (
            f"{source}: the form content has no list of questions ('survey'); check that the "
            "asset is a survey (not a block, template or collection) with questions"
        )
        raise SourceError(msg)

    translations = _translations(content)
    fields = _fields(content["survey"])
    choices = _choice_lists(content.get("choices"))
    return FormContent(fields=tuple(fields), choices=choices, translations=translations)


def map_form(content: FormContent, questionnaire: Questionnaire) -> FormMapping:
    """Match the fields of a form to the questions of ``questionnaire``."""
    names = QuestionNames(questionnaire)
    codes: dict[str, str] = {}
    choice_codes: dict[str, dict[str, str]] = {}
    metadata: set[str] = set()
    notes: list[str] = []

    for field in content.fields:
        if field.type in META_QUESTION_TYPES:
            metadata.add(field.xpath)
            continue
        code = names.code_of(field.name)
        if code is None:
            continue
        if field.in_repeat:
            notes.append(
                f"the form field {field.xpath!r} answers question {code!r} but sits inside a "
                "repeat group, whose answers ccpm does not read; move it out of the repeat"
            )
            continue
        codes[field.xpath] = code

        question = questionnaire.question(code)
        if question.scale is not None and field.list_name is not None:
            translation, note = _choice_translation(
                questionnaire, question, field, content.choices.get(field.list_name, ())
            )
            if translation:
                choice_codes[field.xpath] = translation
            if note:
                notes.append(note)

    return FormMapping(codes, choice_codes, frozenset(metadata), tuple(notes))


# --- Content rows ------------------------------------------------------------


def _translations(content: Mapping[str, Any]) -> tuple[str | None, ...]:
    raw = content.get("translations")
    if isinstance(raw, list):
        return tuple(item if isinstance(item, str) else None for item in raw)
    return ()


def _fields(rows: list[Any]) -> list[FormField]:
    """Walk the survey rows, tracking groups, and return the rows that hold answers."""
    fields: list[FormField] = []
    # Each entry: (group name, is a repeat).
    stack: list[tuple[str, bool]] = []

    for row in rows:
        if not isinstance(row, Mapping):
            continue
        row_type, list_name = _row_type(row)
        if row_type.startswith("end_"):
            if stack:
                stack.pop()
            continue
        name = _row_name(row)
        if row_type.startswith("begin_"):
            stack.append((name, row_type == "begin_repeat"))
            continue
        if row_type in _NO_DATA_TYPES or not name:
            continue

        xpath = row.get("$xpath")
        if not isinstance(xpath, str) or not xpath:
            xpath = "/".join([*(group for group, _ in stack if group), name])
        fields.append(
            FormField(
                xpath=xpath,
                type=row_type,
                list_name=list_name,
                labels=_labels(row, "label"),
                in_repeat=any(is_repeat for _, is_repeat in stack),
            )
        )
    return fields


def _row_type(row: Mapping[str, Any]) -> tuple[str, str | None]:
    """Return a row's normalised type and its choice list name, if any."""
    raw = row.get("type")
    text = raw.strip() if isinstance(raw, str) else ""
    list_name = row.get("select_from_list_name")
    if not isinstance(list_name, str) or not list_name:
        list_name = None

    with_list = _SELECT_WITH_LIST.match(text)
    if with_list:
        kind = with_list.group(1).lower()
        list_name = list_name or with_list.group(2)
        return _TYPE_ALIASES.get(kind, kind), list_name

    folded = text.lower()
    return _TYPE_ALIASES.get(folded, folded.replace(" ", "_")), list_name


def _row_name(row: Mapping[str, Any]) -> str:
    for key in ("name", "$autoname"):
        value = row.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _labels(row: Mapping[str, Any], column: str) -> tuple[str, ...]:
    """Return the non-empty texts of a translated column, expanded or flattened."""
    texts: list[str] = []
    value = row.get(column)
    if isinstance(value, list):
        texts.extend(item for item in value if isinstance(item, str))
    elif isinstance(value, str):
        texts.append(value)
    prefix = f"{column}::"
    texts.extend(
        text for key, text in row.items() if key.startswith(prefix) and isinstance(text, str)
    )
    return tuple(text for text in texts if text.strip())


def _choice_lists(rows: Any) -> dict[str, tuple[FormChoice, ...]]:
    lists: dict[str, list[FormChoice]] = {}
    if not isinstance(rows, list):
        return {}
    for row in rows:
        if not isinstance(row, Mapping):
            continue
        list_name = row.get("list_name")
        name = row.get("name") or row.get("$autovalue")
        if not isinstance(list_name, str) or not isinstance(name, str):
            continue
        lists.setdefault(list_name, []).append(FormChoice(name.strip(), _labels(row, "label")))
    return {list_name: tuple(choices) for list_name, choices in lists.items()}


# --- Choices -----------------------------------------------------------------


def _choice_translation(
    questionnaire: Questionnaire,
    question: Question,
    field: FormField,
    choices: tuple[FormChoice, ...],
) -> tuple[dict[str, str], str]:
    """Map the choice names of a field that are not option codes to option codes.

    Returns the mapping and a note naming the choices that match no option, or
    '' when all match. Answers with such a choice reach the data-quality record
    as unrecognised values.
    """
    options = questionnaire.scale_of(question).options
    codes = {option.code for option in options}
    if all(choice.name in codes for choice in choices):
        return {}, ""

    by_key: dict[str, str | None] = {}
    for option in options:
        for text in (*option.label.values(), *option.aliases, option.code):
            key = match_key(text)
            # A key shared by two options cannot decide between them.
            by_key[key] = option.code if by_key.get(key, option.code) == option.code else None

    translation: dict[str, str] = {}
    unmatched: list[str] = []
    for choice in choices:
        if choice.name in codes or normalise_code(choice.name) in codes:
            continue
        found = {by_key.get(match_key(text)) for text in (*choice.labels, choice.name)}
        found.discard(None)
        if len(found) == 1:
            translation[choice.name] = str(found.pop())
        else:
            unmatched.append(choice.name)

    note = ""
    if unmatched:
        listed = ", ".join(repr(name) for name in unmatched)
        note = (
            f"the form field {field.xpath!r} has {len(unmatched)} "
            f"{'choice' if len(unmatched) == 1 else 'choices'} ({listed}) that match no option "
            f"of question {question.code!r} by name or label; answers with "
            f"{'it' if len(unmatched) == 1 else 'them'} are listed as unrecognised"
        )
    return translation, note
