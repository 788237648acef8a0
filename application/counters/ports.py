"""The counters context's ports."""

from __future__ import annotations

from typing import Protocol

from domain.counters import CounterCount


class CounterStore(Protocol):
    """Where counters live (SQL or DynamoDB): adds hits atomically and reads counts."""

    async def hit(self, name: str) -> int:
        """Add one hit to `name`, creating the counter at 1, and return the new count."""
        ...

    async def get(self, name: str) -> int | None:
        """The count of `name`, or None when it never got a hit."""
        ...

    async def page(self, offset: int, limit: int) -> tuple[list[CounterCount], int]:
        """Counters ordered by name, `limit` of them from `offset`, and how many there are."""
        ...

    async def check(self) -> None:
        """Raise when the store can't be reached (used by /health/ready and `hexashop doctor`)."""
        ...
