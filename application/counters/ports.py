"""Counters ports: where counters live, and the context's (empty) unit of work."""

from __future__ import annotations

from typing import Protocol

from application.shared.ports import Transaction
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


class CountersUnitOfWork(Transaction, Protocol):
    """The counters context names no repository: each CounterStore call is its own atomic
    operation, outside any transaction. Declared so the context is registered like others."""
