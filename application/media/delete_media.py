"""Use case: the owner or an admin deletes a file."""

from __future__ import annotations

import logging
from uuid import UUID

from application.media.ports import MediaUnitOfWork, ObjectStorage
from application.shared.actor import Actor
from domain.media import MediaInUse, MediaNotFound

logger = logging.getLogger(__name__)


class DeleteMedia:
    """Delete a file's row, then its object; refused while a product uses the file."""

    def __init__(self, uow: MediaUnitOfWork, storage: ObjectStorage) -> None:
        self._uow = uow
        self._storage = storage

    async def __call__(self, actor: Actor, media_id: UUID) -> None:
        """Delete, or raise MediaNotFound (also for someone else's file) / MediaInUse."""
        async with self._uow as uow:
            # Locked, so no product can take the file between the check and the delete.
            media = await uow.media_files.get_for_update(media_id)
            if media is None or not media.is_managed_by(actor.user_id, actor.is_admin):
                raise MediaNotFound()
            if await uow.media_usage.is_used(media_id):
                raise MediaInUse()
            await uow.media_files.delete(media_id)
            await uow.commit()
        # After the commit, outside the transaction: a failure here leaves only an object
        # without a row, which the orphan sweep removes.
        try:
            await self._storage.delete(media.storage_key)
        except Exception:
            logger.warning(
                "Could not remove the object of deleted media %s; the sweep will", media_id
            )
