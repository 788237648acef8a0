"""The outbox worker: delivers queued emails until told to stop, through any mail outage."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import structlog

if TYPE_CHECKING:
    from entrypoints.container import Container

logger = structlog.get_logger("hexashop.worker")

# After a failed dispatch run the pause doubles up to this cap, so an outage is not hammered.
MAX_BACKOFF_SECONDS = 60.0
# How long shutdown waits for a dispatch run in flight before cancelling it.
SHUTDOWN_GRACE_SECONDS = 5.0


def backoff_seconds(poll_seconds: float, consecutive_failures: int) -> float:
    """The pause before the next run: the poll interval, doubled per consecutive failure."""
    if consecutive_failures <= 0:
        return poll_seconds
    return float(min(poll_seconds * 2**consecutive_failures, MAX_BACKOFF_SECONDS))


async def _sleep_unless_stopped(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


async def run_outbox_worker(container: Container, stop: asyncio.Event) -> None:
    """Dispatch the outbox every `outbox_poll_seconds` until `stop` is set.

    A failing run (mail outage, database hiccup) is logged and retried after a backoff;
    it never ends the loop.
    """
    poll_seconds = container.settings().outbox_poll_seconds
    failures = 0
    logger.info("outbox_worker_started", poll_seconds=poll_seconds)
    while not stop.is_set():
        try:
            report = await container.dispatch_outbox()()
        except Exception as exc:
            failures += 1
            # The type only at error level: database errors can quote addresses or SQL
            # parameters. The traceback is there for whoever turns on DEBUG.
            logger.error(
                "outbox_dispatch_failed",
                error_type=type(exc).__name__,
                consecutive_failures=failures,
            )
            logger.debug("outbox_dispatch_failure_detail", exc_info=True)
        else:
            failures = 0
            if report.attempted:
                # Counts only: message bodies carry single-use tokens.
                logger.info(
                    "outbox_dispatched", sent=report.sent, failed=report.failed, dead=report.dead
                )
        await _sleep_unless_stopped(stop, backoff_seconds(poll_seconds, failures))
    logger.info("outbox_worker_stopped")


Hook = Callable[[], Awaitable[None]]


def start_in_process_worker(container: Container) -> tuple[Hook, Hook]:
    """Startup and shutdown hooks that run the outbox worker as a task of the web app."""
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []

    async def startup() -> None:
        """Start the worker task (inside the server's event loop)."""
        stop.clear()
        tasks.append(asyncio.create_task(run_outbox_worker(container, stop), name="outbox"))

    async def shutdown() -> None:
        """Ask the worker to stop and wait for the run in flight, then cancel it."""
        stop.set()
        while tasks:
            task = tasks.pop()
            try:
                await asyncio.wait_for(task, timeout=SHUTDOWN_GRACE_SECONDS)
            except TimeoutError:
                logger.warning("outbox_worker_cancelled")

    return startup, shutdown
