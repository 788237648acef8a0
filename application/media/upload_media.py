"""Use case: a signed-in user uploads a file, streamed from the request to storage."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from uuid import uuid4

from application.media.access import require_user
from application.media.commands import UploadMediaCommand
from application.media.metering import MeteredUpload
from application.media.ports import (
    ImageCleaner,
    ImageRejected,
    MediaUnitOfWork,
    ObjectStorage,
    ScratchSpace,
    StorageUnavailable,
)
from application.media.views import MediaView
from application.shared.actor import Actor
from application.shared.ports import Clock
from domain.errors import ServiceUnavailable
from domain.media import (
    EMPTY_FILE,
    UNREADABLE_IMAGE,
    UNSUPPORTED_TYPE,
    MediaFile,
    refuse_file,
    storage_key,
)
from domain.media_types import IMAGE_TYPES, SNIFF_BYTES, clean_filename, sniff_content_type

logger = logging.getLogger(__name__)

STORAGE_DOWN = "File storage is unavailable"


@dataclass(frozen=True)
class _Stored:
    """What was written under the key: the stored bytes' size, hash and type, and pixels."""

    size_bytes: int
    sha256: str
    content_type: str
    width: int | None = None
    height: int | None = None


class UploadMedia:
    """Store an upload under a new id, then record its row; any signed-in user.

    The type is sniffed from the first bytes, the limit enforced and the SHA-256 computed as
    the bytes arrive. Images are spooled to a scratch file, re-encoded without metadata
    (orientation applied first) and the clean copy stored; anything else streams straight to
    storage as sent. The object is written before the row is committed, and removed again if
    the row can't be, so a row never lacks its object; an object left without a row (a crash
    between the two) is removed by the orphan sweep.
    """

    def __init__(
        self,
        uow: MediaUnitOfWork,
        storage: ObjectStorage,
        cleaner: ImageCleaner,
        scratch: ScratchSpace,
        clock: Clock,
        max_bytes: int,
    ) -> None:
        self._uow = uow
        self._storage = storage
        self._cleaner = cleaner
        self._scratch = scratch
        self._clock = clock
        self._max_bytes = max_bytes

    async def __call__(self, actor: Actor, cmd: UploadMediaCommand) -> MediaView:
        """The stored file, or ValidationFailed (empty, unsupported type, bad image) /
        PayloadTooLarge / ServiceUnavailable (storage or database down, nothing kept)."""
        owner_id = require_user(actor)
        upload = MeteredUpload(cmd.chunks, self._max_bytes)
        head = await upload.head(SNIFF_BYTES)
        if not head:
            raise refuse_file(EMPTY_FILE)
        content_type = sniff_content_type(head)
        if content_type is None:
            raise refuse_file(UNSUPPORTED_TYPE)
        media_id = uuid4()
        key = storage_key(media_id)
        filename = clean_filename(cmd.filename)
        metadata = {"filename": filename}
        if content_type in IMAGE_TYPES:
            stored = await self._store_image(key, upload, content_type, metadata)
        else:
            stored = await self._store_as_sent(key, upload, content_type, metadata)
        try:
            media = MediaFile.create(
                media_id,
                owner_id,
                filename,
                stored.content_type,
                stored.size_bytes,
                stored.sha256,
                self._clock.now(),
                width=stored.width,
                height=stored.height,
            )
            async with self._uow as uow:
                await uow.media_files.add(media)
                await uow.commit()
        except Exception:
            # A cancellation (the client gone during the commit) skips this: the object is
            # then an orphan, which the sweep removes.
            await self._forget(key)
            raise
        return MediaView.from_media(media)

    async def _store_as_sent(
        self, key: str, upload: MeteredUpload, content_type: str, metadata: Mapping[str, str]
    ) -> _Stored:
        try:
            await self._storage.put(key, upload.chunks(), content_type, metadata)
        except StorageUnavailable as exc:
            raise ServiceUnavailable(STORAGE_DOWN) from exc
        return _Stored(upload.size_bytes, upload.sha256, content_type)

    async def _store_image(
        self, key: str, upload: MeteredUpload, content_type: str, metadata: Mapping[str, str]
    ) -> _Stored:
        async with self._scratch.folder() as folder:
            source = folder / "upload"
            await self._scratch.write(source, upload.chunks())
            try:
                cleaned = await self._cleaner.clean(source, content_type, folder / "clean")
            except ImageRejected:
                raise refuse_file(UNREADABLE_IMAGE) from None
            # What is stored is the clean copy: its own size and hash, not the upload's.
            digest = await self._scratch.digest(cleaned.path)
            try:
                await self._storage.put_file(key, cleaned.path, cleaned.content_type, metadata)
            except StorageUnavailable as exc:
                raise ServiceUnavailable(STORAGE_DOWN) from exc
        return _Stored(
            digest.size_bytes, digest.sha256, cleaned.content_type, cleaned.width, cleaned.height
        )

    async def _forget(self, key: str) -> None:
        """Remove an object whose row could not be written; the sweep catches a failure."""
        try:
            await self._storage.delete(key)
        except Exception:
            logger.warning("Could not remove object %s after its row failed; the sweep will", key)
