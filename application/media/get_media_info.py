"""Use case: look at a file's details."""

from __future__ import annotations

from uuid import UUID

from application.media.access import visible_media
from application.media.ports import MediaUnitOfWork
from application.media.views import MediaView
from application.shared.actor import Actor


class GetMediaInfo:
    """A file's details: for anyone when a product shows it, else its owner and admins."""

    def __init__(self, uow: MediaUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, actor: Actor | None, media_id: UUID) -> MediaView:
        """The file, or MediaNotFound (also for a file the caller may not see)."""
        async with self._uow as uow:
            media = await visible_media(uow, actor, media_id)
        return MediaView.from_media(media)
