"""Watch Postgres row locks, to prove a transaction really waits for another one."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from tests.support.databases import UnitOfWorkFactory

# How long to keep looking for a blocked transaction before declaring there is none.
_POLLS = 500
_POLL_INTERVAL = 0.01


async def wait_for_lock_waiters(factory: UnitOfWorkFactory, count: int = 1) -> None:
    """Return once `count` sessions of this database wait on a lock; fail if none ever does."""
    if factory.backend != "postgres" or factory.engine is None:
        raise ValueError("lock waits are only observable on Postgres")
    query = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    for _ in range(_POLLS):
        async with factory.engine.connect() as conn:
            if (await conn.execute(query)).scalar_one() >= count:
                return
        await asyncio.sleep(_POLL_INTERVAL)
    raise AssertionError(f"no {count} session(s) ever waited on a lock")
