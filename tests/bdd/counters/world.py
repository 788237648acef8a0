"""The counters part of a scenario: only its driver (the counts live in the system)."""

from __future__ import annotations

from dataclasses import dataclass

from tests.bdd.counters.driver import CountersDriver


@dataclass
class CountersWorld:
    """The counters part of one scenario's state."""

    driver: CountersDriver
