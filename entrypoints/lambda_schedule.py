"""One pass of the background work, for a scheduler that calls it now and then (EventBridge on
Lambda) instead of the worker's loops.

Each part is safe beside another pass running at the same time: outbox batches are claimed
with a lease (a message is sent by whichever pass claimed it), expiry re-reads each order under
a row lock before cancelling it, and the sweep deletes only objects with no row (deleting one
twice is a no-op). A failing part is logged and the others still run; the pass then raises, so
the invocation is recorded as failed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import structlog

from entrypoints.containers import Container
from entrypoints.worker import expire_overdue_orders, sweep_orphan_media

logger = structlog.get_logger("hexashop.schedule")

# Outbox batches one pass delivers at most: enough to drain a burst, bounded so a pass ends.
MAX_OUTBOX_BATCHES = 20


class ScheduledPassFailed(Exception):
    """At least one part of a scheduled pass failed; the message names which."""


@dataclass(frozen=True)
class ScheduledReport:
    """What one pass did."""

    sent: int = 0
    failed: int = 0
    dead: int = 0
    released: int = 0
    expired: int = 0
    swept: int = 0

    def as_dict(self) -> dict[str, int]:
        """The counts, as the Lambda's JSON result."""
        return asdict(self)


async def _deliver_outbox(
    container: Container, stop_requested: Callable[[], bool]
) -> dict[str, int]:
    totals = {"sent": 0, "failed": 0, "dead": 0, "released": 0}
    for _ in range(MAX_OUTBOX_BATCHES):
        if stop_requested():
            break
        report = await container.messaging.dispatch_outbox()(stop_requested=stop_requested)
        for name in totals:
            totals[name] += getattr(report, name)
        # A batch that handled nothing (or was handed back) means nothing more is due now.
        if not report.attempted or report.released:
            break
    return totals


async def run_scheduled_pass(
    container: Container, stop_requested: Callable[[], bool]
) -> ScheduledReport:
    """Deliver due outbox messages, expire overdue orders, sweep orphaned media; raise
    ScheduledPassFailed (after running every part) if any part failed."""
    failures: list[str] = []
    counts: dict[str, int] = {}
    try:
        counts.update(await _deliver_outbox(container, stop_requested))
    except Exception as exc:
        # The type only, as the worker does: database errors can quote addresses.
        logger.error("outbox_dispatch_failed", error_type=type(exc).__name__)
        failures.append("outbox")
    try:
        counts["expired"] = await expire_overdue_orders(container)
    except Exception as exc:
        logger.error("order_expiry_failed", error_type=type(exc).__name__)
        failures.append("order-expiry")
    try:
        counts["swept"] = await sweep_orphan_media(container)
    except Exception as exc:
        logger.error("media_sweep_failed", error_type=type(exc).__name__)
        failures.append("media-sweep")
    report = ScheduledReport(**counts)
    logger.info("scheduled_pass_done", **report.as_dict(), failed_parts=failures)
    if failures:
        raise ScheduledPassFailed(f"scheduled pass failed: {', '.join(failures)}")
    return report
