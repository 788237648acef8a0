"""Use case: a comment's author, the post's author, an editor or an admin deletes a comment."""

from __future__ import annotations

from uuid import UUID

from application.blog.access import reader_of
from application.blog.ports import BlogUnitOfWork
from application.shared.actor import Actor
from domain.blog import CommentNotFound
from domain.errors import PermissionDenied


class DeleteComment:
    """Delete a comment."""

    def __init__(self, uow: BlogUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, actor: Actor, comment_id: UUID) -> None:
        """Delete, or CommentNotFound / PermissionDenied."""
        reader = reader_of(actor)
        async with self._uow as uow:
            comment = await uow.comments.get(comment_id)
            post = await uow.posts.get(comment.post_id) if comment is not None else None
            if comment is None or post is None or not post.is_visible_to(reader):
                raise CommentNotFound()
            if not comment.may_be_deleted_by(reader, post):
                raise PermissionDenied(
                    "Only the comment's author, the post's author, editors and admins "
                    "delete a comment"
                )
            await uow.comments.delete(comment_id)
            await uow.commit()
