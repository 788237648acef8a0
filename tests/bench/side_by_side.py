"""What the at-scale benchmarks (tests/bench/blog_search.py, tests/bench/catalog_scale.py)
share: a unit-of-work factory on a throwaway Postgres database, and p50s of calls on two
databases taken in turn, so the machine's load weighs on both alike."""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from adapters.sqlalchemy.database import create_engine
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from tests.support.databases import UnitOfWorkFactory
from tests.support.statements import count_statements

Call = Callable[[], Awaitable[Any]]


def postgres_factory(url: str) -> UnitOfWorkFactory:
    """Units of work on the database at `url`, read-only ones as the API's use cases get."""
    engine = create_engine(url)
    return UnitOfWorkFactory(
        "postgres",
        lambda: SqlUnitOfWork(engine),
        engine,
        make_read_only=lambda: SqlUnitOfWork(engine, read_only=True),
    )


async def _timed(call: Call) -> float:
    start = time.perf_counter()
    await call()
    return (time.perf_counter() - start) * 1000


async def p50s_in_turn(calls: Sequence[Call], warmup: int, samples: int) -> list[float]:
    """Each call's median in milliseconds, after `warmup` rounds, one sample of each in turn."""
    for _ in range(warmup):
        for call in calls:
            await call()
    times: list[list[float]] = [[] for _ in calls]
    for _ in range(samples):
        for call, taken in zip(calls, times, strict=True):
            taken.append(await _timed(call))
    return [statistics.median(taken) for taken in times]


async def statements_of(factory: UnitOfWorkFactory, call: Call) -> int:
    """How many SQL statements one call sends."""
    async with count_statements(factory) as counter:
        await call()
    return counter.count
