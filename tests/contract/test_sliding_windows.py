"""Contract: both places hits are counted (memory, Redis through limits) answer alike."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from adapters.sliding_windows import MemoryWindows, RedisWindows, SlidingWindows
from tests.support.redis import away_from_window_edge, keys_under

EXPIRY = 60


@pytest.fixture(params=["memory", "redis"])
async def windows(
    request: pytest.FixtureRequest, redis_server_url: str, redis_prefix: str
) -> AsyncIterator[SlidingWindows]:
    """Each kind of windows, Redis under a prefix of the test's own."""
    away_from_window_edge(EXPIRY)
    if request.param == "memory":
        yield MemoryWindows()
    else:
        yield RedisWindows(redis_server_url, redis_prefix, timeout=2.0)


async def test_hits_up_to_the_limit_are_allowed_then_refused_uncounted(
    windows: SlidingWindows,
) -> None:
    answers = [await windows.hit("caller", 3, EXPIRY) for _ in range(5)]

    assert [(a.allowed, a.remaining) for a in answers] == [
        (True, 2),
        (True, 1),
        (True, 0),
        (False, 0),
        (False, 0),
    ]
    # Within the next EXPIRY seconds a hit frees up. (Memory counts to the window's end;
    # Redis, as limits reads it there, from the key's time to live.)
    assert all(0 <= a.reset_in <= EXPIRY for a in answers)


async def test_each_key_has_its_own_window(windows: SlidingWindows) -> None:
    for _ in range(2):
        await windows.hit("first", 2, EXPIRY)

    assert (await windows.hit("first", 2, EXPIRY)).allowed is False
    fresh = await windows.hit("second", 2, EXPIRY)
    assert (fresh.allowed, fresh.remaining) == (True, 1)


async def test_a_concurrent_burst_is_allowed_exactly_the_limit(windows: SlidingWindows) -> None:
    answers = await asyncio.gather(*(windows.hit("burst", 5, EXPIRY) for _ in range(12)))

    assert sum(a.allowed for a in answers) == 5
    # Counting and reading the window are two round trips on Redis: a hit may read the
    # window after later hits were counted, so `remaining` never overstates what is left.
    assert all(0 <= a.remaining <= 4 for a in answers)


async def test_redis_windows_count_in_redis_under_the_prefix(
    redis_server_url: str, redis_prefix: str
) -> None:
    windows = RedisWindows(redis_server_url, redis_prefix, timeout=2.0)
    await windows.hit("caller", 3, EXPIRY)

    assert keys_under(redis_server_url, redis_prefix)
