"""The real server process: startup with make run's defaults, migrations, the worker, signals."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from email import policy
from email.parser import BytesParser
from pathlib import Path

import httpx
import pytest

from adapters.sqlalchemy.migrate import upgrade_database
from application.accounts.commands import RegisterUserCommand
from entrypoints.container import close_container, create_container
from entrypoints.settings import Settings, load_settings

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
# Variables a developer's shell might carry that would move the server off make run's defaults.
_CONFIG_VARS = (
    "APP_ENV",
    "DATABASE_URL",
    "JWT_SECRET",
    "VAR_DIR",
    "MAIL_BACKEND",
    "MAIL_FOLDER",
    "HOST",
    "PORT",
    "RUN_WORKER_IN_PROCESS",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _CONFIG_VARS}
    # Import the code under test wherever the process runs from, installed or not.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return {**env, **overrides}


def _start(cwd: Path, log: Path, command: str = "serve", **env: str) -> subprocess.Popen[str]:
    """Start `hexashop COMMAND`; its output goes to a file so a chatty log never blocks it."""
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli", command],
            cwd=cwd,
            env=_env(**env),
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )


def _wait_until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[httpx.Client, Path, subprocess.Popen[str]]]:
    """A server started the way `make run` starts it, in an empty working directory."""
    port = _free_port()
    workdir = tmp_path / "work"
    workdir.mkdir()
    log = tmp_path / "server.log"
    process = _start(workdir, log, PORT=str(port))
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5)

    def live() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"server exited early:\n{log.read_text()}")
        try:
            return client.get("/health/live").status_code == 200
        except httpx.TransportError:
            return False

    try:
        _wait_until(live, 30, "the server to answer /health/live")
        yield client, workdir, process
    finally:
        client.close()
        if process.poll() is None:
            process.kill()
            process.wait()


def _verification_token(mail_dir: Path, to: str) -> str:
    def find() -> str | None:
        for path in sorted(mail_dir.glob("*.eml")) if mail_dir.exists() else []:
            message = BytesParser(policy=policy.default).parse(path.open("rb"))
            if message["To"] == to:
                body = message.get_body(preferencelist=("plain",)).get_content()
                match = re.search(r"token=([A-Za-z0-9_\-]+)", body)
                return match.group(1) if match else None
        return None

    return _wait_until(find, 10, f"the verification email to {to}")


def test_a_customer_signs_up_verifies_and_logs_in_against_the_real_process(server):
    client, workdir, _ = server
    email, password = "ana@example.com", "Passw0rdOK"

    registered = client.post("/api/v1/auth/register", json={"email": email, "password": password})
    token = _verification_token(workdir / "var" / "mail", email)
    verified = client.post("/api/v1/auth/verify-email", json={"token": token})
    login = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    refreshed = client.post(
        "/api/v1/auth/refresh", json={"refreshToken": login.json()["refreshToken"]}
    )
    me = client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {refreshed.json()['accessToken']}"}
    )

    assert registered.status_code == 201, registered.text
    assert verified.status_code == 200, verified.text
    assert login.status_code == 200, login.text
    assert refreshed.status_code == 200, refreshed.text
    assert me.status_code == 200, me.text
    assert me.json()["email"] == email
    assert me.json()["emailVerified"] is True
    assert (workdir / "var" / "hexashop.db").exists()


def test_sigterm_stops_the_server_cleanly(server):
    _, _, process = server

    process.send_signal(signal.SIGTERM)

    assert process.wait(timeout=10) == 0


def test_production_without_jwt_secret_refuses_to_start(tmp_path):
    log = tmp_path / "server.log"
    process = _start(tmp_path, log, APP_ENV="production", PORT=str(_free_port()))

    process.wait(timeout=30)

    assert process.returncode != 0
    assert log.read_text().strip().splitlines() == [
        "error: JWT_SECRET is required when APP_ENV=production"
    ]


def test_standalone_worker_delivers_queued_mail_and_stops_cleanly_on_sigterm(tmp_path):
    env = {"VAR_DIR": str(tmp_path / "var"), "OUTBOX_POLL_SECONDS": "0.2"}
    settings = load_settings({**env, "JWT_SECRET": "x" * 40})
    upgrade_database(settings.database_url)
    asyncio.run(_register(settings, "bo@example.com"))
    log = tmp_path / "worker.log"

    process = _start(tmp_path, log, "worker", RUN_WORKER_IN_PROCESS="false", **env)
    token = _verification_token(tmp_path / "var" / "mail", "bo@example.com")
    process.send_signal(signal.SIGTERM)

    assert token
    assert process.wait(timeout=10) == 0
    assert "bo@example.com" not in log.read_text()


async def _register(settings: Settings, email: str) -> None:
    """Queue a verification email the way the API does, without a server."""
    container = create_container(settings)
    try:
        await container.register_user()(RegisterUserCommand(email=email, password="Passw0rdOK"))
    finally:
        await close_container(container)
