"""Exactness: 1,000 concurrent hits on one counter add exactly 1,000, on SQLite and Postgres
(one process, through the production engine and its bounded pool), and on Postgres from four
OS processes at once."""

from __future__ import annotations

import asyncio
import multiprocessing
from pathlib import Path

import pytest

from adapters.sqlalchemy.counters import SqlCounterStore
from adapters.sqlalchemy.database import create_engine
from tests.concurrency.conftest import BACKENDS, _database_url
from tests.concurrency.counter_worker import hit_from_a_process

HITS = 1000
PROCESSES = 4


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_thousand_concurrent_hits_add_exactly_a_thousand(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    engine = create_engine(await _database_url(backend, request, tmp_path), pool_size=10)
    store = SqlCounterStore(engine)
    try:
        counts = await asyncio.gather(*(store.hit("home") for _ in range(HITS)))
        final = await store.get("home")
    finally:
        await engine.dispose()

    # Every hit saw its own count: none was lost or counted twice.
    assert sorted(counts) == list(range(1, HITS + 1))
    assert final == HITS


async def test_hits_from_four_processes_on_postgres_add_exactly_their_sum(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = await _database_url("postgres", request, tmp_path)
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    ready = [context.Event() for _ in range(PROCESSES)]
    workers = [
        context.Process(target=hit_from_a_process, args=(url, HITS // PROCESSES, r, start))
        for r in ready
    ]
    for worker in workers:
        worker.start()
    for event in ready:
        assert await asyncio.to_thread(event.wait, 60)
    start.set()
    for worker in workers:
        await asyncio.to_thread(worker.join, 60)

    engine = create_engine(url)
    try:
        final = await SqlCounterStore(engine).get("home")
    finally:
        await engine.dispose()
    assert [w.exitcode for w in workers] == [0] * PROCESSES
    assert final == HITS
