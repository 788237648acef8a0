"""The product list at scale: GET /products and the repository on Postgres over 1,000 and
1,000,000 products.

`python -m tests.bench.catalog_scale [--scale 1000000]` fills two throwaway databases with the
same generated products (words at fixed shares of the descriptions, so a word matches the same
fraction of the products in both), then times the lists the public catalog serves: page 2,
searches, and a deep page by cursor (the page after the product at 90% of the list) in two
sort orders, two ways, samples of the two sizes taken in turn: whole requests to a real
`hexashop serve` on each database (the target: p50 at the large size over p50 at 1k <= 2.0)
and the repository's call alone through a read-only unit of work (reported: the database's
share). Also the totals and the statements per call for pages of 5 and 50 (equal: no N+1).
`make bench` runs it (`BENCH_ONLY=catalog` alone, `BENCH_SCALE` to change the large size).

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
from application.catalog.list_products import SEARCH_COUNT_LIMIT
from application.catalog.ports import PRODUCT_SORT_VALUES, ProductQuery
from application.shared.paging import Cursor, PageRequest, Sort
from tests.bench.side_by_side import p50s_in_turn, postgres_factory, served_p50s, statements_of
from tests.support.databases import UnitOfWorkFactory
from tests.support.postgres import throwaway_database

SMALL = 1_000
DEFAULT_SCALE = 1_000_000
TARGET_RATIO = 2.0
SAMPLES, WARMUP = 60, 10
DEEP = 0.9  # a deep page starts after the product at this share of the list
# Description word shares: "ceramic" in 30% of products, "walnut" in 5%, "copper" in 0.5%.
SHARES = {"ceramic": 0.30, "walnut": 0.05, "copper": 0.005}
FILLER = [f"filler{n}" for n in range(2000)]
NOUNS = ["mug", "bowl", "plate", "vase", "lamp", "chair", "table", "shelf", "rug", "clock"]
# "teapot" names exactly NEEDLES products whatever their number: a search whose matches stay few.
NEEDLES = 20
T0 = datetime(2026, 1, 1, tzinfo=UTC)
COLUMNS = (
    "id",
    "name",
    "description",
    "price_cents",
    "stock",
    "active",
    "image_ids",
    "created_at",
    "updated_at",
)


def _search(word: str) -> ProductQuery:
    # Counted as the use case counts a search (ListProducts), up to SEARCH_COUNT_LIMIT.
    return ProductQuery(search=word, page=PageRequest(count_limit=SEARCH_COUNT_LIMIT))


QUERIES: dict[str, ProductQuery] = {
    "page 2 (newest first)": ProductQuery(sort=Sort("createdAt", True), page=PageRequest(page=2)),
    "page 2 by price": ProductQuery(sort=Sort("priceCents"), page=PageRequest(page=2)),
    "search needle (20)": _search("teapot"),
    "search rare (0.5%)": _search("copper"),
    "search frequent (5%)": _search("walnut"),
    "search common (30%)": _search("ceramic"),
    "search no match": _search("zzqqxx"),
}
# Deep pages: the page after the product at DEEP of the list in this order (built per database).
DEEP_SORTS = {
    "deep cursor page (newest first)": Sort("createdAt", True),
    "deep cursor page by name": Sort("name"),
}


def _products(count: int, seed: int = 7) -> list[tuple[Any, ...]]:
    """`count` generated active products as rows: a name of two words and a number, twelve
    description words, SHARES of them holding each shared word, NEEDLES of them a teapot."""
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        words = rng.choices(FILLER, k=12)
        for word, share in SHARES.items():
            if rng.random() < share:
                words[rng.randrange(12)] = word
        noun = "teapot" if n % (count // NEEDLES) == 0 else rng.choice(NOUNS)
        name = f"{rng.choice(FILLER).title()} {noun} {n}"
        at = T0 + timedelta(seconds=n, microseconds=n % 997)
        rows.append(
            (
                UUID(int=n + 10),
                name,
                " ".join(words),
                100 + rng.randrange(100_000),
                rng.randrange(50),
                True,
                "[]",
                at,
                at,
            )
        )
    return rows


async def _fill(url: str, count: int) -> None:
    await upgrade_database_async(url)
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        # jsonb's binary format is a version byte then the text.
        await conn.set_type_codec(
            "jsonb",
            encoder=lambda text: b"\x01" + text.encode(),
            decoder=lambda data: data[1:].decode(),
            schema="pg_catalog",
            format="binary",
        )
        await conn.copy_records_to_table("products", records=_products(count), columns=COLUMNS)
        # As autovacuum would have by then: statistics, and the visibility map that lets a
        # count read the index only.
        await conn.execute("VACUUM ANALYZE products")
    finally:
        await conn.close()


def _call(factory: UnitOfWorkFactory, query: ProductQuery) -> Callable[[], Awaitable[Any]]:
    async def call() -> Any:
        async with factory.read_only() as uow:
            return await uow.products.list(query)

    return call


async def _deep_query(factory: UnitOfWorkFactory, size: int, sort: Sort) -> ProductQuery:
    """The query for the page after the product at DEEP of the list sorted by `sort`: its
    cursor is the one a client would have got there (read with OFFSET once, not timed)."""
    # Pages of 100, since page numbers stop at 100,000.
    probe = ProductQuery(sort=sort, page=PageRequest(page=int(size * DEEP) // 100, limit=100))
    item = (await _call(factory, probe)()).items[-1]
    value = PRODUCT_SORT_VALUES[sort.field](item)
    cursor = Cursor(sort.field, sort.descending, value, item.id)
    return ProductQuery(sort=sort, page=PageRequest(cursor=cursor))


def _path(query: ProductQuery) -> str:
    """The public GET /products request asking what the query asks."""
    params: dict[str, str | int] = {"limit": query.page.limit}
    if query.page.cursor is not None:
        params["cursor"] = query.page.cursor.encode()
    elif query.page.page != 1:
        params["page"] = query.page.page
    params["sort"] = ("-" if query.sort.descending else "") + query.sort.field
    if query.search:
        params["search"] = query.search
    return "/api/v1/products?" + urllib.parse.urlencode(params)


async def _pairs(
    small: UnitOfWorkFactory, big: UnitOfWorkFactory, large: int
) -> dict[str, tuple[ProductQuery, ProductQuery]]:
    """Each measured query, as asked of the small and of the large database (a deep page's
    cursor differs between them)."""
    pairs = {name: (query, query) for name, query in QUERIES.items()}
    for name, sort in DEEP_SORTS.items():
        pairs[name] = (
            await _deep_query(small, SMALL, sort),
            await _deep_query(big, large, sort),
        )
    return pairs


async def _compare(
    small: UnitOfWorkFactory,
    big: UnitOfWorkFactory,
    pairs: dict[str, tuple[ProductQuery, ProductQuery]],
) -> dict[str, Any]:
    """Each query's p50 on both databases, their samples taken in turn (the machine's load
    then weighs on both alike), its totals and its statements per call at pages of 5 and 50."""
    rows = {}
    for name, (small_query, big_query) in pairs.items():
        calls = (_call(small, small_query), _call(big, big_query))
        p50 = await p50s_in_turn(calls, WARMUP, SAMPLES)
        pages = [await call() for call in calls]
        sized = [replace(big_query, page=replace(big_query.page, limit=n)) for n in (5, 50)]
        rows[name] = {
            "p50_ms": [round(v, 2) for v in p50],
            "ratio": round(p50[1] / p50[0], 2),
            "totals": [(page.total, page.total_exact) for page in pages],
            "statements_limit_5_50": [await statements_of(big, _call(big, q)) for q in sized],
        }
    return rows


async def main(large: int = DEFAULT_SCALE) -> dict[str, Any]:
    """Fill both databases, measure them side by side, compare."""
    async with (
        throwaway_database("hexashop_bench_catalog") as small_url,
        throwaway_database("hexashop_bench_catalog") as big_url,
    ):
        fill_s = []
        for url, size in ((small_url, SMALL), (big_url, large)):
            started = time.perf_counter()
            await _fill(url, size)
            fill_s.append(round(time.perf_counter() - started, 1))
        small, big = postgres_factory(small_url), postgres_factory(big_url)
        try:
            pairs = await _pairs(small, big, large)
            rows = await _compare(small, big, pairs)
        finally:
            for factory in (small, big):
                assert factory.engine is not None
                await factory.engine.dispose()
        paths = {name: (_path(a), _path(b)) for name, (a, b) in pairs.items()}
        for name, p50 in (await served_p50s((small_url, big_url), paths)).items():
            rows[name]["request_p50_ms"] = p50
            rows[name]["request_ratio"] = round(p50[1] / p50[0], 2)
    return {
        "products": [SMALL, large],
        "fill_s": fill_s,
        "rows": rows,
        "target_ratio": TARGET_RATIO,
        "load_average": os.getloadavg(),
    }


def target_rows(report: dict[str, Any] | None) -> list[tuple[str, float | None, str, float]]:
    """Target rows for run.py's table: each query's large/1k p50 ratio and its statements."""
    if report is None:
        return []
    scale = f"{report['products'][1]:,}"
    rows: list[tuple[str, float | None, str, float]] = []
    for name, row in report["rows"].items():
        ratio = row["request_ratio"]
        rows.append((f"products {name}: request p50 {scale} / 1k", ratio, "<=", TARGET_RATIO))
        five, fifty = row["statements_limit_5_50"]
        rows.append((f"products {name}: statements limit 50 / 5", fifty / five, "<=", 1.0))
    return rows


def print_report(report: dict[str, Any]) -> None:
    """The table a person reads: request and repository p50s, ratios, totals, statements."""
    print(
        f"products {report['products']}, fill seconds {report['fill_s']}, "
        f"load {report['load_average']}"
    )
    print(
        f"{'query':32} {'request 1k':>10} {'big':>8} {'ratio':>6}  "
        f"{'repository 1k':>13} {'big':>8} {'ratio':>6}  totals  statements(5,50)"
    )
    for name, row in report["rows"].items():
        small, big = row["p50_ms"]
        served_small, served_big = row["request_p50_ms"]
        verdict = "ok" if row["request_ratio"] <= report["target_ratio"] else "MISSED"
        print(
            f"{name:32} {served_small:8.2f}ms {served_big:6.2f}ms {row['request_ratio']:6.2f}  "
            f"{small:11.2f}ms {big:6.2f}ms {row['ratio']:6.2f}  "
            f"{row['totals']}  {row['statements_limit_5_50']}  {verdict}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=DEFAULT_SCALE)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(main(args.scale))
    if args.json:
        print(json.dumps(result, indent=2, default=str))
    print_report(result)
