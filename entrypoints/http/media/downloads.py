"""Downloads: a visible file's bytes streamed from storage, whole or by range, or a redirect
to a presigned URL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import anyio
from litestar import Controller, Response, get
from litestar.params import HeaderParameter, QueryParameter
from litestar.response import Stream

from application.media.commands import OpenMediaCommand
from application.media.open_media import OpenMedia
from application.media.ports import ObjectRead
from application.media.presign_media import PresignMedia
from application.media.views import MediaDownload
from application.shared.actor import Actor
from entrypoints.http.dependencies import Injected
from entrypoints.http.media.docs import DownloadOperation
from entrypoints.http.media.files import S401_OPTIONAL, S404
from entrypoints.http.media.hooks import DOWNLOAD_ROUTE, authenticate_first
from entrypoints.http.media_support.ranges import (
    content_disposition,
    etag_for,
    if_none_match,
    parse_range,
)
from entrypoints.http.openapi import OPTIONAL_BEARER, SERVER_ERRORS, error_responses
from entrypoints.http.params import ResourceId, parse_uuid


async def _streamed(read: ObjectRead) -> AsyncIterator[bytes]:
    """The read's chunks; the read is closed however the response ends (the client going
    away cancels the stream), shielded so the close itself is not cancelled."""
    try:
        async for chunk in read.chunks:
            yield chunk
    finally:
        with anyio.CancelScope(shield=True):
            await read.aclose()


def _file_headers(download: MediaDownload) -> dict[str, str]:
    media = download.media
    return {
        "ETag": etag_for(media.sha256),
        "Accept-Ranges": "bytes",
        "Content-Disposition": content_disposition(media.filename),
        "X-Content-Type-Options": "nosniff",
    }


def _response(download: MediaDownload) -> Response[Any]:
    headers = _file_headers(download)
    read = download.read
    if read is None:
        return Response(content=None, status_code=304, headers={"ETag": headers["ETag"]})
    headers["Content-Length"] = str(read.end - read.start + 1)
    if download.partial:
        headers["Content-Range"] = f"bytes {read.start}-{read.end}/{read.size}"
    return Stream(
        _streamed(read),
        status_code=206 if download.partial else 200,
        media_type=download.media.content_type,
        headers=headers,
    )


class MediaDownloadsController(Controller):
    """A file's bytes."""

    path = "/media"
    tags = ["media"]
    guards = [authenticate_first]

    @get(
        "/{id:str}",
        name=DOWNLOAD_ROUTE,
        summary="Download a file",
        description="Anyone, for a file an active product shows; otherwise its owner and "
        "admins (anyone else gets 404). Streams the bytes with `Content-Type`, "
        "`Content-Length`, `ETag` (the SHA-256), `Accept-Ranges: bytes` and `Content-"
        "Disposition: attachment` with the original name. `If-None-Match` with the ETag is a "
        "304; one `Range: bytes=a-b` (or `a-`, `-n`) a 206 with `Content-Range`, and a range "
        "outside the file a 416 (a malformed Range is ignored). `?redirect=true` answers 302 "
        "to a short-lived presigned URL when storage is S3, and streams as usual otherwise.",
        security=OPTIONAL_BEARER,
        operation_class=DownloadOperation,
        responses=error_responses(
            *SERVER_ERRORS,
            400,
            401,
            404,
            416,
            s400="The id is not a UUID, or `redirect` is not a boolean.",
            s401=S401_OPTIONAL,
            s404=S404,
            s503="Storage (or the database) is unreachable.",
        ),
    )
    async def download_media(
        self,
        id: ResourceId,
        optional_actor: Injected[Actor | None],
        open_media: Injected[OpenMedia],
        presign_media: Injected[PresignMedia],
        redirect: Annotated[
            bool,
            QueryParameter(
                description="`true`: a 302 to a presigned URL when storage is S3 (local "
                "storage streams the file instead)."
            ),
        ] = False,
        range_header: Annotated[
            str | None,
            HeaderParameter(
                name="Range",
                description="One range, `bytes=a-b`, `bytes=a-` or `bytes=-n`: a 206, or a "
                "416 outside the file. Several ranges, or a malformed value, get the whole file.",
            ),
        ] = None,
        cached_header: Annotated[
            str | None,
            HeaderParameter(
                name="If-None-Match",
                description="ETags of copies the client holds (`*` for any): a 304 when one is "
                "the file's.",
            ),
        ] = None,
    ) -> Response[Any]:
        """Stream the file, part of it, or redirect to it."""
        media_id = parse_uuid(id)
        if redirect:
            url = await presign_media(optional_actor, media_id)
            if url is not None:
                return Response(content=None, status_code=302, headers={"Location": url})
        command = OpenMediaCommand(
            media_id,
            byte_range=lambda size: parse_range(range_header, size),
            cached=lambda sha256: (
                cached_header is not None and if_none_match(cached_header, etag_for(sha256))
            ),
        )
        return _response(await open_media(optional_actor, command))
