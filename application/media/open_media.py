"""Use case: download a file, or a range of it."""

from __future__ import annotations

import logging

from application.media.access import visible_media
from application.media.commands import OpenMediaCommand
from application.media.ports import (
    MediaUnitOfWork,
    ObjectStorage,
    StorageUnavailable,
    StoredObjectMissing,
)
from application.media.upload_media import STORAGE_DOWN
from application.media.views import MediaDownload, MediaView
from application.shared.actor import Actor
from domain.errors import ServiceUnavailable
from domain.media import MediaNotFound

logger = logging.getLogger(__name__)


class OpenMedia:
    """Open a read of a visible file's bytes (all, or the range asked for)."""

    def __init__(self, uow: MediaUnitOfWork, storage: ObjectStorage) -> None:
        self._uow = uow
        self._storage = storage

    async def __call__(self, actor: Actor | None, cmd: OpenMediaCommand) -> MediaDownload:
        """The download (its read still to be closed by the caller), a download without a read
        when the caller's copy is current, or MediaNotFound / RangeNotSatisfiable /
        ServiceUnavailable."""
        # The row is read and the transaction closed before storage is called.
        async with self._uow as uow:
            media = await visible_media(uow, actor, cmd.media_id)
        view = MediaView.from_media(media)
        if cmd.cached(media.sha256):
            return MediaDownload(view, None)
        byte_range = cmd.byte_range(media.size_bytes)
        start, end = byte_range if byte_range is not None else (0, media.size_bytes - 1)
        try:
            read = await self._storage.read(media.storage_key, start, end)
        except StoredObjectMissing:
            # Rows are written after their objects and deleted before them: this is only a
            # file deleted since its row was read, or storage losing data.
            logger.warning("No object for media %s", media.id)
            raise MediaNotFound() from None
        except StorageUnavailable as exc:
            raise ServiceUnavailable(STORAGE_DOWN) from exc
        return MediaDownload(view, read, partial=byte_range is not None)
