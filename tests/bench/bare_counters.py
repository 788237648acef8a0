"""The floor POST /api/v1/counters/{name}/hits is measured against: Litestar + asyncpg, no
layers, the same key check and the same upsert.

The key check of AuthenticateApiKey: the `hxk_<prefix>_<secret>` shape, the row by prefix,
its SHA-256 compared in constant time, revoked refused, the counter scope; last_used_at
written at most once a minute. Then the one upsert SqlCounterStore sends, in autocommit.

Run by tests/bench/counters.py as `python -m tests.bench.bare_counters`, with the environment
of bare_app (BENCH_DSN, BENCH_POOL_MIN/MAX, HOST, PORT, LOG_LEVEL).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import uvicorn
from litestar import Litestar, Request, Response, get, post

from tests.bench.bare_app import _configure_logging, create_pool

_KEY = re.compile(r"^hxk_([0-9a-f]{8})_[A-Za-z0-9_-]{16,96}$")
_NAME = re.compile(r"^[a-z0-9-]{1,64}$")
_BY_PREFIX = (
    "SELECT id, digest, counters, origins, revoked_at, last_used_at FROM api_keys WHERE prefix = $1"
)
_TOUCH = (
    "UPDATE api_keys SET last_used_at = $2 WHERE id = $1"
    " AND (last_used_at IS NULL OR last_used_at < $3)"
)
_HIT = (
    "INSERT INTO counters (name, count, created_at, updated_at) VALUES ($1, 1, $2, $2)"
    " ON CONFLICT (name) DO UPDATE SET count = counters.count + 1,"
    " updated_at = excluded.updated_at RETURNING counters.count"
)
_MINUTE = timedelta(minutes=1)

_pool: asyncpg.Pool | None = None


def _error(status: int, name: str, message: str) -> Response[dict[str, Any]]:
    return Response({"error": name, "message": message, "statusCode": status}, status_code=status)


@post("/api/v1/counters/{name:str}/hits", status_code=200)
async def hit(request: Request[Any, Any, Any], name: str) -> Response[dict[str, Any]]:
    """Check the key, add a hit, return the count."""
    if not _NAME.match(name):
        return _error(400, "BadRequest", "Bad counter name")
    sent = request.headers.get("x-api-key") or ""
    match = _KEY.match(sent) if len(sent) <= 128 else None
    if match is None:
        return _error(401, "Unauthorized", "Missing, unknown or revoked API key")
    assert _pool is not None
    async with _pool.acquire() as conn:
        row = await conn.fetchrow(_BY_PREFIX, match[1])
        digest = hashlib.sha256(sent.encode()).hexdigest()
        if row is None or not hmac.compare_digest(row["digest"], digest) or row["revoked_at"]:
            return _error(401, "Unauthorized", "Missing, unknown or revoked API key")
        scopes = json.loads(row["counters"])
        if scopes and name not in scopes:
            return _error(403, "Forbidden", "This API key is not allowed here")
        now = datetime.now(UTC)
        if row["last_used_at"] is None or now - row["last_used_at"] >= _MINUTE:
            await conn.execute(_TOUCH, row["id"], now, now - _MINUTE)
        count = await conn.fetchval(_HIT, name, now)
    return Response({"name": name, "count": count})


@get("/health/live")
async def live() -> dict[str, str]:
    """For the harness's wait_until_up."""
    return {"status": "ok"}


@asynccontextmanager
async def _lifespan(_: Litestar) -> AsyncIterator[None]:
    global _pool
    _pool = await create_pool()
    try:
        yield
    finally:
        await _pool.close()


app = Litestar(
    route_handlers=[hit, live], lifespan=[_lifespan], openapi_config=None, logging_config=None
)


def main() -> None:
    """Serve with the same uvicorn settings as `hexashop serve` (see bare_app.main)."""
    _configure_logging(os.environ.get("LOG_LEVEL", "WARNING"))
    uvicorn.run(
        app, host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ["PORT"]), log_config=None
    )


if __name__ == "__main__":
    main()
