"""Outgoing email as the business sees it: who, what, and delivery bookkeeping for the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID, uuid4


@dataclass(frozen=True)
class EmailMessage:
    """A rendered email, ready for any mail transport."""

    to: str
    subject: str
    text_body: str
    kind: str  # e.g. "verify_email", "reset_password": for logs and tests, never the content


class OutboxStatus(StrEnum):
    """Delivery state of an outbox entry."""

    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"


# Retry schedule: 2^attempts seconds, capped, until MAX_ATTEMPTS, then the message is dead.
OUTBOX_MAX_ATTEMPTS = 8
OUTBOX_BASE_DELAY = timedelta(seconds=2)
OUTBOX_MAX_DELAY = timedelta(minutes=30)


@dataclass
class OutboxMessage:
    """An email the system promised to send, stored in the same transaction as its cause."""

    id: UUID
    message: EmailMessage
    status: OutboxStatus
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None = None
    provider_message_id: str | None = None
    last_error: str | None = None

    @classmethod
    def new(cls, message: EmailMessage, now: datetime) -> OutboxMessage:
        """A pending entry, due now."""
        return cls(
            id=uuid4(),
            message=message,
            status=OutboxStatus.PENDING,
            attempts=0,
            created_at=now,
            next_attempt_at=now,
        )

    def mark_sent(self, provider_message_id: str, now: datetime) -> None:
        """Record a successful hand-over to the mail provider."""
        self.status = OutboxStatus.SENT
        self.attempts += 1
        self.sent_at = now
        self.provider_message_id = provider_message_id
        self.last_error = None

    def mark_failed(
        self, error: str, now: datetime, max_attempts: int = OUTBOX_MAX_ATTEMPTS
    ) -> None:
        """Record a failed attempt; schedule a retry with exponential backoff or give up."""
        self.attempts += 1
        self.last_error = error[:500]
        if self.attempts >= max_attempts:
            self.status = OutboxStatus.DEAD
            return
        delay = min(OUTBOX_BASE_DELAY * (2 ** (self.attempts - 1)), OUTBOX_MAX_DELAY)
        self.next_attempt_at = now + delay
