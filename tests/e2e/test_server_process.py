"""The real server process: startup with make run's defaults, migrations, the worker, signals."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from pathlib import Path
from subprocess import Popen

import httpx
import pytest

from adapters.sqlalchemy.migrate import upgrade_database
from application.accounts.commands import RegisterUserCommand
from entrypoints.containers import close_container, create_container
from entrypoints.settings import Settings, load_settings
from tests.e2e.process import free_port, plain_body, serving, start, token_in, wait_for_mail

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[httpx.Client, Path, Popen[str]]]:
    """A server started the way `make run` starts it, in an empty working directory."""
    workdir = tmp_path / "work"
    workdir.mkdir()
    with serving(workdir, tmp_path / "server.log") as (client, process):
        yield client, workdir, process


def _verification_token(mail_dir: Path, to: str) -> str:
    token = token_in(plain_body(wait_for_mail(mail_dir, to, "Confirm your email")))
    assert token, f"no token in the email to {to}"
    return token


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
    process = start(tmp_path, log, "serve", APP_ENV="production", PORT=str(free_port()))

    process.wait(timeout=30)

    assert process.returncode != 0
    assert log.read_text().strip().splitlines() == [
        "error: JWT_SECRET is required when APP_ENV=production"
    ]


def test_production_on_the_sandbox_payment_provider_refuses_to_start(tmp_path):
    # Everything else production needs is there; only PAYMENT_PROVIDER is left at its default.
    log = tmp_path / "server.log"
    env = {"APP_ENV": "production", "JWT_SECRET": "x" * 40, "MAIL_BACKEND": "folder"}
    process = start(tmp_path, log, "serve", PORT=str(free_port()), **env)
    try:
        process.wait(timeout=30)
    finally:
        process.kill()  # a server that did start must not outlive the test

    assert process.returncode == 2
    assert log.read_text().strip().splitlines() == [
        "error: PAYMENT_PROVIDER=stripe is required when APP_ENV=production"
    ]


def test_standalone_worker_delivers_queued_mail_and_stops_cleanly_on_sigterm(tmp_path):
    env = {"VAR_DIR": str(tmp_path / "var"), "OUTBOX_POLL_SECONDS": "0.2"}
    settings = load_settings({**env, "JWT_SECRET": "x" * 40})
    upgrade_database(settings.database_url)
    asyncio.run(_register(settings, "bo@example.com"))
    log = tmp_path / "worker.log"

    process = start(tmp_path, log, "worker", RUN_WORKER_IN_PROCESS="false", **env)
    token = _verification_token(tmp_path / "var" / "mail", "bo@example.com")
    process.send_signal(signal.SIGTERM)

    assert token
    assert process.wait(timeout=10) == 0
    assert "bo@example.com" not in log.read_text()


async def _register(settings: Settings, email: str) -> None:
    """Queue a verification email the way the API does, without a server."""
    container = create_container(settings)
    try:
        await container.accounts.register_user()(
            RegisterUserCommand(email=email, password="Passw0rdOK")
        )
    finally:
        await close_container(container)
