"""Where `limits` keeps its counts: Redis when configured (one count shared by every replica),
else this process's memory. The HTTP rate limits and the blog's comment limit both use it."""

from __future__ import annotations

import time

from limits.aio.storage import MemoryStorage, RedisStorage, Storage

# How often expired in-memory counters are dropped; each sweep visits every caller's counters.
_SWEEP_SECONDS = 10.0


def limit_storage(redis_url: str | None, key_prefix: str, timeout: float) -> Storage:
    """Redis when a URL is set, under `key_prefix`, else memory (one process)."""
    if redis_url:
        return RedisStorage(
            f"async+{redis_url}",
            implementation="redispy",  # limits defaults to coredis; redis-py is what we ship
            key_prefix=key_prefix,
            wrap_exceptions=True,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
        )
    return memory_storage()


def memory_storage() -> MemoryStorage:
    """limits' memory storage, dropping expired counters every few seconds: the library starts
    a sweep of every caller's counters after each hit, which made a request cost O(callers)
    (5 ms each with 10,000 callers). Patched on the instance, because a subclass would wrap
    every storage method in one more error-translating layer."""
    storage = MemoryStorage(wrap_exceptions=True)
    sweep = storage._MemoryStorage__schedule_expiry  # type: ignore[attr-defined]
    next_sweep = 0.0

    async def schedule_sweep() -> None:
        nonlocal next_sweep
        now = time.monotonic()
        if now >= next_sweep:
            next_sweep = now + _SWEEP_SECONDS
            await sweep()

    # Shadows the name-mangled private method `MemoryStorage.__schedule_expiry`.
    storage._MemoryStorage__schedule_expiry = schedule_sweep  # type: ignore[attr-defined]
    return storage
