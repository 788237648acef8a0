"""Who may see a file: the rule every use case that reads one shares."""

from __future__ import annotations

from uuid import UUID

from application.media.ports import MediaUnitOfWork
from application.shared.actor import Actor
from domain.errors import PermissionDenied
from domain.media import MediaFile, MediaNotFound


def require_user(actor: Actor) -> UUID:
    """The caller's user id; the CLI operator is nobody and owns no files."""
    if actor.user_id is None:
        raise PermissionDenied("Only a signed-in user can do this")
    return actor.user_id


async def visible_media(uow: MediaUnitOfWork, actor: Actor | None, media_id: UUID) -> MediaFile:
    """The file if the caller may see it, else MediaNotFound (the same answer as for a file
    that doesn't exist, so ids can't be probed)."""
    media = await uow.media_files.get(media_id)
    if media is None:
        raise MediaNotFound()
    user_id = actor.user_id if actor is not None else None
    is_admin = actor is not None and actor.is_admin
    if media.is_managed_by(user_id, is_admin):
        return media
    # Only asked when it matters: the owner's and admins' reads skip the products.
    if media.is_visible_to(user_id, is_admin, public=await uow.media_usage.is_public(media_id)):
        return media
    raise MediaNotFound()
