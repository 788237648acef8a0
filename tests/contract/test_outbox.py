"""Contract: every Outbox queues messages and hands out due ones, oldest first."""

from __future__ import annotations

from datetime import timedelta

from domain.messages import OutboxMessage, OutboxStatus
from tests.support.builders import T0, is_utc, make_outbox_message
from tests.support.databases import UnitOfWorkFactory


async def _queue(uow_factory: UnitOfWorkFactory, *messages: OutboxMessage) -> None:
    async with uow_factory() as uow:
        for message in messages:
            await uow.outbox.add(message)
        await uow.commit()


async def test_queued_message_round_trips(uow_factory: UnitOfWorkFactory) -> None:
    message = make_outbox_message("ana@example.com", subject="Verify your email")
    await _queue(uow_factory, message)

    async with uow_factory() as uow:
        stored = await uow.outbox.get(message.id)

    assert stored == message
    assert stored is not None and stored.status is OutboxStatus.PENDING
    assert is_utc(stored.created_at) and is_utc(stored.next_attempt_at)


async def test_claim_due_returns_pending_due_messages_oldest_first(
    uow_factory: UnitOfWorkFactory,
) -> None:
    newest = make_outbox_message("c@example.com", created_at=T0 + timedelta(seconds=2))
    oldest = make_outbox_message("a@example.com", created_at=T0)
    middle = make_outbox_message("b@example.com", created_at=T0 + timedelta(seconds=1))
    later = make_outbox_message("later@example.com", created_at=T0)
    later.next_attempt_at = T0 + timedelta(minutes=5)
    sent = make_outbox_message("sent@example.com", created_at=T0)
    sent.mark_sent("provider-1", T0)
    await _queue(uow_factory, newest, oldest, middle, later, sent)

    async with uow_factory() as uow:
        due = await uow.outbox.claim_due(T0 + timedelta(seconds=2), limit=10)
        limited = await uow.outbox.claim_due(T0 + timedelta(seconds=2), limit=2)
        after_wait = await uow.outbox.claim_due(T0 + timedelta(minutes=5), limit=10)

    assert [m.message.to for m in due] == ["a@example.com", "b@example.com", "c@example.com"]
    assert due == [oldest, middle, newest]
    assert [m.id for m in limited] == [oldest.id, middle.id]
    assert later.id in {m.id for m in after_wait}


async def test_updated_bookkeeping_is_persisted(uow_factory: UnitOfWorkFactory) -> None:
    failing = make_outbox_message("a@example.com")
    delivered = make_outbox_message("b@example.com")
    await _queue(uow_factory, failing, delivered)
    failing.mark_failed("connection refused", T0)
    delivered.mark_sent("provider-42", T0 + timedelta(seconds=1))

    async with uow_factory() as uow:
        await uow.outbox.update(failing)
        await uow.outbox.update(delivered)
        await uow.commit()

    async with uow_factory() as uow:
        stored_failing = await uow.outbox.get(failing.id)
        stored_delivered = await uow.outbox.get(delivered.id)
        due_now = await uow.outbox.claim_due(T0 + timedelta(seconds=1), limit=10)
        due_later = await uow.outbox.claim_due(failing.next_attempt_at, limit=10)

    assert stored_failing == failing and stored_failing.last_error == "connection refused"
    assert stored_delivered == delivered and stored_delivered.status is OutboxStatus.SENT
    assert is_utc(stored_delivered.sent_at)
    assert due_now == []
    assert [m.id for m in due_later] == [failing.id]


async def test_dead_message_is_never_claimed(uow_factory: UnitOfWorkFactory) -> None:
    message = make_outbox_message()
    await _queue(uow_factory, message)
    message.mark_failed("bounced", T0, max_attempts=1)

    async with uow_factory() as uow:
        await uow.outbox.update(message)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.outbox.claim_due(T0 + timedelta(days=1), limit=10) == []
        stored = await uow.outbox.get(message.id)
    assert stored is not None and stored.status is OutboxStatus.DEAD


async def test_unknown_message_is_none(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        assert await uow.outbox.get(make_outbox_message().id) is None


async def test_concurrent_dispatchers_on_postgres_never_claim_the_same_message(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    messages = [make_outbox_message(f"m{n}@example.com", created_at=T0) for n in range(4)]
    await _queue(postgres_uow_factory, *messages)

    async with postgres_uow_factory() as first, postgres_uow_factory() as second:
        claimed_first = await first.outbox.claim_due(T0, limit=2)
        claimed_second = await second.outbox.claim_due(T0, limit=10)

    assert len(claimed_first) == 2 and len(claimed_second) == 2
    assert {m.id for m in claimed_first}.isdisjoint({m.id for m in claimed_second})
