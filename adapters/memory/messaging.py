"""The messaging context in memory: the outbox table, its repository, what a unit of work
builds."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID

from adapters.memory.registry import MemoryContextRepositories
from application.shared.ports import Outbox, OutboxCounts
from domain.messages import OutboxMessage, OutboxStatus


@dataclass
class MessagingTables:
    """The messaging part of the in-memory store."""

    outbox: dict[UUID, OutboxMessage] = field(default_factory=dict)
    # message id -> (claim token, lease end), the SQL table's claim_token and lease_until.
    outbox_leases: dict[UUID, tuple[UUID, datetime]] = field(default_factory=dict)


class MemoryOutbox:
    """Outbox messages in a dict."""

    def __init__(self, store: MessagingTables) -> None:
        self._store = store

    async def add(self, message: OutboxMessage) -> None:
        """Queue."""
        self._store.outbox[message.id] = replace(message)

    async def claim_due(
        self, now: datetime, limit: int, claim_token: UUID, lease_until: datetime
    ) -> list[OutboxMessage]:
        """Lease the due pending messages with a free or expired lease, oldest first."""
        leases = self._store.outbox_leases
        due = [
            m
            for m in self._store.outbox.values()
            if m.status is OutboxStatus.PENDING
            and m.next_attempt_at <= now
            and (m.id not in leases or leases[m.id][1] <= now)
        ]
        due.sort(key=lambda m: (m.created_at, str(m.id)))
        claimed = due[:limit]
        for m in claimed:
            leases[m.id] = (claim_token, lease_until)
        return [replace(m) for m in claimed]

    async def record(self, message: OutboxMessage, claim_token: UUID) -> bool:
        """Overwrite the bookkeeping and free the lease, if the lease is still this claim's."""
        lease = self._store.outbox_leases.get(message.id)
        if lease is None or lease[0] != claim_token:
            return False
        del self._store.outbox_leases[message.id]
        self._store.outbox[message.id] = replace(message)
        return True

    async def counts(self, now: datetime) -> OutboxCounts:
        """Due and dead messages."""
        messages = self._store.outbox.values()
        return OutboxCounts(
            due=sum(
                m.status is OutboxStatus.PENDING and m.next_attempt_at <= now for m in messages
            ),
            dead=sum(m.status is OutboxStatus.DEAD for m in messages),
        )

    async def update(self, message: OutboxMessage) -> None:
        """Overwrite the bookkeeping."""
        self._store.outbox[message.id] = replace(message)

    async def get(self, message_id: UUID) -> OutboxMessage | None:
        """One message."""
        message = self._store.outbox.get(message_id)
        return replace(message) if message else None


class MemoryMessagingRepositories(MemoryContextRepositories):
    """The messaging repositories of a memory unit of work."""

    outbox: Outbox

    REPOSITORIES = {"outbox": MemoryOutbox}
