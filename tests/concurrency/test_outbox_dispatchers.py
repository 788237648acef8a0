"""Two outbox dispatchers at once, each with its own connection: no message is sent twice."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest

from adapters.clock import SystemClock
from adapters.sqlalchemy.database import create_engine
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from application.messaging.dispatch_outbox import DispatchOutbox
from domain.messages import EmailMessage, OutboxMessage
from tests.concurrency.conftest import _database_url

MESSAGES = 40


class _CountingMailer:
    """Counts deliveries per recipient (one recipient per message), slowly enough to overlap."""

    def __init__(self) -> None:
        self.deliveries: Counter[str] = Counter()

    async def send(self, message: EmailMessage) -> str:
        await asyncio.sleep(0.002)  # yield to the other dispatcher mid-batch
        self.deliveries[message.to] += 1
        return f"counted-{sum(self.deliveries.values())}"

    async def check(self) -> None:
        return None


@pytest.mark.parametrize("backend", ["postgres", "sqlite"])
async def test_two_dispatchers_at_once_send_every_message_exactly_once(
    backend: str, request: pytest.FixtureRequest, tmp_path
) -> None:
    engine = create_engine(await _database_url(backend, request, tmp_path))
    clock = SystemClock()
    try:
        async with SqlUnitOfWork(engine) as uow:
            now = clock.now()
            for n in range(MESSAGES):
                body = EmailMessage(f"m{n}@example.com", "Hello", "Hi", "test")
                await uow.outbox.add(OutboxMessage.new(body, now - timedelta(seconds=1)))
            await uow.commit()
        mailer = _CountingMailer()

        async def dispatcher() -> int:
            dispatch = DispatchOutbox(SqlUnitOfWork(engine), mailer, clock, 3, batch_size=5)
            sent = 0
            while (report := await dispatch()).attempted:
                sent += report.sent
            return sent

        sent_by = await asyncio.gather(dispatcher(), dispatcher())

        async with SqlUnitOfWork(engine, read_only=True) as uow:
            counts = await uow.outbox.counts(clock.now())
    finally:
        await engine.dispose()

    assert sorted(mailer.deliveries) == sorted(f"m{n}@example.com" for n in range(MESSAGES))
    assert set(mailer.deliveries.values()) == {1}, "a message was sent twice"
    assert sum(sent_by) == MESSAGES and min(sent_by) > 0, f"no overlap: {sent_by}"
    assert counts.due == 0 and counts.dead == 0
