"""The long-running processes: `serve` (the HTTP API) and `worker`."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from functools import partial
from types import FrameType
from typing import Any

import click
import structlog
import uvicorn
from litestar import Litestar

from entrypoints.cli.common import EXIT_CONFIG, fail, read_settings
from entrypoints.cli.migrations import upgrade_in_child
from entrypoints.containers import build_selected_adapters, close_container, create_container
from entrypoints.heap import freeze_startup_heap
from entrypoints.http.app import create_app
from entrypoints.http.logging import configure_logging
from entrypoints.settings import Settings
from entrypoints.worker import Hook, run_worker, start_in_process_worker

logger = structlog.get_logger("hexashop.process")


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """The uvicorn options both `serve` modes share."""
    return {
        "host": settings.host,
        "port": settings.port,
        # log_config=None keeps our logging setup (JSON lines, no access log with query
        # strings). No `server: uvicorn` banner (docs/api.md); the Date header stays.
        "log_config": None,
        "server_header": False,
        "timeout_graceful_shutdown": settings.shutdown_grace_seconds,
        # uvicorn's "auto" picks uvloop and httptools when they import and falls back to the
        # asyncio loop and h11 when they don't (no uvloop on Windows): exactly our rule.
        "loop": "auto",
        "http": "auto",
    }


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def server_app(settings: Settings) -> Litestar:
    """The app `serve` runs: the HTTP API and, unless disabled, the worker loops in process."""
    container = create_container(settings)
    on_startup: list[Hook] = []
    on_shutdown: list[Hook] = []
    if settings.run_worker_in_process:
        start_worker, stop_worker = start_in_process_worker(container)
        on_startup.append(start_worker)
        on_shutdown.append(stop_worker)
    on_startup.append(partial(build_selected_adapters, container))
    # Last: by then every object that lives as long as the process exists.
    on_startup.append(freeze_startup_heap)
    # The app runs shutdown hooks in order, then closes the container: the worker stops first.
    return create_app(container, on_startup=on_startup, on_shutdown=on_shutdown)


def replica_app() -> Litestar:
    """The app each process of `serve --workers N` builds (uvicorn calls it in the child)."""
    settings = read_settings()
    configure_logging(settings.log_level)
    return server_app(settings)


class BackgroundWorker:
    """The worker loops on a thread of their own, for `serve --workers N`: uvicorn's
    supervisor process runs them once while its N children serve HTTP."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="hexashop-worker", daemon=True)

    def start(self) -> None:
        """Start the loops and return once they are running."""
        self._thread.start()
        self._ready.wait()

    def stop(self) -> None:
        """Ask the loops to stop and wait for them (they have the shutdown grace)."""
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(self._settings.shutdown_grace_seconds + 5)

    def _run(self) -> None:
        async def main() -> None:
            container = create_container(self._settings)
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            self._ready.set()
            try:
                await run_worker(container, self._stop)
            finally:
                await close_container(container)

        try:
            asyncio.run(main())
        finally:
            self._ready.set()


def _serve_processes(settings: Settings, workers: int) -> None:
    """uvicorn's multi-process mode: `workers` children share the socket; the background
    worker runs once, here in the supervisor, never in the children."""
    background = BackgroundWorker(settings) if settings.run_worker_in_process else None
    # The children (spawned, not forked) read their settings from this environment.
    os.environ["RUN_WORKER_IN_PROCESS"] = "false"
    if background is not None:
        background.start()
        logger.info("background_worker_started", processes=workers, pid=os.getpid())
    try:
        uvicorn.run(
            "entrypoints.cli.processes:replica_app",
            factory=True,
            workers=workers,
            **uvicorn_options(settings),
        )
    finally:
        if background is not None:
            background.stop()
        logger.info("process_stopped", command="serve")


def _refuse_per_process_limits(settings: Settings, workers: int) -> None:
    """Without Redis each process counts its own rate limits, so a client spread over the
    processes gets `workers` times every limit: production refuses to start that way, other
    environments say so once."""
    message = (
        f"serve --workers {workers} needs REDIS_URL: without it each process keeps its own "
        f"rate-limit counters and a client gets {workers} times every limit "
        "(or RATE_LIMIT_ENABLED=false where a proxy enforces the limits)"
    )
    if settings.is_production:
        fail(message, EXIT_CONFIG)
    logger.warning("rate_limits_per_process", processes=workers, detail=message)


@click.command()
@click.option(
    "--workers",
    type=click.IntRange(1, 256),
    default=1,
    show_default=True,
    help="HTTP server processes sharing the port (e.g. one per core); the background worker "
    "still runs once.",
)
def serve(workers: int) -> None:
    """Apply migrations, then serve the HTTP API (and the background worker, unless disabled)."""
    settings = read_settings()
    configure_logging(settings.log_level)
    if workers > 1 and settings.rate_limit_enabled and settings.redis_url is None:
        _refuse_per_process_limits(settings, workers)
    upgrade_in_child(settings.database_url)
    if workers > 1:
        _serve_processes(settings, workers)
        return
    app = server_app(settings)
    # On SIGINT/SIGTERM uvicorn closes its listening socket, lets the requests in flight finish
    # (cancelling them after the grace), runs the app's shutdown hooks (the worker stops, the
    # container closes), restores the handlers it found and raises the signal again: let that
    # end the process with 0, since the shutdown was clean.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _exit_cleanly)
    try:
        uvicorn.run(app, **uvicorn_options(settings))
    finally:
        logger.info("process_stopped", command="serve")


@click.command()
def worker() -> None:
    """Run the worker alone (outbox delivery, order expiry) until SIGINT or SIGTERM."""
    settings = read_settings()
    configure_logging(settings.log_level)
    container = create_container(settings)

    async def main() -> None:
        stop = asyncio.Event()

        def request_stop(sig: signal.Signals) -> None:
            logger.info("stop_requested", signal=sig.name)
            stop.set()

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, request_stop, sig)
        try:
            await run_worker(container, stop)
        finally:
            await close_container(container)
            logger.info("process_stopped", command="worker")

    asyncio.run(main())
