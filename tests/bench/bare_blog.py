"""The floor the real GET /posts is measured against: Litestar + asyncpg, no layers, no ORM.

One handler running the same five statements as the real endpoint (the page, its total, the
page's tags, its comment counts, its authors' names: the SQL the repositories compile, taken
from them), the same JSON fields, a strong ETag from the body's SHA-256 and Cache-Control.
Run by tests/bench/blog_http.py as `python -m tests.bench.bare_blog` with BENCH_DSN, HOST,
PORT, BENCH_POOL_MIN / BENCH_POOL_MAX.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg
import msgspec
import uvicorn
from litestar import Litestar, Response, get
from sqlalchemy.dialects.postgresql import asyncpg as pg_asyncpg

from adapters.sqlalchemy.blog.comments import _comment_counts_statement
from adapters.sqlalchemy.blog.listing import list_statements
from adapters.sqlalchemy.blog.lookups import _names_statement
from adapters.sqlalchemy.blog.repositories import _tags_statement
from application.shared.paging import COUNT_LIMIT, Sort
from tests.bench.bare_app import create_pool

_DIALECT = pg_asyncpg.dialect()  # type: ignore[no-untyped-call]


def _sql(statement: Any) -> str:
    return str(statement.compile(dialect=_DIALECT))


_PAGE, _COUNT = (
    _sql(s)
    for s in list_statements("postgresql", True, False, False, None, Sort("publishedAt", True))
)
_TAGS = _sql(_tags_statement("postgresql"))
_COUNTS = _sql(_comment_counts_statement("postgresql"))
_NAMES = _sql(_names_statement("postgresql"))
_pool: asyncpg.Pool | None = None


def _rfc3339(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat().replace("+00:00", "Z")


@get("/api/v1/posts")
async def list_posts(page: int = 1, limit: int = 20) -> Response[bytes]:
    """Published posts, newest first, as the real GET /posts returns them."""
    assert _pool is not None
    async with _pool.acquire() as conn:
        # The page's statement takes (limit, offset) in the order SQLAlchemy compiled them;
        # like the repository, one row more (is there a next page?) and a count that stops
        # one past the count limit.
        fetched = await conn.fetch(_PAGE, limit + 1, (page - 1) * limit)
        counted = await conn.fetchval(_COUNT, COUNT_LIMIT + 1)
        rows = fetched[:limit]
        ids = [row["id"] for row in rows]
        tags: defaultdict[Any, list[str]] = defaultdict(list)
        for tag in await conn.fetch(_TAGS, ids):
            tags[tag["post_id"]].append(tag["tag"])
        counts = {r["post_id"]: r["comments"] for r in await conn.fetch(_COUNTS, ids)}
        authors = list({row["author_id"] for row in rows})
        names = {r["id"]: r["name"] for r in await conn.fetch(_NAMES, authors)}
    items = [
        {
            "id": str(row["id"]),
            "slug": row["slug"],
            "title": row["title"],
            "content": row["content"],
            "excerpt": row["excerpt"],
            "published": row["published"],
            "publishedAt": _rfc3339(row["published_at"]),
            "tags": tags[row["id"]],
            "author": {"id": str(row["author_id"]), "name": names.get(row["author_id"])},
            "coverImageId": None if row["cover_image_id"] is None else str(row["cover_image_id"]),
            "commentCount": counts.get(row["id"], 0),
            "createdAt": _rfc3339(row["created_at"]),
            "updatedAt": _rfc3339(row["updated_at"]),
        }
        for row in rows
    ]
    total = min(counted, COUNT_LIMIT)
    pages = -(-total // limit)
    # Opaque to clients; its bytes only need to cost what the real one does to make.
    last = rows[-1] if len(fetched) > limit else None
    next_cursor = (
        None
        if last is None
        else base64.urlsafe_b64encode(
            json.dumps(["publishedAt", 1, _rfc3339(last["published_at"]), str(last["id"])]).encode()
        ).decode()
    )
    body = msgspec.json.encode(
        {
            "data": items,
            "meta": {
                "page": page,
                "limit": limit,
                "total": total,
                "totalPages": pages,
                "totalExact": counted <= COUNT_LIMIT,
                "nextCursor": next_cursor,
            },
        }
    )
    etag = '"' + hashlib.sha256(body).hexdigest() + '"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=60"}
    return Response(body, media_type="application/json", headers=headers)


@asynccontextmanager
async def _lifespan(_app: Litestar) -> AsyncIterator[None]:
    global _pool
    # The /me floor's pool: same bounds, no reset round trip on release.
    _pool = await create_pool()
    try:
        yield
    finally:
        await _pool.close()


app = Litestar([list_posts], lifespan=[_lifespan])

if __name__ == "__main__":
    uvicorn.run(
        app,
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8001")),
        log_level="warning",
        access_log=False,
    )
