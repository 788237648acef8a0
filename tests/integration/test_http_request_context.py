"""Request ids on every response, and access logs that never leak secrets."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
import structlog
from dependency_injector import providers

from entrypoints.containers import Container
from entrypoints.http.app import create_app
from entrypoints.http.logging import configure_logging
from tests.integration.conftest import API, PASSWORD, Client, UserMaker, bearer


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """Route the app's logs, configured as in production, into a buffer for the test."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    buffer = io.StringIO()
    configure_logging("INFO", stream=buffer)
    yield buffer
    root.handlers = saved_handlers
    root.setLevel(saved_level)
    structlog.reset_defaults()


def log_lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    """Every log line, parsed (each must be one JSON object)."""
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


async def test_client_request_id_is_echoed(client: Client) -> None:
    response = await client.get("/health/live", headers={"X-Request-ID": "trace-42.a_b"})

    assert response.headers["X-Request-ID"] == "trace-42.a_b"


async def test_request_id_is_generated_when_absent(client: Client) -> None:
    response = await client.get("/health/live")

    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


async def test_unsafe_client_request_id_is_replaced(client: Client) -> None:
    for unsafe in ("x" * 129, "bad id", "a\tb", "<script>"):
        response = await client.get("/health/live", headers={"X-Request-ID": unsafe})

        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


async def test_errors_and_unknown_routes_carry_the_request_id(client: Client) -> None:
    for response in (
        await client.get("/no/such/route", headers={"X-Request-ID": "abc"}),
        await client.delete(f"{API}/auth/login", headers={"X-Request-ID": "abc"}),
        await client.get(f"{API}/me", headers={"X-Request-ID": "abc"}),
    ):
        assert response.headers["X-Request-ID"] == "abc"
        assert response.json()["requestId"] == "abc"


async def test_one_access_line_per_request_without_secrets(
    client: Client, make_user: UserMaker, log_output: io.StringIO
) -> None:
    user = await make_user("ana@example.com")
    login = await client.post(
        f"{API}/auth/login",
        json={"email": "ana@example.com", "password": PASSWORD},
        headers={"X-Request-ID": "login-1"},
    )
    tokens = login.json()
    await client.get(f"{API}/me", headers=bearer(tokens["accessToken"]))
    await client.post(f"{API}/auth/refresh", json={"refreshToken": tokens["refreshToken"]})
    await client.get(f"{API}/me?token=query-secret", headers=bearer("forged.jwt.value"))

    lines = log_lines(log_output)
    text = log_output.getvalue()
    for secret in (PASSWORD, tokens["accessToken"], tokens["refreshToken"], "query-secret"):
        assert secret not in text
    assert "forged.jwt.value" not in text
    access = [line for line in lines if line.get("event") == "request"]
    assert [(a["method"], a["path"], a["status"]) for a in access] == [
        ("POST", f"{API}/auth/login", 200),
        ("GET", f"{API}/me", 200),
        ("POST", f"{API}/auth/refresh", 200),
        ("GET", f"{API}/me", 401),
    ]
    assert access[0]["request_id"] == "login-1"
    assert access[1]["user_id"] == user["id"]
    assert access[0]["user_id"] is None
    assert all(isinstance(a["duration_ms"], float | int) for a in access)


async def test_no_access_line_when_the_level_is_above_info(
    client: Client, log_output: io.StringIO
) -> None:
    configure_logging("WARNING", stream=log_output)

    await client.get(f"{API}/products")
    await client.get(f"{API}/no-such-route")

    assert [line for line in log_lines(log_output) if line.get("event") == "request"] == []


async def test_crash_log_names_the_type_and_request_id_but_never_the_message(
    client: Client, container: Container, log_output: io.StringIO
) -> None:
    secret = "$argon2id$v=19$m=65536,t=3,p=4$c2VjcmV0$leaked-hash"

    async def explode(*args: object) -> None:
        try:
            raise ValueError(f"cause holds {secret}")
        except ValueError as cause:
            raise RuntimeError(f"parameters: ('ana@example.com', '{secret}')", secret) from cause

    container.accounts.forgot_password.override(providers.Object(explode))

    response = await client.post(
        f"{API}/auth/forgot-password",
        json={"email": "a@example.com"},
        headers={"X-Request-ID": "crash-1"},
    )

    assert response.status_code == 500
    assert secret not in response.text
    text = log_output.getvalue()
    assert secret not in text and "leaked-hash" not in text and "parameters:" not in text
    crash = [line for line in log_lines(log_output) if line.get("event") == "unhandled_exception"]
    assert len(crash) == 1
    assert crash[0]["error"] == "RuntimeError"
    assert crash[0]["request_id"] == "crash-1"
    assert crash[0]["level"] == "error"
    # Where it broke stays visible: file, line and function of each frame.
    assert any(frame.endswith(" in explode") for frame in crash[0]["frames"])


async def test_a_client_hanging_up_mid_body_is_logged_as_an_abort_not_a_crash(
    container: Container, log_output: io.StringIO
) -> None:
    app = create_app(container)
    incoming = [
        {"type": "http.request", "body": b'{"email": "ana@exa', "more_body": True},
        {"type": "http.disconnect"},
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": f"{API}/auth/register",
        "raw_path": f"{API}/auth/register".encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/json"),
            (b"content-length", b"200"),
            (b"x-request-id", b"gone-1"),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }

    await app(scope, receive, send)  # type: ignore[arg-type]

    lines = log_lines(log_output)
    assert [line for line in lines if line["level"] in ("error", "critical")] == []
    access = [line for line in lines if line.get("event") == "request"]
    assert [(a["status"], a.get("outcome"), a["request_id"]) for a in access] == [
        (499, "client_disconnected", "gone-1")
    ]
    assert [m["status"] for m in sent if m["type"] == "http.response.start"] == [499]
