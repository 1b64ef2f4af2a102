"""The answer options of a survey's questions, as a LimeSurvey server reports them.

``list_questions`` gives each question's id, code (``title``) and type;
``get_question_properties`` gives the answer options of one question, as a
mapping from answer code to ``{"answer": text, ...}``. PHP turns digit-only
codes into integer array keys, so when they run 0, 1, 2 ... in order the
options arrive as a JSON list instead, the position being the code. A question
without options reports the text ``No available answer options`` instead.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from ccpm_plugins.sources.limesurvey.rpc_client import RemoteControlClient

__all__ = ["TYPES_WITH_ANSWER_OPTIONS", "read_answer_options"]

logger = logging.getLogger(__name__)

TYPES_WITH_ANSWER_OPTIONS = frozenset({"L", "!", "O", "F", "H", "1"})
"""Question types whose answers are codes of answer options: lists and arrays."""


def read_answer_options(client: RemoteControlClient, survey_id: int) -> dict[str, dict[str, str]]:
    """Return, per question code, the answer options of every list and array question.

    One ``get_question_properties`` call is made per such question; they are
    reads, so :class:`RemoteControlClient` retries them on transient failures.
    """
    options: dict[str, dict[str, str]] = {}
    for question in client.list_questions(survey_id):
        if str(question.get("parent_qid", "0")) not in ("0", ""):
            continue
        if str(question.get("type", "")) not in TYPES_WITH_ANSWER_OPTIONS:
            continue
        code = str(question.get("title", ""))
        question_id = str(question.get("qid", ""))
        if not question_id.isdigit():
            logger.warning("question %r of survey %d has no question id; skipped", code, survey_id)
            continue
        properties = client.get_question_properties(int(question_id), ["answeroptions"])
        options[code] = _answer_texts(properties.get("answeroptions"))
    logger.info("read the answer options of %d questions of survey %d", len(options), survey_id)
    return options


def _answer_texts(raw: Any) -> dict[str, str]:
    if isinstance(raw, Mapping):
        items = [(str(code), option) for code, option in raw.items()]
    elif isinstance(raw, list):
        items = [(str(position), option) for position, option in enumerate(raw)]
    else:
        return {}
    return {
        code: str(option.get("answer", "")) if isinstance(option, Mapping) else str(option)
        for code, option in items
    }
