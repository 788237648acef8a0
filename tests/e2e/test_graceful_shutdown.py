"""SIGTERM against real processes: requests in flight finish, new connections are refused,
a worker mid-batch finishes its message and hands the rest back at once."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sqlite3
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from subprocess import Popen

import httpx
import pytest

from adapters.sqlalchemy.database import create_engine
from adapters.sqlalchemy.migrate import upgrade_database
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from application.accounts.commands import CreateUserCommand
from application.shared.actor import Actor
from domain.accounts import Role
from domain.messages import EmailMessage, OutboxMessage
from entrypoints.containers import close_container, create_container
from entrypoints.settings import Settings, load_settings
from tests.e2e.process import REPO, _messages, serving, start, wait_until

pytestmark = pytest.mark.e2e

EMAIL, PASSWORD = "ops@example.com", "Passw0rdOK"

# Loaded by the process under test only (through PYTHONPATH). The gated call writes
# GATE/in_flight, then waits for the test to create GATE/release: the test decides exactly
# when it is in flight and when it may end, so no timing is guessed.
GATED = """
import asyncio
import os
from pathlib import Path

from {module} import {cls}

_GATE = Path(os.environ["SHUTDOWN_TEST_GATE"])
_original = {cls}.{method}


async def _gated(self, *args):
    if {condition}:
        (_GATE / "in_flight").touch()
        for _ in range(1500):  # at most 30 s, so a broken test cannot hang the process
            if (_GATE / "release").exists():
                break
            await asyncio.sleep(0.02)
    return await _original(self, *args)


{cls}.{method} = _gated
"""


def _gated_env(tmp_path: Path, **hook: str) -> tuple[Path, dict[str, str]]:
    """An environment whose process runs the gated hook; the gate folder to drive it."""
    hooks, gate = tmp_path / "hooks", tmp_path / "gate"
    hooks.mkdir()
    gate.mkdir()
    (hooks / "sitecustomize.py").write_text(GATED.format(**hook))
    pythonpath = os.pathsep.join([str(hooks), str(REPO)])
    return gate, {"PYTHONPATH": pythonpath, "SHUTDOWN_TEST_GATE": str(gate)}


def _log_events(log: Path) -> list[str]:
    events = []
    for line in log.read_text().splitlines():
        try:
            events.append(json.loads(line)["event"])
        except (ValueError, KeyError, TypeError):
            continue
    return events


def _refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


async def _create_admin(settings: Settings) -> None:
    container = create_container(settings)
    try:
        command = CreateUserCommand(email=EMAIL, password=PASSWORD, role=Role.ADMIN)
        await container.accounts.create_user()(Actor.system(), command)
    finally:
        await close_container(container)


@contextmanager
def _draining(tmp_path: Path, grace: int) -> Iterator[tuple[Popen[str], Path, int, Future, Path]]:
    """A server that got SIGTERM while a login is held in flight (in the password check)."""
    env = {"VAR_DIR": str(tmp_path / "var"), "SHUTDOWN_GRACE_SECONDS": str(grace)}
    settings = load_settings({**env, "JWT_SECRET": "x" * 40})
    upgrade_database(settings.database_url)
    asyncio.run(_create_admin(settings))
    gate, hook_env = _gated_env(
        tmp_path,
        module="adapters.argon2_hasher",
        cls="Argon2PasswordHasher",
        method="verify",
        condition="True",
    )
    log = tmp_path / "server.log"
    with serving(tmp_path, log, **env, **hook_env) as (client, process):
        port = client.base_url.port
        assert port is not None
        with ThreadPoolExecutor(1) as pool:
            login = pool.submit(
                httpx.post,
                f"http://127.0.0.1:{port}/api/v1/auth/login",
                json={"email": EMAIL, "password": PASSWORD},
                timeout=30,
            )
            try:
                wait_until(lambda: (gate / "in_flight").exists(), 10, "the login to be in flight")
                process.send_signal(signal.SIGTERM)
                yield process, gate, port, login, log
            finally:
                (gate / "release").touch()


@pytest.fixture
def draining_server(tmp_path: Path) -> Iterator[tuple[Popen[str], Path, int, Future, Path]]:
    """_draining with a grace the held login fits in."""
    with _draining(tmp_path, grace=5) as server:
        yield server


def test_a_request_in_flight_at_sigterm_completes_and_the_server_exits_0(draining_server):
    process, gate, port, login, log = draining_server
    wait_until(lambda: _refuses_connections(port), 10, "the server to stop accepting")
    assert not login.done()

    (gate / "release").touch()
    response = login.result(timeout=10)

    assert response.status_code == 200, response.text
    assert response.json()["accessToken"]
    assert process.wait(timeout=10) == 0
    events = _log_events(log)
    # The worker stops after the HTTP side drained; the last word is the process's.
    assert events.index("outbox_worker_stopped") < events.index("process_stopped")
    assert events[-1] == "process_stopped"


def test_after_sigterm_new_connections_are_refused_while_the_last_request_drains(draining_server):
    process, _, port, login, _ = draining_server

    wait_until(lambda: _refuses_connections(port), 10, "new connections to be refused")

    # Refused while the server still runs: it drains, it has not merely died.
    assert process.poll() is None
    assert not login.done()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/health/live", timeout=5)


def test_a_request_outlasting_the_grace_is_cut_and_the_server_still_exits_0(tmp_path):
    # The login is never released: only SHUTDOWN_GRACE_SECONDS ends it.
    with _draining(tmp_path, grace=1) as (process, _, _, login, log):
        assert process.wait(timeout=8) == 0
        outcome = login.exception(timeout=10) or login.result().status_code

    assert outcome != 200
    events = _log_events(log)
    assert events.index("outbox_worker_stopped") < events.index("process_stopped")
    assert events[-1] == "process_stopped"


MESSAGES = 10
HELD = "m3@example.com"  # the message being sent when SIGTERM arrives


async def _queue(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with SqlUnitOfWork(engine) as uow:
            start_at = datetime.now(UTC) - timedelta(seconds=MESSAGES)
            for n in range(MESSAGES):  # one second apart: a definite oldest-first order
                body = EmailMessage(f"m{n}@example.com", f"Message {n}", "Hello", "test")
                await uow.outbox.add(OutboxMessage.new(body, start_at + timedelta(seconds=n)))
            await uow.commit()
    finally:
        await engine.dispose()


def _deliveries(mail_dir: Path) -> Counter[str]:
    return Counter(str(m["To"]) for m in _messages(mail_dir))


def test_a_worker_stopped_mid_batch_finishes_its_message_and_hands_back_the_rest(tmp_path):
    gate, hook_env = _gated_env(
        tmp_path,
        module="adapters.folder_mailer",
        cls="FolderMailer",
        method="send",
        condition=f"args[0].to == {HELD!r}",
    )
    env = {
        "VAR_DIR": str(tmp_path / "var"),
        "OUTBOX_POLL_SECONDS": "0.1",
        # Far beyond the test's patience: the second worker can only deliver the rest in
        # time if the first handed the leases back rather than leaving them to expire.
        "OUTBOX_LEASE_SECONDS": "120",
        "SHUTDOWN_GRACE_SECONDS": "5",
        "RUN_WORKER_IN_PROCESS": "false",
    }
    settings = load_settings({**env, "JWT_SECRET": "x" * 40})
    upgrade_database(settings.database_url)
    asyncio.run(_queue(settings.database_url))
    mail_dir = tmp_path / "var" / "mail"
    first_log = tmp_path / "first.log"

    first = start(tmp_path, first_log, "worker", **env, **hook_env)
    try:
        # Deadlines, not timings: a loaded CI machine takes seconds to start a process.
        wait_until(lambda: (gate / "in_flight").exists(), 60, f"the send to {HELD}")
        first.send_signal(signal.SIGTERM)
        wait_until(lambda: "stop_requested" in _log_events(first_log), 10, "the stop request")
        (gate / "release").touch()
        assert first.wait(timeout=5) == 0  # within SHUTDOWN_GRACE_SECONDS
    finally:
        if first.poll() is None:
            first.kill()
    after_first = _deliveries(mail_dir)
    with sqlite3.connect(tmp_path / "var" / "hexashop.db") as db:
        rows = db.execute("SELECT recipient, status, claim_token FROM outbox").fetchall()

    second = start(tmp_path, tmp_path / "second.log", "worker", **env)
    try:
        wait_until(lambda: len(_deliveries(mail_dir)) == MESSAGES, 60, "every message delivered")
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=10) == 0
    finally:
        if second.poll() is None:
            second.kill()

    assert after_first == Counter(f"m{n}@example.com" for n in range(4))
    assert sorted((to, status) for to, status, _ in rows) == sorted(
        (f"m{n}@example.com", "sent" if n <= 3 else "pending") for n in range(MESSAGES)
    )
    assert [token for _, _, token in rows] == [None] * MESSAGES, "a lease was left behind"
    events = _log_events(first_log)
    assert "worker_task_cancelled" not in events
    assert events[-1] == "process_stopped"
    assert _deliveries(mail_dir) == Counter(f"m{n}@example.com" for n in range(MESSAGES))
