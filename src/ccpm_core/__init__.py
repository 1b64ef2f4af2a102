"""ccpm_core: the CCPM framework, questionnaire, scoring rules and report model.

The core does no network or file-format input and output of its own; survey
backends and report formats live in :mod:`ccpm_plugins`. Names are imported
on first use, so ``import ccpm_core`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ccpm_core._version import __version__

if TYPE_CHECKING:
    from ccpm_core.errors import (
        CcpmError,
        InputError,
        PluginError,
        QuestionnaireError,
        RenderError,
        ScoringError,
        SourceError,
    )
    from ccpm_core.framework import (
        FUNCTIONS,
        SECTION_IDS,
        SECTIONS,
        Function,
        Instrument,
        Section,
        Status,
    )
    from ccpm_core.hookspecs import hookimpl
    from ccpm_core.normalise import normalise_responses
    from ccpm_core.plugin_api import (
        QuestionnaireExporter,
        ReportRenderer,
        SourceOption,
        SourceRequest,
        SurveySource,
    )
    from ccpm_core.plugins import PluginHost
    from ccpm_core.questionnaire import (
        Questionnaire,
        codebook,
        load_questionnaire,
        standard_questionnaire,
    )
    from ccpm_core.report_builder import ReportMetadata, build_preliminary_report
    from ccpm_core.responses import DataQuality, RawResponses, ResponseSet
    from ccpm_core.results import (
        LevelResult,
        OptionCounts,
        Results,
        Score,
        SelectionCounts,
        UnitScore,
    )
    from ccpm_core.scoring import STRATEGIES, classify, score

_EXPORTS = {
    "CcpmError": "ccpm_core.errors",
    "InputError": "ccpm_core.errors",
    "PluginError": "ccpm_core.errors",
    "QuestionnaireError": "ccpm_core.errors",
    "RenderError": "ccpm_core.errors",
    "ScoringError": "ccpm_core.errors",
    "SourceError": "ccpm_core.errors",
    "FUNCTIONS": "ccpm_core.framework",
    "SECTIONS": "ccpm_core.framework",
    "SECTION_IDS": "ccpm_core.framework",
    "Function": "ccpm_core.framework",
    "Instrument": "ccpm_core.framework",
    "Section": "ccpm_core.framework",
    "Status": "ccpm_core.framework",
    "hookimpl": "ccpm_core.hookspecs",
    "normalise_responses": "ccpm_core.normalise",
    "QuestionnaireExporter": "ccpm_core.plugin_api",
    "ReportRenderer": "ccpm_core.plugin_api",
    "SourceOption": "ccpm_core.plugin_api",
    "SourceRequest": "ccpm_core.plugin_api",
    "SurveySource": "ccpm_core.plugin_api",
    "PluginHost": "ccpm_core.plugins",
    "Questionnaire": "ccpm_core.questionnaire",
    "codebook": "ccpm_core.questionnaire",
    "load_questionnaire": "ccpm_core.questionnaire",
    "standard_questionnaire": "ccpm_core.questionnaire",
    "ReportMetadata": "ccpm_core.report_builder",
    "build_preliminary_report": "ccpm_core.report_builder",
    "DataQuality": "ccpm_core.responses",
    "RawResponses": "ccpm_core.responses",
    "ResponseSet": "ccpm_core.responses",
    "LevelResult": "ccpm_core.results",
    "OptionCounts": "ccpm_core.results",
    "Results": "ccpm_core.results",
    "Score": "ccpm_core.results",
    "SelectionCounts": "ccpm_core.results",
    "UnitScore": "ccpm_core.results",
    "STRATEGIES": "ccpm_core.scoring",
    "classify": "ccpm_core.scoring",
    "score": "ccpm_core.scoring",
}

# A literal list, so that type checkers see every lazily imported name as exported.
__all__ = [
    "FUNCTIONS",
    "SECTIONS",
    "SECTION_IDS",
    "STRATEGIES",
    "CcpmError",
    "DataQuality",
    "Function",
    "InputError",
    "Instrument",
    "LevelResult",
    "OptionCounts",
    "PluginError",
    "PluginHost",
    "Questionnaire",
    "QuestionnaireError",
    "QuestionnaireExporter",
    "RawResponses",
    "RenderError",
    "ReportMetadata",
    "ReportRenderer",
    "ResponseSet",
    "Results",
    "Score",
    "ScoringError",
    "Section",
    "SelectionCounts",
    "SourceError",
    "SourceOption",
    "SourceRequest",
    "Status",
    "SurveySource",
    "UnitScore",
    "__version__",
    "build_preliminary_report",
    "classify",
    "codebook",
    "hookimpl",
    "load_questionnaire",
    "normalise_responses",
    "score",
    "standard_questionnaire",
]


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        msg = f"module 'ccpm_core' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return list(__all__)
