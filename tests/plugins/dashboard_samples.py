"""Portfolio frames for the dashboard tests, built by hand in the loader's column layout."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from html.parser import HTMLParser
from typing import Any

import attrs
import pandas as pd

from ccpm_core.framework import SECTION_IDS, SECTIONS, Status
from ccpm_core.portfolio import PORTFOLIO_COLUMNS

HOSTILE_COUNTRY = "</script><script>alert(1)</script>"


@attrs.frozen
class Level:
    """One exercise level: national (hub None) or a hub, with a score per section."""

    exercise: str
    year: int
    region: str
    country: str
    cluster: str
    scores: Sequence[float]
    hub: str | None = None
    response_rate: float = 0.5
    effective_response_rate: float = math.nan
    partners: int = 10
    coordinators: int = 1


def status_of(score: float) -> str:
    """Return the status value of a score, with the CCPM bands (upper-inclusive)."""
    if math.isnan(score):
        return Status.NO_DATA.value
    if score <= 25:
        return Status.WEAK.value
    if score <= 50:
        return Status.UNSATISFACTORY.value
    if score <= 75:
        return Status.SATISFACTORY.value
    return Status.GOOD.value


def level_records(level: Level) -> list[dict[str, Any]]:
    """Return the frame rows of one level, one per section of ``level.scores``."""
    records = []
    for section, score in zip(SECTION_IDS, level.scores, strict=False):
        records.append(
            {
                "exercise": level.exercise,
                "year": level.year,
                "region": level.region,
                "country": level.country,
                "cluster": level.cluster,
                "level": "national" if level.hub is None else "subnational",
                "hub": level.hub,
                "section": section,
                "function": str(SECTIONS[section].function),
                "score": score,
                "status": status_of(score),
                "n": 8,
                "response_rate": level.response_rate,
                "effective_response_rate": level.effective_response_rate,
                "partners": level.partners,
                "coordinators": level.coordinators,
            }
        )
    return records


def make_frame(levels: Sequence[Level]) -> pd.DataFrame:
    """Return the portfolio frame of ``levels``, in the order given."""
    records = [record for level in levels for record in level_records(level)]
    return pd.DataFrame.from_records(records, columns=list(PORTFOLIO_COLUMNS))


def uniform(score: float) -> list[float]:
    """Return the same score for all 13 sections."""
    return [score] * len(SECTION_IDS)


SAMPLE_LEVELS = (
    Level("CHD-HEA-2023", 2023, "West and Central Africa", "Chad", "Health", uniform(40.0)),
    Level(
        "CHD-HEA-2023",
        2023,
        "West and Central Africa",
        "Chad",
        "Health",
        uniform(20.0),
        hub="Abéché",
        response_rate=0.25,
        partners=4,
    ),
    Level(
        "CHD-HEA-2024",
        2024,
        "West and Central Africa",
        "Chad",
        "Health",
        [80.0, 62.5, 30.0, 10.0, 75.0, 50.0, 25.0, 90.0, math.nan, 55.0, 60.0, 70.0, 100.0],
        response_rate=0.75,
        effective_response_rate=0.9,
        partners=15,
        coordinators=2,
    ),
    Level("MMR-WSH-2024", 2024, "Asia and the Pacific", "Myanmar", "WASH", uniform(60.0)),
)
"""Three exercises in two countries, one with a hub: four heatmap rows."""


def sample_frame() -> pd.DataFrame:
    """Return the frame of :data:`SAMPLE_LEVELS`."""
    return make_frame(SAMPLE_LEVELS)


def many_levels(count: int) -> list[Level]:
    """Return ``count`` national levels over three years and two countries."""
    return [
        Level(
            f"EX-{number:05d}",
            2022 + number % 3,
            "Region A" if number % 2 else "Region B",
            "Country A" if number % 2 else "Country B",
            f"Cluster {number % 4}",
            uniform(float(number % 101)),
        )
        for number in range(count)
    ]


class _ScriptCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._current: dict[str, str | None] | None = None
        self._parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._current = dict(attrs)
            self._parts = []

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._parts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._current is not None:
            self.scripts.append((self._current, "".join(self._parts)))
            self._current = None


def script_elements(document: str) -> list[tuple[dict[str, str | None], str]]:
    """Return the attributes and text of every script element, as an HTML parser reads them."""
    parser = _ScriptCollector()
    parser.feed(document)
    parser.close()
    return parser.scripts


def embedded_payload(document: str) -> dict[str, Any]:
    """Return the JSON payload of a dashboard page."""
    (text,) = [
        content
        for attributes, content in script_elements(document)
        if attributes.get("type") == "application/json"
    ]
    payload: dict[str, Any] = json.loads(text)
    return payload
