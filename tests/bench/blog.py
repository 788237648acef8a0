"""The blog's part of `make bench` (`BENCH_ONLY=blog` runs it alone): GET /posts real vs
bare (tests/bench/blog_http.py) and the search over 1,000 vs 100,000 posts, as requests and
as repository calls (tests/bench/blog_search.py), with their target rows."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.bench import blog_http, blog_search

SEARCH_POSTS = 100_000


def measure() -> dict[str, Any]:
    """Both blog measurements, each on its own throwaway database."""
    print("measuring GET /posts, real vs bare ...", flush=True)
    http = blog_http.measure(1000)
    print(f"measuring the post search over {SEARCH_POSTS:,} vs 1,000 posts ...", flush=True)
    search = asyncio.run(blog_search.main(SEARCH_POSTS))
    return {"http": http, "search": search}


def target_rows(blog: dict[str, Any] | None) -> list[tuple[str, float | None, str, float]]:
    """Target rows for run.py's table: real/bare, and each search's 100k/1k p50 ratio."""
    if blog is None:
        return []
    rows: list[tuple[str, float | None, str, float]] = [
        ("GET /posts req/s real / bare", blog["http"]["ratio"], ">=", blog_http.TARGET_RATIO)
    ]
    for name, row in blog["search"]["rows"].items():
        if name != blog_search.LIST_ROW:  # the 2x target is the searches'; the list's is reported
            ratio = row["request_ratio"]
            rows.append(
                (f"posts {name}: request p50 100k / 1k", ratio, "<=", blog_search.TARGET_RATIO)
            )
        five, fifty = row["statements_limit_5_50"]
        rows.append((f"posts {name}: statements limit 50 / 5", fifty / five, "<=", 1.0))
    return rows
