"""What runs before every media handler, and where handlers find a file's download path."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler

from entrypoints.http.dependencies import authenticate_if_required

DOWNLOAD_ROUTE = "media:download"


async def authenticate_first(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """A guard: on routes that require a signed-in caller, authenticate before anything else
    (the app's unstorable-text hook, parameters, and above all the upload's body): a missing
    or bad token is a 401 whatever was sent, and not a byte of an upload is read for it."""
    if isinstance(connection, Request):
        await authenticate_if_required(connection)


def download_path(request: Request[Any, Any, Any]) -> Any:
    """The function giving a file's download path (`/api/v1/media/{id}`) from its id."""

    def url_of(media_id: UUID) -> str:
        return request.app.route_reverse(DOWNLOAD_ROUTE, id=str(media_id))

    return url_of
