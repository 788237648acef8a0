"""Contract: every Outbox queues messages and leases due ones, oldest first, to one claimer."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID, uuid4

from application.shared.ports import OutboxCounts
from domain.messages import OutboxMessage, OutboxStatus
from tests.support.builders import T0, is_utc, make_outbox_message
from tests.support.databases import UnitOfWorkFactory
from tests.support.unit_of_work import AnyUnitOfWork

LEASE = timedelta(minutes=2)


async def _claim(
    uow: AnyUnitOfWork, now: datetime, limit: int = 10, token: UUID | None = None
) -> list[OutboxMessage]:
    return await uow.outbox.claim_due(now, limit, token or uuid4(), now + LEASE)


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
        limited = await _claim(uow, T0 + timedelta(seconds=2), 2)
    async with uow_factory() as uow:  # rolled back: the lease above is gone
        due = await _claim(uow, T0 + timedelta(seconds=2), 10)
    async with uow_factory() as uow:
        after_wait = await _claim(uow, T0 + timedelta(minutes=5), 10)

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
        due_now = await _claim(uow, T0 + timedelta(seconds=1), 10)
        due_later = await _claim(uow, failing.next_attempt_at, 10)

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
        assert await _claim(uow, T0 + timedelta(days=1), 10) == []
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
        claimed_first = await _claim(first, T0, 2)
        claimed_second = await _claim(second, T0, 10)

    assert len(claimed_first) == 2 and len(claimed_second) == 2
    assert {m.id for m in claimed_first}.isdisjoint({m.id for m in claimed_second})


async def test_a_leased_message_is_not_claimed_again_until_its_lease_expires(
    uow_factory: UnitOfWorkFactory,
) -> None:
    message = make_outbox_message(created_at=T0)
    await _queue(uow_factory, message)

    async with uow_factory() as uow:
        first = await _claim(uow, T0)
        await uow.commit()
    async with uow_factory() as uow:
        while_leased = await _claim(uow, T0 + LEASE - timedelta(seconds=1))
    async with uow_factory() as uow:
        after_expiry = await _claim(uow, T0 + LEASE)

    assert [m.id for m in first] == [message.id]
    assert while_leased == []
    assert [m.id for m in after_expiry] == [message.id]


async def test_recording_needs_the_lease_and_frees_it(uow_factory: UnitOfWorkFactory) -> None:
    message = make_outbox_message(created_at=T0)
    await _queue(uow_factory, message)
    mine, theirs = uuid4(), uuid4()
    async with uow_factory() as uow:
        [claimed] = await _claim(uow, T0, token=mine)
        await uow.commit()
    claimed.mark_sent("provider-1", T0)

    async with uow_factory() as uow:
        forged = await uow.outbox.record(claimed, theirs)
        ours = await uow.outbox.record(claimed, mine)
        again = await uow.outbox.record(claimed, mine)  # the lease was freed by the first
        await uow.commit()

    assert (forged, ours, again) == (False, True, False)
    async with uow_factory() as uow:
        assert await uow.outbox.get(message.id) == claimed


async def test_a_stale_claimer_cannot_overwrite_the_new_claimers_outcome(
    uow_factory: UnitOfWorkFactory,
) -> None:
    message = make_outbox_message(created_at=T0)
    await _queue(uow_factory, message)
    stale, fresh = uuid4(), uuid4()
    async with uow_factory() as uow:
        [slow_copy] = await _claim(uow, T0, token=stale)
        await uow.commit()
    async with uow_factory() as uow:
        [fresh_copy] = await _claim(uow, T0 + LEASE, token=fresh)
        await uow.commit()
    fresh_copy.mark_sent("provider-fresh", T0 + LEASE)
    slow_copy.mark_failed("timed out", T0 + LEASE)

    async with uow_factory() as uow:
        assert await uow.outbox.record(fresh_copy, fresh) is True
        assert await uow.outbox.record(slow_copy, stale) is False
        await uow.commit()

    async with uow_factory() as uow:
        stored = await uow.outbox.get(message.id)
    assert stored is not None and stored.provider_message_id == "provider-fresh"
    assert stored.status is OutboxStatus.SENT and stored.attempts == 1


async def test_a_message_recorded_unchanged_is_due_again_at_once(
    uow_factory: UnitOfWorkFactory,
) -> None:
    message = make_outbox_message(created_at=T0)
    await _queue(uow_factory, message)
    token = uuid4()
    async with uow_factory() as uow:
        [claimed] = await _claim(uow, T0, token=token)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.outbox.record(claimed, token) is True
        await uow.commit()
    async with uow_factory() as uow:
        reclaimed = await _claim(uow, T0 + timedelta(seconds=1))

    assert reclaimed == [message]


async def test_counts_give_the_due_backlog_and_the_dead(uow_factory: UnitOfWorkFactory) -> None:
    due = [make_outbox_message(f"d{n}@example.com", created_at=T0) for n in range(3)]
    later = make_outbox_message("later@example.com", created_at=T0)
    later.next_attempt_at = T0 + timedelta(hours=1)
    dead = make_outbox_message("dead@example.com", created_at=T0)
    dead.mark_failed("bounced", T0, max_attempts=1)
    sent = make_outbox_message("sent@example.com", created_at=T0)
    sent.mark_sent("provider-1", T0)
    await _queue(uow_factory, *due, later, dead, sent)

    async with uow_factory() as uow:
        counts = await uow.outbox.counts(T0)

    assert counts == OutboxCounts(due=3, dead=1)
