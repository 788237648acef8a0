"""The counters context in memory: a CounterStore in a dict, for the specs and tests.

Like the SQL store it is no part of a unit of work; every call completes without awaiting,
so on one event loop each is atomic (no lock needed: nothing interleaves inside a call).
"""

from __future__ import annotations

from adapters.memory.registry import MemoryContextRepositories
from domain.counters import CounterCount


class MemoryCounterStore:
    """Counts by name."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}

    async def hit(self, name: str) -> int:
        """Add one and return the new count (no await between the read and the write)."""
        count = self._counts.get(name, 0) + 1
        self._counts[name] = count
        return count

    async def get(self, name: str) -> int | None:
        """The count, or None when never hit."""
        return self._counts.get(name)

    async def page(self, offset: int, limit: int) -> tuple[list[CounterCount], int]:
        """Counters by name, sliced."""
        names = sorted(self._counts)
        chosen = names[offset : offset + limit]
        return [CounterCount(n, self._counts[n]) for n in chosen], len(names)

    async def check(self) -> None:
        """Memory is always there."""


class MemoryCountersRepositories(MemoryContextRepositories):
    """The counters context has no repository in a unit of work (see MemoryCounterStore)."""

    REPOSITORIES = {}
