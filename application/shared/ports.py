"""Ports every context shares: the clock, the transaction and its outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self
from uuid import UUID

from domain.messages import OutboxMessage


class Clock(Protocol):
    """The current time, as an aware UTC datetime."""

    def now(self) -> datetime:
        """Now."""
        ...


@dataclass(frozen=True)
class OutboxCounts:
    """The outbox at a glance, for metrics."""

    due: int
    dead: int


class Outbox(Protocol):
    """Emails waiting to be delivered; written in the same transaction as their cause."""

    async def add(self, message: OutboxMessage) -> None:
        """Queue a message."""
        ...

    async def claim_due(
        self, now: datetime, limit: int, claim_token: UUID, lease_until: datetime
    ) -> list[OutboxMessage]:
        """Lease up to `limit` pending due messages to `claim_token` until `lease_until`,
        oldest first. A message leased to another claim is skipped until its lease expires;
        on Postgres locked rows are skipped (SKIP LOCKED), so concurrent claims never overlap."""
        ...

    async def record(self, message: OutboxMessage, claim_token: UUID) -> bool:
        """Persist the delivery bookkeeping and free the lease, only while the message is still
        leased to `claim_token`; whether it was (False: the lease expired and was re-claimed)."""
        ...

    async def counts(self, now: datetime) -> OutboxCounts:
        """How many messages are due now (the backlog) and how many are dead."""
        ...

    async def update(self, message: OutboxMessage) -> None:
        """Persist the delivery bookkeeping of a message."""
        ...

    async def get(self, message_id: UUID) -> OutboxMessage | None:
        """One message by id (for tests and operators)."""
        ...


class Transaction(Protocol):
    """One transaction. Leaving without commit() rolls back."""

    outbox: Outbox

    async def __aenter__(self) -> Self:
        """Begin the transaction."""
        ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed and release the connection."""
        ...

    async def commit(self) -> None:
        """Make the work durable."""
        ...

    async def rollback(self) -> None:
        """Discard the work."""
        ...
