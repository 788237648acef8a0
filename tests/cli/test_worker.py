"""The worker loops (outbox, order expiry, media sweep): keep going through failures, log
counts only, keep their own timing, stop on request."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from structlog.testing import capture_logs

from application.messaging.dispatch_outbox import DispatchReport
from application.messaging.ports import MailDeliveryError
from entrypoints.settings import Settings
from entrypoints.worker import (
    MAX_BACKOFF_SECONDS,
    backoff_seconds,
    expire_overdue_orders,
    media_sweep_interval,
    run_expiry_worker,
    run_media_sweep_worker,
    run_outbox_worker,
    run_worker,
    start_in_process_worker,
)


class ScriptedDispatch:
    """Plays one outcome per run (an exception is raised), then asks the worker to stop."""

    def __init__(self, stop: asyncio.Event, *outcomes: object) -> None:
        self.stop = stop
        self.outcomes = list(outcomes)
        self.runs = 0

    async def __call__(self, stop_requested: object = None) -> object:
        self.runs += 1
        outcome = self.outcomes.pop(0) if self.outcomes else DispatchReport()
        if not self.outcomes:
            self.stop.set()
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


async def _sweep_nothing() -> int:
    return 0


def _container(dispatch: ScriptedDispatch) -> SimpleNamespace:
    settings = Settings(outbox_poll_seconds=0.001)
    return SimpleNamespace(
        settings=lambda: settings, messaging=SimpleNamespace(dispatch_outbox=lambda: dispatch)
    )


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
        {
            "event": "outbox_dispatched",
            "log_level": "info",
            "sent": 2,
            "failed": 0,
            "dead": 1,
            "released": 0,
        }
    ]
    assert failed[0]["error_type"] == "MailDeliveryError"
    assert "ana@example.com" not in repr(logs)


async def test_worker_logs_nothing_for_an_idle_run():
    stop = asyncio.Event()
    dispatch = ScriptedDispatch(stop, DispatchReport())

    with capture_logs() as logs:
        await run_outbox_worker(_container(dispatch), stop)  # type: ignore[arg-type]

    assert [entry["event"] for entry in logs] == ["outbox_worker_started", "outbox_worker_stopped"]


async def test_in_process_worker_runs_every_loop_between_startup_and_shutdown():
    dispatched, expired, swept = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def dispatch_and_signal(stop_requested: object = None) -> object:
        dispatched.set()
        return DispatchReport()

    async def expire_and_signal() -> int:
        expired.set()
        return 0

    async def sweep_and_signal() -> int:
        swept.set()
        return 0

    container = SimpleNamespace(
        settings=lambda: Settings(outbox_poll_seconds=0.001),
        messaging=SimpleNamespace(dispatch_outbox=lambda: dispatch_and_signal),
        ordering=SimpleNamespace(expire_orders=lambda: expire_and_signal),
        media=SimpleNamespace(sweep_orphan_media=lambda: sweep_and_signal),
    )
    startup, shutdown = start_in_process_worker(container)  # type: ignore[arg-type]

    await startup()
    await dispatched.wait()
    await expired.wait()
    await swept.wait()
    await shutdown()

    tasks = {t.get_name() for t in asyncio.all_tasks()}
    assert {"outbox", "order-expiry", "media-sweep"}.isdisjoint(tasks)


class ScriptedExpiry:
    """Plays one count per call (an exception is raised); stops the worker after `turns`
    calls that found nothing, i.e. after that many scheduled turns."""

    def __init__(self, stop: asyncio.Event, *outcomes: object, turns: int = 1) -> None:
        self.stop = stop
        self.outcomes = list(outcomes)
        self.calls = 0
        self.idle_turns_left = turns

    async def __call__(self) -> int:
        self.calls += 1
        outcome = self.outcomes.pop(0) if self.outcomes else 0
        if isinstance(outcome, Exception):
            raise outcome
        assert isinstance(outcome, int)
        if outcome == 0:
            self.idle_turns_left -= 1
            if self.idle_turns_left <= 0:
                self.stop.set()
        return outcome


def _expiry_container(expiry: ScriptedExpiry, interval: float = 0.001) -> SimpleNamespace:
    settings = Settings(order_expiry_interval_seconds=interval)
    return SimpleNamespace(
        settings=lambda: settings, ordering=SimpleNamespace(expire_orders=lambda: expiry)
    )


async def test_expiry_drains_every_overdue_batch_and_reports_the_total():
    expiry = ScriptedExpiry(asyncio.Event(), 100, 100, 7)

    expired = await expire_overdue_orders(_expiry_container(expiry))  # type: ignore[arg-type]

    assert expired == 207
    assert expiry.calls == 4


async def test_expiry_loop_runs_on_schedule_and_logs_the_count_when_orders_expired():
    stop = asyncio.Event()
    expiry = ScriptedExpiry(stop, 0, 3, 0, 0, turns=3)

    with capture_logs() as logs:
        await run_expiry_worker(_expiry_container(expiry), stop)  # type: ignore[arg-type]

    assert expiry.calls == 4
    assert [entry for entry in logs if entry["event"] == "orders_expired"] == [
        {"event": "orders_expired", "log_level": "info", "count": 3}
    ]


async def test_expiry_loop_survives_a_failing_run_and_logs_only_the_error_type():
    stop = asyncio.Event()
    expiry = ScriptedExpiry(stop, RuntimeError("db down at 10.0.0.5"), 2, 0)

    with capture_logs() as logs:
        await run_expiry_worker(_expiry_container(expiry), stop)  # type: ignore[arg-type]

    failed = [entry for entry in logs if entry["event"] == "order_expiry_failed"]
    assert expiry.calls == 3
    assert failed == [
        {"event": "order_expiry_failed", "log_level": "error", "error_type": "RuntimeError"}
    ]
    assert "10.0.0.5" not in repr(logs)


async def test_outbox_polls_on_its_own_timing_while_expiry_waits_for_its_interval():
    stop = asyncio.Event()
    # The outbox ends the run after its 5th poll; expiry, on a long interval, runs only at start.
    dispatch = ScriptedDispatch(stop, *[DispatchReport()] * 5)
    expiry = ScriptedExpiry(asyncio.Event(), turns=99)
    settings = Settings(outbox_poll_seconds=0.001, order_expiry_interval_seconds=3600)
    container = SimpleNamespace(
        settings=lambda: settings,
        messaging=SimpleNamespace(dispatch_outbox=lambda: dispatch),
        ordering=SimpleNamespace(expire_orders=lambda: expiry),
        media=SimpleNamespace(sweep_orphan_media=lambda: _sweep_nothing),
    )

    await run_worker(container, stop)  # type: ignore[arg-type]

    assert dispatch.runs == 5
    assert expiry.calls == 1


def test_backoff_doubles_per_consecutive_failure_up_to_a_cap():
    assert backoff_seconds(1.0, 0) == 1.0
    assert backoff_seconds(1.0, 1) == 2.0
    assert backoff_seconds(1.0, 3) == 8.0
    assert backoff_seconds(1.0, 30) == MAX_BACKOFF_SECONDS


class DispatchInFlight:
    """A dispatch run that sends until the worker is told to stop, then reports what it saw."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.saw_stop = False

    async def __call__(self, stop_requested=lambda: False) -> DispatchReport:
        self.started.set()
        while not stop_requested():  # "between messages"
            await asyncio.sleep(0.001)
        self.saw_stop = True
        return DispatchReport(sent=1, released=4)


async def test_standalone_worker_tells_the_run_in_flight_to_stop_and_lets_it_finish():
    stop = asyncio.Event()
    dispatch = DispatchInFlight()
    expiry = ScriptedExpiry(asyncio.Event(), turns=99)
    settings = Settings(outbox_poll_seconds=0.001, order_expiry_interval_seconds=3600)
    container = SimpleNamespace(
        settings=lambda: settings,
        messaging=SimpleNamespace(dispatch_outbox=lambda: dispatch),
        ordering=SimpleNamespace(expire_orders=lambda: expiry),
        media=SimpleNamespace(sweep_orphan_media=lambda: _sweep_nothing),
    )

    with capture_logs() as logs:
        worker = asyncio.create_task(run_worker(container, stop))  # type: ignore[arg-type]
        await dispatch.started.wait()
        stop.set()
        # Bounded: a worker that never passes the stop on would leave the run sending forever.
        await asyncio.wait_for(worker, timeout=5)

    assert dispatch.saw_stop
    events = [entry["event"] for entry in logs]
    assert "worker_task_cancelled" not in events
    assert {"outbox_worker_stopped", "order_expiry_stopped"} <= set(events)


async def test_in_process_worker_cancels_a_run_that_outlasts_the_shutdown_grace():
    stuck = asyncio.Event()

    async def dispatch_that_hangs(stop_requested=lambda: False) -> DispatchReport:
        stuck.set()
        await asyncio.Event().wait()  # a send that never returns
        return DispatchReport()

    async def expire_nothing() -> int:
        return 0

    settings = Settings(outbox_poll_seconds=0.001, shutdown_grace_seconds=0)
    container = SimpleNamespace(
        settings=lambda: settings,
        messaging=SimpleNamespace(dispatch_outbox=lambda: dispatch_that_hangs),
        ordering=SimpleNamespace(expire_orders=lambda: expire_nothing),
        media=SimpleNamespace(sweep_orphan_media=lambda: _sweep_nothing),
    )
    startup, shutdown = start_in_process_worker(container)  # type: ignore[arg-type]

    await startup()
    await stuck.wait()
    with capture_logs() as logs:
        await shutdown()

    assert [e["task"] for e in logs if e["event"] == "worker_task_cancelled"] == ["outbox"]
    assert {"outbox", "order-expiry"}.isdisjoint(t.get_name() for t in asyncio.all_tasks())


async def test_expiry_stops_between_batches_once_told_to_stop():
    stop = asyncio.Event()

    class ExpiryStoppedMidBacklog:
        calls = 0

        async def __call__(self) -> int:
            self.calls += 1
            stop.set()  # SIGTERM during the first of many full batches
            return 100

    expiry = ExpiryStoppedMidBacklog()

    expired = await expire_overdue_orders(_expiry_container(expiry), stop)  # type: ignore[arg-type]

    assert (expired, expiry.calls) == (100, 1)


def test_media_is_swept_four_times_per_orphan_age_and_at_most_once_a_minute():
    assert media_sweep_interval(3600) == 900
    assert media_sweep_interval(120) == 60


async def test_the_media_sweep_keeps_going_after_a_storage_outage_and_logs_counts(
    monkeypatch: pytest.MonkeyPatch,
):
    stop = asyncio.Event()
    outcomes: list[object] = [RuntimeError("storage down at 10.0.0.5"), 3, 0]

    async def sweep() -> int:
        outcome = outcomes.pop(0)
        if not outcomes:
            stop.set()
        if isinstance(outcome, Exception):
            raise outcome
        return int(outcome)  # type: ignore[call-overload]

    settings = Settings(media_orphan_age_seconds=1)
    container = SimpleNamespace(
        settings=lambda: settings, media=SimpleNamespace(sweep_orphan_media=lambda: sweep)
    )
    sleeps: list[float] = []

    async def no_wait(_stop: asyncio.Event, seconds: float) -> None:
        sleeps.append(seconds)

    monkeypatch.setattr("entrypoints.worker._sleep_unless_stopped", no_wait)

    with capture_logs() as logs:
        await run_media_sweep_worker(container, stop)  # type: ignore[arg-type]

    events = [
        (e["event"], e.get("count"), e.get("error_type")) for e in logs if e["log_level"] != "debug"
    ]
    assert events == [
        ("media_sweep_started", None, None),
        ("media_sweep_failed", None, "RuntimeError"),
        ("orphaned_media_deleted", 3, None),
        ("media_sweep_stopped", None, None),
    ]
    assert sleeps == [60.0, 60.0, 60.0]
    assert "10.0.0.5" not in repr(logs)
