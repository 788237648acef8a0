"""Sliding window counters for the HTTP rate limits and the blog's comment limit: in Redis when
configured (one count shared by every replica, a hit one atomic script), else in this process's
memory. `limits` gives the rate syntax and the keys.

Both count as limits' sliding window counter does: the current window's hits plus the previous
window's, weighted by how much of that window still lies within the last `expiry` seconds. A
refused hit is not counted.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import NamedTuple, Protocol

import redis.asyncio as redis
from limits import parse
from redis.exceptions import RedisError

# How often expired in-memory windows are dropped; each sweep visits every caller's window.
_SWEEP_SECONDS = 10.0
# Callers whose storage key a Limit remembers; cleared when full (rebuilding a key is cheap).
_KEYS_KEPT = 4096


class WindowCount(NamedTuple):
    """One counted hit: whether it was allowed, how many are left, seconds to the next reset."""

    allowed: bool
    remaining: int
    reset_in: float


class SlidingWindows(Protocol):
    """Where hits are counted."""

    async def hit(self, key: str, limit: int, expiry: int) -> WindowCount:
        """Count one hit on `key` unless `limit` hits already fill its last `expiry` seconds."""
        ...

    async def aclose(self) -> None:
        """Release connections, at shutdown."""
        ...


def _window_count(
    allowed: bool,
    limit: int,
    expiry: int,
    previous: int,
    previous_ttl: float,
    current: int,
    current_ttl: float,
) -> WindowCount:
    """What is left and when the next hit frees up, from a window as limits' storages report
    it: its SlidingWindowCounterRateLimiter.get_window_stats (limits 5), except that the
    current window ends when its time to live is down to `expiry` (when it becomes the
    previous one). limits takes that time modulo `expiry`, which says 0 when the window has
    just begun: on Redis, after every first hit of a window."""
    remaining = max(0, limit - math.floor(previous * previous_ttl / expiry + current))
    if not (previous or current):
        return WindowCount(allowed, remaining, 0.0)
    previous_reset = previous_ttl % (expiry / previous) if previous else math.inf
    current_reset = math.inf
    if current:
        current_reset = current_ttl - expiry if current_ttl > expiry else current_ttl
    return WindowCount(allowed, remaining, min(previous_reset, current_reset))


class WindowsUnavailable(Exception):
    """Redis could not be reached (or answered with an error) while counting a hit: the one
    error windows raise (RedisWindows translates the client's and the socket's)."""


# One hit on a sliding window in one round trip: limits' acquire_sliding_window.lua (limits 5),
# returning the window after the hit as its sliding_window.lua reads it, which the library
# would send as a second script. Same keys, same arithmetic; times in milliseconds.
# KEYS: the previous window's key, the current window's. ARGV: limit, expiry in s, amount.
_HIT_SCRIPT = """
local limit = tonumber(ARGV[1])
local expiry = tonumber(ARGV[2]) * 1000
local amount = tonumber(ARGV[3])

local current_ttl = tonumber(redis.call('pttl', KEYS[2]))
if current_ttl > 0 and current_ttl < expiry then
    -- the current window has ended: it becomes the previous one
    redis.call('rename', KEYS[2], KEYS[1])
    redis.call('set', KEYS[2], 0, 'PX', current_ttl + expiry)
end

local previous_count = tonumber(redis.call('get', KEYS[1])) or 0
local previous_ttl = tonumber(redis.call('pttl', KEYS[1])) or 0
local current_count = tonumber(redis.call('get', KEYS[2])) or 0
current_ttl = tonumber(redis.call('pttl', KEYS[2])) or 0
if previous_ttl <= 0 then previous_ttl = 0 end
if current_ttl <= 0 then current_ttl = 0 end

local weighted = math.floor(previous_count * previous_ttl / expiry) + current_count
local allowed = 0
if amount <= limit and weighted + amount <= limit then
    allowed = 1
    if redis.call('exists', KEYS[2]) == 1 then
        current_count = redis.call('incrby', KEYS[2], amount)
    else
        redis.call('set', KEYS[2], amount, 'PX', expiry * 2)
        current_count = amount
        current_ttl = expiry * 2
    end
end
return {allowed, previous_count, previous_ttl, current_count, current_ttl}
"""


class RedisWindows:
    """Windows in Redis, shared by every replica: a hit is one Lua script, atomic on the
    server, that counts it and reads the window back. The keys are those of limits'
    RedisStorage under the same prefix, so replicas of an earlier release count alike."""

    def __init__(self, redis_url: str, key_prefix: str, timeout: float) -> None:
        self._client = redis.Redis.from_url(
            redis_url, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        self._hit = self._client.register_script(_HIT_SCRIPT)
        self._prefix = key_prefix

    async def hit(self, key: str, limit: int, expiry: int) -> WindowCount:
        """Count one hit (see SlidingWindows); WindowsUnavailable when Redis fails."""
        current = f"{self._prefix}:{{{key}}}"  # braces: both keys on one cluster node
        try:
            answer = await self._hit(keys=[f"{current}/-1", current], args=[limit, expiry, 1])
        except (RedisError, OSError) as exc:
            raise WindowsUnavailable(repr(exc)) from exc
        allowed, previous, previous_ms, now_count, current_ms = (int(n) for n in answer)
        return _window_count(
            bool(allowed), limit, expiry, previous, previous_ms / 1000, now_count, current_ms / 1000
        )

    async def aclose(self) -> None:
        """Close the connections to Redis."""
        await self._client.aclose()


class MemoryWindows:
    """Windows in this process's memory: per key, the current window's number and the counts
    of it and the one before, so a hit is a dict lookup and some arithmetic.

    limits' own memory storage spends about 10 wrapped coroutine calls on a hit (30 µs per
    request on this server) and sweeps every counter after each one unless patched; windows
    older than the previous one are dropped here every _SWEEP_SECONDS instead.
    """

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        self._clock = clock  # None: time.time, looked up on each hit
        # key -> (window number, previous window's hits, current window's hits, expiry)
        self._windows: dict[str, tuple[int, int, int, int]] = {}
        self._next_sweep = 0.0

    async def hit(self, key: str, limit: int, expiry: int) -> WindowCount:
        """Count one hit (see SlidingWindows)."""
        now = self._clock() if self._clock is not None else time.time()
        number = int(now // expiry)
        previous = current = 0
        kept = self._windows.get(key)
        if kept is not None:
            if kept[0] == number:
                previous, current = kept[1], kept[2]
            elif kept[0] == number - 1:
                previous = kept[2]
        into = now - number * expiry  # seconds into the current window
        previous_ttl = expiry - into if previous else 0.0
        allowed = math.floor(previous * previous_ttl / expiry + current) + 1 <= limit
        if allowed:
            current += 1
            self._windows[key] = (number, previous, current, expiry)
        if now >= self._next_sweep:
            self._sweep(now)
        return _window_count(
            allowed, limit, expiry, previous, previous_ttl, current, 2 * expiry - into
        )

    async def aclose(self) -> None:
        """Nothing to release."""

    def _sweep(self, now: float) -> None:
        self._next_sweep = now + _SWEEP_SECONDS
        stale = [k for k, w in self._windows.items() if w[0] < int(now // w[3]) - 1]
        for key in stale:
            del self._windows[key]


def sliding_windows(redis_url: str | None, key_prefix: str, timeout: float) -> SlidingWindows:
    """Redis when a URL is set, under `key_prefix`, else memory (one process)."""
    if redis_url:
        return RedisWindows(redis_url, key_prefix, timeout)
    return MemoryWindows()


class Limit:
    """A named rate, e.g. `auth`: 20 hits a minute per caller, counted on `windows`."""

    def __init__(self, windows: SlidingWindows, name: str, rate: str) -> None:
        self.name = name
        self.rate = parse(rate)
        self._windows = windows
        self._amount = self.rate.amount
        self._expiry = self.rate.get_expiry()
        # Keys as limits builds them, so Redis keys stay those of earlier releases.
        self._keys: dict[str, str] = {}

    async def hit(self, caller: str) -> WindowCount:
        """Count one hit of `caller`."""
        key = self._keys.get(caller)
        if key is None:
            if len(self._keys) >= _KEYS_KEPT:
                self._keys.clear()
            key = self._keys[caller] = self.rate.key_for(self.name, caller)
        return await self._windows.hit(key, self._amount, self._expiry)
