"""Contract: every LoginAttemptLog remembers failures per key and forgets them on request."""

from __future__ import annotations

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
