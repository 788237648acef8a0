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
from collections.abc import Iterator
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
