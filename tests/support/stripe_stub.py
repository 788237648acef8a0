"""A small local Stripe API that answers with Stripe's published fixtures.

A real HTTP server (stdlib, background thread, free 127.0.0.1 port) for the Stripe adapter's
contract tests. It answers `POST /v1/payment_intents`, `POST /v1/refunds` and `GET /v1/balance`
with the objects of `tests/fixtures/stripe/fixtures3.json` (the file stripe-mock serves),
overriding the fields the request decides; records every request; replays the first answer for a
repeated `Idempotency-Key` (and refuses the key with other parameters), like Stripe; and can be
told to fail the next requests with Stripe's error shape, or to hang before answering them
(longer than any client timeout under test).

Import the fixture into a test module explicitly:

    from tests.support.stripe_stub import stripe_stub  # noqa: F401
"""

from __future__ import annotations

import copy
import json
import secrets
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

FIXTURES_PATH = Path(__file__).resolve().parents[1] / "fixtures" / "stripe" / "fixtures3.json"
STUB_API_KEY = "sk_test_stub_4eC39HqLyjWDarjtT1zdp7dc"


@cache
def load_fixtures() -> dict[str, Any]:
    """Stripe's fixture file, parsed once; fails the test clearly when it is missing."""
    if not FIXTURES_PATH.is_file():
        pytest.fail(
            f"Stripe's fixture file is missing: expected {FIXTURES_PATH} "
            "(kept in the repository; see tests/fixtures/stripe/README.md)",
            pytrace=False,
        )
    fixtures: dict[str, Any] = json.loads(FIXTURES_PATH.read_text(encoding="utf-8"))
    return fixtures


def fixture_object(name: str) -> dict[str, Any]:
    """A fresh copy of one fixture resource (`payment_intent`, `refund`, `charge`, ...)."""
    obj: dict[str, Any] = copy.deepcopy(load_fixtures()["resources"][name])
    return obj


@dataclass(frozen=True)
class RecordedRequest:
    """One request the stub received: form fields flattened as Stripe encodes them."""

    method: str
    path: str
    form: dict[str, str]
    headers: dict[str, str]  # names lower-cased

    def header(self, name: str) -> str | None:
        """A request header by case-insensitive name."""
        return self.headers.get(name.lower())


@dataclass
class _Failure:
    status: int
    body: dict[str, Any]
    should_retry: bool | None
    remaining: int


@dataclass
class _Answer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _Replay:
    method: str
    path: str
    form: dict[str, str]
    answer: _Answer


class StripeStub:
    """The stub's state: what it received, what it remembers per idempotency key, failures."""

    def __init__(self, api_key: str = STUB_API_KEY) -> None:
        self.api_key = api_key
        self.url = ""
        self._requests: list[RecordedRequest] = []
        self._replays: dict[str, _Replay] = {}
        self._failures: list[_Failure] = []
        self._hangs = 0
        self._hang_seconds = 0.0
        # Set on shutdown, so a hanging handler thread lets the server stop at once.
        self.stopping = threading.Event()
        self._lock = threading.Lock()

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        """The requests received for one path."""
        return [r for r in self.requests if r.path == path]

    def fail_next(
        self,
        status: int = 500,
        *,
        error_type: str = "api_error",
        code: str | None = None,
        message: str = "Something went wrong on Stripe's end.",
        times: int = 1,
        should_retry: bool | None = None,
    ) -> None:
        """Answer the next `times` API requests with a Stripe error (never remembered per key)."""
        error: dict[str, Any] = {"type": error_type, "message": message}
        if code is not None:
            error["code"] = code
        with self._lock:
            self._failures.append(_Failure(status, {"error": error}, should_retry, times))

    def hang_next(self, seconds: float = 30.0, *, times: int = 1) -> None:
        """Hold the next `times` API requests for `seconds` before answering them normally."""
        with self._lock:
            self._hangs, self._hang_seconds = times, seconds

    def decline_next(self) -> None:
        """Answer the next request with a 402 card_error, as Stripe does for a declined card."""
        self.fail_next(
            402,
            error_type="card_error",
            code="card_declined",
            message="Your card was declined.",
        )

    def handle(self, method: str, raw_path: str, body: bytes, headers: dict[str, str]) -> _Answer:
        """Record one request and decide the answer (called from the server's threads)."""
        path = urlsplit(raw_path).path
        form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        request = RecordedRequest(method, path, form, headers)
        with self._lock:
            self._requests.append(request)
            hang = self._hang_seconds if self._hangs > 0 else 0.0
            self._hangs = max(0, self._hangs - 1)
        if hang:
            self.stopping.wait(hang)
        with self._lock:
            failure = self._take_failure()
            if failure is not None:
                return failure
            if not self._authorized(request):
                return _error(
                    401,
                    "invalid_request_error",
                    # Stripe echoes a masked key back; the adapter must not pass even that on.
                    f"Invalid API Key provided: {_masked(request.header('authorization'))}",
                )
            key = request.header("idempotency-key")
            if key is not None and method == "POST":
                return self._idempotent(key, request)
            return _route(request)

    def _take_failure(self) -> _Answer | None:
        if not self._failures:
            return None
        failure = self._failures[0]
        failure.remaining -= 1
        if failure.remaining <= 0:
            self._failures.pop(0)
        headers = {}
        if failure.should_retry is not None:
            headers["Stripe-Should-Retry"] = "true" if failure.should_retry else "false"
        return _Answer(failure.status, copy.deepcopy(failure.body), headers)

    def _authorized(self, request: RecordedRequest) -> bool:
        return request.header("authorization") == f"Bearer {self.api_key}"

    def _idempotent(self, key: str, request: RecordedRequest) -> _Answer:
        replay = self._replays.get(key)
        if replay is None:
            answer = _route(request)
            if answer.status < 500:
                self._replays[key] = _Replay(request.method, request.path, request.form, answer)
            return answer
        first = (replay.method, replay.path, replay.form)
        if first != (request.method, request.path, request.form):
            return _error(
                400,
                "idempotency_error",
                "Keys for idempotent requests can only be used with the same parameters they "
                f"were first used with. Try using a key other than '{key}' if you meant to "
                "execute a different request.",
            )
        return _Answer(
            replay.answer.status,
            copy.deepcopy(replay.answer.body),
            {**replay.answer.headers, "Idempotent-Replayed": "true"},
        )


def _route(request: RecordedRequest) -> _Answer:
    routes = {
        ("POST", "/v1/payment_intents"): _create_payment_intent,
        ("POST", "/v1/refunds"): _create_refund,
        ("GET", "/v1/balance"): _balance,
    }
    handler = routes.get((request.method, request.path))
    if handler is None:
        return _error(
            404,
            "invalid_request_error",
            f"Unrecognized request URL ({request.method}: {request.path}).",
        )
    return handler(request)


def _balance(_request: RecordedRequest) -> _Answer:
    return _Answer(200, fixture_object("balance"))


def _create_payment_intent(request: RecordedRequest) -> _Answer:
    form = request.form
    for name in ("amount", "currency"):
        if name not in form:
            return _error(400, "invalid_request_error", f"Missing required param: {name}.", name)
    if not form["amount"].isdigit():
        return _error(400, "invalid_request_error", "Invalid integer: amount", "amount")
    intent = fixture_object("payment_intent")
    intent_id = f"pi_{secrets.token_hex(12)}"
    intent.update(
        id=intent_id,
        amount=int(form["amount"]),
        amount_received=0,
        currency=form["currency"],
        metadata=_metadata(form),
        status="requires_payment_method",
        client_secret=f"{intent_id}_secret_{secrets.token_hex(12)}",
        automatic_payment_methods={
            "enabled": form.get("automatic_payment_methods[enabled]") == "true"
        },
        last_payment_error=None,
        next_action=None,
        canceled_at=None,
    )
    return _Answer(200, intent)


def _create_refund(request: RecordedRequest) -> _Answer:
    form = request.form
    if "payment_intent" not in form and "charge" not in form:
        return _error(
            400,
            "invalid_request_error",
            "One of the following params should be provided for this request: "
            "payment_intent or charge.",
        )
    refund = fixture_object("refund")
    refund.update(
        id=f"re_{secrets.token_hex(12)}",
        payment_intent=form.get("payment_intent"),
        metadata=_metadata(form),
        status="succeeded",
    )
    if "amount" in form:
        refund["amount"] = int(form["amount"])
    return _Answer(200, refund)


def _metadata(form: dict[str, str]) -> dict[str, str]:
    prefix, suffix = "metadata[", "]"
    return {
        name[len(prefix) : -len(suffix)]: value
        for name, value in form.items()
        if name.startswith(prefix) and name.endswith(suffix)
    }


def _error(status: int, error_type: str, message: str, param: str | None = None) -> _Answer:
    error: dict[str, Any] = {"type": error_type, "message": message}
    if param is not None:
        error["param"] = param
    return _Answer(status, {"error": error})


def _masked(authorization: str | None) -> str:
    key = (authorization or "").removeprefix("Bearer ")
    return f"{key[:8]}{'*' * max(len(key) - 12, 0)}{key[-4:]}" if len(key) > 12 else "****"


def _handler_for(stub: StripeStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            self._answer()

        def do_DELETE(self) -> None:
            self._answer()

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            answer = stub.handle(self.command, self.path, body, headers)
            payload = json.dumps(answer.body).encode()
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Request-Id", f"req_{secrets.token_hex(7)}")
            for name, value in answer.headers.items():
                self.send_header(name, value)
            if "idempotency-key" in headers:
                self.send_header("Idempotency-Key", headers["idempotency-key"])
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            """Keep test output quiet."""

    return Handler


@contextmanager
def running_stripe_stub(api_key: str = STUB_API_KEY) -> Iterator[StripeStub]:
    """Serve a fresh stub on a free 127.0.0.1 port while the block runs."""
    load_fixtures()  # fail before starting anything when the fixtures are missing
    stub = StripeStub(api_key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(stub))
    server.daemon_threads = True
    host, port = server.server_address[:2]
    stub.url = f"http://{host!s}:{port}"
    # A short poll interval so shutdown() returns at once instead of after half a second.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield stub
    finally:
        stub.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join()


def closed_port_url() -> str:
    """The URL of a 127.0.0.1 port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def stripe_stub() -> Iterator[StripeStub]:
    """A running Stripe stub, fresh for each test."""
    with running_stripe_stub() as stub:
        yield stub
