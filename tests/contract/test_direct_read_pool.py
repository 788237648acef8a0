"""The direct read path under more concurrent readers than the Postgres pool holds ready.

The service's engine keeps every connection it opens (adapters/sqlalchemy/database.py), so
a burst leaves them in the pool for the next. An engine with overflow closes its overflow
connections when they come back, and closing an asyncpg connection awaits, which SQLAlchemy
can only do inside its greenlet: a bare connection returned outside one failed with
MissingGreenlet on every overflow checkin, so that path stays covered too.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import warnings
from collections.abc import AsyncIterator, Iterator
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from adapters.sqlalchemy.database import BURST_CONNECTIONS, create_engine
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from tests.support.builders import make_user

POOL_SIZE = 2
READERS = 10  # 8 more than POOL_SIZE


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def warnings_and_worse() -> Iterator[list[logging.LogRecord]]:
    """Every WARNING-or-worse log record (SQLAlchemy's pool, asyncio) while the test runs."""
    handler = _Collect()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler.records
    finally:
        root.removeHandler(handler)


async def _burst_twice(engine: AsyncEngine, kept: int) -> None:
    """READERS direct readers holding a connection at once, twice; after each burst nothing
    is checked out and `kept` connections wait in the pool, none of them overflow."""
    user = make_user(f"{uuid4().hex}@example.com")
    async with SqlUnitOfWork(engine) as uow:
        await uow.users.add(user)
        await uow.commit()
    everyone_reading = asyncio.Barrier(READERS)

    async def read() -> object:
        async with SqlUnitOfWork(engine, read_only=True) as uow:
            found = await uow.users.get(user.id)  # the direct path, on a bare connection
            await everyone_reading.wait()  # all hold a connection at once
            return found

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for _ in range(2):  # twice: the pool must be whole again after the first burst
                results = await asyncio.gather(
                    *(read() for _ in range(READERS)), return_exceptions=True
                )
                assert [r for r in results if isinstance(r, BaseException)] == []
                assert all(getattr(r, "id", None) == user.id for r in results)
                pool: Any = engine.pool
                # Nothing leaked, and no overflow is left open (overflow() counts the
                # connections beyond pool_size: negative while the pool has room).
                assert (pool.checkedout(), pool.checkedin()) == (0, kept)
                assert pool.overflow() <= 0
            gc.collect()  # a leaked connection would warn when collected
    finally:
        await engine.dispose()
    assert [str(w.message) for w in caught] == []


async def test_the_service_engine_keeps_the_connections_a_burst_opened(
    migrated_postgres_url: str, warnings_and_worse: list[logging.LogRecord]
) -> None:
    # READERS is within pool_size + BURST_CONNECTIONS: every reader's connection is kept.
    assert READERS <= POOL_SIZE + BURST_CONNECTIONS
    engine = create_engine(migrated_postgres_url, pool_size=POOL_SIZE)

    await _burst_twice(engine, kept=READERS)

    assert [f"{r.name}: {r.getMessage()}" for r in warnings_and_worse] == []


async def test_overflowing_readers_return_their_connections_cleanly(
    migrated_postgres_url: str, warnings_and_worse: list[logging.LogRecord]
) -> None:
    # An engine with overflow (not the service's): 8 readers on overflow connections, which
    # the pool closes as they come back, from inside SQLAlchemy's greenlet.
    engine = create_async_engine(
        migrated_postgres_url, pool_size=POOL_SIZE, max_overflow=READERS - POOL_SIZE
    )

    await _burst_twice(engine, kept=POOL_SIZE)

    assert [f"{r.name}: {r.getMessage()}" for r in warnings_and_worse] == []


# --- checking out without a greenlet hop -------------------------------------------------------


@pytest.fixture
async def engine(migrated_postgres_url: str) -> AsyncIterator[AsyncEngine]:
    """The service's engine (create_engine), POOL_SIZE connections, disposed afterwards."""
    engine = create_engine(migrated_postgres_url, pool_size=POOL_SIZE)
    yield engine
    await engine.dispose()


async def _seed_user(engine: AsyncEngine) -> Any:
    user = make_user(f"{uuid4().hex}@example.com")
    async with SqlUnitOfWork(engine) as uow:
        await uow.users.add(user)
        await uow.commit()
    return user


async def _read_user(engine: AsyncEngine, user: Any) -> None:
    async with SqlUnitOfWork(engine, read_only=True) as uow:
        found = await uow.users.get(user.id)
    assert found is not None and found.id == user.id


async def _read_twice_without_warnings(engine: AsyncEngine, user: Any) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        await _read_user(engine, user)
        await _read_user(engine, user)
        gc.collect()  # a coroutine created and never awaited warns when collected
    assert [str(w.message) for w in caught] == []


async def test_a_reader_takes_an_idle_connection_without_a_greenlet_hop(
    engine: AsyncEngine, hops: list[str]
) -> None:
    user = await _seed_user(engine)  # leaves a connection idle in the pool
    hops.clear()

    await _read_twice_without_warnings(engine, user)

    assert hops == []
    assert (engine.pool.checkedout(), engine.pool.checkedin()) == (0, 1)  # type: ignore[attr-defined]


async def test_with_no_idle_connection_a_reader_connects_through_the_greenlet(
    engine: AsyncEngine, hops: list[str]
) -> None:
    await _read_user_or_none(engine)
    assert hops == ["raw_connection"]


async def _read_user_or_none(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine, read_only=True) as uow:
        assert await uow.users.get(uuid4()) is None


async def test_a_connection_due_for_recycling_is_reconnected_through_the_greenlet(
    migrated_postgres_url: str, hops: list[str]
) -> None:
    # pool_recycle=0: every idle connection is past its age at the next checkout.
    engine = create_async_engine(migrated_postgres_url, pool_size=POOL_SIZE, pool_recycle=0)
    try:
        user = await _seed_user(engine)
        hops.clear()

        await _read_twice_without_warnings(engine, user)

        assert hops == ["raw_connection", "raw_connection"]
    finally:
        await engine.dispose()


@pytest.mark.parametrize("soft", [False, True], ids=["invalidated", "soft-invalidated"])
async def test_an_invalidated_idle_connection_is_replaced_through_the_greenlet(
    engine: AsyncEngine, hops: list[str], soft: bool
) -> None:
    user = await _seed_user(engine)
    raw = await engine.raw_connection()
    raw.invalidate(soft=soft)  # hard: closed now; soft: replaced at its next checkout
    raw.close()
    hops.clear()

    await _read_twice_without_warnings(engine, user)

    # The first read reconnects; the connection it left behind is ready for the second.
    assert hops == ["raw_connection"]


async def test_after_the_pool_was_invalidated_older_connections_are_replaced(
    engine: AsyncEngine, hops: list[str]
) -> None:
    user = await _seed_user(engine)
    connection = await engine.connect()
    # What SQLAlchemy does when a statement finds the server gone: every connection
    # opened before now is discarded at its next checkout.
    engine.sync_engine.pool._invalidate(  # type: ignore[attr-defined]
        (await connection.get_raw_connection()), None
    )
    await connection.close()
    hops.clear()

    await _read_twice_without_warnings(engine, user)

    assert hops == ["raw_connection"]


async def test_checkout_listeners_still_run_on_every_checkout(
    engine: AsyncEngine, hops: list[str]
) -> None:
    from sqlalchemy import event

    checkouts: list[object] = []
    event.listen(engine.sync_engine, "checkout", lambda *args: checkouts.append(args[0]))
    user = await _seed_user(engine)
    checkouts.clear()
    hops.clear()

    await _read_twice_without_warnings(engine, user)

    # A listener may await (a ping, a reconnect): such checkouts keep the greenlet.
    assert len(checkouts) == 2
    assert hops == ["raw_connection", "raw_connection"]


async def test_were_the_pool_internals_renamed_readers_would_keep_the_greenlet(
    engine: AsyncEngine, hops: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await _seed_user(engine)
    # As if a SQLAlchemy release had renamed what the check reads (the queue itself no
    # longer needs the attribute once it is built).
    monkeypatch.delattr(engine.sync_engine.pool._pool, "use_lifo")  # type: ignore[attr-defined]
    hops.clear()

    await _read_twice_without_warnings(engine, user)

    assert hops == ["raw_connection", "raw_connection"]
