"""The background worker: delivers queued emails, expires unpaid orders and sweeps orphaned
media objects until told to stop.

Three loops with their own timing share one stop event: the outbox is polled every
`outbox_poll_seconds`, overdue orders are expired every `order_expiry_interval_seconds`, and
stored objects without a row are swept every quarter of `media_orphan_age_seconds`. None ends
on a failure; each logs it and tries again on its next turn.

On stop, a dispatch run finishes the message it is sending and hands the rest of its batch
back; expiry finishes its batch. Whatever is still running `shutdown_grace_seconds` after the
stop is cancelled (a message cut mid-send is re-sent once its lease expires).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import structlog

if TYPE_CHECKING:
    from entrypoints.containers import Container

logger = structlog.get_logger("hexashop.worker")

# After a failed dispatch run the pause doubles up to this cap, so an outage is not hammered.
MAX_BACKOFF_SECONDS = 60.0


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
            report = await container.messaging.dispatch_outbox()(stop_requested=stop.is_set)
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
            if report.attempted or report.released:
                # Counts only: message bodies carry single-use tokens.
                logger.info(
                    "outbox_dispatched",
                    sent=report.sent,
                    failed=report.failed,
                    dead=report.dead,
                    released=report.released,
                )
        await _sleep_unless_stopped(stop, backoff_seconds(poll_seconds, failures))
    logger.info("outbox_worker_stopped")


async def expire_overdue_orders(container: Container, stop: asyncio.Event | None = None) -> int:
    """Expire every overdue pending order, batch after batch (until `stop`); how many expired."""
    total = 0
    # ExpireOrders handles one batch per call: repeat until a batch finds nothing, so a backlog
    # (after downtime) drains in one turn. It terminates: an expired order is no longer pending.
    while not (stop and stop.is_set()) and (expired := await container.ordering.expire_orders()()):
        total += expired
    return total


async def run_expiry_worker(container: Container, stop: asyncio.Event) -> None:
    """Expire overdue orders now and then every `order_expiry_interval_seconds` until `stop`.

    A failing run is logged and retried on the next turn; it never ends the loop.
    """
    interval = container.settings().order_expiry_interval_seconds
    logger.info("order_expiry_started", interval_seconds=interval)
    while not stop.is_set():
        try:
            expired = await expire_overdue_orders(container, stop)
        except Exception as exc:
            # As for the outbox: the type only, the traceback at DEBUG.
            logger.error("order_expiry_failed", error_type=type(exc).__name__)
            logger.debug("order_expiry_failure_detail", exc_info=True)
        else:
            if expired:
                logger.info("orders_expired", count=expired)
        await _sleep_unless_stopped(stop, interval)
    logger.info("order_expiry_stopped")


async def sweep_orphan_media(container: Container) -> int:
    """Delete the stored objects no file refers to, older than the orphan age; how many."""
    return int(await container.media.sweep_orphan_media()())


def media_sweep_interval(orphan_age_seconds: float) -> float:
    """How often to sweep: four times per orphan age, so an orphan lives at most 1.25 ages
    (an hour and a quarter by default), and at least a minute apart."""
    return max(60.0, orphan_age_seconds / 4)


async def run_media_sweep_worker(container: Container, stop: asyncio.Event) -> None:
    """Sweep orphaned media objects now and then every `media_sweep_interval` until `stop`.

    A failing run (storage unreachable) is logged and retried on the next turn.
    """
    interval = media_sweep_interval(container.settings().media_orphan_age_seconds)
    logger.info("media_sweep_started", interval_seconds=interval)
    while not stop.is_set():
        try:
            deleted = await sweep_orphan_media(container)
        except Exception as exc:
            logger.error("media_sweep_failed", error_type=type(exc).__name__)
            logger.debug("media_sweep_failure_detail", exc_info=True)
        else:
            if deleted:
                logger.info("orphaned_media_deleted", count=deleted)
        await _sleep_unless_stopped(stop, interval)
    logger.info("media_sweep_stopped")


async def _wind_down(tasks: list[asyncio.Task[None]], grace_seconds: int) -> None:
    """Wait up to `grace_seconds` for the (already told to stop) loops, then cancel the rest."""
    if not tasks:
        return
    _, late = await asyncio.wait(tasks, timeout=grace_seconds)
    for task in late:
        logger.warning("worker_task_cancelled", task=task.get_name())
        task.cancel()
    await asyncio.gather(*late, return_exceptions=True)


def _start_loops(container: Container, stop: asyncio.Event) -> list[asyncio.Task[None]]:
    return [
        asyncio.create_task(run_outbox_worker(container, stop), name="outbox"),
        asyncio.create_task(run_expiry_worker(container, stop), name="order-expiry"),
        asyncio.create_task(run_media_sweep_worker(container, stop), name="media-sweep"),
    ]


async def run_worker(container: Container, stop: asyncio.Event) -> None:
    """Run the outbox, order-expiry and media-sweep loops side by side until `stop` is set,
    then give the runs in flight `shutdown_grace_seconds` to finish."""
    tasks = _start_loops(container, stop)
    stopping = asyncio.create_task(stop.wait())
    # A loop ending on its own can only be a bug (they catch every failure): stop the other too.
    await asyncio.wait([stopping, *tasks], return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    stop.set()
    await _wind_down(tasks, container.settings().shutdown_grace_seconds)
    for task in tasks:
        if not task.cancelled() and (error := task.exception()) is not None:
            raise error


Hook = Callable[[], Awaitable[None]]


def start_in_process_worker(container: Container) -> tuple[Hook, Hook]:
    """Startup and shutdown hooks that run the worker loops as tasks of the web app."""
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []

    async def startup() -> None:
        """Start the worker tasks (inside the server's event loop)."""
        stop.clear()
        tasks.extend(_start_loops(container, stop))

    async def shutdown() -> None:
        """Ask the loops to stop, give the runs in flight the grace, then cancel them."""
        stop.set()
        await _wind_down(tasks, container.settings().shutdown_grace_seconds)
        tasks.clear()

    return startup, shutdown
