"""Hit counters: named visit counts for static sites, and the rules for their names."""

from __future__ import annotations

import re
from dataclasses import dataclass

COUNTER_NAME_PATTERN = r"^[a-z0-9-]{1,64}$"
_COUNTER_NAME = re.compile(COUNTER_NAME_PATTERN)


def is_counter_name(name: str) -> bool:
    """Whether `name` is a valid counter name: 1..64 of lower-case ASCII letters, digits, `-`."""
    return _COUNTER_NAME.fullmatch(name) is not None


@dataclass(frozen=True, slots=True)
class CounterCount:
    """A counter's name and how many hits it has."""

    name: str
    count: int
