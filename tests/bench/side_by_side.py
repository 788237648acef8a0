"""What the at-scale benchmarks (tests/bench/blog_search.py, tests/bench/catalog_scale.py)
share: a unit-of-work factory on a throwaway Postgres database, p50s of calls on two
databases taken in turn, so the machine's load weighs on both alike, and the same for whole
requests to a real `hexashop serve` on each database."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

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


async def served_p50s(
    urls: Sequence[str],
    paths: Mapping[str, Sequence[str]],
    warmup: int = 10,
    samples: int = 100,
) -> dict[str, list[float]]:
    """Per name, the p50 in milliseconds of a whole GET of its path (one per database) to a
    real `hexashop serve` on each database, one request to each in turn (p50s_in_turn): what
    a client waits for, the server's fixed cost per request included."""
    from tests.bench import run  # the harness: servers, ports (not needed by the rest)

    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hexashop-scale-")))
        bases = []
        for n, url in enumerate(urls):
            port = run.free_port()
            env = run.server_env(url, port, tmp / f"var{n}")
            server = run.start(f"server{n}", [str(run.BIN / "hexashop"), "serve"], env, tmp)
            stack.callback(server.stop)
            base = f"http://127.0.0.1:{port}"
            await asyncio.to_thread(run.wait_until_up, server, base, ["/health/live"])
            bases.append(base)
        async with httpx.AsyncClient(timeout=10) as client:

            def get(url: str) -> Call:
                async def call() -> None:
                    answer = await client.get(url)
                    if answer.status_code != 200:
                        raise run.HarnessError(f"GET {url} answered {answer.status_code}")

                return call

            p50s: dict[str, list[float]] = {}
            for name, per_database in paths.items():
                calls = [get(base + path) for base, path in zip(bases, per_database, strict=True)]
                p50 = await p50s_in_turn(calls, warmup, samples)
                p50s[name] = [round(value, 2) for value in p50]
            return p50s
