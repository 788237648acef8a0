"""What runs before every media handler, and where handlers find a file's download path."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request

from entrypoints.http.dependencies import authenticate_if_required
from entrypoints.http.storable import refuse_unstorable_input

DOWNLOAD_ROUTE = "media:download"


async def before_media_request(request: Request[Any, Any, Any]) -> None:
    """Authenticate where the route requires it, before a byte of an upload is read (a
    missing or bad token is a 401 whatever was sent), and refuse unstorable text in the path
    and query. Async, because Litestar runs a synchronous hook on a worker thread."""
    await authenticate_if_required(request)
    await refuse_unstorable_input(request)


def download_path(request: Request[Any, Any, Any]) -> Any:
    """The function giving a file's download path (`/api/v1/media/{id}`) from its id."""

    def url_of(media_id: UUID) -> str:
        return request.app.route_reverse(DOWNLOAD_ROUTE, id=str(media_id))

    return url_of
