"""The floor the real GET /me is measured against: Litestar + asyncpg, no layers, no ORM.

One handler doing the same work as the real endpoint: verify the HS256 access token with
PyJWT (signature, algorithm, issuer, required claims, exp, typ), ONE select of the user row
by primary key, the same JSON fields.
Run by tests/bench/run.py as `python -m tests.bench.bare_app` with:

  BENCH_DSN       plain asyncpg DSN (postgresql://...) of the benchmark database
  JWT_SECRET      the secret the real server signs with
  HOST, PORT      where to listen
  BENCH_JWT_TYP   expected `typ` claim (default "access")
  BENCH_JWT_ISS   expected `iss` claim (default "hexashop")
  BENCH_POOL_MIN / BENCH_POOL_MAX   asyncpg pool bounds, matched to the real engine's pool
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from uuid import UUID

import asyncpg
import jwt
import uvicorn
from litestar import Litestar, Request, Response, get

_SECRET = os.environ.get("JWT_SECRET", "")
_TYP = os.environ.get("BENCH_JWT_TYP", "access")
_ISS = os.environ.get("BENCH_JWT_ISS", "hexashop")
# The same required claims as adapters/jwt_tokens.py.
_REQUIRED = ["sub", "role", "sid", "typ", "iat", "exp", "iss", "jti"]
_SELECT = (
    "SELECT id, email, name, role, tier, email_verified, active, created_at, updated_at,"
    " tokens_valid_after FROM users WHERE id = $1"
)
_pool: asyncpg.Pool | None = None


def _rfc3339(value: datetime) -> str:
    """UTC timestamp with a Z suffix, as the API contract writes them."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


@lru_cache(maxsize=1024)
def _verified(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(
        token,
        _SECRET,
        algorithms=["HS256"],
        issuer=_ISS,
        options={"require": _REQUIRED, "verify_exp": False},
    )
    if claims["typ"] != _TYP:
        raise ValueError("not an access token")
    UUID(claims["sub"])
    UUID(claims["sid"])
    return claims


def verified_claims(token: str) -> dict[str, Any] | None:
    """The token's claims, or None when it is refused: verified once per token and kept, the
    expiry checked on every call, as adapters/jwt_tokens.py does (the floor must not pay for
    work the real server no longer does)."""
    try:
        claims = _verified(token)
    except (jwt.PyJWTError, ValueError, TypeError, KeyError):
        return None
    return claims if time.time() < claims["exp"] else None


def _unauthorized() -> Response[dict[str, Any]]:
    return Response(
        {"error": "Unauthorized", "message": "Invalid token", "statusCode": 401},
        status_code=401,
    )


@get("/api/v1/me")
async def me(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    """The signed-in user's profile, as the real GET /me returns it."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return _unauthorized()
    claims = verified_claims(token)
    if claims is None:
        return _unauthorized()
    user_id = UUID(claims["sub"])
    assert _pool is not None
    row = await _pool.fetchrow(_SELECT, user_id)
    # Same revocation rules as the real endpoint: a deactivated user or a token issued
    # before tokens_valid_after is refused.
    if row is None or not row["active"]:
        return _unauthorized()
    valid_after = row["tokens_valid_after"]
    if valid_after is not None and claims["iat"] < valid_after.timestamp():
        return _unauthorized()
    return Response(
        {
            "id": str(row["id"]),
            "email": row["email"],
            "name": row["name"],
            "role": row["role"],
            "tier": row["tier"],
            "emailVerified": row["email_verified"],
            "active": row["active"],
            "createdAt": _rfc3339(row["created_at"]),
            "updatedAt": _rfc3339(row["updated_at"]),
        }
    )


async def _keep_session(_connection: asyncpg.Connection) -> None:
    """asyncpg's pool reset hook, doing nothing (see create_pool)."""


async def create_pool() -> asyncpg.Pool:
    """The bare handlers' pool, on BENCH_DSN with the BENCH_POOL_MIN/MAX bounds."""
    return await asyncpg.create_pool(
        os.environ["BENCH_DSN"],
        min_size=int(os.environ.get("BENCH_POOL_MIN", "5")),
        max_size=int(os.environ.get("BENCH_POOL_MAX", "15")),
        # No reset round trip on release: these handlers change no session state, and the
        # real server's pool (autocommit reads) skips it too.
        reset=_keep_session,
    )


@asynccontextmanager
async def _lifespan(_: Litestar) -> AsyncIterator[None]:
    global _pool
    _pool = await create_pool()
    try:
        yield
    finally:
        await _pool.close()


app = Litestar(route_handlers=[me], lifespan=[_lifespan], openapi_config=None, logging_config=None)


def _configure_logging(level: str) -> None:
    """What entrypoints/http/logging.py does to the stdlib loggers, minus the JSON renderer
    (nothing is logged at WARNING on the happy path, so the renderer never runs)."""
    root = logging.getLogger()
    root.handlers = [logging.StreamHandler()]
    root.setLevel(level.upper())
    access = logging.getLogger("uvicorn.access")
    access.handlers = []
    access.propagate = False
    access.disabled = True


def main() -> None:
    """Serve with the uvicorn settings of `hexashop serve` (entrypoints/cli/processes.py)."""
    _configure_logging(os.environ.get("LOG_LEVEL", "WARNING"))
    # Exactly what `hexashop serve` passes: default loop/http (auto), one worker, and
    # log_config=None so uvicorn installs no handlers (its access log stays below WARNING).
    uvicorn.run(
        app, host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ["PORT"]), log_config=None
    )


if __name__ == "__main__":
    main()
