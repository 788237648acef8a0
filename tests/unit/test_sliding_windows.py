"""The in-memory sliding windows count exactly as limits' sliding window counter does, and
forget callers whose windows have passed, a few at a time rather than on every hit."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from limits import RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from adapters.sliding_windows import MemoryWindows, WindowCount

LIMIT, EXPIRY = 5, 10
# A quarter of a second into a window: windows start at multiples of EXPIRY since the epoch.
START = 170_000_000 * EXPIRY + 0.25


class Clock:
    """A settable time.time()."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    """time.time() under the test's control, for limits and the windows alike."""
    fake = Clock()
    monkeypatch.setattr(time, "time", fake)
    yield fake


def _timeline() -> Iterator[float]:
    """Offsets from START: bursts, pauses, a window boundary, a window skipped entirely."""
    for step in range(40):
        yield step * 0.35  # 14 s: through the first boundary, a burst past the limit
    for step in range(20):
        yield 16 + step * 1.1  # a slower pace, across two more boundaries
    yield 60.0  # after a silence longer than two windows
    yield 60.1


async def test_memory_windows_count_as_limits_own_strategy_does(clock: Clock) -> None:
    reference = SlidingWindowCounterRateLimiter(MemoryStorage())
    item = RateLimitItemPerSecond(LIMIT, EXPIRY)
    windows = MemoryWindows()

    for offset in _timeline():
        clock.now = START + offset
        expected_allowed = await reference.hit(item, "caller")
        stats = await reference.get_window_stats(item, "caller")
        got = await windows.hit("caller", LIMIT, EXPIRY)

        assert got.allowed == expected_allowed, offset
        assert got.remaining == stats.remaining, offset
        assert got.reset_in == pytest.approx(stats.reset_time - clock.now, abs=1e-6), offset


async def test_a_refused_hit_is_not_counted(clock: Clock) -> None:
    windows = MemoryWindows()
    answers = [await windows.hit("k", 3, EXPIRY) for _ in range(5)]

    assert [(a.allowed, a.remaining) for a in answers] == [
        (True, 2),
        (True, 1),
        (True, 0),
        (False, 0),
        (False, 0),
    ]
    # In the next window the three hits weigh 9.75 / 10 each: 2.925, so one more fits. Had
    # the two refused hits counted, five would weigh 4.875 and it would be refused.
    clock.now += EXPIRY
    late = await windows.hit("k", 3, EXPIRY)
    assert (late.allowed, late.remaining) == (True, 0)


async def test_each_key_is_counted_on_its_own(clock: Clock) -> None:
    windows = MemoryWindows()
    for _ in range(3):
        await windows.hit("a", 3, EXPIRY)

    assert (await windows.hit("a", 3, EXPIRY)).allowed is False
    assert await windows.hit("b", 3, EXPIRY) == WindowCount(True, 2, pytest.approx(EXPIRY - 0.25))


async def test_callers_whose_windows_passed_are_forgotten_by_a_periodic_sweep(
    clock: Clock,
) -> None:
    windows = MemoryWindows()
    for caller in range(1000):
        await windows.hit(f"ip:{caller}", LIMIT, EXPIRY)
    assert len(windows._windows) == 1000

    clock.now += 2 * EXPIRY + 1  # past the window after theirs: they weigh nothing now
    await windows.hit("ip:late", LIMIT, EXPIRY)

    assert list(windows._windows) == ["ip:late"]
