"""Two real server processes on one Redis share one rate limit (docs/api.md: N replicas never
allow more than the limit in total)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.e2e.process import serving

pytestmark = pytest.mark.e2e


def test_two_replicas_on_one_redis_allow_exactly_the_limit(
    tmp_path: Path, redis_server_url: str, redis_prefix: str
) -> None:
    env = {
        "RATE_LIMIT_ENABLED": "true",
        "RATE_LIMIT_DEFAULT": "10/minute",
        "REDIS_URL": redis_server_url,
        "RATE_LIMIT_KEY_PREFIX": redis_prefix,
        "RUN_WORKER_IN_PROCESS": "false",
    }
    workdir = tmp_path / "work"
    workdir.mkdir()
    # One after the other: the second starts once the first has migrated the shared database.
    with (
        serving(workdir, tmp_path / "one.log", **env) as (one, _),
        serving(workdir, tmp_path / "two.log", **env) as (two, _),
    ):
        bases = [str(client.base_url).rstrip("/") for client in (one, two)]
        urls = [f"{bases[i % 2]}/api/v1/products" for i in range(30)]
        with ThreadPoolExecutor(max_workers=10) as pool:
            statuses = list(pool.map(lambda url: httpx.get(url, timeout=10).status_code, urls))

    # 15 requests each: two separate counters would have allowed 20.
    assert sorted(statuses) == [200] * 10 + [429] * 20
