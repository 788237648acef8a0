"""Contract: every LoginAttemptLog remembers failures per key and forgets them on request."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.support.builders import T0, is_utc
from tests.support.databases import UnitOfWorkFactory

KEY = "ana@example.com|10.0.0.1"
OTHER_KEY = "ana@example.com|10.0.0.2"


async def _record(uow_factory: UnitOfWorkFactory, key: str, *minutes: int) -> None:
    async with uow_factory() as uow:
        for m in minutes:
            await uow.login_attempts.record_failure(key, T0 + timedelta(minutes=m))
        await uow.commit()


async def test_failures_since_lists_only_later_failures_of_that_key(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await _record(uow_factory, KEY, 0, 5, 10)
    await _record(uow_factory, OTHER_KEY, 7)

    async with uow_factory() as uow:
        failures = await uow.login_attempts.failures_since(KEY, T0 + timedelta(minutes=5))

    # Strictly after `since`: the failure at exactly minute 5 has left the window.
    assert failures == [T0 + timedelta(minutes=10)]
    assert all(is_utc(at) for at in failures)


async def test_failures_come_back_oldest_first(uow_factory: UnitOfWorkFactory) -> None:
    await _record(uow_factory, KEY, 1, 2, 3)

    async with uow_factory() as uow:
        failures = await uow.login_attempts.failures_since(KEY, T0)

    assert failures == [T0 + timedelta(minutes=m) for m in (1, 2, 3)]


async def test_unknown_key_has_no_failures(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        assert await uow.login_attempts.failures_since("nobody|-", T0 - timedelta(days=1)) == []


async def test_clear_forgets_only_that_key(uow_factory: UnitOfWorkFactory) -> None:
    await _record(uow_factory, KEY, 1, 2)
    await _record(uow_factory, OTHER_KEY, 1)

    async with uow_factory() as uow:
        await uow.login_attempts.clear(KEY)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.login_attempts.failures_since(KEY, T0) == []
        assert await uow.login_attempts.failures_since(OTHER_KEY, T0) == [T0 + timedelta(minutes=1)]


async def _reserve(uow_factory: UnitOfWorkFactory, key: str, minute: int = 0) -> int | None:
    at = T0 + timedelta(minutes=minute)
    async with uow_factory() as uow:
        attempt = await uow.login_attempts.try_reserve(key, at, at - timedelta(minutes=15), 5)
        await uow.commit()
    return attempt


async def test_a_burst_of_reservations_gets_at_most_the_limit(
    uow_factory: UnitOfWorkFactory,
) -> None:
    # 20 concurrent transactions each count and add: only the key's lock keeps it at 5.
    results = await asyncio.gather(*(_reserve(uow_factory, KEY) for _ in range(20)))

    assert sum(r is not None for r in results) == 5
    async with uow_factory() as uow:
        assert len(await uow.login_attempts.failures_since(KEY, T0 - timedelta(days=1))) == 5


async def test_a_reservation_is_refused_while_the_window_is_full_and_allowed_after(
    uow_factory: UnitOfWorkFactory,
) -> None:
    for minute in range(5):
        assert await _reserve(uow_factory, KEY, minute) is not None

    assert await _reserve(uow_factory, KEY, 14) is None
    assert await _reserve(uow_factory, OTHER_KEY, 14) is not None
    # At minute 15 the attempt of minute 0 has left the window.
    assert await _reserve(uow_factory, KEY, 15) is not None


async def test_a_released_reservation_no_longer_counts(uow_factory: UnitOfWorkFactory) -> None:
    attempts = [await _reserve(uow_factory, KEY, 1) for _ in range(5)]

    async with uow_factory() as uow:
        assert attempts[0] is not None
        await uow.login_attempts.release(attempts[0])
        await uow.commit()

    assert await _reserve(uow_factory, KEY, 2) is not None
    assert await _reserve(uow_factory, KEY, 2) is None


async def test_a_reservation_rolled_back_counts_nothing(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        await uow.login_attempts.try_reserve(KEY, T0, T0 - timedelta(minutes=15), 5)

    async with uow_factory() as uow:
        assert await uow.login_attempts.failures_since(KEY, T0 - timedelta(days=1)) == []


async def test_clear_up_to_keeps_later_attempts(uow_factory: UnitOfWorkFactory) -> None:
    first = await _reserve(uow_factory, KEY, 1)
    await _reserve(uow_factory, KEY, 2)
    assert first is not None

    async with uow_factory() as uow:
        await uow.login_attempts.clear(KEY, up_to=first)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.login_attempts.failures_since(KEY, T0) == [T0 + timedelta(minutes=2)]
