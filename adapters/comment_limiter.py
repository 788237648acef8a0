"""The blog's comment limit on a sliding window counter (adapters/sliding_windows.py): in
Redis when configured (one count shared by every replica), else in this process's memory."""

from __future__ import annotations

import math

import structlog
from limits import RateLimitItemPerSecond

from adapters.sliding_windows import SlidingWindows, WindowsUnavailable

logger = structlog.get_logger("hexashop.blog")

_NAMESPACE = "comments"


class LimitsCommentLimiter:
    """Counts comments per key in a sliding window; fails open when Redis is unreachable
    (a Redis outage must not stop people commenting; the log says so)."""

    def __init__(self, windows: SlidingWindows) -> None:
        self._windows = windows

    async def aclose(self) -> None:
        """Close the connections to Redis, at shutdown."""
        await self._windows.aclose()

    async def hit(self, key: str, limit: int, window_seconds: int) -> int | None:
        """None when allowed (and counted), else the seconds until one more is allowed."""
        # The key as limits builds it, so Redis keys stay those of earlier releases.
        counted_as = RateLimitItemPerSecond(limit, window_seconds).key_for(_NAMESPACE, key)
        try:
            count = await self._windows.hit(counted_as, limit, window_seconds)
        except WindowsUnavailable as exc:
            logger.warning("comment_limit_storage_unavailable", error=repr(exc))
            return None
        if count.allowed:
            return None
        # floor + 1, not ceil: at exactly the reset the window still counts the old hits, so
        # a wait that ends on the boundary would be refused once more.
        return max(1, math.floor(count.reset_in) + 1)
