"""Use case: deliver the emails waiting in the outbox, with retries and dead-lettering.

No transaction is open while a message is sent: a batch is leased in one short transaction,
each message is sent outside any, and each outcome is recorded in its own short transaction,
only while the lease is still ours. A dispatcher that dies mid-batch leaves leases that expire,
and the messages are claimed again, so nothing is lost (the one in flight may go out twice).
One asked to stop finishes and records the message it is sending, then hands the rest back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID, uuid4

from application.messaging.ports import Mailer, MessagingUnitOfWork
from application.shared.ports import Clock
from domain.errors import ServiceUnavailable
from domain.messages import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(minutes=2)


def _never() -> bool:
    return False


@dataclass(frozen=True)
class DispatchReport:
    """What one dispatch pass did."""

    sent: int = 0
    failed: int = 0
    dead: int = 0
    # Claimed, then handed back unsent (breaker open, lease running out, asked to stop).
    released: int = 0

    @property
    def attempted(self) -> int:
        """Messages handled in this pass."""
        return self.sent + self.failed + self.dead


class DispatchOutbox:
    """Lease one batch of due messages, send each outside any transaction, record each."""

    def __init__(
        self,
        uow: MessagingUnitOfWork,
        mailer: Mailer,
        clock: Clock,
        max_attempts: int,
        batch_size: int = 50,
        lease: timedelta = DEFAULT_LEASE,
    ) -> None:
        self._uow = uow
        self._mailer = mailer
        self._clock = clock
        self._max_attempts = max_attempts
        self._batch_size = batch_size
        self._lease = lease

    async def __call__(self, stop_requested: Callable[[], bool] = _never) -> DispatchReport:
        """Deliver what is due; failures are rescheduled with backoff, never raised.

        `stop_requested` is asked before each send: once it says yes, the rest of the batch
        is handed back, due at once for another dispatcher instead of after the lease.
        """
        token = uuid4()
        claimed_at = self._clock.now()
        async with self._uow as uow:
            batch = await uow.outbox.claim_due(
                claimed_at, self._batch_size, token, claimed_at + self._lease
            )
            await uow.commit()
        # No new send starts in the lease's second half, so one in flight ends before the
        # lease does and no other dispatcher re-claims a message that is being sent.
        stop_starting_at = claimed_at + self._lease / 2
        counts = {"sent": 0, "failed": 0, "dead": 0, "released": 0}
        for index, message in enumerate(batch):
            if stop_requested() or self._clock.now() >= stop_starting_at:
                counts["released"] += await self._release(batch[index:], token)
                break
            try:
                provider_id = await self._mailer.send(message.message)
            except ServiceUnavailable:
                # The mail breaker is open: no attempt was made, so none is counted.
                counts["released"] += await self._release(batch[index:], token)
                break
            except Exception as err:  # any transport failure is retried, never fatal
                message.mark_failed(
                    f"{type(err).__name__}: {err}", self._clock.now(), self._max_attempts
                )
                outcome = "dead" if message.status is OutboxStatus.DEAD else "failed"
            else:
                message.mark_sent(provider_id, self._clock.now())
                outcome = "sent"
            if await self._record(message, token) and outcome == "dead":
                # Id and kind only: the body holds single-use tokens.
                logger.warning(
                    "Outbox message %s (%s) is dead after %d attempts",
                    message.id,
                    message.message.kind,
                    message.attempts,
                )
            counts[outcome] += 1
        return DispatchReport(**counts)

    async def _record(self, message: OutboxMessage, token: UUID) -> bool:
        async with self._uow as uow:
            ours = await uow.outbox.record(message, token)
            await uow.commit()
        if not ours:
            # Our lease expired and another dispatcher claimed the message: its outcome wins.
            logger.warning(
                "Outbox message %s: lease lost before the outcome was recorded", message.id
            )
        return ours

    async def _release(self, messages: list[OutboxMessage], token: UUID) -> int:
        """Hand messages back unchanged, due at once for the next claim."""
        async with self._uow as uow:
            for message in messages:
                await uow.outbox.record(message, token)
            await uow.commit()
        return len(messages)
