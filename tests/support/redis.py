"""The test Redis server (127.0.0.1:6379 or HEXASHOP_TEST_REDIS_URL). Fails loudly when down."""

from __future__ import annotations

import os
import time
from uuid import uuid4

import redis

DEFAULT_URL = "redis://127.0.0.1:6379/0"
URL_ENV = "HEXASHOP_TEST_REDIS_URL"


class RedisUnavailable(RuntimeError):
    """The test Redis server cannot be reached; tests needing it must fail, not skip."""


def redis_url() -> str:
    """The URL of a Redis that answers PING, or raise RedisUnavailable."""
    url = os.environ.get(URL_ENV) or DEFAULT_URL
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise RedisUnavailable(
            f"Redis is unreachable at {url} ({exc!r}). Start it (.ci/run does) or point "
            f"{URL_ENV} at a server; these tests never skip."
        ) from exc
    finally:
        client.close()
    return url


def unique_prefix() -> str:
    """A key prefix no other test (or helper sharing this Redis) uses."""
    return f"hexashop-test-{os.getpid()}-{uuid4().hex[:12]}"


def keys_under(url: str, prefix: str) -> list[bytes]:
    """Every key stored under `prefix`."""
    with redis.Redis.from_url(url) as client:
        return list(client.scan_iter(match=f"{prefix}:*"))


def delete_prefix(url: str, prefix: str) -> None:
    """Remove what a test stored under its prefix."""
    with redis.Redis.from_url(url) as client:
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)


def away_from_window_edge(period_s: int = 60, margin_s: float = 3.0) -> None:
    """Sleep past the next multiple of `period_s` (Unix time) when it is under `margin_s` away.

    In-memory windows start at multiples of their period; a burst that straddled one would see
    the previous window's count weighted down and be allowed one more request.
    """
    into = time.time() % period_s
    if into > period_s - margin_s:
        time.sleep(period_s - into + 0.05)
