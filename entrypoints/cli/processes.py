"""The long-running processes: `serve` (the HTTP API) and `worker`."""

from __future__ import annotations

import asyncio
import signal
from types import FrameType

import click
import structlog
import uvicorn
from litestar import Litestar

from adapters.sqlalchemy.migrate import upgrade_database
from entrypoints.cli.common import read_settings
from entrypoints.containers import close_container, create_container
from entrypoints.heap import freeze_startup_heap
from entrypoints.http.app import create_app
from entrypoints.http.logging import configure_logging
from entrypoints.settings import Settings
from entrypoints.worker import Hook, run_worker, start_in_process_worker

logger = structlog.get_logger("hexashop.process")


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
    # Last: by then every object that lives as long as the process exists.
    on_startup.append(freeze_startup_heap)
    # The app runs shutdown hooks in order, then closes the container: the worker stops first.
    return create_app(container, on_startup=on_startup, on_shutdown=on_shutdown)


@click.command()
def serve() -> None:
    """Apply migrations, then serve the HTTP API (and the background worker, unless disabled)."""
    settings = read_settings()
    configure_logging(settings.log_level)
    upgrade_database(settings.database_url)
    app = server_app(settings)
    # On SIGINT/SIGTERM uvicorn closes its listening socket, lets the requests in flight finish
    # (cancelling them after the grace), runs the app's shutdown hooks (the worker stops, the
    # container closes), restores the handlers it found and raises the signal again: let that
    # end the process with 0, since the shutdown was clean.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _exit_cleanly)
    try:
        # log_config=None keeps our logging setup (JSON lines, no access log with query
        # strings). No `server: uvicorn` banner (docs/api.md); the Date header stays.
        uvicorn.run(
            app,
            host=settings.host,
            port=settings.port,
            log_config=None,
            server_header=False,
            timeout_graceful_shutdown=settings.shutdown_grace_seconds,
        )
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
