"""Use case: the author or an admin deletes a post, its comments with it."""

from __future__ import annotations

from uuid import UUID

from application.blog.access import reader_of, visible_post
from application.blog.ports import BlogUnitOfWork
from application.shared.actor import Actor
from domain.errors import PermissionDenied


class DeletePost:
    """Delete a post and its comments; its author and admins (editors edit but don't delete)."""

    def __init__(self, uow: BlogUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, actor: Actor, post_id: UUID) -> None:
        """Delete, or PostNotFound / PermissionDenied."""
        reader = reader_of(actor)
        async with self._uow as uow:
            post = await visible_post(uow, reader, post_id)
            if not post.may_be_deleted_by(reader):
                raise PermissionDenied("Only the author and admins delete a post")
            await uow.posts.delete(post_id)
            await uow.commit()
