"""The Lambda way in (`--driver=lambda`): the HTTP drivers' requests, each turned into an API
Gateway HTTP API event and answered by the Lambda handler's runtime, on a migrated SQLite file."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx

from adapters.clock import FrozenClock
from entrypoints.lambda_handler import LambdaRuntime
from tests.bdd.shared.http import CLIENT_ADDRESS_HEADER, HttpSystem
from tests.support.lambda_events import LambdaTransport

T = TypeVar("T")


class LambdaSystem(HttpSystem):
    """The HTTP system, with Lambda invocations instead of an ASGI test client: the drivers are
    the HTTP ones, and the spec's client address becomes requestContext's source IP."""

    def __init__(self, folder: Path, template: Path, clock: FrozenClock | None = None) -> None:
        super().__init__(folder, template, clock)
        self._runtime: LambdaRuntime | None = None
        self._lambda_client: httpx.Client | None = None

    def start(self) -> None:
        """Build the runtime (as a first invocation would) with every override in place."""
        self._runtime = LambdaRuntime(self.container)
        transport = LambdaTransport(self._runtime, source_ip_header=CLIENT_ADDRESS_HEADER.decode())
        self._lambda_client = httpx.Client(transport=transport, base_url="https://api.example")

    @property
    def client(self) -> Any:
        """An httpx client whose every request is one invocation of the API handler."""
        assert self._lambda_client is not None, "the Lambda system was not started"
        return self._lambda_client

    def run(self, make: Callable[[], Awaitable[T]]) -> T:
        """Run a coroutine on the runtime's loop, where its database engine lives."""

        async def call() -> T:
            return await make()

        assert self._runtime is not None, "the Lambda system was not started"
        return self._runtime.run(call())

    def close(self) -> None:
        """Close the runtime (its container's pools, then its loop)."""
        if self._runtime is not None:
            self._runtime.close()
