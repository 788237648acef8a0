"""What the counters steps ask of a driver: hits, counts, badges and the admins' list."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod

from tests.bdd.shared.outcome import Outcome

_BADGE_COUNT = re.compile(r">([0-9,]+)</text></g></svg>$")


def badge_count(svg: str) -> int:
    """The count an SVG badge shows."""
    match = _BADGE_COUNT.search(svg)
    assert match is not None, f"not a badge: {svg[:200]!r}"
    return int(match[1].replace(",", ""))


class CountersDriver(ABC):
    """Counter actions against one way into the system, reported as neutral outcomes.
    `key` is the API key sent (None: none), `origin` the browser page's origin (None: not
    a browser)."""

    @abstractmethod
    def hit(self, key: str | None, name: str, origin: str | None) -> Outcome:
        """Add a hit: `{"name", "count"}`."""

    @abstractmethod
    def read(self, key: str | None, name: str) -> Outcome:
        """Read a count: `{"name", "count"}`."""

    @abstractmethod
    def badge(self, key: str | None, name: str) -> Outcome:
        """The badge: `{"badge": <count shown>}`."""

    @abstractmethod
    def list_counters(self, access: str | None) -> Outcome:
        """The admins' list: `{"data": [...], "meta": {...}}`."""
