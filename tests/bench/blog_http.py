"""GET /api/v1/posts (a page of 20) on the real server against a bare Litestar + asyncpg app
issuing the same SQL (tests/bench/bare_blog.py): target real/bare requests per second >= 0.5.

`python -m tests.bench.blog_http [--posts 1000]`: a throwaway Postgres database with
generated posts (tests/bench/blog_search.py's), their author and comments, the real
`hexashop serve` and the bare app on it, then alternating wrk rounds on each (the median of
each's rounds). A report, not a test: exit 0 even when the target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx

from adapters.sqlalchemy.migrate import upgrade_database_async
from tests.bench import run
from tests.bench.blog_search import COLUMNS, _posts

TARGET_RATIO = 0.5
THREADS, CONNECTIONS, WARMUP_S, ROUND_S, ROUNDS = 2, 16, 3, 5, 3
PATH = "/api/v1/posts?limit=20"


async def _fill(dsn: str, count: int) -> None:
    """Posts, their author (a user with a name) and a few comments on each tenth post."""
    await upgrade_database_async(dsn.replace("postgresql://", "postgresql+asyncpg://", 1))
    conn = await asyncpg.connect(dsn)
    try:
        now = datetime.now(UTC)
        await conn.execute(
            "INSERT INTO users (id, email, name, password_hash, role, tier, email_verified,"
            " active, created_at, updated_at) VALUES ($1, 'author@example.com', 'Bench Author',"
            " 'x', 'customer', 'standard', true, true, $2, $2)",
            UUID(int=1),
            now,
        )
        rows = _posts(count)
        await conn.copy_records_to_table("posts", records=rows, columns=COLUMNS)
        tags = [(row[0], f"tag{n % 7}", 0) for n, row in enumerate(rows)]
        tags += [(row[0], f"extra{n % 3}", 1) for n, row in enumerate(rows)]
        await conn.copy_records_to_table(
            "post_tags", records=tags, columns=("post_id", "tag", "position")
        )
        comments = [
            (uuid4(), row[0], UUID(int=1), "Nice post", now)
            for n, row in enumerate(rows)
            for _ in range(3 if n % 10 == 0 else 0)
        ]
        await conn.copy_records_to_table(
            "comments",
            records=comments,
            columns=("id", "post_id", "author_id", "content", "created_at"),
        )
        await conn.execute("VACUUM ANALYZE")  # as autovacuum would have by then
    finally:
        await conn.close()


def _same_page(real: str, bare: str) -> None:
    """Both apps answer the same posts, tags, comment counts and author names."""
    with httpx.Client(timeout=10) as client:
        answers = [client.get(base + PATH) for base in (real, bare)]
    for answer in answers:
        if answer.status_code != 200:
            raise run.HarnessError(f"GET {PATH} answered {answer.status_code}: {answer.text}")
    fields = ("id", "tags", "commentCount", "author", "publishedAt")
    real_items, bare_items = (
        [{k: item[k] for k in fields} for item in answer.json()["data"]] for answer in answers
    )
    if real_items != bare_items or len(real_items) != 20:
        raise run.HarnessError(f"the apps disagree:\n{real_items[:2]}\n{bare_items[:2]}")


def measure(posts: int) -> dict[str, Any]:
    """Set up, measure both apps in alternating rounds, tear down."""
    wrk = run.ensure_wrk()
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hexashop-blog-")))
        dsn = stack.enter_context(run.throwaway_database())
        asyncio.run(_fill(dsn, posts))
        real_port, bare_port = run.free_port(), run.free_port()
        env = run.server_env(dsn, real_port, tmp / "var")
        real = run.start("real", [str(run.BIN / "hexashop"), "serve"], env, tmp)
        stack.callback(real.stop)
        base_real = f"http://127.0.0.1:{real_port}"
        run.wait_until_up(real, base_real, ["/health/live", "/api/v1/health/live"])
        bare_env = {
            **os.environ,
            "BENCH_DSN": dsn,
            "BENCH_POOL_MIN": "20",
            "BENCH_POOL_MAX": "30",
            "HOST": "127.0.0.1",
            "PORT": str(bare_port),
        }
        bare = run.start(
            "bare_blog", [sys.executable, "-m", "tests.bench.bare_blog"], bare_env, tmp
        )
        stack.callback(bare.stop)
        base_bare = f"http://127.0.0.1:{bare_port}"
        run.wait_until_up(bare, base_bare, [PATH])
        _same_page(base_real, base_bare)

        results: dict[str, list[run.WrkResult]] = {"real": [], "bare": []}
        bases = {"real": base_real, "bare": base_bare}
        for base in bases.values():
            run.Load(base + PATH, THREADS, CONNECTIONS, WARMUP_S).run(wrk)
        for _ in range(ROUNDS):
            for name, base in bases.items():
                results[name].append(run.Load(base + PATH, THREADS, CONNECTIONS, ROUND_S).run(wrk))
    rps = {
        name: statistics.median(r.requests_per_s for r in rounds)
        for name, rounds in results.items()
    }
    p50 = {name: statistics.median(r.p50_ms for r in rounds) for name, rounds in results.items()}
    failed = {name: max(r.failed_share for r in rounds) for name, rounds in results.items()}
    return {
        "posts": posts,
        "requests_per_s": rps,
        "p50_ms": p50,
        "failed_share": failed,
        "ratio": round(rps["real"] / rps["bare"], 2),
        "target_ratio": TARGET_RATIO,
        "load_average": os.getloadavg(),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=1000)
    args = parser.parse_args()
    report = measure(args.posts)
    print(json.dumps(report, indent=2))
    verdict = "ok" if report["ratio"] >= TARGET_RATIO else "MISSED"
    print(
        f"GET /posts page of 20: real/bare = {report['ratio']} (target >= {TARGET_RATIO}) {verdict}"
    )
