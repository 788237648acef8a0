"""The blog's comment limit on `limits`' sliding window counter: in Redis when configured
(one count shared by every replica), else in this process's memory."""

from __future__ import annotations

import math
import time

import structlog
from limits import RateLimitItemPerSecond
from limits.aio.storage import Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.errors import StorageError

logger = structlog.get_logger("hexashop.blog")

_NAMESPACE = "comments"
_ERRORS = (StorageError, OSError, TimeoutError)


class LimitsCommentLimiter:
    """Counts comments per key in a sliding window; fails open when Redis is unreachable
    (a Redis outage must not stop people commenting; the log says so)."""

    def __init__(self, storage: Storage) -> None:
        self._limiter = SlidingWindowCounterRateLimiter(storage)

    async def hit(self, key: str, limit: int, window_seconds: int) -> int | None:
        """None when allowed (and counted), else the seconds until one more is allowed."""
        item = RateLimitItemPerSecond(limit, window_seconds)
        try:
            if await self._limiter.hit(item, _NAMESPACE, key):
                return None
            stats = await self._limiter.get_window_stats(item, _NAMESPACE, key)
        except _ERRORS as exc:
            logger.warning("comment_limit_storage_unavailable", error=repr(exc))
            return None
        # floor + 1, not ceil: at exactly reset_time the limits library still counts the
        # old window, so a wait that ends on the boundary would be refused once more.
        return max(1, math.floor(stats.reset_time - time.time()) + 1)
