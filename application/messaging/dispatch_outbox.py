"""Use case: deliver the emails waiting in the outbox, with retries and dead-lettering."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from application.ports import Clock, Mailer, UnitOfWork
from domain.messages import OutboxStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DispatchReport:
    """What one dispatch pass did."""

    sent: int = 0
    failed: int = 0
    dead: int = 0

    @property
    def attempted(self) -> int:
        """Messages handled in this pass."""
        return self.sent + self.failed + self.dead


class DispatchOutbox:
    """Send one batch of due messages and record each outcome."""

    def __init__(
        self,
        uow: UnitOfWork,
        mailer: Mailer,
        clock: Clock,
        max_attempts: int,
        batch_size: int = 50,
    ) -> None:
        self._uow = uow
        self._mailer = mailer
        self._clock = clock
        self._max_attempts = max_attempts
        self._batch_size = batch_size

    async def __call__(self) -> DispatchReport:
        """Deliver what is due; failures are rescheduled with backoff, never raised."""
        sent = failed = dead = 0
        # One transaction for the batch: on Postgres the claimed rows stay locked until the
        # commit, so a concurrent dispatcher can't pick them up and send them twice.
        async with self._uow as uow:
            for message in await uow.outbox.claim_due(self._clock.now(), self._batch_size):
                try:
                    provider_id = await self._mailer.send(message.message)
                except Exception as err:  # any transport failure is retried, never fatal
                    message.mark_failed(
                        f"{type(err).__name__}: {err}", self._clock.now(), self._max_attempts
                    )
                    if message.status is OutboxStatus.DEAD:
                        dead += 1
                        # Id and kind only: the body holds single-use tokens.
                        logger.warning(
                            "Outbox message %s (%s) is dead after %d attempts",
                            message.id,
                            message.message.kind,
                            message.attempts,
                        )
                    else:
                        failed += 1
                else:
                    message.mark_sent(provider_id, self._clock.now())
                    sent += 1
                await uow.outbox.update(message)
            await uow.commit()
        return DispatchReport(sent=sent, failed=failed, dead=dead)
