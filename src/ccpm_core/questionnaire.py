"""The CCPM questionnaire: instruments, questions, answer scales and the item map.

A questionnaire is data. The standard one ships inside the package
(``ccpm_core/data/standard_questionnaire.yaml``); a cluster can load its own
from YAML or JSON with :func:`load_questionnaire`, and gets a
:class:`~ccpm_core.errors.QuestionnaireError` naming the file and the field
when it does not validate.

Every rating question belongs to an item (``1.1.2``), and every item to one of
the 13 scored sections. A scored answer option carries a value on the 0 to 4
range; the special answers "don't know" (99), "not done or does not exist" (999)
and "not applicable" (9999) carry none and are never scored.
"""

from __future__ import annotations

import enum
import functools
import json
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from ccpm_core.errors import QuestionnaireError
from ccpm_core.framework import FUNCTIONS, SECTION_IDS, Instrument
from ccpm_core.labels import match_key

__all__ = [
    "CODEBOOK_SCHEMA",
    "QUESTIONNAIRE_SCHEMA",
    "SPECIAL_CODES",
    "AnswerType",
    "CountKind",
    "Item",
    "Option",
    "Question",
    "QuestionKind",
    "Questionnaire",
    "Scale",
    "SpecialAnswer",
    "codebook",
    "load_questionnaire",
    "standard_questionnaire",
]

QUESTIONNAIRE_SCHEMA = "ccpm.questionnaire/1"
CODEBOOK_SCHEMA = "ccpm.codebook/1"

PROFILE_INSTRUMENT = "instrument"
PROFILE_HUB = "hub"
PROFILE_ORGANISATION_TYPE = "organisation_type"
PROFILE_CODES: tuple[str, ...] = (PROFILE_INSTRUMENT, PROFILE_HUB, PROFILE_ORGANISATION_TYPE)
"""Profile questions that every questionnaire must have, named as in the canonical layout."""

Labels = dict[str, str]
"""Text of a label per language code (``en``, ``fr``, ``es``, ``ar``)."""


class SpecialAnswer(enum.StrEnum):
    """Answers that carry meaning but no score."""

    DONT_KNOW = "dont_know"
    NOT_DONE = "not_done"
    NOT_APPLICABLE = "not_applicable"


SPECIAL_CODES: Mapping[str, SpecialAnswer] = {
    "99": SpecialAnswer.DONT_KNOW,
    "999": SpecialAnswer.NOT_DONE,
    "9999": SpecialAnswer.NOT_APPLICABLE,
}
"""The option code conventionally used for each special answer."""


class QuestionKind(enum.StrEnum):
    """What a question is for: rated and scored, describing the respondent, or free text."""

    RATING = "rating"
    PROFILE = "profile"
    COMMENT = "comment"


class AnswerType(enum.StrEnum):
    """How an answer is given."""

    SELECT_ONE = "select_one"
    SELECT_MULTIPLE = "select_multiple"
    """Any number of the scale's options; stored per respondent and option, never scored."""
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"


class CountKind(enum.StrEnum):
    """The two organisation counts a coordinator reports per organisation type."""

    ORGANISATIONS = "organisations"
    """Organisations in the cluster, partners and observers; the base of the overall rate."""

    ATTENDING = "attending"
    """Average number of organisations attending meetings; the base of the effective rate."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Option(_Model):
    """One answer option of a scale.

    A scored option has a ``value`` from 0 to 4 (at most two decimals, so that
    sums stay exact in hundredths). A special option has ``special`` set and no
    value. Options of profile scales, such as organisation types, have neither.
    """

    code: str = Field(min_length=1)
    value: float | None = None
    special: SpecialAnswer | None = None
    label: Labels
    aliases: list[str] = Field(default_factory=list)

    @field_validator("code")
    @classmethod
    def _code_is_trimmed(cls, code: str) -> str:
        if code != code.strip():
            msg = f"option code {code!r} has surrounding white space"
            raise ValueError(msg)
        return code

    @field_validator("value")
    @classmethod
    def _value_in_range(cls, value: float | None) -> float | None:
        if value is None:
            return None
        if not 0 <= value <= 4:
            msg = f"scored value {value} is outside the 0 to 4 range"
            raise ValueError(msg)
        if abs(value * 100 - round(value * 100)) > 1e-9:
            msg = f"scored value {value} has more than two decimals"
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _special_has_no_value(self) -> Option:
        if self.special is not None and self.value is not None:
            msg = f"option {self.code!r} is special ({self.special}) and cannot also have a value"
            raise ValueError(msg)
        return self

    @property
    def scored(self) -> bool:
        """Whether choosing this option contributes a value to scores."""
        return self.value is not None

    @property
    def value_hundredths(self) -> int | None:
        """The value in hundredths, as an exact integer, or None when unscored."""
        return None if self.value is None else round(self.value * 100)


class Scale(_Model):
    """An ordered list of answer options, shared by the questions that name it."""

    options: list[Option] = Field(min_length=1)

    @model_validator(mode="after")
    def _codes_and_labels_unique(self) -> Scale:
        seen_codes: set[str] = set()
        for option in self.options:
            if option.code in seen_codes:
                msg = f"option code {option.code!r} appears twice"
                raise ValueError(msg)
            seen_codes.add(option.code)
            convention = SPECIAL_CODES.get(option.code)
            if convention is not None and option.special is not convention:
                msg = (
                    f"option code {option.code!r} is the code of the special answer "
                    f"{convention.value}, so it must be marked 'special: {convention.value}' "
                    "and carry no value"
                )
                raise ValueError(msg)

        # A label equal to another option's code would make an answer mean two things.
        code_keys = {match_key(option.code): option.code for option in self.options}
        owner_of_key: dict[str, str] = {}
        for option in self.options:
            for text in (*option.label.values(), *option.aliases):
                key = match_key(text)
                other = owner_of_key.setdefault(key, option.code)
                if other != option.code:
                    msg = (
                        f"label {text!r} of option {option.code!r} cannot be told apart "
                        f"from a label of option {other!r}; make the labels differ in words"
                    )
                    raise ValueError(msg)
                code_owner = code_keys.get(key)
                if code_owner is not None and code_owner != option.code:
                    msg = (
                        f"label {text!r} of option {option.code!r} is the code of option "
                        f"{code_owner!r}; change the label or the code"
                    )
                    raise ValueError(msg)
        return self

    def option(self, code: str) -> Option:
        """Return the option with this code."""
        for option in self.options:
            if option.code == code:
                return option
        msg = f"no option with code {code!r}"
        raise KeyError(msg)


class Item(_Model):
    """A rated aspect of a section, such as ``1.1.2`` (frequency of cluster meetings)."""

    id: str = Field(pattern=r"^\d(\.\d+)+$")
    section: str
    title: Labels

    @field_validator("section")
    @classmethod
    def _known_section(cls, section: str) -> str:
        if section not in SECTION_IDS:
            msg = f"unknown section {section!r}; expected one of {', '.join(SECTION_IDS)}"
            raise ValueError(msg)
        return section


class Question(_Model):
    """A question of one instrument, or of both when ``instrument`` is None."""

    code: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    instrument: Instrument | None = None
    kind: QuestionKind
    type: AnswerType = AnswerType.SELECT_ONE
    label: Labels
    hint: Labels = Field(default_factory=dict)
    item: str | None = None
    """Item id; set on rating questions only."""
    function: int | None = None
    """CCPM function number; set on comment questions only."""
    scale: str | None = None
    """Name of the scale in :attr:`Questionnaire.scales`; set on select_one and select_multiple."""
    count: CountKind | None = None
    """Which organisation count this number question holds, if any."""
    organisation_type: str | None = None
    """The organisation type a count question is about."""

    @model_validator(mode="after")
    def _fields_fit_kind(self) -> Question:
        if self.kind is QuestionKind.RATING:
            if self.item is None or self.scale is None:
                msg = f"rating question {self.code!r} needs both 'item' and 'scale'"
                raise ValueError(msg)
            if self.type is not AnswerType.SELECT_ONE:
                msg = f"rating question {self.code!r} must have type select_one"
                raise ValueError(msg)
        elif self.item is not None:
            msg = f"only rating questions have an 'item'; {self.code!r} is {self.kind}"
            raise ValueError(msg)

        if self.kind is QuestionKind.COMMENT:
            if self.function is None or self.type is not AnswerType.TEXT:
                msg = f"comment question {self.code!r} needs 'function' and type text"
                raise ValueError(msg)
            if self.function not in {f.number for f in FUNCTIONS}:
                msg = f"comment question {self.code!r} names unknown function {self.function}"
                raise ValueError(msg)
        elif self.function is not None:
            msg = f"only comment questions have a 'function'; {self.code!r} is {self.kind}"
            raise ValueError(msg)

        if self.is_select != (self.scale is not None):
            msg = (
                f"question {self.code!r} must name a 'scale' exactly when its type is "
                "select_one or select_multiple"
            )
            raise ValueError(msg)
        if self.type is AnswerType.SELECT_MULTIPLE and self.kind is not QuestionKind.PROFILE:
            msg = (
                f"select_multiple question {self.code!r} must have kind profile, because "
                "several answers to one question cannot be scored or quoted as a comment"
            )
            raise ValueError(msg)

        if (self.count is None) != (self.organisation_type is None):
            msg = f"question {self.code!r} needs both 'count' and 'organisation_type', or neither"
            raise ValueError(msg)
        if self.count is not None and self.type not in (AnswerType.INTEGER, AnswerType.DECIMAL):
            msg = f"count question {self.code!r} must have type integer or decimal"
            raise ValueError(msg)
        return self

    @property
    def is_select(self) -> bool:
        """Whether answers are options of a scale (select_one or select_multiple)."""
        return self.type in (AnswerType.SELECT_ONE, AnswerType.SELECT_MULTIPLE)


class Questionnaire(_Model):
    """A complete CCPM questionnaire: partner and coordinator instruments with their scales."""

    schema_: Literal["ccpm.questionnaire/1"] = Field(alias="schema")
    id: str = Field(min_length=1)
    version: str = Field(min_length=1)
    languages: list[str] = Field(min_length=1)
    title: Labels
    scales: dict[str, Scale]
    items: list[Item]
    questions: list[Question]

    _by_code: dict[str, Question] = PrivateAttr(default_factory=dict)
    _items_by_id: dict[str, Item] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _cross_references(self) -> Questionnaire:
        self._check_labels()
        self._check_unique("item id", [item.id for item in self.items])
        self._check_unique("question code", [question.code for question in self.questions])

        item_ids = {item.id for item in self.items}
        for question in self.questions:
            if question.scale is not None and question.scale not in self.scales:
                msg = f"question {question.code!r} names unknown scale {question.scale!r}"
                raise ValueError(msg)
            if question.item is not None and question.item not in item_ids:
                msg = f"question {question.code!r} names unknown item {question.item!r}"
                raise ValueError(msg)
            if question.kind is QuestionKind.RATING:
                scale = self.scales[question.scale or ""]
                if not any(option.scored for option in scale.options):
                    msg = (
                        f"rating question {question.code!r} uses scale {question.scale!r}, "
                        "which has no scored option"
                    )
                    raise ValueError(msg)

        self._check_profile_questions()
        return self

    def _check_labels(self) -> None:
        def check(where: str, labels: Labels) -> None:
            missing = [lang for lang in self.languages if not labels.get(lang, "").strip()]
            if missing:
                msg = f"{where} has no label in {', '.join(missing)}"
                raise ValueError(msg)

        check("title", self.title)
        for name, scale in self.scales.items():
            for option in scale.options:
                check(f"option {option.code!r} of scale {name!r}", option.label)
        for item in self.items:
            check(f"item {item.id}", item.title)
        for question in self.questions:
            check(f"question {question.code!r}", question.label)

    @staticmethod
    def _check_unique(what: str, values: list[str]) -> None:
        seen: set[str] = set()
        for value in values:
            if value in seen:
                msg = f"{what} {value!r} appears twice; {what}s must be unique"
                raise ValueError(msg)
            seen.add(value)

    def _check_profile_questions(self) -> None:
        by_code = {question.code: question for question in self.questions}
        for code in PROFILE_CODES:
            question = by_code.get(code)
            if question is None or question.kind is not QuestionKind.PROFILE:
                msg = f"the profile question {code!r} is missing"
                raise ValueError(msg)
            if question.instrument is not None:
                msg = f"the profile question {code!r} must be asked in both instruments"
                raise ValueError(msg)
            if question.type is AnswerType.SELECT_MULTIPLE:
                msg = f"the profile question {code!r} must take one answer, not select_multiple"
                raise ValueError(msg)

        instrument_scale = self.scales.get(by_code[PROFILE_INSTRUMENT].scale or "")
        codes = {option.code for option in instrument_scale.options} if instrument_scale else set()
        if codes != {member.value for member in Instrument}:
            msg = (
                "the 'instrument' question needs a scale with exactly the codes "
                "partner and coordinator"
            )
            raise ValueError(msg)

        type_question = by_code[PROFILE_ORGANISATION_TYPE]
        type_scale = self.scales.get(type_question.scale or "")
        if type_scale is None:
            msg = (
                "the 'organisation_type' question must be select_one with a scale of "
                "organisation types, because response rates are counted per type"
            )
            raise ValueError(msg)
        self._check_count_questions({option.code for option in type_scale.options})

    def _check_count_questions(self, organisation_types: set[str]) -> None:
        for question in self.questions:
            if question.count is None:
                continue
            if question.instrument is not Instrument.COORDINATOR:
                msg = (
                    f"count question {question.code!r} must be asked of the coordinator "
                    "(instrument: coordinator), who reports the organisation counts"
                )
                raise ValueError(msg)
            if question.organisation_type not in organisation_types:
                msg = (
                    f"count question {question.code!r} names organisation type "
                    f"{question.organisation_type!r}, which is not an option of the "
                    f"'organisation_type' question ({', '.join(sorted(organisation_types))})"
                )
                raise ValueError(msg)

    def model_post_init(self, context: Any, /) -> None:
        self._by_code.update({question.code: question for question in self.questions})
        self._items_by_id.update({item.id: item for item in self.items})

    @property
    def default_language(self) -> str:
        """The first language, used where a label is asked for in no particular language."""
        return self.languages[0]

    def label_language(self, language: str | None) -> str:
        """Return ``language``, or the default one for None, once checked against the labels.

        Raises QuestionnaireError naming the languages the questionnaire has labels in.
        """
        if language is None:
            return self.default_language
        if language not in self.languages:
            msg = (
                f"questionnaire {self.id!r} has no labels in {language!r}; "
                f"choose one of: {', '.join(self.languages)}"
            )
            raise QuestionnaireError(msg)
        return language

    def question(self, code: str) -> Question:
        """Return the question with this code."""
        try:
            return self._by_code[code]
        except KeyError:
            msg = f"questionnaire {self.id!r} has no question {code!r}"
            raise KeyError(msg) from None

    def has_question(self, code: str) -> bool:
        """Return whether a question with this code exists."""
        return code in self._by_code

    def item(self, item_id: str) -> Item:
        """Return the item with this id."""
        try:
            return self._items_by_id[item_id]
        except KeyError:
            msg = f"questionnaire {self.id!r} has no item {item_id!r}"
            raise KeyError(msg) from None

    def scale_of(self, question: Question) -> Scale:
        """Return the answer scale of a select_one or select_multiple question."""
        if question.scale is None:
            msg = f"question {question.code!r} has no answer scale"
            raise KeyError(msg)
        return self.scales[question.scale]

    def questions_of(
        self, kind: QuestionKind, instrument: Instrument | None = None
    ) -> list[Question]:
        """Return the questions of one kind, optionally only those asked in ``instrument``.

        A question asked in both instruments is included for either instrument.
        """
        return [
            question
            for question in self.questions
            if question.kind is kind
            and (instrument is None or question.instrument in (None, instrument))
        ]

    def section_of(self, question: Question) -> str:
        """Return the section id of a rating question."""
        if question.item is None:
            msg = f"question {question.code!r} is not a rating question"
            raise KeyError(msg)
        return self.item(question.item).section

    def label(self, labels: Labels, language: str | None = None) -> str:
        """Pick the text of ``labels`` in ``language``, falling back to the default language."""
        if language is not None and labels.get(language):
            return labels[language]
        return labels[self.default_language]


def codebook(questionnaire: Questionnaire, language: str | None = None) -> dict[str, Any]:
    """Build the ``ccpm.codebook/1`` document of a questionnaire.

    The codebook lists the scored sections and every question with its
    instrument, kind, section and options. It is a stable interface: fields are
    only ever added, and a breaking change gets a new schema name. Labels and
    section titles are in ``language`` (section titles through ccpm's message
    catalogs, in English where ccpm has none), or in the questionnaire's first
    language when it is None.
    """
    from ccpm_core.framework import SECTIONS
    from ccpm_core.i18n import translator

    gettext = translator(language or questionnaire.default_language)

    def options_of(question: Question) -> list[dict[str, Any]]:
        if question.scale is None:
            return []
        return [
            {
                "code": option.code,
                "value": option.value,
                "label": questionnaire.label(option.label, language),
                "special": None if option.special is None else option.special.value,
            }
            for option in questionnaire.scales[question.scale].options
        ]

    return {
        "schema": CODEBOOK_SCHEMA,
        "questionnaire": {"id": questionnaire.id, "version": questionnaire.version},
        "language": language or questionnaire.default_language,
        "sections": [
            {"id": section.id, "function": section.function, "title": gettext(section.title)}
            for section in SECTIONS.values()
        ],
        "questions": [
            {
                "code": question.code,
                "instrument": None if question.instrument is None else question.instrument.value,
                "kind": question.kind.value,
                "type": question.type.value,
                "section": (
                    questionnaire.section_of(question)
                    if question.kind is QuestionKind.RATING
                    else None
                ),
                "item": question.item,
                "function": question.function,
                "count": None if question.count is None else question.count.value,
                "organisation_type": question.organisation_type,
                "label": questionnaire.label(question.label, language),
                "options": options_of(question),
            }
            for question in questionnaire.questions
        ],
    }


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and validate a questionnaire from a YAML or JSON file.

    Raises :class:`QuestionnaireError` naming the file and the first invalid
    field, such as ``questions[12].scale``.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        msg = f"{path}: cannot read the questionnaire file: {error.strerror or error}"
        raise QuestionnaireError(msg) from error
    except UnicodeDecodeError as error:
        msg = f"{path}: the questionnaire file is not UTF-8 text; save it as UTF-8"
        raise QuestionnaireError(msg) from error

    data = _parse_document(path, text)
    return questionnaire_from_data(data, source=str(path))


def questionnaire_from_data(data: Any, source: str = "<data>") -> Questionnaire:
    """Validate a questionnaire given as parsed YAML or JSON data."""
    if not isinstance(data, dict):
        msg = f"{source}: a questionnaire must be a mapping at the top level"
        raise QuestionnaireError(msg)
    try:
        return Questionnaire.model_validate(data)
    except ValidationError as error:
        raise QuestionnaireError(_describe_validation_error(source, data, error)) from None


def _parse_document(path: Path, text: str) -> Any:
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            msg = f"{path}: invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
            raise QuestionnaireError(msg) from None

    import yaml

    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        msg = f"{path}: invalid YAML{where}: {getattr(error, 'problem', error)}"
        raise QuestionnaireError(msg) from None


def _describe_validation_error(source: str, data: Any, error: ValidationError) -> str:
    first = error.errors()[0]
    location = _format_location(data, first["loc"])
    more = error.error_count() - 1
    tail = f" ({more} more problem{'s' if more != 1 else ''})" if more else ""
    where = f" at {location}" if location else ""
    message = first["msg"].removeprefix("Value error, ")
    return f"{source}: invalid questionnaire{where}: {message}{tail}"


def _format_location(data: Any, location: Iterable[int | str]) -> str:
    """Render a pydantic error location, naming list entries by their code or id."""
    parts: list[str] = []
    node = data
    for step in location:
        if isinstance(step, int):
            label = str(step)
            if isinstance(node, list) and 0 <= step < len(node) and isinstance(node[step], dict):
                entry = node[step]
                name = entry.get("code") or entry.get("id")
                if isinstance(name, str):
                    label = f"{step} ({name})"
            parts.append(f"[{label}]")
            node = node[step] if isinstance(node, list) and 0 <= step < len(node) else None
        else:
            parts.append(f".{step}" if parts else step)
            node = node.get(step) if isinstance(node, dict) else None
    return "".join(parts)


@functools.cache
def standard_questionnaire() -> Questionnaire:
    """Return the standard CCPM questionnaire shipped with ccpm."""
    resource = resources.files("ccpm_core") / "data" / "standard_questionnaire.yaml"
    import yaml

    data = yaml.load(
        resource.read_text(encoding="utf-8"),
        Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader),
    )
    return questionnaire_from_data(data, source="standard_questionnaire.yaml")
