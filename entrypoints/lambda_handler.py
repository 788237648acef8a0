"""AWS Lambda entrypoints: the HTTP API through Mangum (`handler`), and one pass of the
background work for an EventBridge schedule (`scheduled_handler`).

Mangum would enter the ASGI lifespan on every invocation (Kludex/mangum#342), so it runs with
`lifespan="off"` and nothing here depends on startup hooks: the container, the app and one event
loop are built on the first invocation of an execution environment and reused by the later ones
(the database pool is bound to that loop). The in-process worker never runs on Lambda; the
schedule does its work instead. Migrations are not applied here: `hexashop db upgrade` runs once
per release.

API Gateway's HTTP API (payload 2.0) and REST API (1.0) events are both understood. Mangum sets
the ASGI client to `requestContext`'s source IP, the address API Gateway saw, which is what the
rate limits count against (an `X-Forwarded-For` sent by the caller is never read).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar, cast

import structlog
from mangum import Mangum

from entrypoints.containers import Container, close_container, create_container
from entrypoints.http.app import create_app
from entrypoints.http.logging import configure_logging
from entrypoints.lambda_schedule import ScheduledReport, run_scheduled_pass
from entrypoints.settings import load_settings

logger = structlog.get_logger("hexashop.lambda")

T = TypeVar("T")
# Stop starting new outbox batches when less than this is left of the invocation's time.
SCHEDULE_MARGIN_MILLIS = 15_000


class LambdaRuntime:
    """One execution environment's container, app, Mangum adapter and event loop."""

    def __init__(self, container: Container) -> None:
        self.container = container
        settings = container.settings()
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        self.app = create_app(container)
        self.adapter = Mangum(
            # Mangum types the app with its own looser ASGI protocol than Litestar's.
            cast(Any, self.app),
            lifespan="off",
            api_gateway_base_path=settings.api_gateway_base_path,
        )

    def _run(self, work: Callable[[], T]) -> T:
        # Mangum runs the app on `asyncio.get_event_loop()`: make that ours, every time, so the
        # pool opened on the first invocation serves the later ones.
        asyncio.set_event_loop(self.loop)
        return work()

    def http(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        """Answer one API Gateway event with the Litestar app."""
        return self._run(lambda: self.adapter(event, context))

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on this environment's loop (the container's pool lives there)."""
        return self._run(lambda: self.loop.run_until_complete(coroutine))

    def close(self) -> None:
        """Close the container's pools and clients, then the loop."""
        self.run(close_container(self.container))
        self.loop.close()
        asyncio.set_event_loop(None)

    def scheduled(self, event: dict[str, Any], context: Any) -> dict[str, int]:
        """One pass of outbox delivery, order expiry and the media orphan sweep."""

        def out_of_time() -> bool:
            remaining = getattr(context, "get_remaining_time_in_millis", None)
            return remaining is not None and remaining() < SCHEDULE_MARGIN_MILLIS

        report: ScheduledReport = self.run(run_scheduled_pass(self.container, out_of_time))
        return report.as_dict()


_runtime: LambdaRuntime | None = None


def runtime() -> LambdaRuntime:
    """This execution environment's runtime, built from the environment on first use."""
    global _runtime
    if _runtime is None:
        settings = load_settings()
        configure_logging(settings.log_level)
        _runtime = LambdaRuntime(create_container(settings))
        logger.info("lambda_runtime_built")
    return _runtime


def reset_runtime() -> None:
    """Close and forget the built runtime, so the next invocation builds a new one (tests)."""
    global _runtime
    if _runtime is not None:
        _runtime.close()
    _runtime = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The API function: an API Gateway (HTTP API or REST API) event in, its response out."""
    return runtime().http(event, context)


def scheduled_handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    """The scheduled function: one pass of the background work; raises if a part failed."""
    return runtime().scheduled(event, context)
