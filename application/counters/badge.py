"""Use case: the count a badge shows."""

from __future__ import annotations

from application.counters.names import require_counter_name
from application.counters.ports import CounterStore
from domain.counters import CounterCount


class BadgeCount:
    """A counter's count for its badge: 0 for one never hit (a new site's badge renders
    before its first visit is recorded), never adding a hit."""

    def __init__(self, store: CounterStore) -> None:
        self._store = store

    async def __call__(self, name: str) -> CounterCount:
        """The counter (0 when never hit), or ValidationFailed for a bad name."""
        require_counter_name(name)
        return CounterCount(name, await self._store.get(name) or 0)
