"""A small in-process circuit breaker per provider, and a mailer guarded by one.

After `failure_threshold` consecutive failures the breaker opens: calls fail at once with
ServiceUnavailable (and a retry-after) without reaching the provider. Once `cooldown_seconds`
have passed one probe call is let through (half-open); its success closes the breaker, its
failure opens it for another cool-down. State is per process, as are the connections it guards.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import TypeVar

from application.messaging.ports import Mailer
from domain.errors import ServiceUnavailable
from domain.messages import EmailMessage

T = TypeVar("T")


class CircuitState(StrEnum):
    """Where a breaker stands."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


def _always(_exc: Exception) -> bool:
    return True


class CircuitBreaker:
    """Counts consecutive failures of one provider and stops calling it while it is down."""

    def __init__(
        self,
        name: str,
        failure_threshold: int = 5,
        cooldown_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self._threshold = failure_threshold
        self._cooldown = cooldown_seconds
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> CircuitState:
        """Closed, open, or half-open (cool-down over: the next call is a probe)."""
        if self._opened_at is None:
            return CircuitState.CLOSED
        if self._probing or self._clock() >= self._opened_at + self._cooldown:
            return CircuitState.HALF_OPEN
        return CircuitState.OPEN

    async def call(
        self,
        operation: Callable[[], Awaitable[T]],
        is_failure: Callable[[Exception], bool] = _always,
    ) -> T:
        """Run `operation` unless the breaker is open; an error `is_failure` says is the
        provider's fault counts against it, any other answer proves it reachable."""
        self._admit()
        try:
            result = await operation()
        except Exception as exc:
            if is_failure(exc):
                self._record_failure()
            else:
                self._record_success()
            raise
        except BaseException:
            self._probing = False  # cancelled: no verdict, let the next call probe
            raise
        self._record_success()
        return result

    def _admit(self) -> None:
        if self._opened_at is None:
            return
        remaining = self._opened_at + self._cooldown - self._clock()
        if remaining <= 0 and not self._probing:
            self._probing = True
            return
        raise ServiceUnavailable(
            f"{self.name} is unavailable", retry_after_seconds=max(1, math.ceil(remaining))
        )

    def _record_success(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._probing = False

    def _record_failure(self) -> None:
        self._failures += 1
        if self._probing or self._failures >= self._threshold:
            self._opened_at = self._clock()
        self._probing = False


class GuardedMailer:
    """A mailer behind a breaker: while it is open `send` raises ServiceUnavailable at once,
    and the outbox dispatcher leaves the messages due."""

    def __init__(self, mailer: Mailer, breaker: CircuitBreaker) -> None:
        self._mailer = mailer
        self._breaker = breaker

    async def send(self, message: EmailMessage) -> str:
        """Send through the breaker."""
        return await self._breaker.call(lambda: self._mailer.send(message))

    async def check(self) -> None:
        """The transport's own probe, bypassing the breaker (readiness reports both)."""
        await self._mailer.check()
