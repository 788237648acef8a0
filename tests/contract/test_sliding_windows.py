"""Contract: both places hits are counted (memory, Redis) answer alike, and on Redis as limits'
own strategy does, in the keys it reads."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from limits import RateLimitItemPerSecond
from limits.aio.storage import RedisStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from adapters.sliding_windows import (
    MemoryWindows,
    RedisWindows,
    SlidingWindows,
    WindowsUnavailable,
)
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
        windows = RedisWindows(redis_server_url, redis_prefix, timeout=2.0)
        yield windows
        await windows.aclose()


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
    # A hit frees up when this window ends: within EXPIRY seconds, never "now".
    assert all(0 < a.reset_in <= EXPIRY for a in answers)


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


def _limits_on_redis(url: str, prefix: str) -> tuple[Any, Any]:
    storage = RedisStorage(f"async+{url}", implementation="redispy", key_prefix=prefix)
    return SlidingWindowCounterRateLimiter(storage), RateLimitItemPerSecond(3, EXPIRY)


async def test_redis_windows_answer_as_limits_own_strategy_on_redis(
    redis_server_url: str, redis_prefix: str
) -> None:
    ours = RedisWindows(redis_server_url, f"{redis_prefix}:ours", timeout=2.0)
    theirs, item = _limits_on_redis(redis_server_url, f"{redis_prefix}:theirs")
    key = item.key_for("default", "caller")

    for _ in range(5):
        got = await ours.hit(key, 3, EXPIRY)
        allowed = await theirs.hit(item, "default", "caller")
        stats = await theirs.get_window_stats(item, "default", "caller")
        assert (got.allowed, got.remaining) == (allowed, stats.remaining)


async def test_redis_windows_count_in_the_keys_limits_reads(
    redis_server_url: str, redis_prefix: str
) -> None:
    # Replicas of a release still counting through limits share the count during a deploy.
    ours = RedisWindows(redis_server_url, redis_prefix, timeout=2.0)
    theirs, item = _limits_on_redis(redis_server_url, redis_prefix)
    for _ in range(2):
        await ours.hit(item.key_for("default", "caller"), 3, EXPIRY)

    assert (await theirs.get_window_stats(item, "default", "caller")).remaining == 1
    assert await theirs.hit(item, "default", "caller")
    assert not await theirs.hit(item, "default", "caller")
    assert not (await ours.hit(item.key_for("default", "caller"), 3, EXPIRY)).allowed


async def test_an_unreachable_redis_is_reported_as_windows_unavailable() -> None:
    windows = RedisWindows("redis://127.0.0.1:9/0", "nowhere", timeout=0.5)

    with pytest.raises(WindowsUnavailable):
        await windows.hit("caller", 3, EXPIRY)
