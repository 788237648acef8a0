"""The outbox worker loop: keeps going through failures, logs counts only, stops on request."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from structlog.testing import capture_logs

from application.messaging.dispatch_outbox import DispatchReport
from application.ports import MailDeliveryError
from entrypoints.settings import Settings
from entrypoints.worker import (
    MAX_BACKOFF_SECONDS,
    backoff_seconds,
    run_outbox_worker,
    start_in_process_worker,
)


class ScriptedDispatch:
    """Plays one outcome per run (an exception is raised), then asks the worker to stop."""

    def __init__(self, stop: asyncio.Event, *outcomes: object) -> None:
        self.stop = stop
        self.outcomes = list(outcomes)
        self.runs = 0

    async def __call__(self) -> object:
        self.runs += 1
        outcome = self.outcomes.pop(0) if self.outcomes else DispatchReport()
        if not self.outcomes:
            self.stop.set()
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def _container(dispatch: ScriptedDispatch) -> SimpleNamespace:
    settings = Settings(outbox_poll_seconds=0.001)
    return SimpleNamespace(settings=lambda: settings, dispatch_outbox=lambda: dispatch)


async def test_worker_keeps_running_after_a_mail_outage():
    stop = asyncio.Event()
    dispatch = ScriptedDispatch(
        stop, MailDeliveryError("smtp down"), RuntimeError("db"), DispatchReport(sent=1)
    )

    await run_outbox_worker(_container(dispatch), stop)  # type: ignore[arg-type]

    assert dispatch.runs == 3


async def test_worker_logs_counts_but_never_the_error_text_or_content():
    stop = asyncio.Event()
    dispatch = ScriptedDispatch(
        stop, MailDeliveryError("to ana@example.com"), DispatchReport(sent=2, dead=1)
    )

    with capture_logs() as logs:
        await run_outbox_worker(_container(dispatch), stop)  # type: ignore[arg-type]

    dispatched = [entry for entry in logs if entry["event"] == "outbox_dispatched"]
    failed = [entry for entry in logs if entry["event"] == "outbox_dispatch_failed"]
    assert dispatched == [
        {"event": "outbox_dispatched", "log_level": "info", "sent": 2, "failed": 0, "dead": 1}
    ]
    assert failed[0]["error_type"] == "MailDeliveryError"
    assert "ana@example.com" not in repr(logs)


async def test_worker_logs_nothing_for_an_idle_run():
    stop = asyncio.Event()
    dispatch = ScriptedDispatch(stop, DispatchReport())

    with capture_logs() as logs:
        await run_outbox_worker(_container(dispatch), stop)  # type: ignore[arg-type]

    assert [entry["event"] for entry in logs] == ["outbox_worker_started", "outbox_worker_stopped"]


async def test_in_process_worker_runs_between_startup_and_shutdown():
    ran = asyncio.Event()

    async def run_and_signal() -> object:
        ran.set()
        return DispatchReport()

    container = SimpleNamespace(
        settings=lambda: Settings(outbox_poll_seconds=0.001), dispatch_outbox=lambda: run_and_signal
    )
    startup, shutdown = start_in_process_worker(container)  # type: ignore[arg-type]

    await startup()
    await ran.wait()
    await shutdown()

    assert all(task.get_name() != "outbox" for task in asyncio.all_tasks())


def test_backoff_doubles_per_consecutive_failure_up_to_a_cap():
    assert backoff_seconds(1.0, 0) == 1.0
    assert backoff_seconds(1.0, 1) == 2.0
    assert backoff_seconds(1.0, 3) == 8.0
    assert backoff_seconds(1.0, 30) == MAX_BACKOFF_SECONDS
