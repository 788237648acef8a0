"""Request checks shared by the JSON endpoints."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import HTTPException

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def _is_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


async def require_json_body(request: Request[Any, Any, Any]) -> None:
    """Refuse a declared non-JSON body with 415 (a missing Content-Type is parsed as JSON)."""
    if request.method not in _BODY_METHODS:
        return
    content_type = request.headers.get("content-type")
    if content_type and not _is_json(content_type):
        raise HTTPException(status_code=415)
