"""The media actions on the use cases, with files in memory."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from uuid import UUID

from dependency_injector import providers

from adapters.memory.storage import MemoryObjectStorage
from adapters.scratch import LocalScratchSpace
from application.media.commands import ListMediaQuery, OpenMediaCommand, UploadMediaCommand
from application.media.views import MediaDownload, MediaView
from application.shared.actor import Actor
from application.shared.paging import Page, PageRequest
from entrypoints.http.media_support.ranges import etag_for, parse_range
from tests.bdd.media.driver import Download, MediaDriver, MediaFilters, download_data, media_data
from tests.bdd.shared.outcome import Outcome
from tests.bdd.shared.shapes import page_of
from tests.bdd.shared.use_case import UseCaseSystem

# Scratch folders are removed after each upload; the root is shared by every scenario.
SCRATCH_ROOT = Path(tempfile.gettempdir()) / "hexashop-spec-scratch"

CHUNK = 64 * 1024


async def _chunks(content: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(content), CHUNK):
        yield content[start : start + CHUNK]


class UseCaseMedia(MediaDriver):
    """Calls the media use cases from the container; bytes in memory storage."""

    system: UseCaseSystem

    def __init__(self, system: UseCaseSystem) -> None:
        super().__init__(system, MemoryObjectStorage())
        self.container = system.container
        self.container.core.storage.override(providers.Object(self.storage))
        self.container.media.scratch.override(
            providers.Singleton(LocalScratchSpace, root=SCRATCH_ROOT)
        )

    def upload(
        self, access: str | None, filename: str, content: bytes, declared_type: str | None
    ) -> Outcome:
        """Upload a file, streamed in chunks as the HTTP layer hands them over."""

        def act(actor: Actor) -> Any:
            cmd = UploadMediaCommand(filename, _chunks(content), declared_type)
            return self.container.media.upload_media()(actor, cmd)

        return self.system.as_bearer(access, act, media_data)

    def list_files(self, access: str | None, filters: MediaFilters) -> Outcome:
        """List files."""

        async def act(actor: Actor) -> Page[MediaView]:
            query = ListMediaQuery(
                owner_id=UUID(filters.owner_id) if filters.owner_id else None,
                sort=filters.sort,
                page=PageRequest(page=filters.page or 1, limit=filters.limit or 20),
            )
            return await self.container.media.list_media()(actor, query)

        return self.system.as_bearer(access, act, page_of(media_data))

    def file_info(self, access: str | None, media_id: str) -> Outcome:
        """Look at a file's details."""
        return self.system.as_anyone(
            access,
            lambda actor: self.container.media.get_media_info()(actor, UUID(media_id)),
            media_data,
        )

    def download(self, access: str | None, media_id: str, request: Download) -> Outcome:
        """Download a file, reading the whole stream and closing it, as a response would."""
        header = (
            f"bytes={request.byte_range[0]}-{request.byte_range[1]}" if request.byte_range else None
        )

        async def act(actor: Actor | None) -> dict[str, Any]:
            cmd = OpenMediaCommand(
                UUID(media_id),
                byte_range=lambda size: parse_range(header, size),
                cached=lambda sha256: request.etag == etag_for(sha256),
            )
            download: MediaDownload = await self.container.media.open_media()(actor, cmd)
            media = download.media
            if download.read is None:
                return download_data(304, b"", None, media.sha256)
            try:
                body = b"".join([chunk async for chunk in download.read.chunks])
            finally:
                await download.read.aclose()
            status = 206 if download.partial else 200
            return download_data(status, body, media.content_type, media.sha256)

        return self.system.as_anyone(access, act, lambda data: data)

    def delete(self, access: str | None, media_id: str) -> Outcome:
        """Delete a file."""
        return self.system.as_bearer(
            access,
            lambda actor: self.container.media.delete_media()(actor, UUID(media_id)),
            lambda _: None,
        )
