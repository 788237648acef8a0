"""Blog search at scale: GET /posts?search= and the post repository on Postgres over 1,000
and 100,000 posts.

`python -m tests.bench.blog_search [--posts 100000]` fills two throwaway databases with the
same generated posts (a vocabulary of words at fixed shares, so a word matches the same
fraction of the posts in both), then times each search two ways, samples of the two sizes
taken in turn: whole requests to a real `hexashop serve` on each database (the target: p50
at 100k over p50 at 1k <= 2.0, what a reader waits for), and the repository's call alone
through a read-only unit of work (reported: the database's share, without the request's
fixed cost). Also the statements per call for pages of 5 and 50 (they must be equal).
Words at a fixed share of the posts match 100 times more posts at 100k; a search ranks at
most SEARCH_MATCH_LIMIT (500) of them, and finding and ranking up to that bound is not
free, so their ratio shows what the bound buys; the needle shows a search whose matches
stay few.

A report, not a test: exit 0 even when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg

from adapters.sqlalchemy.migrate import upgrade_database_async
from application.blog.ports import PostQuery
from application.shared.paging import PageRequest, Sort
from tests.bench.side_by_side import p50s_in_turn, postgres_factory, served_p50s, statements_of
from tests.support.databases import UnitOfWorkFactory
from tests.support.postgres import throwaway_database

SMALL = 1_000
LIST_ROW = "list page of 20"
TARGET_RATIO = 2.0
SAMPLES, WARMUP = 100, 10
# Word shares: "common" in 30% of posts, "frequent" in 5%, "rare" in 0.5%; the rest filler.
SHARES = {"common": 0.30, "frequent": 0.05, "rare": 0.005}
FILLER = [f"filler{n}" for n in range(3000)]
# "needle" is in exactly NEEDLES posts whatever their number: a search whose matches do not
# grow with the corpus (the GIN index finds them in about the same time).
NEEDLES = 50
SEARCHES = {
    "needle (50 posts)": "needles",
    "common word (30%)": "commons",
    "frequent word (5%)": "frequent",
    "rare word (0.5%)": "rare",
    "two words": "common frequent",
    "stemmed, no match": "nothingatalling",
}
T0 = datetime(2026, 1, 1, tzinfo=UTC)
COLUMNS = (
    "id",
    "slug",
    "title",
    "content",
    "excerpt",
    "published",
    "published_at",
    "author_id",
    "cover_image_id",
    "version",
    "created_at",
    "updated_at",
)


def _posts(count: int, seed: int = 11) -> list[tuple[Any, ...]]:
    """`count` generated posts as rows: 90% published, 60 words of content, 5 of title;
    SHARES of them hold each shared word, NEEDLES of them the needle."""
    rng = random.Random(seed)
    rows = []
    author = UUID(int=1)
    for n in range(count):
        words = rng.choices(FILLER, k=60)
        for word, share in SHARES.items():
            if rng.random() < share:
                words[rng.randrange(60)] = word
        if n % (count // NEEDLES) == 0:
            words[0] = "needle"
        title = " ".join(rng.choices(FILLER, k=5))
        content = " ".join(words)
        at = T0 + timedelta(minutes=n)
        published = rng.random() < 0.9
        rows.append(
            (
                UUID(int=n + 10),
                f"post-{n}",
                title,
                content,
                content[:200],
                published,
                at if published else None,
                author,
                None,
                1,
                at,
                at,
            )
        )
    return rows


async def _fill(url: str, count: int) -> None:
    await upgrade_database_async(url)
    dsn = url.replace("postgresql+asyncpg", "postgresql")
    conn = await asyncpg.connect(dsn)
    try:
        rows = _posts(count)
        await conn.copy_records_to_table("posts", records=rows, columns=COLUMNS)
        tags = [(row[0], f"tag{n % 7}", 0) for n, row in enumerate(rows)]
        await conn.copy_records_to_table(
            "post_tags", records=tags, columns=("post_id", "tag", "position")
        )
        # As autovacuum would have by then: statistics, and the visibility map that lets
        # counts read the index only.
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


def _list_call(factory: UnitOfWorkFactory, query: PostQuery) -> Callable[[], Awaitable[object]]:
    async def call() -> object:
        async with factory.read_only() as uow:
            return await uow.posts.list(query)

    return call


async def _compare(small: UnitOfWorkFactory, big: UnitOfWorkFactory) -> dict[str, Any]:
    """Each query's p50 on both databases, their samples taken in turn (the machine's load
    then weighs on both alike), its totals and statements per call at pages of 5 and 50."""
    queries = {LIST_ROW: PostQuery(sort=Sort("publishedAt", descending=True))}
    queries |= {name: PostQuery(search=words) for name, words in SEARCHES.items()}
    rows = {}
    for name, query in queries.items():
        calls = (_list_call(small, query), _list_call(big, query))
        p50 = await p50s_in_turn(calls, WARMUP, SAMPLES)
        totals = []
        for factory in (small, big):
            async with factory.read_only() as uow:
                totals.append((await uow.posts.list(query)).total)
        pages = [replace(query, page=PageRequest(limit=n)) for n in (5, 50)]
        rows[name] = {
            "p50_ms": [round(v, 2) for v in p50],
            "ratio": round(p50[1] / p50[0], 2),
            "totals": totals,
            "statements_limit_5_50": [
                await statements_of(big, _list_call(big, page)) for page in pages
            ],
        }
    return rows


async def main(large: int) -> dict[str, Any]:
    """Fill both databases, measure them side by side, compare."""
    async with (
        throwaway_database("hexashop_bench_blog") as small_url,
        throwaway_database("hexashop_bench_blog") as big_url,
    ):
        fill_s = []
        for url, size in ((small_url, SMALL), (big_url, large)):
            started = time.perf_counter()
            await _fill(url, size)
            fill_s.append(round(time.perf_counter() - started, 1))
        small, big = postgres_factory(small_url), postgres_factory(big_url)
        try:
            rows = await _compare(small, big)
        finally:
            for factory in (small, big):
                assert factory.engine is not None
                await factory.engine.dispose()
        paths = {LIST_ROW: "/api/v1/posts?limit=20"} | {
            name: "/api/v1/posts?limit=20&search=" + urllib.parse.quote(words)
            for name, words in SEARCHES.items()
        }
        both = {name: (path, path) for name, path in paths.items()}
        for name, p50 in (await served_p50s((small_url, big_url), both)).items():
            rows[name]["request_p50_ms"] = p50
            rows[name]["request_ratio"] = round(p50[1] / p50[0], 2)
    return {
        "posts": [SMALL, large],
        "fill_s": fill_s,
        "rows": rows,
        "target_ratio": TARGET_RATIO,
        "load_average": os.getloadavg(),
    }


def _print(report: dict[str, Any]) -> None:
    print(
        f"posts {report['posts']}, fill seconds {report['fill_s']}, load {report['load_average']}"
    )
    print(
        f"{'query':24} {'request p50 1k':>14} {'big':>8} {'ratio':>6}  "
        f"{'repository 1k':>13} {'big':>8} {'ratio':>6}  totals  statements(5,50)"
    )
    for name, row in report["rows"].items():
        small, big = row["p50_ms"]
        served_small, served_big = row["request_p50_ms"]
        verdict = "ok" if row["request_ratio"] <= report["target_ratio"] else "MISSED"
        print(
            f"{name:24} {served_small:12.2f}ms {served_big:6.2f}ms {row['request_ratio']:6.2f}  "
            f"{small:11.2f}ms {big:6.2f}ms {row['ratio']:6.2f}  "
            f"{row['totals']}  {row['statements_limit_5_50']}  {verdict}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(main(args.posts))
    if args.json:
        print(json.dumps(result, indent=2))
    _print(result)
