"""The OpenAPI description of the blog's response headers, which Litestar can't attach to
any response but the success one, nor give a schema when only documented: the cache headers of
the public reads (on their 200 and their 304), the ETag of a written post and the `Location` of
an old slug's 301."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIHeader,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Reference,
    Schema,
)

from entrypoints.http.blog.caching import PRIVATE_CACHE, PUBLIC_CACHE

Headers = dict[str, OpenAPIHeader | Reference]


def _header(description: str, **schema: Any) -> OpenAPIHeader:
    return OpenAPIHeader(
        schema=Schema(type=OpenAPIType.STRING, **schema), description=description, required=True
    )


def _etag() -> OpenAPIHeader:
    return _header(
        "The SHA-256 (hex) of the body, quoted (on a 304, of the body a 200 would send): a "
        "strong validator for `If-None-Match` (and, on a post, `If-Match`).",
        pattern='^"[0-9a-f]{64}"$',
    )


def _cache_headers() -> Headers:
    return {
        "ETag": _etag(),
        "Cache-Control": _header(
            f"`{PUBLIC_CACHE}` for an anonymous reader; `{PRIVATE_CACHE}` for one whose request "
            "carries an `Authorization` header.",
            enum=[PUBLIC_CACHE, PRIVATE_CACHE],
        ),
        "Vary": _header("Names `Authorization`: the answer differs with and without a token."),
    }


def _add_headers(
    responses: dict[str, OpenAPIResponse | Reference] | None, status: str, headers: Headers
) -> None:
    response = (responses or {}).get(status)
    if isinstance(response, OpenAPIResponse):
        response.headers = {**(response.headers or {}), **headers}


@dataclass
class CacheableRead(Operation):
    """A public read: its 200 and 304 carry `ETag`, `Cache-Control` and `Vary`."""

    def __post_init__(self) -> None:
        for status in ("200", "304"):
            _add_headers(self.responses, status, _cache_headers())


@dataclass
class PostRead(CacheableRead):
    """GET /posts/{slug}: a public read, and a 301 with `Location` for a slug it had before."""

    def __post_init__(self) -> None:
        super().__post_init__()
        location = _header(
            "The post's current path (its current slug).", format=OpenAPIFormat.URI_REFERENCE
        )
        _add_headers(self.responses, "301", {"Location": location})


@dataclass
class PostWrite(Operation):
    """POST and PATCH of a post: the post sent back carries its `ETag`."""

    def __post_init__(self) -> None:
        for status in ("200", "201"):
            _add_headers(self.responses, status, {"ETag": _etag()})
