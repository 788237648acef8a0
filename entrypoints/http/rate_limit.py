"""Per-caller rate limits on /api/v1 (docs/api.md "Limits and headers on every route").

An ASGI wrapper rather than Litestar middleware, so unknown /api/v1 paths are counted too and a
refusal never reaches routing. Counting is a sliding window counter (adapters/sliding_windows.py):
a constant amount of state per caller, and in Redis one Lua script per hit, atomic across every
replica.
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any, NamedTuple

import msgspec
import structlog

from adapters.sliding_windows import Limit, SlidingWindows, WindowsUnavailable, sliding_windows
from application.accounts.ports import AccessTokens
from application.shared.ports import Clock
from domain.addresses import counted_address
from domain.errors import AuthenticationFailed
from entrypoints.http.dependencies import bearer_token
from entrypoints.http.errors import DEFAULT_MESSAGES, error_name
from entrypoints.http.request_context import ASGIApp, Message, Receive, Scope, Send, request_id_of
from entrypoints.http.schemas import ErrorBody
from entrypoints.metrics import record_rate_limit_refusal
from entrypoints.settings import Settings

logger = structlog.get_logger("hexashop.rate_limit")

API_PREFIX = "/api/v1"
_API_PATHS = API_PREFIX + "/"
_AUTH_PREFIX = API_PREFIX + "/auth/"
_SLASHES = re.compile(r"//+")
# POST /api/v1/counters/{name}/hits: counted per API key, apart from the default policy.
_COUNTER_HITS = re.compile(r"^/api/v1/counters/[^/]+/hits/?$")
# While the storage is unreachable requests pass uncounted; it is tried again this often, so
# an outage costs one failed round trip a second rather than one per request.
_RETRY_STORAGE_SECONDS = 1.0
# Verified tokens remembered (token -> user id, expiry) so a caller's JWT is checked once, not
# on every request; cleared when full, which only costs re-verifying.
_MAX_KNOWN_TOKENS = 4096

Headers = list[tuple[bytes, bytes]]


class Policy(NamedTuple):
    """A named limit, e.g. `auth`: 20 requests a minute, and its RateLimit-Limit header."""

    limit: Limit
    limit_header: tuple[bytes, bytes]

    @property
    def name(self) -> str:
        """The policy's name, as metrics and logs know it."""
        return self.limit.name

    @classmethod
    def on(cls, windows: SlidingWindows, name: str, rate: str) -> Policy:
        """The policy `name` allowing `rate` (e.g. "20/minute"), counted on `windows`."""
        limit = Limit(windows, name, rate)
        return cls(limit, (b"ratelimit-limit", str(limit.rate.amount).encode()))


def build_windows(settings: Settings) -> SlidingWindows:
    """Redis when REDIS_URL is set (shared by every replica), else this process's memory."""
    return sliding_windows(
        settings.redis_url, settings.rate_limit_key_prefix, settings.redis_timeout_seconds
    )


class CallerKeys:
    """Who a request counts against: its user when the bearer token verifies, else its
    address (an IPv6 one's /64 network). Only the signature and expiry are checked (no
    database read): a forged or expired token falls back to the address, so no one can spend
    another user's allowance."""

    def __init__(self, access_tokens: AccessTokens, clock: Clock) -> None:
        self._access_tokens = access_tokens
        self._clock = clock
        self._known: dict[str, tuple[str, float]] = {}

    def __call__(self, scope: Scope) -> str:
        """`user:<id>` or `ip:<address>`."""
        for name, value in scope["headers"]:
            if name == b"authorization":
                user = self._user(value.decode("latin-1"))
                if user is not None:
                    return user
                break
        client = scope.get("client")
        return _address_caller(client[0]) if client else "ip:unknown"

    def _user(self, authorization: str) -> str | None:
        try:
            token = bearer_token(authorization)
        except AuthenticationFailed:
            return None
        now = self._clock.now()
        known = self._known.get(token)
        if known is not None and now.timestamp() < known[1]:
            return known[0]
        try:
            claims = self._access_tokens.decode(token, now)
        except AuthenticationFailed:
            return None
        if len(self._known) >= _MAX_KNOWN_TOKENS:
            self._known.clear()
        user = f"user:{claims.user_id}"
        self._known[token] = (user, claims.expires_at.timestamp())
        return user


@lru_cache(maxsize=4096)
def _address_caller(host: str) -> str:
    # An IPv6 client counts as its /64 network (domain/addresses.py); parsed once per address.
    return f"ip:{counted_address(host)}"


def api_key_caller(scope: Scope) -> str | None:
    """`key:<digest>` for a request carrying X-API-Key: the SHA-256 of the key, so the key
    itself is never a Redis key or in memory longer than the request. None without one."""
    for name, value in scope["headers"]:
        if name == b"x-api-key":
            return "key:" + hashlib.sha256(value).hexdigest()
    return None


class RateLimiter:
    """Wraps the app: counts each /api/v1 request against its policy, adds the RateLimit
    headers, and answers 429 itself when the caller is over the limit."""

    def __init__(
        self,
        windows: SlidingWindows,
        caller: Callable[[Scope], str],
        default: str = "300/minute",
        auth: str = "20/minute",
        counter_hits: str = "600/minute",
    ) -> None:
        self._windows = windows
        self._caller = caller
        self._default = Policy.on(windows, "default", default)
        self._auth = Policy.on(windows, "auth", auth)
        self._counter_hits = Policy.on(windows, "counter_hits", counter_hits)
        self._refusals = {p.name: 0 for p in (self._default, self._auth, self._counter_hits)}
        self._storage_back_at = 0.0

    def refusals(self) -> dict[str, int]:
        """Requests refused so far, per policy name (for metrics)."""
        return dict(self._refusals)

    async def aclose(self) -> None:
        """Close the connections to the shared store, at shutdown."""
        await self._windows.aclose()

    def policy_for(self, path: str, method: str = "GET") -> Policy | None:
        """The policy limiting `path`; None for routes outside /api/v1 (health, docs...)."""
        if "//" in path:  # so "/api/v1//auth/login" cannot dodge the auth policy
            path = _SLASHES.sub("/", path)
        if method == "POST" and _COUNTER_HITS.match(path):
            return self._counter_hits
        if path.startswith(_AUTH_PREFIX):
            return self._auth
        if path.startswith(_API_PATHS) or path == API_PREFIX:
            return self._default
        return None

    def wrap(self, app: ASGIApp) -> ASGIApp:
        """`app` behind this limiter."""

        async def limited(scope: Scope, receive: Receive, send: Send) -> None:
            policy = self.policy_for(scope["path"], scope.get("method", "GET"))
            key_caller = api_key_caller(scope) if policy is self._counter_hits else None
            if policy is self._counter_hits and key_caller is None:
                policy = self._default  # no key: a 401 to come, counted against the address
            counted = None if policy is None else await self._count(policy, scope, key_caller)
            if counted is None:  # not limited, or the storage is unreachable (fail open)
                await app(scope, receive, send)
                return
            allowed, headers = counted
            if allowed:
                await app(scope, receive, _with_headers(send, headers))
                return
            assert policy is not None
            self._refusals[policy.name] += 1
            record_rate_limit_refusal(policy.name)
            await _refuse(scope, send, headers)

        return limited

    async def _count(
        self, policy: Policy, scope: Scope, key_caller: str | None = None
    ) -> tuple[bool, Headers] | None:
        if self._storage_back_at and time.monotonic() < self._storage_back_at:
            return None
        caller = key_caller or self._caller(scope)
        try:
            allowed, remaining, reset_in = await policy.limit.hit(caller)
        except WindowsUnavailable as exc:
            if not self._storage_back_at:
                # Fail open: a Redis outage must not take the API down; the log says why.
                logger.warning("rate_limit_storage_unavailable", error=repr(exc))
            self._storage_back_at = time.monotonic() + _RETRY_STORAGE_SECONDS
            return None
        if self._storage_back_at:
            logger.info("rate_limit_storage_available")
            self._storage_back_at = 0.0
        reset = max(0, math.ceil(reset_in))
        headers = [
            policy.limit_header,
            (b"ratelimit-remaining", str(remaining if allowed else 0).encode()),
            (b"ratelimit-reset", str(reset).encode()),
        ]
        if not allowed:
            headers.append((b"retry-after", str(max(1, reset)).encode()))
        return allowed, headers


def _with_headers(send: Send, headers: Headers) -> Send:
    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", ()), *headers]}
        await send(message)

    return send_with_headers


async def _refuse(scope: Scope, send: Send, headers: Headers) -> None:
    body = msgspec.json.encode(
        ErrorBody(
            error=error_name(429),
            message=DEFAULT_MESSAGES[429],
            status_code=429,
            request_id=request_id_of(scope),
        )
    )
    start: dict[str, Any] = {
        "type": "http.response.start",
        "status": 429,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            *headers,
        ],
    }
    await send(start)
    await send({"type": "http.response.body", "body": body})


def build_rate_limiter(
    settings: Settings, access_tokens: AccessTokens, clock: Clock
) -> RateLimiter:
    """The limiter these settings describe."""
    return RateLimiter(
        build_windows(settings),
        CallerKeys(access_tokens, clock),
        default=settings.rate_limit_default,
        auth=settings.rate_limit_auth,
        counter_hits=settings.rate_limit_counter_hits,
    )
