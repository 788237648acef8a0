"""The cover image rule writing and editing share."""

from __future__ import annotations

from uuid import UUID

from application.blog.ports import BlogUnitOfWork
from domain.errors import ValidationFailed


async def check_cover(uow: BlogUnitOfWork, cover_image_id: UUID | None) -> None:
    """A cover must name an uploaded file (400 on `coverImageId` otherwise)."""
    if cover_image_id is not None and not await uow.media.exists(cover_image_id):
        raise ValidationFailed.of("coverImageId", "No uploaded file has this id")
