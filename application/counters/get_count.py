"""Use case: read a counter without adding a hit."""

from __future__ import annotations

from application.counters.names import require_counter_name
from application.counters.ports import CounterStore
from domain.counters import CounterCount
from domain.errors import CounterNotFound


class GetCount:
    """A counter's count, or CounterNotFound when it never got a hit."""

    def __init__(self, store: CounterStore) -> None:
        self._store = store

    async def __call__(self, name: str) -> CounterCount:
        """The counter, or ValidationFailed (bad name) or CounterNotFound."""
        require_counter_name(name)
        count = await self._store.get(name)
        if count is None:
            raise CounterNotFound()
        return CounterCount(name, count)
