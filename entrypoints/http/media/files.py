"""Files: signed-in users upload, list and delete them; anyone reads a visible file's details."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, post
from litestar.params import QueryParameter

from application.media.commands import ListMediaQuery, UploadMediaCommand
from application.media.delete_media import DeleteMedia
from application.media.get_media_info import GetMediaInfo
from application.media.list_media import ListMedia
from application.media.ports import MEDIA_SORT_FIELDS
from application.media.upload_media import UploadMedia
from application.shared.actor import Actor
from application.shared.paging import PageRequest
from entrypoints.http.dependencies import Injected
from entrypoints.http.media.docs import UploadOperation
from entrypoints.http.media.hooks import authenticate_first, download_path
from entrypoints.http.media.schemas import MediaPage, MediaResponse
from entrypoints.http.media_support.multipart import read_file_field
from entrypoints.http.openapi import BEARER, OPTIONAL_BEARER, SERVER_ERRORS, error_responses
from entrypoints.http.params import (
    DEFAULT_PAGE,
    DEFAULT_PAGE_LIMIT,
    PageCursor,
    PageLimit,
    PageNumber,
    ResourceId,
    parse_uuid,
    sort_parameter,
)

_SIGNED_IN = (*SERVER_ERRORS, 401)
_S400_ID = "The id is not a UUID."
S401_OPTIONAL = "An Authorization header was sent but its token is missing, bad or expired."
S404 = (
    "No file with this id, or one the caller may not see: a file no active product shows is "
    "its owner's and the admins' only."
)


class MediaFilesController(Controller):
    """Uploading, listing, describing and deleting files."""

    path = "/media"
    tags = ["media"]
    guards = [authenticate_first]

    @post(
        "/",
        status_code=201,
        summary="Upload a file",
        description="Any signed-in user. A multipart form whose `file` part is streamed to "
        "storage as it arrives. The type is sniffed from the first bytes, never taken from "
        "the name or the declared type: PNG, JPEG, GIF, WebP, PDF, MP3, MP4 or WebM; anything "
        "else (SVG and HTML included) is a 400, and so is an empty file. Images are re-encoded "
        "without their EXIF/XMP metadata (GPS included), their orientation applied; "
        "`width`/`height` are recorded. The file is stored under a new UUID, its (cleaned) "
        "original name kept for downloads.",
        security=BEARER,
        operation_class=UploadOperation,
        responses=error_responses(
            *_SIGNED_IN,
            400,
            413,
            s400="No `file` part (or not a multipart form), an empty file, a type that is not "
            "allowed, or an image that can't be decoded or has more pixels than the limit "
            "(a decompression bomb); `errors[0].field` is `file`.",
            s413="The file is larger than `MEDIA_MAX_BYTES` (default 10 MiB); refused as soon "
            "as the limit is passed.",
            s503="Storage (or the database) is unreachable; nothing was kept.",
        ),
    )
    async def upload_media(
        self,
        request: Request[Any, Any, Any],
        actor: Injected[Actor],
        upload_media: Injected[UploadMedia],
    ) -> MediaResponse:
        """Store an uploaded file."""
        part = await read_file_field(request.stream(), request.headers.get("content-type", ""))
        command = UploadMediaCommand(part.filename, part.chunks, part.declared_type)
        return MediaResponse.of(await upload_media(actor, command), download_path(request))

    @get(
        "/",
        summary="List files",
        description="The caller's own files, newest first; admins see everyone's and may "
        "filter by `ownerId`.",
        security=BEARER,
        responses=error_responses(
            *_SIGNED_IN, 400, s400="Invalid page, limit, cursor, ownerId or sort."
        ),
    )
    async def list_media(
        self,
        request: Request[Any, Any, Any],
        actor: Injected[Actor],
        list_media: Injected[ListMedia],
        page: PageNumber = DEFAULT_PAGE,
        limit: PageLimit = DEFAULT_PAGE_LIMIT,
        cursor: PageCursor = None,
        owner_id: Annotated[
            str | None,
            QueryParameter(
                name="ownerId",
                description="Admins only: one user's files (ignored for others).",
                schema_extra={"format": "uuid"},
                max_length=64,
            ),
        ] = None,
        sort: Annotated[str | None, sort_parameter(MEDIA_SORT_FIELDS)] = None,
    ) -> MediaPage:
        """One page of files."""
        query = ListMediaQuery(
            owner_id=parse_uuid(owner_id, "ownerId") if owner_id is not None else None,
            sort=sort,
            page=PageRequest.of(page, limit, cursor),
        )
        return MediaPage.of(await list_media(actor, query), download_path(request))

    @get(
        "/{id:str}/info",
        summary="Describe a file",
        description="Anyone, for a file an active product shows; otherwise its owner and "
        "admins (anyone else gets 404).",
        security=OPTIONAL_BEARER,
        responses=error_responses(
            *SERVER_ERRORS, 400, 401, 404, s400=_S400_ID, s401=S401_OPTIONAL, s404=S404
        ),
    )
    async def get_media_info(
        self,
        request: Request[Any, Any, Any],
        id: ResourceId,
        optional_actor: Injected[Actor | None],
        get_media_info: Injected[GetMediaInfo],
    ) -> MediaResponse:
        """One file's details."""
        view = await get_media_info(optional_actor, parse_uuid(id))
        return MediaResponse.of(view, download_path(request))

    @delete(
        "/{id:str}",
        status_code=204,
        summary="Delete a file",
        description="Its owner or an admin. Refused (409) while a product refers to the file: "
        "remove it from the product first.",
        security=BEARER,
        responses=error_responses(
            *_SIGNED_IN,
            400,
            404,
            409,
            s400=_S400_ID,
            s404="No file with this id, or it is someone else's.",
            s409="A product refers to the file.",
        ),
    )
    async def delete_media(
        self, id: ResourceId, actor: Injected[Actor], delete_media: Injected[DeleteMedia]
    ) -> None:
        """Delete a file and its bytes."""
        await delete_media(actor, parse_uuid(id))
