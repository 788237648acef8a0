"""`hexashop serve --workers N`: N HTTP processes on one port, the background worker once."""

from __future__ import annotations

import json
import re
import signal
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.process import free_port, start, wait_for_mail, wait_until

pytestmark = pytest.mark.e2e


def _events(log: Path, prefix: str) -> list[str]:
    """The events of the JSON log lines whose event starts with `prefix`."""
    records = (json.loads(line) for line in log.read_text().splitlines() if line.startswith("{"))
    return [str(r["event"]) for r in records if str(r.get("event", "")).startswith(prefix)]


def test_two_server_processes_share_the_port_and_run_the_background_worker_once(
    tmp_path: Path,
) -> None:
    workdir, log, port = tmp_path / "work", tmp_path / "serve.log", free_port()
    workdir.mkdir()
    process = start(
        workdir, log, "serve", "--workers", "2", PORT=str(port), OUTBOX_POLL_SECONDS="0.2"
    )
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
    try:

        def both_serving() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"serve exited early:\n{log.read_text()}")
            return len(_events(log, "Application startup complete.")) == 2

        wait_until(both_serving, 90, "both server processes to start")
        registered = client.post(
            "/api/v1/auth/register", json={"email": "once@example.com", "password": "Secret123"}
        )
        wait_for_mail(workdir / "var" / "mail", "once@example.com", "Confirm", timeout=30)
        # Several poll intervals more, for a stray second dispatcher to show up in the log.
        time.sleep(1.5)
        emails = list((workdir / "var" / "mail").glob("*.eml"))
    finally:
        client.close()
        process.send_signal(signal.SIGTERM)
        exit_code = process.wait(timeout=30)

    pids = {re.sub(r"\D", "", event) for event in _events(log, "Started server process")}
    assert registered.status_code == 201, registered.text
    assert len(emails) == 1
    assert len(pids) == 2  # two serving processes
    assert len(_events(log, "background_worker_started")) == 1
    assert len(_events(log, "outbox_worker_started")) == 1
    assert exit_code == 0, log.read_text()
