"""The messaging context in SQL: the outbox table, its repository, what a unit of work builds."""

from __future__ import annotations

import builtins
from datetime import datetime
from uuid import UUID

from sqlalchemy import (
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
    Uuid,
    func,
    insert,
    or_,
    select,
    update,
)

from adapters.sqlalchemy.mapping import Embedded, EntityMapping, enum_codec
from adapters.sqlalchemy.metadata import UTCDateTime, metadata
from adapters.sqlalchemy.reader import ReadConnection
from adapters.sqlalchemy.registry import SqlContextRepositories
from adapters.sqlalchemy.statements import rowcount
from application.shared.ports import Outbox, OutboxCounts
from domain.messages import EmailMessage, OutboxMessage, OutboxStatus

outbox = Table(
    "outbox",
    metadata,
    Column("id", Uuid(), primary_key=True),
    Column("kind", String(64), nullable=False),
    Column("recipient", String(320), nullable=False),
    Column("subject", Text(), nullable=False),
    Column("text_body", Text(), nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("next_attempt_at", UTCDateTime(), nullable=False),
    Column("sent_at", UTCDateTime(), nullable=True),
    Column("provider_message_id", String(255), nullable=True),
    Column("last_error", Text(), nullable=True),
    # The dispatcher that holds the message while it sends it, and until when: a dispatcher
    # killed mid-send leaves a lease that simply expires, and the message is claimed again.
    Column("claim_token", Uuid(), nullable=True),
    Column("lease_until", UTCDateTime(), nullable=True),
    # The dispatcher asks for "pending and due"; status leads, so it also serves status alone.
    Index(None, "status", "next_attempt_at"),
)


# Built at import, where it checks that the message's fields and the table's columns match.
# The email is stored in the message's own row; the lease belongs to the table alone.
_MESSAGE = EntityMapping(
    OutboxMessage,
    outbox,
    codecs={"status": enum_codec(OutboxStatus)},
    embedded={"message": Embedded(EmailMessage, to="recipient")},
    table_only=("claim_token", "lease_until"),
)
# What delivery changes; the email and its creation never do.
_BOOKKEEPING = (
    "status",
    "attempts",
    "next_attempt_at",
    "sent_at",
    "provider_message_id",
    "last_error",
)


class SqlOutbox:
    """Queued emails in the `outbox` table."""

    def __init__(self, session: ReadConnection, dialect: str) -> None:
        self._session = session
        self._dialect = dialect

    async def add(self, message: OutboxMessage) -> None:
        """Queue a message."""
        await self._session.execute(insert(outbox).values(_MESSAGE.values(message)))

    async def claim_due(
        self, now: datetime, limit: int, claim_token: UUID, lease_until: datetime
    ) -> builtins.list[OutboxMessage]:
        """Lease due pending messages with a free or expired lease, oldest first.

        Postgres skips rows another claimer has locked (SKIP LOCKED); on SQLite the unit of
        work holds the write lock, which serialises claimers. Commit promptly: the lease, not
        the transaction, is what keeps other dispatchers away while the messages are sent.
        """
        stmt = (
            select(outbox)
            .where(
                outbox.c.status == OutboxStatus.PENDING.value,
                outbox.c.next_attempt_at <= now,
                or_(outbox.c.lease_until.is_(None), outbox.c.lease_until <= now),
            )
            .order_by(outbox.c.created_at, outbox.c.id)
            .limit(limit)
        )
        if self._dialect == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        claimed = [_MESSAGE.entity(r) for r in (await self._session.execute(stmt)).mappings()]
        if claimed:
            await self._session.execute(
                update(outbox)
                .where(outbox.c.id.in_([m.id for m in claimed]))
                .values(claim_token=claim_token, lease_until=lease_until)
            )
        return claimed

    async def record(self, message: OutboxMessage, claim_token: UUID) -> bool:
        """Persist the bookkeeping and free the lease, if the lease is still this claim's."""
        result = await self._session.execute(
            update(outbox)
            .where(outbox.c.id == message.id, outbox.c.claim_token == claim_token)
            .values(
                _MESSAGE.update_values(message, _BOOKKEEPING, claim_token=None, lease_until=None)
            )
        )
        return rowcount(result) == 1

    async def counts(self, now: datetime) -> OutboxCounts:
        """Due and dead messages, in one scan of the status index."""
        due = func.count().filter(
            outbox.c.status == OutboxStatus.PENDING.value, outbox.c.next_attempt_at <= now
        )
        dead = func.count().filter(outbox.c.status == OutboxStatus.DEAD.value)
        row = (await self._session.execute(select(due, dead))).one()
        return OutboxCounts(due=int(row[0]), dead=int(row[1]))

    async def update(self, message: OutboxMessage) -> None:
        """Persist the delivery bookkeeping."""
        await self._session.execute(
            update(outbox)
            .where(outbox.c.id == message.id)
            .values(_MESSAGE.update_values(message, _BOOKKEEPING))
        )

    async def get(self, message_id: UUID) -> OutboxMessage | None:
        """One message by id."""
        stmt = select(outbox).where(outbox.c.id == message_id)
        row = (await self._session.execute(stmt)).mappings().first()
        return _MESSAGE.entity(row) if row else None


class SqlMessagingRepositories(SqlContextRepositories):
    """The messaging repositories of a SQL unit of work."""

    outbox: Outbox

    REPOSITORIES = {"outbox": lambda s: SqlOutbox(s.connection, s.dialect)}
