"""Strong ETags from a response's bytes, conditional requests, and who may cache a read."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any, TypeVar

import msgspec
from litestar import Response
from litestar.openapi.datastructures import ResponseSpec

from entrypoints.http.media_support.ranges import if_none_match
from entrypoints.http.openapi import error_responses

T = TypeVar("T")

# Anonymous readers share one copy (a CDN may keep it a minute); a signed-in reader's copy
# may show drafts, so it is never stored anywhere.
PUBLIC_CACHE = "public, max-age=60"
PRIVATE_CACHE = "private, no-store"


def etag_of(body: bytes) -> str:
    """The strong ETag of a body: its SHA-256 (hex), quoted."""
    return f'"{hashlib.sha256(body).hexdigest()}"'


def struct_etag(value: msgspec.Struct) -> str:
    """The ETag of a response struct, from the very bytes it is sent as."""
    return etag_of(msgspec.json.encode(value))


def if_match(header: str | None, etag: str) -> bool:
    """Whether `If-Match` lets the change apply: absent, `*`, or one of its tags is exactly
    `etag` (strong comparison, RFC 9110 section 13.1.1: a weak tag never matches)."""
    if header is None:
        return True
    value = header.strip()
    if value == "*":
        return True
    return any(tag.strip() == etag for tag in value.split(","))


def cacheable(
    content: Any,
    body: bytes,
    signed_in: bool,
    cached: str | None,
    media_type: str = "application/json",
) -> Response[Any]:
    """A public read: its ETag and Cache-Control, or a 304 when `If-None-Match` names it."""
    etag = etag_of(body)
    headers = {
        "ETag": etag,
        "Cache-Control": PRIVATE_CACHE if signed_in else PUBLIC_CACHE,
        # One URL answers differently with and without a token: caches must keep them apart.
        "Vary": "Authorization",
    }
    if if_none_match(cached, etag):
        return Response(content=b"", status_code=304, headers=headers, media_type=media_type)
    return Response(content=content, headers=headers, media_type=media_type)


def json_errors(*statuses: int, **descriptions: str) -> dict[int, ResponseSpec]:
    """Error statuses documented as JSON even on a route whose success isn't (the feed)."""
    specs = error_responses(*statuses, **descriptions)
    return {code: replace(spec, media_type="application/json") for code, spec in specs.items()}
