"""The in-memory rate-limit storage sweeps expired counters now and then, not per request."""

from __future__ import annotations

import asyncio

from limits import parse
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from adapters.limit_storage import memory_storage


async def test_hits_from_many_callers_start_one_sweep_not_one_each() -> None:
    storage = memory_storage()
    limiter = SlidingWindowCounterRateLimiter(storage)
    rate = parse("300/minute")
    sweeps = set()
    for caller in range(200):
        assert await limiter.hit(rate, "default", f"ip:{caller}")
        sweeps.add(id(storage.timer))
        await asyncio.sleep(0)  # let a sweep run, as the event loop would between requests

    # limits itself starts a sweep of every counter after each hit: O(callers) per request.
    assert len(sweeps) == 1
