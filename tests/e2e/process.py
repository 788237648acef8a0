"""Start and watch real `hexashop` processes, the way `make run` starts them."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import TypeVar

import httpx

T = TypeVar("T")

REPO = Path(__file__).resolve().parents[2]
# Variables a developer's shell might carry that would move the server off make run's defaults.
CONFIG_VARS = (
    "APP_ENV",
    "DATABASE_URL",
    "JWT_SECRET",
    "VAR_DIR",
    "MAIL_BACKEND",
    "MAIL_FOLDER",
    "STORAGE_BACKEND",
    "MEDIA_DIR",
    "S3_BUCKET",
    "HOST",
    "PORT",
    "RUN_WORKER_IN_PROCESS",
    "PAYMENT_PROVIDER",
    "OUTBOX_POLL_SECONDS",
    "OUTBOX_LEASE_SECONDS",
    "METRICS_TOKEN",
    "ORDER_TTL_MINUTES",
    "ORDER_EXPIRY_INTERVAL_SECONDS",
    "RATE_LIMIT_ENABLED",
    "SECURITY_HEADERS_ENABLED",
    "RATE_LIMIT_DEFAULT",
    "RATE_LIMIT_AUTH",
    "RATE_LIMIT_KEY_PREFIX",
    "REDIS_URL",
    "SHUTDOWN_GRACE_SECONDS",
)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def process_env(**overrides: str) -> dict[str, str]:
    """This environment minus the shop's settings, plus `overrides` (the rate limit is off
    unless they switch it on: the flows log in more often than a client would)."""
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARS}
    env["RATE_LIMIT_ENABLED"] = "false"
    # Import the code under test wherever the process runs from, installed or not.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return {**env, **overrides}


def start(cwd: Path, log: Path, *command: str, **env: str) -> subprocess.Popen[str]:
    """Start `hexashop COMMAND...`; its output goes to a file so a chatty log never blocks it."""
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli", *(command or ("serve",))],
            cwd=cwd,
            env=process_env(**env),
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )


def run(cwd: Path, *command: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `hexashop COMMAND...` to completion and return its output."""
    return subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", *command],
        cwd=cwd,
        env=process_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def wait_until(predicate: Callable[[], T | None], timeout: float, what: str) -> T:
    """Poll `predicate` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


@contextmanager
def serving(
    workdir: Path, log: Path, **env: str
) -> Iterator[tuple[httpx.Client, subprocess.Popen[str]]]:
    """`hexashop serve` in `workdir`, answering /health/live; killed afterwards if still up."""
    port = free_port()
    process = start(workdir, log, "serve", PORT=str(port), **env)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10)

    def live() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"server exited early:\n{log.read_text()}")
        try:
            return client.get("/health/live").status_code == 200
        except httpx.TransportError:
            return False

    try:
        wait_until(live, 30, "the server to answer /health/live")
        yield client, process
    finally:
        client.close()
        if process.poll() is None:
            process.kill()
            process.wait()


def _messages(mail_dir: Path) -> Iterator[EmailMessage]:
    parser = BytesParser(policy=policy.default)
    for path in sorted(mail_dir.glob("*.eml")) if mail_dir.exists() else []:
        message = parser.parsebytes(path.read_bytes())
        assert isinstance(message, EmailMessage)
        yield message


def wait_for_mail(mail_dir: Path, to: str, subject: str, timeout: float = 10) -> EmailMessage:
    """The first .eml to `to` whose subject starts with `subject`, once the worker wrote it."""

    def find() -> EmailMessage | None:
        return next(
            (
                m
                for m in _messages(mail_dir)
                if m["To"] == to and str(m["Subject"]).startswith(subject)
            ),
            None,
        )

    return wait_until(find, timeout, f"the email {subject!r} to {to}")


def plain_body(message: EmailMessage) -> str:
    """The text/plain part of an email."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def token_in(body: str) -> str | None:
    """The `token=` query value of the first link in an email body."""
    match = re.search(r"token=([A-Za-z0-9_\-]+)", body)
    return match.group(1) if match else None
