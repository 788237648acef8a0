"""Refuse text the database can't store, at the perimeter, naming the field (400).

Postgres `text` holds neither U+0000 nor lone surrogates (U+D800..U+DFFF, which UTF-8 can't
encode), and asyncpg fails on them mid-query: a 500 instead of a field error. Such characters
reach us only as `%00` in a path or query, a NUL byte in a header, or a `\\u0000` /
`\\uD800`-style escape in a JSON body (raw NUL bytes are not valid JSON, and raw surrogates
not valid UTF-8). So each source is looked at only when it could hold one, and the domain
never has to know.
"""

from __future__ import annotations

import json
import re
from typing import Any

from litestar import Request

from domain.errors import FieldError, ValidationFailed

MESSAGE = "Must not contain NUL (U+0000) or unpaired surrogate (U+D800..U+DFFF) characters"

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# A JSON escape that may decode to one of them; a literal `\\u0000` (escaped backslash) also
# matches, which only costs a walk.
_RISKY_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")
# Request headers whose values are stored, by their raw name.
_STORED_HEADERS = {b"idempotency-key": "Idempotency-Key"}
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def _refuse(field: str) -> ValidationFailed:
    return ValidationFailed(FieldError(field, MESSAGE))


def unstorable_path(value: Any, path: str = "") -> str | None:
    """Where in a decoded JSON value a string holds an unstorable character (`items[0].name`,
    `body` at the top level), or None when nothing does."""
    if isinstance(value, str):
        return (path or "body") if _UNSTORABLE.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            if _UNSTORABLE.search(key):
                return path or "body"  # the key itself can't be a field name in the reply
            found = unstorable_path(item, inner)
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = unstorable_path(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def check_json_body(body: bytes) -> None:
    """Raise a 400 field error when the JSON body holds an unstorable character."""
    if not _RISKY_ESCAPE.search(body):
        return
    try:
        # The stdlib decoder, because msgspec refuses lone surrogates outright.
        value = json.loads(body)
    except ValueError:
        return  # malformed: Litestar reports it as usual
    field = unstorable_path(value)
    if field is not None:
        raise _refuse(field)


async def refuse_unstorable_input(request: Request[Any, Any, Any]) -> None:
    """Raise a 400 field error when a path or query parameter, or a stored header, holds an
    unstorable character. The app's `before_request` hook, and part of the strict body check.

    Async, because Litestar runs a synchronous hook on a worker thread."""
    scope = request.scope
    for name, value in (scope.get("path_params") or {}).items():
        if isinstance(value, str) and _UNSTORABLE.search(value):
            raise _refuse(name)
    query = scope.get("query_string") or b""
    if b"%00" in query or b"\x00" in query:
        for name, value in request.query_params.multi_items():
            if _UNSTORABLE.search(name):
                raise _refuse("query")
            if _UNSTORABLE.search(value):
                raise _refuse(name)
    if scope.get("method") in _BODY_METHODS:
        for header, raw in scope.get("headers") or ():
            field = _STORED_HEADERS.get(header.lower())
            if field is not None and b"\x00" in raw:
                raise _refuse(field)
