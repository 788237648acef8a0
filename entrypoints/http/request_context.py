"""Per-request context: the request id every response carries and the one access-log line.

It wraps the whole Litestar ASGI app (see `app.HexashopApp`) rather than sitting in Litestar's
middleware stack, because that stack only runs for matched routes: unknown paths and wrong
methods must carry `X-Request-ID` and be logged too.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import structlog

from entrypoints.metrics import record_request

REQUEST_ID_HEADER = "X-Request-ID"
_STATE_KEY = "request_id"
_USER_KEY = "user_id"
_DISCONNECTED_KEY = "client_disconnected"
# Echo only ids that are safe to put in headers and logs.
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")

access_logger = structlog.get_logger("hexashop.access")
# The stdlib logger under it: asking it whether INFO is on is one call, where a structlog call
# below the level builds its event and binds a logger before dropping it.
_access_level = logging.getLogger("hexashop.access")

Scope = dict[str, Any]
Message = dict[str, Any]
Send = Callable[[Message], Awaitable[None]]
Receive = Callable[[], Awaitable[Message]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
HeaderHook = Callable[[Scope, list[tuple[bytes, bytes]]], None]


def _client_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers") or ():
        if name.lower() == b"x-request-id":
            candidate = value.decode("latin-1").strip()
            return candidate if _SANE_ID.match(candidate) else None
    return None


def request_id_of(scope: Any) -> str:
    """The id of the request in this scope, assigned on first use."""
    state = scope.setdefault("state", {})
    if _STATE_KEY not in state:
        state[_STATE_KEY] = _client_request_id(scope) or uuid.uuid4().hex
    return str(state[_STATE_KEY])


def remember_user(scope: Any, user_id: object) -> None:
    """Note who made the request, for the access log."""
    scope.setdefault("state", {})[_USER_KEY] = str(user_id) if user_id is not None else None


def client_disconnected(scope: Any) -> bool:
    """True once the client hung up before its request body had arrived."""
    return bool(scope.get("state", {}).get(_DISCONNECTED_KEY))


async def track_request(
    scope: Scope, receive: Receive, send: Send, app: ASGIApp, add_headers: HeaderHook | None = None
) -> None:
    """Run one HTTP request through `app`, adding the request id header and logging it once.

    `add_headers` may append further headers to every response start (the security headers).
    """
    request_id = request_id_of(scope)
    started = time.perf_counter()
    status = 500

    async def send_with_id(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])
            headers = [
                (k, v) for k, v in message.get("headers") or () if k.lower() != b"x-request-id"
            ]
            headers.append((b"x-request-id", request_id.encode("latin-1")))
            if add_headers is not None:
                add_headers(scope, headers)
            message = {**message, "headers": headers}
        await send(message)

    async def receive_watching() -> Message:
        message = await receive()
        if message["type"] == "http.disconnect":
            # Litestar reports it as a 500 (InternalServerException); errors.py tells it apart.
            scope["state"][_DISCONNECTED_KEY] = True
        return message

    with structlog.contextvars.bound_contextvars(request_id=request_id):
        try:
            await app(scope, receive_watching, send_with_id)
        finally:
            # Litestar puts the matched route's template in the scope; unmatched paths have none.
            record_request(
                scope.get("method") or "",
                scope.get("path_template"),
                status,
                time.perf_counter() - started,
            )
            if _access_level.isEnabledFor(logging.INFO):
                _log_access(scope, status, started)


def _log_access(scope: Scope, status: int, started: float) -> None:
    # The path only: query strings may carry tokens. Never bodies or headers.
    state = scope.get("state", {})
    extra = {"outcome": "client_disconnected"} if state.get(_DISCONNECTED_KEY) else {}
    access_logger.info(
        "request",
        method=scope.get("method"),
        path=scope.get("path"),
        status=status,
        duration_ms=round((time.perf_counter() - started) * 1000, 2),
        user_id=state.get(_USER_KEY),
        **extra,
    )
