"""Use case: a visit adds one hit to a counter."""

from __future__ import annotations

from application.counters.names import require_counter_name
from application.counters.ports import CounterStore
from domain.counters import CounterCount


class RecordHit:
    """Add one hit atomically (the counter starts at 1) and return the new count."""

    def __init__(self, store: CounterStore) -> None:
        self._store = store

    async def __call__(self, name: str) -> CounterCount:
        """The counter after the hit, or ValidationFailed for a bad name."""
        require_counter_name(name)
        return CounterCount(name, await self._store.hit(name))
