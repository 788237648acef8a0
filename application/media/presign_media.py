"""Use case: a short-lived direct link to a file's bytes, where storage offers one."""

from __future__ import annotations

from uuid import UUID

from application.media.access import visible_media
from application.media.ports import MediaUnitOfWork, ObjectStorage, StorageUnavailable
from application.media.upload_media import STORAGE_DOWN
from application.shared.actor import Actor
from domain.errors import ServiceUnavailable


class PresignMedia:
    """A presigned download URL of a visible file (S3), or None (local storage: stream it)."""

    def __init__(self, uow: MediaUnitOfWork, storage: ObjectStorage, expires_seconds: int) -> None:
        self._uow = uow
        self._storage = storage
        self._expires_seconds = expires_seconds

    async def __call__(self, actor: Actor | None, media_id: UUID) -> str | None:
        """The URL, None when storage has no such thing, or MediaNotFound."""
        async with self._uow as uow:
            media = await visible_media(uow, actor, media_id)
        try:
            return await self._storage.presigned_url(
                media.storage_key, media.filename, media.content_type, self._expires_seconds
            )
        except StorageUnavailable as exc:
            raise ServiceUnavailable(STORAGE_DOWN) from exc
