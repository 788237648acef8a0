"""The direct read path under more concurrent readers than the Postgres pool holds.

Connections beyond `pool_size` are overflow: the pool closes them when they come back, and
closing an asyncpg connection awaits, which SQLAlchemy can only do inside its greenlet. A bare
connection returned outside one failed with MissingGreenlet on every overflow checkin.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import warnings
from collections.abc import Iterator
from uuid import uuid4

import pytest

from adapters.sqlalchemy.database import create_engine
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from tests.support.builders import make_user

POOL_SIZE = 2
READERS = 10  # 8 of them on overflow connections


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


async def test_overflowing_readers_return_their_connections_cleanly(
    migrated_postgres_url: str, warnings_and_worse: list[logging.LogRecord]
) -> None:
    engine = create_engine(migrated_postgres_url, pool_size=POOL_SIZE)
    user = make_user(f"{uuid4().hex}@example.com")
    async with SqlUnitOfWork(engine) as uow:
        await uow.users.add(user)
        await uow.commit()
    everyone_reading = asyncio.Barrier(READERS)

    async def read() -> object:
        async with SqlUnitOfWork(engine, read_only=True) as uow:
            found = await uow.users.get(user.id)  # the direct path, on a bare connection
            await everyone_reading.wait()  # all hold a connection at once: 8 overflow
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
                pool = engine.pool
                # Nothing leaked, the pool holds its size again and no overflow is left open.
                assert (pool.checkedout(), pool.checkedin(), pool.overflow()) == (0, POOL_SIZE, 0)
            gc.collect()  # a leaked connection would warn when collected
    finally:
        await engine.dispose()

    messages = [f"{r.name}: {r.getMessage()}" for r in warnings_and_worse]
    assert messages == []
    assert [str(w.message) for w in caught] == []
