"""The plumbing both ways into the system share: the container, frozen time, one event loop."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from dependency_injector import providers

from adapters.clock import FrozenClock
from entrypoints.containers import Container
from entrypoints.settings import Settings

T = TypeVar("T")

# Long enough for HS256 and for the settings rule (at least 32 characters).
SPEC_JWT_SECRET = "bdd-specs-signing-key-0123456789abcdef"


def spec_settings(**overrides: Any) -> Settings:
    """Settings for the specs: fixed signing key, no background worker."""
    values: dict[str, Any] = {
        "app_env": "test",
        "jwt_secret": SPEC_JWT_SECRET,
        "app_url": "http://shop.test",
        "run_worker_in_process": False,
        "database_url": "sqlite+aiosqlite:///:memory:",
        # Scenarios log in many times from one address; the HTTP rate limit has its own tests.
        "rate_limit_enabled": False,
        # Small, so a file one byte over the limit is quick to send.
        "media_max_bytes": 256 * 1024,
    }
    values.update(overrides)
    return Settings(**values)


class System(ABC):
    """One way into the system (use cases or HTTP), shared by every context's driver.

    Time is a frozen clock that moves one second before every action, so events get
    distinct, ordered timestamps as they would in real life. Context drivers override
    container providers in their constructors; `start` runs after all of them.
    """

    kind: str

    def __init__(self, container: Container, clock: FrozenClock | None = None) -> None:
        self.container = container
        self.clock = clock or FrozenClock()
        container.core.clock.override(providers.Object(self.clock))

    @abstractmethod
    def run(self, make: Callable[[], Awaitable[T]]) -> T:
        """Run a coroutine on the loop the container's adapters live on."""

    def start(self) -> None:  # noqa: B027 - optional hook, the use-case system needs none
        """Open whatever must see every override (the HTTP app)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release whatever the system holds."""

    def tick(self) -> None:
        """Let a second pass between actions."""
        self.clock.advance(timedelta(seconds=1))

    def advance_clock(self, delta: timedelta) -> None:
        """Let time pass."""
        self.clock.advance(delta)
