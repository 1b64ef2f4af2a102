"""The CCPM framework: six core cluster functions plus accountability to affected people.

Numbering follows the CCPM instruments (advocacy is function 4, monitoring 5,
preparedness 6, AAP 7). The IASC Reference Module for Cluster Coordination at
Country Level (revised July 2015) orders the functions differently, so each
function also carries its Reference Module number as an alias.

Functions 1 to 4 are scored through their sub-functions (1.1 to 4.2); functions
5, 6 and 7 are scored as one section each. That gives the 13 scored sections.

Titles and indicative characteristics are English constants marked with
``N_`` for the message catalogs; reports translate them where they show them,
with :func:`ccpm_core.i18n.translator`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from ccpm_core.i18n import N_

__all__ = [
    "FUNCTIONS",
    "SECTIONS",
    "SECTION_IDS",
    "Function",
    "Instrument",
    "Section",
    "Status",
    "function_by_number",
    "function_by_rm2015_number",
    "section_by_id",
]


class Instrument(enum.StrEnum):
    """The two CCPM questionnaires: one for cluster partners, one for the coordinator."""

    PARTNER = "partner"
    COORDINATOR = "coordinator"


class Status(enum.StrEnum):
    """Performance status of a section, function or item.

    The bands are upper-inclusive on the percentage score: at most 25 is weak,
    at most 50 unsatisfactory, at most 75 satisfactory and above 75 good.
    ``NO_DATA`` marks a figure with no scored answer behind it.
    """

    GOOD = "good"
    SATISFACTORY = "satisfactory"
    UNSATISFACTORY = "unsatisfactory"
    WEAK = "weak"
    NO_DATA = "no_data"

    @property
    def needs_action(self) -> bool:
        """Whether the CCPM asks for follow-up actions at this status (orange or red)."""
        return self in (Status.UNSATISFACTORY, Status.WEAK)


@attrs.frozen
class Section:
    """One of the 13 scored sections: a sub-function, or a function scored as a whole."""

    id: str
    function: int
    title: str
    indicative_characteristics: str


@attrs.frozen
class Function:
    """A core cluster function with its CCPM number and its 2015 Reference Module number."""

    number: int
    rm2015_number: int | None
    title: str
    short_title: str
    section_ids: tuple[str, ...]

    @property
    def sections(self) -> tuple[Section, ...]:
        """The scored sections of this function, in CCPM order."""
        return tuple(section_by_id(section_id) for section_id in self.section_ids)


_SECTION_LIST: tuple[Section, ...] = (
    Section(
        "1.1",
        1,
        N_("Provide a platform so that service delivery follows the agreed strategic priorities"),
        N_(
            "A coordination mechanism that recognises national systems, sub-national "
            "and co-lead arrangements; regular and effective participation of partners; "
            "the coordinator takes part in inter-cluster meetings."
        ),
    ),
    Section(
        "1.2",
        1,
        N_("Develop mechanisms to eliminate duplication of service delivery"),
        N_(
            "Partners feed a regularly updated map of who does what where (4W) with "
            "their presence and capacity; the information is shared with other clusters."
        ),
    ),
    Section(
        "2.1",
        2,
        N_("Needs assessment and gap analysis"),
        N_(
            "Assessment tools follow agreed minimum standards; assessments are carried "
            "out jointly or their results are shared."
        ),
    ),
    Section(
        "2.2",
        2,
        N_(
            "Analysis to identify and address emerging gaps, obstacles, duplication and "
            "cross-cutting issues"
        ),
        N_(
            "Risks, needs, gaps and constraints, current and expected, are analysed "
            "together; cross-cutting issues are considered from the start."
        ),
    ),
    Section(
        "2.3",
        2,
        N_("Prioritisation based on response analysis"),
        N_("Joint analysis feeds short- and medium-term planning and the setting of priorities."),
    ),
    Section(
        "3.1",
        3,
        N_(
            "Develop sectoral plans, objectives and indicators that directly support the "
            "HC/HCT strategic priorities"
        ),
        N_(
            "A strategic plan built on the priorities, with links to other sectors, "
            "cross-cutting issues and an exit strategy; written jointly, kept up to date "
            "and used to guide the response."
        ),
    ),
    Section(
        "3.2",
        3,
        N_("Adherence to and application of standards and guidelines"),
        N_(
            "National standards are used where they exist; standards are agreed, "
            "followed and reported against."
        ),
    ),
    Section(
        "3.3",
        3,
        N_("Clarify funding needs, priorities and cluster contributions to HC funding proposals"),
        N_(
            "Funding needs are worked out with partners; allocations follow criteria "
            "agreed together; the funding situation is tracked and shared."
        ),
    ),
    Section(
        "4.1",
        4,
        N_("Identify advocacy concerns that feed HC and HCT messaging and action"),
        N_("Advocacy concerns such as gaps, access and resources are identified with partners."),
    ),
    Section(
        "4.2",
        4,
        N_("Undertake advocacy on behalf of cluster partners and affected people"),
        N_("A common advocacy campaign is agreed and carried out."),
    ),
    Section(
        "5",
        5,
        N_("Monitoring and reporting on the implementation of the cluster strategy and results"),
        N_(
            "Monitoring tools follow minimum standards; reports are regular; progress "
            "is measured against the plan and corrective action is identified."
        ),
    ),
    Section(
        "6",
        6,
        N_("Preparedness for recurrent disasters"),
        N_(
            "National contingency plans are identified and shared; risks are assessed, "
            "across sectors where possible; readiness measures exist; early-warning "
            "information is distributed regularly."
        ),
    ),
    Section(
        "7",
        7,
        N_("Accountability to affected populations"),
        N_(
            "Agencies investigate and act on the feedback that affected people give on "
            "the assistance they receive."
        ),
    ),
)

SECTIONS: Mapping[str, Section] = MappingProxyType({s.id: s for s in _SECTION_LIST})
"""The 13 scored sections by id, in CCPM order."""

SECTION_IDS: tuple[str, ...] = tuple(SECTIONS)
"""Section ids in CCPM order: ``1.1 1.2 2.1 2.2 2.3 3.1 3.2 3.3 4.1 4.2 5 6 7``."""

FUNCTIONS: tuple[Function, ...] = (
    Function(1, 1, N_("Supporting service delivery"), N_("Service delivery"), ("1.1", "1.2")),
    Function(
        2,
        2,
        N_("Informing strategic decision-making of the HC/HCT"),
        N_("Strategic decision-making"),
        ("2.1", "2.2", "2.3"),
    ),
    Function(3, 3, N_("Planning and strategy development"), N_("Planning"), ("3.1", "3.2", "3.3")),
    Function(4, 6, N_("Advocacy"), N_("Advocacy"), ("4.1", "4.2")),
    Function(
        5,
        4,
        N_("Monitoring and reporting on implementation of the cluster strategy and results"),
        N_("Monitoring and reporting"),
        ("5",),
    ),
    Function(6, 5, N_("Preparedness for recurrent disasters"), N_("Preparedness"), ("6",)),
    Function(
        7,
        None,
        N_("Accountability to affected populations"),
        N_("Accountability to affected populations"),
        ("7",),
    ),
)
"""The 6+1 functions in CCPM order. AAP has no Reference Module number."""


def section_by_id(section_id: str) -> Section:
    """Return the section with this CCPM id, such as ``"2.2"`` or ``"5"``."""
    try:
        return SECTIONS[section_id]
    except KeyError:
        msg = f"unknown CCPM section {section_id!r}; expected one of {', '.join(SECTION_IDS)}"
        raise KeyError(msg) from None


def function_by_number(number: int) -> Function:
    """Return the function with this CCPM number (1 to 7)."""
    for function in FUNCTIONS:
        if function.number == number:
            return function
    msg = f"unknown CCPM function {number!r}; expected a number from 1 to 7"
    raise KeyError(msg)


def function_by_rm2015_number(number: int) -> Function:
    """Return the function that the 2015 Reference Module numbers ``number`` (1 to 6)."""
    for function in FUNCTIONS:
        if function.rm2015_number == number:
            return function
    msg = f"unknown Reference Module 2015 function {number!r}; expected a number from 1 to 6"
    raise KeyError(msg)
