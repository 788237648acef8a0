"""What each OS process of the multi-process counter test runs: kept apart from the test
module so a spawned process imports only the counter store, not the whole test suite."""

from __future__ import annotations

import asyncio
from multiprocessing.synchronize import Event

from adapters.sqlalchemy.counters import SqlCounterStore
from adapters.sqlalchemy.database import create_engine


def hit_from_a_process(url: str, hits: int, ready: Event, start: Event) -> None:
    """Connect, say so, wait for the start signal, then send `hits` concurrent hits."""

    async def work() -> None:
        engine = create_engine(url, pool_size=5)
        try:
            store = SqlCounterStore(engine)
            await store.check()  # connected before the start, so the processes' hits overlap
            ready.set()
            await asyncio.to_thread(start.wait, 30)
            await asyncio.gather(*(store.hit("home") for _ in range(hits)))
        finally:
            await engine.dispose()

    asyncio.run(work())
